"""What an uncertainty analysis varies (its spec, UA.yaml) and how a draw becomes parameters.

The spec says which methodological choices are uncertain::

    replications: 2000        # Monte Carlo replications of the uncertainty analysis
    seed: 1                   # numpy Generator seed: the same seed gives the same results
    target: Index             # optional: the aggregate whose ranks are analysed (the index)
    perturb:
      - weights: {level: 2, noise: 0.25}    # the weights of the level-2 nodes (the pillars)
      - step: normalise                     # the build's normalise step replaced by one of
        alternatives:                       # these, each equally likely
          - {method: minmax, range: [1, 100]}
          - {method: zscore, mean: 10, sd: 2}
      - exclude: [Goods, Services]          # none of them, or one left out; `all`: any one
    sensitivity: {samples: 512, bootstrap: 100}   # optional (these defaults); false: none;
                                                  # per_unit: true adds each unit's rank

Each entry is one uncertain input. ``weights`` is COINr's ``get_noisy_weights``: every node of
iMeta level ``level`` gets its weight multiplied by its own U(1 − noise, 1 + noise) factor, so
level 2 perturbs the pillars' weights, which build level 3. A ``step`` entry replaces that step
of the build, parameters and all, by one alternative (list the build's own to keep it in play).
``exclude`` is COINr's ``exclude_iCodes`` with a discrete distribution: each replication keeps
every indicator or leaves one of the listed out, each of the n + 1 cases equally likely; an
indicator left out is aggregated with weight 0, so its pillar's other weights are rescaled (as
rebuilding without it would, for builds whose steps treat indicators one by one; a data-driven
``weight`` step is not refitted).

A replication is a row of uniform numbers u in [0, 1), one per variable: one per node of a
``weights`` input (factor 1 + noise · (2u − 1), as COINr), one per ``step`` input (alternative
i, counted from 0, when i/n ≤ u < (i + 1)/n for n alternatives: COINr's ``cut`` of the sample
into n equal intervals), one per ``exclude`` input (case i of its n + 1 the same way: 0 keeps
every indicator, i leaves out the i-th listed). The uncertainty analysis draws the rows from
the seeded Generator; the sensitivity analysis takes them from SALib's Sobol design, so both map
them the same way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from innovation_monitor.composite.build import STEPS, Step, parse_steps
from innovation_monitor.composite.framework import Framework
from innovation_monitor.errors import FrameworkError
from innovation_monitor.yaml_file import YamlDocument, load_yaml

SPEC_KEYS = ("replications", "seed", "target", "perturb", "sensitivity")
SENSITIVITY_DEFAULTS: dict[str, Any] = {"samples": 512, "bootstrap": 100, "per_unit": False}


@dataclass(frozen=True)
class WeightNoise:
    """The weights of the nodes at one iMeta level, each times its own U(1 − noise, 1 + noise)."""

    level: int
    noise: float

    @property
    def name(self) -> str:
        return f"weights_level_{self.level}"


@dataclass(frozen=True)
class StepChoice:
    """One step of the build replaced by one of ``alternatives``, each equally likely."""

    step: str
    alternatives: tuple[dict[str, Any], ...]

    @property
    def name(self) -> str:
        return self.step


@dataclass(frozen=True)
class Exclusion:
    """One indicator left out at a time: none, or one of ``indicators`` (``()``: any indicator
    of the framework), each case equally likely."""

    indicators: tuple[str, ...]

    @property
    def name(self) -> str:
        return "exclude"


Perturbation = WeightNoise | StepChoice | Exclusion


@dataclass(frozen=True)
class Sensitivity:
    """The variance-based sensitivity analysis: Sobol design of ``samples`` base points (a power
    of two), confidence intervals from ``bootstrap`` resamples, and with ``per_unit`` the indices
    on each unit's rank too (one SALib analysis per unit: for a few hundred units)."""

    samples: int
    bootstrap: int
    per_unit: bool = False


