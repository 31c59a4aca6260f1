"""Run a build — a list of steps — over a data set and a framework, keeping everything.

The build is data (BUILD.yaml)::

    steps:
      - denominate: {}
      - impute: {method: group_mean, group: EurAsia_group}
      - screen: {min_data: 0.9}
      - treat: {method: winsorise_then_log, winmax: 5, skew: 2.0, kurtosis: 3.5}
      - normalise: {method: minmax, range: [0, 100]}
      - weight: {method: entropy}          # optional; after normalise
      - aggregate: {method: arithmetic}    # or {method: {2: geometric, 3: arithmetic}}

Steps run in the order listed. Every intermediate data set (``Raw``, ``Denominated``, ...) and
every step's record is kept (or not at all with ``keep=False``): compactly, as the steps hand
the data sets on (see :mod:`~innovation_monitor.composite.columns`); ``screen`` drops
screened-out indicators from the framework and ``weight`` rewrites its weights, and later steps
use that framework. The data are checked once, here; the steps then pass their columns along.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from innovation_monitor.composite.aggregate import aggregate
from innovation_monitor.composite.dataset import Data, check_data, id_columns
from innovation_monitor.composite.denominate import denominate
from innovation_monitor.composite.framework import Framework
from innovation_monitor.composite.impute import impute
from innovation_monitor.composite.normalise import normalise
from innovation_monitor.composite.pages import ordinary_pages
from innovation_monitor.composite.record import StepRecord
from innovation_monitor.composite.results import Results, make_results
from innovation_monitor.composite.screen import screen
from innovation_monitor.composite.treat import treat
from innovation_monitor.composite.weight import weight
from innovation_monitor.composite.weighters import WEIGHTERS
from innovation_monitor.errors import FrameworkError, IngestError
from innovation_monitor.yaml_file import read_yaml

STEPS: dict[str, Callable[..., tuple[Any, StepRecord]]] = {
    "denominate": denominate,
    "impute": impute,
    "screen": screen,
    "treat": treat,
    "normalise": normalise,
    "weight": weight,
    "aggregate": aggregate,
}
#: Data set written by each data step, as COINr names them (``weight`` changes the framework).
DATASET_NAMES = {
    "denominate": "Denominated",
    "impute": "Imputed",
    "screen": "Screened",
    "treat": "Treated",
    "normalise": "Normalised",
    "aggregate": "Aggregated",
}
FLOAT_FORMAT = "%.17g"  # full double precision, so written results compare exactly

Step = tuple[str, dict[str, Any]]


class Datasets(Mapping[str, pd.DataFrame]):
    """The data sets of a build by name, in order; each is made into a new frame when it is
    read, so the frames returned may be changed freely."""

    def __init__(self) -> None:
        self._data: dict[str, Data] = {}

    def add(self, name: str, data: Data) -> None:
        self._data[name] = data

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self._data[name].to_frame()

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"Datasets({list(self._data)})"


@dataclass
class Build:
    """Everything a build produced."""

    steps: list[Step]
    framework: Framework  # as the last step used it (screened, re-weighted)
    datasets: Mapping[str, pd.DataFrame] = field(default_factory=Datasets)  # "Raw" first
    records: list[StepRecord] = field(default_factory=list)
    frameworks: list[Framework] = field(default_factory=list)  # the framework after each step
    results: Results | None = None  # from the last aggregate step

    def output_names(self) -> list[str]:
        """A file stem per step, in order: the step name, ``_2`` etc. when it repeats."""
        return _numbered([name for name, _ in self.steps])


def parse_steps(steps: Any, source: str = "build") -> list[Step]:
    """Check the shape of a step list: ``{steps: [...]}`` or the list itself, each item one
    ``{step: {param: value}}`` mapping (or a ``(step, params)`` pair)."""
    if isinstance(steps, Mapping) and set(steps) == {"steps"}:
        steps = steps["steps"]
    elif isinstance(steps, Mapping):
        raise FrameworkError(
            f"{source}: unknown key(s) {sorted(set(steps) - {'steps'})}; expected only 'steps'"
        )
    if not isinstance(steps, Sequence) or isinstance(steps, str) or not steps:
        raise FrameworkError(f"{source}: 'steps' must be a non-empty list")
    parsed: list[Step] = []
    for number, item in enumerate(steps, start=1):
        if isinstance(item, tuple) and len(item) == 2:
            item = {item[0]: item[1]}
        if not isinstance(item, Mapping) or len(item) != 1:
            raise FrameworkError(
                f"{source}: step {number} must be one mapping like 'normalise: {{...}}', "
                f"got {item!r}"
            )
        ((name, params),) = item.items()
        if name not in STEPS:
            raise FrameworkError(
                f"{source}: step {number} is unknown step {name!r}; expected one of {list(STEPS)}"
            )
        if params is None:
            params = {}
        if not isinstance(params, Mapping):
            raise FrameworkError(
                f"{source}: parameters of step {number} ({name}) must be a mapping"
            )
        parsed.append((name, dict(params)))
    return parsed


def _numbered(names: list[str]) -> list[str]:
    """Make repeated names unique: ``normalise``, ``normalise_2``, ..."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name}_{seen[name]}")
    return out


def load_build(path: Path | str) -> list[Step]:
    """Read a BUILD.yaml file."""
    return parse_steps(read_yaml(path, "build file"), source=str(path))


@functools.cache
def _keywords(func: Callable[..., Any]) -> tuple[str, ...] | None:
    """The keyword parameters a step takes (None: any, it checks its own)."""
    signature = inspect.signature(func)
    if any(p.kind is p.VAR_KEYWORD for p in signature.parameters.values()):
        return None
    return tuple(p.name for p in signature.parameters.values() if p.kind is p.KEYWORD_ONLY)


