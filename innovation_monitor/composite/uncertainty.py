"""Monte Carlo uncertainty analysis of a build's ranks (COINr's ``get_sensitivity``, UA).

Each replication draws the uncertain inputs of a spec (:mod:`.perturbation`: weights perturbed
level by level, a step replaced by one of its alternatives) and ranks the units on the target
aggregate (the index); the result is, for every unit (and period), its nominal rank, the mean,
median, 5th and 95th percentile of its ranks (linear interpolation: numpy's default, R's type
7, as COINr's ``quantile``) and its mean absolute rank shift from the nominal rank. Ranks are
within each period, 1 = best, ties "min", as the build's results.

It is cheap because nothing is recomputed that a draw does not change (COINr rebuilds the coin
each time): the steps before the first perturbed step run once; the replications are grouped
by the alternatives drawn, each group's steps up to the aggregate run once; and all weight
draws of a group are aggregated at once, as matrix products
(:func:`~.weight_sets.aggregate_weight_sets`), a block of replications at a time. The ranks are
tallied per unit and rank, so memory does not grow with the replications.

Where COINr differs: a combination of alternatives that cannot be built (a geometric mean of
z-scores below zero) is an error naming it, not a replication left out; weights are perturbed
as the aggregate step uses them (after a ``weight`` step, if the build has one).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from innovation_monitor.composite.build import Step, load_build, replay_steps, run_build
from innovation_monitor.composite.dataset import (
    UNIT,
    Data,
    check_data,
    id_columns,
    period_indices,
)
from innovation_monitor.composite.framework import Framework
from innovation_monitor.composite.perturbation import (
    Draws,
    Inputs,
    UncertaintySpec,
    load_uncertainty_spec,
)
from innovation_monitor.composite.results import descending_ranks
from innovation_monitor.composite.weight_sets import aggregate_weight_sets
from innovation_monitor.errors import FrameworkError, IngestError, InnovationMonitorError

#: cells of one block of replications' scores (rows × replications): bounds the temporaries
CELLS = 1 << 21
QUANTILES = {"median": 0.5, "q05": 0.05, "q95": 0.95}


@dataclass
class _Group:
    """The data set and framework one combination of alternatives hands to its aggregate."""

    data: Data
    framework: Framework
    aggregate: dict[str, Any]
    rows: np.ndarray | None  # the nominal rows' positions in ``data`` (-1: absent); None: same


@dataclass
class Analysis:
    """A build prepared for replications: the nominal ranks, and the steps before the first
    perturbed step computed once (groups of alternatives are computed when first drawn)."""

    inputs: Inputs
    target: str
    ids: pd.DataFrame  # uCode (and Time) of the nominal rows
    periods: list[np.ndarray]  # the rows of each period
    nominal_scores: np.ndarray
    nominal_ranks: np.ndarray  # float, NaN where the nominal score is missing
    prefix: tuple[Data, Framework, bool]
    groups: dict[tuple[int, ...], _Group] = field(default_factory=dict)

    @property
    def max_rank(self) -> int:
        return max((len(rows) for rows in self.periods), default=0)


def prepare_uncertainty(
    data: pd.DataFrame,
    framework: Framework,
    steps: Sequence[Step],
    spec: UncertaintySpec,
    unranked: Sequence[str] = (),
) -> Analysis:
    """Check the spec against the build, run the nominal build and the steps before the first
    perturbed step (COINr's ``Regen(from = ...)`` starts there). ``unranked`` units are built
    with the others (a reference unit such as the province) but never ranked among them."""
    inputs = Inputs.resolve(spec, steps, framework)
    nominal = run_build(data, framework, list(steps), keep=False)
    assert nominal.results is not None  # the build ends with its aggregate (checked above)
    target = spec.target or nominal.framework.root
    if target not in nominal.framework.aggregates:
        raise FrameworkError(
            f"uncertainty spec: target {target!r} is not an aggregate of the build "
            f"(its aggregates: {list(nominal.framework.aggregates)})"
        )
    scores = nominal.results.scores
    ids = scores[id_columns(scores)].reset_index(drop=True)
    periods = [rows for _, rows in period_indices(ids)]
    if unranked:
        ranked = ~ids[UNIT].astype(str).isin([str(u) for u in unranked]).to_numpy()
        periods = [rows[ranked[rows]] for rows in periods]
    values = scores[target].to_numpy(dtype=float)
    ranks = _ranks(values[:, np.newaxis], periods)[:, 0].astype(float)
    ranks[ranks == 0] = np.nan
    start = inputs.first_perturbed
    done = [name for name, _ in steps[:start]]
    prefix_data, prefix_framework = replay_steps(
        Data.from_frame(data, framework.indicators), framework, steps[:start]
    )
    prefix = (prefix_data, prefix_framework, "normalise" in done)
    analysis = Analysis(inputs, target, ids, periods, values, ranks, prefix)
    for i, choice in enumerate(spec.steps):  # every alternative once, drawn or not
        for j in range(len(choice.alternatives)):
            _group(analysis, tuple(j if k == i else 0 for k in range(len(spec.steps))))
    return analysis


def _ranks(scores: np.ndarray, periods: list[np.ndarray]) -> np.ndarray:
    """Ranks of each column of ``scores`` within each period (1 = best, ties "min"), 0 where
    the score is missing."""
    out = np.zeros(scores.shape, dtype=np.int32)
    for rows in periods:
        block = scores[rows].T  # replications × units of the period
        out[rows] = descending_ranks(block).T
    out[np.isnan(scores)] = 0
    return out


def _describe(inputs: Inputs, choice: tuple[int, ...]) -> str:
    parts = [
        f"{p.step} alternative {c + 1} {p.alternatives[c]}"
        for p, c in zip(inputs.spec.steps, choice, strict=True)
    ]
    return " and ".join(parts) or "the build's steps"


def _group(analysis: Analysis, choice: tuple[int, ...]) -> _Group:
    """The steps from the first perturbed one up to the aggregate, for one combination of
    alternatives: run once, when first drawn; the aggregate's parameters are checked by the
    engine's own aggregate step, once, with the unperturbed weights."""
    if choice in analysis.groups:
        return analysis.groups[choice]
    inputs = analysis.inputs
    steps = inputs.steps_for(choice)
    data, framework, normalised = analysis.prefix
    try:
        data, framework = replay_steps(
            data, framework, steps[inputs.first_perturbed : -1], normalised=normalised
        )
        params = dict(steps[-1][1])
        replay_steps(data, framework, [("aggregate", params)], normalised=True)
    except InnovationMonitorError as err:
        raise type(err)(f"uncertainty: with {_describe(inputs, choice)}: {err}") from None
    if analysis.target not in framework.aggregates:
        raise FrameworkError(
            f"uncertainty: with {_describe(inputs, choice)} the build has no {analysis.target!r}"
        )
    keys = data.frame[list(analysis.ids.columns)].reset_index(drop=True)
    rows = None
    if not keys.equals(analysis.ids):
        index = pd.MultiIndex.from_frame(keys)
        rows = index.get_indexer(pd.MultiIndex.from_frame(analysis.ids))
    group = _Group(data, framework, params, rows)
    analysis.groups[choice] = group
    return group


def _group_scores(analysis: Analysis, group: _Group, draws: Draws) -> np.ndarray:
    """The target's scores (nominal rows × draws) for draws that share one group."""
    framework = group.framework
    weights = {
        code: framework[code].weight * factor
        for code, factor in draws.factors.items()
        if code in framework
    }
    scores = aggregate_weight_sets(
        group.data, framework, weights, analysis.target, len(draws), **group.aggregate
    )
    if group.rows is None:
        return scores
    out = np.full((len(group.rows), len(draws)), np.nan)
    found = group.rows >= 0
    out[found] = scores[group.rows[found]]
    return out


def draw_blocks(analysis: Analysis, draws: Draws) -> list[tuple[_Group, np.ndarray]]:
    """The draws grouped by the alternatives drawn, split into blocks of at most
    :data:`CELLS` scores: (group, positions of the block's draws)."""
    size = max(1, CELLS // max(1, len(analysis.ids)))
    if draws.choices.shape[1]:
        combos, which = np.unique(draws.choices, axis=0, return_inverse=True)
        which = which.reshape(-1)
    else:
        combos, which = np.zeros((1, 0), np.int64), np.zeros(len(draws), np.int64)
    out = []
    for g, combo in enumerate(combos):
        group = _group(analysis, tuple(int(c) for c in combo))
        members = np.flatnonzero(which == g)
        out += [(group, members[i : i + size]) for i in range(0, len(members), size)]
    return out


def replication_scores(analysis: Analysis, draws: Draws) -> np.ndarray:
    """The target's scores (nominal rows × draws), one column per draw: what a full build
    with that draw's weights and alternatives gives (tests and the curious compare the two)."""
    out = np.empty((len(analysis.ids), len(draws)))
    for group, members in draw_blocks(analysis, draws):
        out[:, members] = _group_scores(analysis, group, draws.take(members))
    return out


class RankTally:
    """How often each row held each rank (rows × max rank + 1; column 0: no rank).

    Blocks of ranks are counted together once they hold about half as many ranks as the table
    has cells: one count per block would sweep the whole table each time, which with thousands
    of units (a table of units × ranks) and small blocks is most of the run."""

    def __init__(self, counts: np.ndarray) -> None:
        self._counts = counts
        self._pending: list[np.ndarray] = []
        self._held = 0

    @property
    def counts(self) -> np.ndarray:
        self._flush()
        return self._counts

    def add(self, ranks: np.ndarray) -> None:
        self._pending.append(ranks)
        self._held += ranks.size
        if 2 * self._held >= self._counts.size:
            self._flush()

    def _flush(self) -> None:
        """Count the pending ranks a slice of rows at a time (a slice of the table fits in the
        cache; one count over the whole table would not)."""
        if not self._pending:
            return
        ranks = np.concatenate(self._pending, axis=1)
        self._pending, self._held = [], 0
        width = self._counts.shape[1]
        step = max(1, CELLS // width)
        for start in range(0, len(ranks), step):
            part = ranks[start : start + step].astype(np.int64)
            part += np.arange(len(part))[:, np.newaxis] * width
            counted = np.bincount(part.ravel(), minlength=len(part) * width)
            self._counts[start : start + step] += counted.reshape(len(part), width)

    def statistics(self, nominal: np.ndarray) -> dict[str, np.ndarray]:
        """Mean, quantiles (type 7, over each row's replications with a rank) and mean absolute
        shift from ``nominal`` of each row's ranks; a slice of rows at a time, so that the
        temporaries stay small with thousands of units."""
        table = self.counts
        out = {name: np.empty(len(table)) for name in ("mean", *QUANTILES, "mean_abs_shift")}
        step = max(1, CELLS // table.shape[1])
        for start in range(0, len(table), step):
            rows = slice(start, start + step)
            for name, values in _rank_statistics(table[rows, 1:], nominal[rows]).items():
                out[name][rows] = values
        return out


def _rank_statistics(counts: np.ndarray, nominal: np.ndarray) -> dict[str, np.ndarray]:
    """:meth:`RankTally.statistics` of some rows' counts (rows × ranks from 1)."""
    n = counts.sum(axis=1)
    rank = np.arange(1, counts.shape[1] + 1, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = {"mean": counts @ rank / n}
        cumulative = np.cumsum(counts, axis=1)
        for name, q in QUANTILES.items():
            out[name] = _quantile(cumulative, n, q)
        shift = np.abs(rank[np.newaxis, :] - np.nan_to_num(nominal)[:, np.newaxis])
        out["mean_abs_shift"] = np.sum(counts * shift, axis=1) / n
        out["mean_abs_shift"][np.isnan(nominal)] = np.nan
        for name in out:
            out[name][n == 0] = np.nan
    return out


def _quantile(cumulative: np.ndarray, n: np.ndarray, q: float) -> np.ndarray:
    """R's type-7 quantile of each row's ranks, read off their cumulative counts: the order
    statistics ⌊h⌋ and ⌊h⌋ + 1 (from 0) with h = (n − 1)q, linearly interpolated."""
    h = (np.maximum(n, 1) - 1) * q
    low = np.floor(h)
    high = np.minimum(low + 1, np.maximum(n, 1) - 1)

    def order_statistic(j: np.ndarray) -> np.ndarray:  # the rank with more than j ranks ≤ it
        return (cumulative <= j[:, np.newaxis]).sum(axis=1) + 1.0

    x_low, x_high = order_statistic(low), order_statistic(high)
    return x_low + (h - low) * (x_high - x_low)


def shifts_of(ranks: np.ndarray, nominal: np.ndarray) -> np.ndarray:
    """Each replication's mean absolute rank shift over the rows ranked in both (COINr's
    sensitivity target)."""
    both = (ranks > 0) & ~np.isnan(nominal)[:, np.newaxis]
    diff = np.where(both, np.abs(ranks - np.nan_to_num(nominal)[:, np.newaxis]), 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return diff.sum(axis=0) / both.sum(axis=0)


def block_ranks(analysis: Analysis, group: _Group, draws: Draws) -> np.ndarray:
    """The ranks (rows × draws) of one block of draws sharing a group: the unit of work of the
    in-process run and of a cluster's task alike, so both give the same ranks."""
    return _ranks(_group_scores(analysis, group, draws), analysis.periods)


def draw_ranks(analysis: Analysis, draws: Draws) -> np.ndarray:
    """Every row's rank of the target in each draw (rows × draws; 0: not ranked), the output a
    sensitivity analysis of each unit's rank reads."""
    out = np.zeros((len(analysis.ids), len(draws)), dtype=np.int32)
    for group, members in draw_blocks(analysis, draws):
        out[:, members] = block_ranks(analysis, group, draws.take(members))
    return out


def evaluate_draws(analysis: Analysis, draws: Draws, tally: RankTally | None = None) -> np.ndarray:
    """Each draw's mean absolute rank shift of the target; the ranks go to ``tally``."""
    out = np.empty(len(draws))
    for group, members in draw_blocks(analysis, draws):
        ranks = block_ranks(analysis, group, draws.take(members))
        if tally is not None:
            tally.add(ranks)
        out[members] = shifts_of(ranks, analysis.nominal_ranks)
    return out


@dataclass(frozen=True)
class UncertaintyResult:
    """What :func:`run_uncertainty` found (see the module docstring)."""

    rank_stats: pd.DataFrame  # uCode (Time), nominal, mean, median, q05, q95
    units: pd.DataFrame  # uCode (Time), score, nominal, mean_abs_shift, best, worst
    replications: pd.DataFrame  # replication, alternative per step, factors, mean_abs_shift
    sensitivity: pd.DataFrame | None = None  # input, S1, S1_conf, ST, ST_conf
    unit_sensitivity: pd.DataFrame | None = None  # uCode (Time), input, S1, …: per_unit


def run_uncertainty(
    data: pd.DataFrame,
    framework: Framework,
    steps: Sequence[Step],
    spec: UncertaintySpec,
    unranked: Sequence[str] = (),
    scheduler: str | None = None,
) -> UncertaintyResult:
    """The uncertainty analysis (and, when the spec asks, the sensitivity analysis) of a
    build; the same spec and seed give the same result, to the bit. ``unranked`` units (a
    reference unit) are scored but not ranked: their rows hold no rank statistics. With a
    Dask ``scheduler`` address the replications run on that cluster (:mod:`.distributed`),
    with the same result; the Sobol indices stay in this process."""
    analysis = prepare_uncertainty(data, framework, steps, spec, unranked)
    draws = analysis.inputs.random_draws(spec.replications, spec.seed)
    tally = RankTally(np.zeros((len(analysis.ids), analysis.max_rank + 1), dtype=np.int64))
    if scheduler is None:
        shifts = evaluate_draws(analysis, draws, tally)
    else:
        from innovation_monitor.composite.distributed import connect_scheduler, evaluate_on_cluster

        with connect_scheduler(scheduler) as client:
            shifts = evaluate_on_cluster(client, analysis, draws, tally)
    stats = tally.statistics(analysis.nominal_ranks)
    nominal = pd.Series(analysis.nominal_ranks).astype("Int64").to_numpy()
    rank_stats = analysis.ids.assign(nominal=nominal, **{k: stats[k] for k in ("mean", *QUANTILES)})
    counts = tally.counts[:, 1:]
    held, ranked = counts > 0, (counts > 0).any(axis=1)
    best = np.where(ranked, held.argmax(axis=1) + 1.0, np.nan)
    worst = np.where(ranked, counts.shape[1] - held[:, ::-1].argmax(axis=1), np.nan)
    units = analysis.ids.assign(
        score=analysis.nominal_scores,
        nominal=nominal,
        mean_abs_shift=stats["mean_abs_shift"],
        best=pd.Series(best).astype("Int64").to_numpy(),
        worst=pd.Series(worst).astype("Int64").to_numpy(),
    )
    table: dict[str, Any] = {"replication": np.arange(1, len(draws) + 1)}
    for i, choice in enumerate(spec.steps):
        table[choice.step] = draws.choices[:, i] + 1
    for code, factor in draws.factors.items():
        table[f"factor_{code}"] = factor
    table["mean_abs_shift"] = shifts
    sensitivity = per_unit = None
    if spec.sensitivity is not None:
        from innovation_monitor.composite.sensitivity import run_sensitivity, unit_sensitivity

        sensitivity = run_sensitivity(analysis, spec.sensitivity, spec.seed)
        if spec.sensitivity.per_unit:
            per_unit = unit_sensitivity(analysis, spec.sensitivity, spec.seed)
    return UncertaintyResult(rank_stats, units, pd.DataFrame(table), sensitivity, per_unit)


def _read_csv(path: Path, error: type[InnovationMonitorError], what: str) -> pd.DataFrame:
    try:
        return pd.read_csv(path)
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as err:
        raise error(f"{path}: cannot read the {what} CSV ({err})") from None


def run_uncertainty_files(
    data_csv: Path | str,
    meta_csv: Path | str,
    build_yaml: Path | str,
    spec_yaml: Path | str,
    out_dir: Path | str,
    scheduler: str | None = None,
) -> list[Path]:
    """Read COINr-style iData and iMeta CSVs, a BUILD.yaml and a UA.yaml; write
    ``rank_stats.csv`` (uCode, [Time,] nominal, mean, median, q05, q95), ``units.csv`` (score,
    mean absolute rank shift, best and worst rank), ``replications.csv`` (each replication's
    draw and mean absolute rank shift) and, when the spec asks, ``sensitivity.csv`` (and
    ``unit_sensitivity.csv``: the indices on each unit's rank). ``scheduler``: a Dask
    address to run the replications on (default: this process)."""
    data = _read_csv(Path(data_csv), IngestError, "data")
    imeta = _read_csv(Path(meta_csv), FrameworkError, "metadata")
    framework = Framework.from_imeta(imeta, source=str(meta_csv))
    steps = load_build(build_yaml)
    spec = load_uncertainty_spec(spec_yaml)
    check_data(data, framework.indicators, what=str(data_csv))
    result = run_uncertainty(data, framework, steps, spec, scheduler=scheduler)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tables = {
        "rank_stats.csv": result.rank_stats,
        "units.csv": result.units,
        "replications.csv": result.replications,
    }
    if result.sensitivity is not None:
        tables["sensitivity.csv"] = result.sensitivity
    if result.unit_sensitivity is not None:
        tables["unit_sensitivity.csv"] = result.unit_sensitivity
    written = []
    for name, table in tables.items():
        table.to_csv(out / name, index=False)
        written.append(out / name)
    return written