@dataclass(frozen=True)
class UncertaintySpec:
    """A parsed UA.yaml (see the module docstring)."""

    replications: int
    seed: int
    perturb: tuple[Perturbation, ...]
    target: str | None = None
    sensitivity: Sensitivity | None = Sensitivity(**SENSITIVITY_DEFAULTS)
    source: str = "uncertainty spec"  # the file, for messages

    @property
    def steps(self) -> tuple[StepChoice, ...]:
        return tuple(p for p in self.perturb if isinstance(p, StepChoice))

    @property
    def weights(self) -> tuple[WeightNoise, ...]:
        return tuple(p for p in self.perturb if isinstance(p, WeightNoise))


class _Where:
    """Names a key of the spec in an error message, with its line when read from a file."""

    def __init__(self, source: str, document: YamlDocument | None) -> None:
        self.source, self.document = source, document

    def error(self, keys: Sequence[str | int], message: str) -> FrameworkError:
        path = "".join(f"[{k}]" if isinstance(k, int) else f".{k}" for k in keys).lstrip(".")
        line = self.document.line(*keys) if self.document is not None and keys else None
        at = f", line {line}" if line else ""
        return FrameworkError(f"{self.source}{at}: {path or 'spec'}: {message}")


def _whole(value: Any, low: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= low


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and np.isfinite(value)


def _mapping(value: Any, keys: Sequence[str | int], allowed: Sequence[str], where: _Where) -> dict:
    if not isinstance(value, Mapping):
        raise where.error(keys, f"expected a mapping with keys {list(allowed)}, got {value!r}")
    unknown = sorted(set(map(str, value)) - set(allowed))
    if unknown:
        raise where.error(keys, f"unknown key(s) {unknown}; expected some of {list(allowed)}")
    return dict(value)


def _weights(value: Any, keys: list[str | int], where: _Where) -> WeightNoise:
    spec = _mapping(value, keys, ("level", "noise"), where)
    for key in ("level", "noise"):
        if key not in spec:
            raise where.error(keys, f"missing '{key}'")
    if not _whole(spec["level"], 1):
        raise where.error([*keys, "level"], f"is {spec['level']!r}; expected an iMeta level ≥ 1")
    noise = spec["noise"]
    if not _number(noise) or not 0 <= noise <= 1:
        raise where.error(
            [*keys, "noise"], f"is {noise!r}; expected a share from 0 to 1 (0.25: ±25 %)"
        )
    return WeightNoise(int(spec["level"]), float(noise))


def _step(value: Mapping[str, Any], keys: list[str | int], where: _Where) -> StepChoice:
    spec = _mapping(value, keys, ("step", "alternatives"), where)
    name = spec.get("step")
    if name not in STEPS:
        raise where.error([*keys, "step"], f"is {name!r}; expected one of {list(STEPS)}")
    alternatives = spec.get("alternatives")
    if not isinstance(alternatives, list) or not alternatives:
        raise where.error(keys, "'alternatives' must be a non-empty list of step parameters")
    parsed = []
    for j, params in enumerate(alternatives):
        at = [*keys, "alternatives", j]
        if params is not None and not isinstance(params, Mapping):
            raise where.error(at, f"expected a mapping of {name} parameters, got {params!r}")
        try:
            ((_, checked),) = parse_steps([{name: params}], source="alternative")
        except FrameworkError as err:
            raise where.error(at, str(err)) from None
        parsed.append(checked)
    return StepChoice(str(name), tuple(parsed))


def _exclusion(value: Any, keys: list[str | int], where: _Where) -> Exclusion:
    if value == "all":
        return Exclusion(())
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise where.error(keys, f"is {value!r}; expected 'all' or a list of indicator codes")
    if len(set(value)) != len(value):
        raise where.error(keys, "lists an indicator twice")
    return Exclusion(tuple(value))


def _sensitivity(value: Any, where: _Where) -> Sensitivity | None:
    if value is False:
        return None
    if value is None or value is True:
        return Sensitivity(**SENSITIVITY_DEFAULTS)
    spec = {
        **SENSITIVITY_DEFAULTS,
        **_mapping(value, ["sensitivity"], ("samples", "bootstrap", "per_unit"), where),
    }
    samples = spec["samples"]
    if not _whole(samples, 2) or samples & (samples - 1):
        raise where.error(
            ["sensitivity", "samples"],
            f"is {samples!r}; expected a power of two ≥ 2 (Sobol points are balanced only then)",
        )
    if not _whole(spec["bootstrap"], 1):
        raise where.error(["sensitivity", "bootstrap"], f"is {spec['bootstrap']!r}; expected ≥ 1")
    if not isinstance(spec["per_unit"], bool):
        raise where.error(
            ["sensitivity", "per_unit"], f"is {spec['per_unit']!r}; expected true or false"
        )
    return Sensitivity(int(samples), int(spec["bootstrap"]), spec["per_unit"])


def parse_uncertainty_spec(
    raw: Any, source: str = "uncertainty spec", document: YamlDocument | None = None
) -> UncertaintySpec:
    """Check a spec's shape (every bad key is one :class:`FrameworkError` naming it)."""
    where = _Where(source, document)
    spec = _mapping(raw, [], SPEC_KEYS, where)
    for key in ("replications", "seed", "perturb"):
        if key not in spec:
            raise where.error([], f"missing '{key}'")
    if not _whole(spec["replications"], 1):
        raise where.error(["replications"], f"is {spec['replications']!r}; expected a count ≥ 1")
    if not _whole(spec["seed"], 0):
        raise where.error(["seed"], f"is {spec['seed']!r}; expected a whole number ≥ 0")
    target = spec.get("target")
    if target is not None and not isinstance(target, str):
        raise where.error(["target"], f"is {target!r}; expected an aggregate's code")
    items = spec["perturb"]
    if not isinstance(items, list) or not items:
        raise where.error(["perturb"], "expected a non-empty list of uncertain inputs")
    perturb: list[Perturbation] = []
    for i, item in enumerate(items):
        keys: list[str | int] = ["perturb", i]
        if isinstance(item, Mapping) and set(item) == {"weights"}:
            perturb.append(_weights(item["weights"], [*keys, "weights"], where))
        elif isinstance(item, Mapping) and set(item) == {"exclude"}:
            perturb.append(_exclusion(item["exclude"], [*keys, "exclude"], where))
        elif isinstance(item, Mapping) and "step" in item:
            perturb.append(_step(item, keys, where))
        else:
            raise where.error(
                keys,
                "expected 'weights: {level, noise}', 'step: NAME' with 'alternatives', or "
                "'exclude: [indicator, …]'",
            )
    names = [p.name for p in perturb]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise where.error(["perturb"], f"{repeated[0]} is perturbed twice; list it once")
    return UncertaintySpec(
        replications=int(spec["replications"]),
        seed=int(spec["seed"]),
        perturb=tuple(perturb),
        target=target,
        sensitivity=_sensitivity(spec.get("sensitivity"), where),
        source=source,
    )


def load_uncertainty_spec(path: Path | str) -> UncertaintySpec:
    """Read a UA.yaml file (safely; errors name the key and its line)."""
    document = load_yaml(path, "uncertainty spec")
    return parse_uncertainty_spec(document.data, str(path), document)


@dataclass(frozen=True)
class Draws:
    """The parameters of some replications: each perturbed node's weight factor, and the
    alternative (counted from 0) of each step input, in spec order."""

    factors: dict[str, np.ndarray]  # node code → (replications,) multiplier of its weight
    choices: np.ndarray  # (replications, step inputs) alternative numbers

    def __len__(self) -> int:
        return len(self.choices)

    def take(self, rows: np.ndarray) -> Draws:
        return Draws({c: f[rows] for c, f in self.factors.items()}, self.choices[rows])


@dataclass(frozen=True)
class Inputs:
    """The uncertain inputs of a spec resolved against a build and its framework: which steps
    each alternative replaces and which nodes each weights input perturbs."""

    spec: UncertaintySpec
    steps: tuple[Step, ...]
    nodes: tuple[tuple[str, ...], ...]  # per weights input, the codes at its level
    positions: tuple[int, ...]  # per step input, its step's position in the build
    excluded: tuple[str, ...] = ()  # the indicators an exclude input may leave out

    @classmethod
    def resolve(cls, spec: UncertaintySpec, steps: Sequence[Step], framework: Framework) -> Inputs:
        names = [name for name, _ in steps]
        if names.count("aggregate") != 1 or names[-1] != "aggregate":
            raise FrameworkError(
                "uncertainty: the build must end with its one aggregate step (it has steps "
                f"{names})"
            )
        positions, nodes = [], []
        excluded: tuple[str, ...] = ()
        for i, p in enumerate(spec.perturb):
            where = f"{spec.source}: perturb[{i}]"
            if isinstance(p, Exclusion):
                excluded = p.indicators or tuple(framework.indicators)
                unknown = sorted(set(excluded) - set(framework.indicators))
                if unknown:
                    raise FrameworkError(
                        f"{where}: exclude: {unknown} are not indicators of the framework"
                    )
            elif isinstance(p, StepChoice):
                if names.count(p.step) != 1:
                    found = "is not a step" if p.step not in names else "appears twice"
                    raise FrameworkError(
                        f"{where}: step {p.step!r} {found} of the build (steps {names}); a step "
                        "can be perturbed only where the build runs it once"
                    )
                positions.append(names.index(p.step))
            elif not 1 <= p.level < framework.max_level:
                raise FrameworkError(
                    f"{where}: weights level {p.level}: the framework's levels with weights "
                    f"that aggregation uses are 1 to {framework.max_level - 1} (level "
                    f"{framework.max_level} is the index)"
                )
            else:
                nodes.append(framework.codes_at(p.level))
        return cls(spec, tuple(steps), tuple(nodes), tuple(positions), excluded)

    @property
    def variables(self) -> list[tuple[str, int]]:
        """Each input's name and number of uniform variables, in spec order."""
        out: list[tuple[str, int]] = []
        weights = iter(self.nodes)
        for p in self.spec.perturb:
            out.append((p.name, len(next(weights)) if isinstance(p, WeightNoise) else 1))
        return out

    @property
    def first_perturbed(self) -> int:
        """The position of the first step whose output depends on a draw: the build runs the
        steps before it once."""
        return min(self.positions, default=len(self.steps) - 1)

    def draws(self, uniform: np.ndarray) -> Draws:
        """Map rows of uniform numbers (one column per variable, :attr:`variables` order) to
        parameters (see the module docstring)."""
        uniform = np.asarray(uniform, dtype=float)
        factors: dict[str, np.ndarray] = {}
        choices = []
        column = 0
        weights = iter(self.nodes)
        for p in self.spec.perturb:
            if isinstance(p, WeightNoise):
                for code in next(weights):
                    noise = 1.0 + p.noise * (2.0 * uniform[:, column] - 1.0)
                    factors[code] = factors[code] * noise if code in factors else noise
                    column += 1
            elif isinstance(p, Exclusion):
                n = len(self.excluded) + 1
                case = np.minimum((uniform[:, column] * n).astype(np.int64), n - 1)
                for j, code in enumerate(self.excluded, start=1):
                    kept = (case != j).astype(float)
                    factors[code] = factors[code] * kept if code in factors else kept
                column += 1
            else:
                n = len(p.alternatives)
                choices.append(np.minimum((uniform[:, column] * n).astype(np.int64), n - 1))
                column += 1
        stacked = np.column_stack(choices) if choices else np.zeros((len(uniform), 0), np.int64)
        return Draws(factors, stacked)

    def random_draws(self, replications: int, seed: int) -> Draws:
        """``replications`` draws from the seeded numpy Generator (the uncertainty analysis)."""
        width = sum(n for _, n in self.variables)
        return self.draws(np.random.default_rng(seed).random((replications, width)))

    def steps_for(self, choice: Sequence[int]) -> list[Step]:
        """The build's steps with each step input's alternative ``choice[i]`` in its place."""
        steps = list(self.steps)
        for i, (p, at) in enumerate(zip(self.spec.steps, self.positions, strict=True)):
            steps[at] = (p.step, dict(p.alternatives[int(choice[i])]))
        return steps