def _check_keywords(name: str, func: Callable[..., Any], params: Mapping[str, Any]) -> None:
    """Unknown parameters of a step with a fixed signature (the others check their own)."""
    allowed = _keywords(func)
    if allowed is None:
        return
    unknown = sorted(set(params) - set(allowed))
    if unknown:
        raise FrameworkError(
            f"{name}: unknown parameter(s) {unknown}; expected some of {list(allowed)}"
        )


def _data_driven(method: Any) -> bool:
    """Whether ``method`` is a weighting method that derives the weights from the data."""
    return method in WEIGHTERS and WEIGHTERS[method].data_driven


def _step_function(
    name: str, params: Mapping[str, Any], normalised: bool
) -> Callable[..., tuple[Any, StepRecord]]:
    """The function of step ``name``, its keywords and its place checked (a data-driven weight
    step needs normalised data)."""
    func = STEPS[name]
    _check_keywords(name, func, params)
    if name == "weight" and _data_driven(params.get("method")) and not normalised:
        raise FrameworkError(
            f"weight {{method: {params['method']}}} needs normalised, direction-adjusted "
            "data: put the weight step after normalise"
        )
    return func


@ordinary_pages()
def run_build(data: pd.DataFrame, framework: Framework, steps: Any, *, keep: bool = True) -> Build:
    """Run ``steps`` (anything :func:`parse_steps` accepts) in order over ``data`` (COINr's
    iData) and ``framework`` (its iMeta).

    With ``keep`` (the default) the build keeps every data set and every step's changed cells
    (made into frames when read); without it, only the results, the frameworks and the step
    records' summaries, which is all a caller after the scores needs.
    """
    parsed = parse_steps(steps)
    check_data(data, framework.indicators, what="data")
    current = Data.from_frame(data, framework.indicators)
    datasets = Datasets()
    build = Build(steps=parsed, framework=framework, datasets=datasets)
    if keep:
        datasets.add("Raw", current)
    normalised = False
    labels: list[str] = []
    for name, params in parsed:
        func = _step_function(name, params, normalised)
        output, record = func(current, build.framework, **params)
        if name == "weight":
            build.framework = output
        else:
            if record.dropped_indicators:
                build.framework = build.framework.without(record.dropped_indicators)
            labels.append(DATASET_NAMES[name])
            if keep:
                datasets.add(_numbered(labels)[-1], output)
            current = output
        normalised = normalised or name == "normalise"
        build.records.append(record if keep else record.without_cells())
        build.frameworks.append(build.framework)
        if name == "aggregate":
            build.results = make_results(current, build.framework, record.tables.get("topsis"))
    return build


def replay_steps(
    data: Data, framework: Framework, steps: Sequence[Step], *, normalised: bool = False
) -> tuple[Data, Framework]:
    """Run parsed ``steps`` over a data set already inside a build, keeping nothing (COINr's
    ``Regen(from = ...)``): ``data`` and ``framework`` are what the build had before the first
    of them, ``normalised`` whether it had normalised by then. An uncertainty analysis computes
    the steps before the first perturbed one once and replays the rest per alternative."""
    for name, params in steps:
        func = _step_function(name, params, normalised)
        output, record = func(data, framework, **params)
        if name == "weight":
            framework = output
        else:
            if record.dropped_indicators:
                framework = framework.without(record.dropped_indicators)
            data = output
        normalised = normalised or name == "normalise"
    return data, framework


def dataset_view(data: pd.DataFrame, framework: Framework) -> pd.DataFrame:
    """The columns a data set is written with: ids, then indicators and aggregates present."""
    codes = [c for c in (*framework.indicators, *framework.aggregates) if c in data.columns]
    return data[id_columns(data) + codes]


def run_build_files(
    data_csv: Path | str, meta_csv: Path | str, build_yaml: Path | str, out_dir: Path | str
) -> list[Path]:
    """Read COINr-style ``iData`` and ``iMeta`` CSVs and a BUILD.yaml, run the build, and write
    ``<step>.csv`` for every step in order (the ``weight`` step writes the weights) plus
    ``results.csv`` (every aggregate's score and rank) when the build aggregates.
    Returns the written paths in that order."""
    data_csv, meta_csv, out = Path(data_csv), Path(meta_csv), Path(out_dir)
    try:
        data = pd.read_csv(data_csv)
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as err:
        raise IngestError(f"{data_csv}: cannot read the data CSV ({err})") from None
    try:
        imeta = pd.read_csv(meta_csv)
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as err:
        raise FrameworkError(f"{meta_csv}: cannot read the metadata CSV ({err})") from None
    framework = Framework.from_imeta(imeta, source=str(meta_csv))
    steps = load_build(build_yaml)
    check_data(data, framework.indicators, what=str(data_csv))
    build = run_build(data, framework, steps)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    datasets = iter(list(build.datasets)[1:])
    for stem, (name, _), record, used in zip(
        build.output_names(), build.steps, build.records, build.frameworks, strict=True
    ):
        path = out / f"{stem}.csv"
        if name == "weight":
            table = record.details
        else:
            table = dataset_view(build.datasets[next(datasets)], used)
        table.to_csv(path, index=False, float_format=FLOAT_FORMAT)
        written.append(path)
    if build.results is not None:
        path = out / "results.csv"
        build.results.table().to_csv(path, index=False, float_format=FLOAT_FORMAT)
        written.append(path)
    return written
