"""How much each child adds to its parent's stored score, as the engine aggregated them.

The methodology's last ``aggregate`` step made the scores (the build keeps its results). With
the arithmetic method a parent is ``Σ wᵢ·xᵢ / Σ wⱼ`` over its children with a score, so child
``i`` contributes ``wᵢ / Σ wⱼ · xᵢ`` and the contributions add up to the parent. The weights are
those the build aggregated with: the framework's, rewritten by each ``weight`` step, which is
replayed here with the engine's own step on the stored normalised indicator scores (the data a
weight step after ``normalise`` sees). Other means (geometric, harmonic, generalised, Copeland)
are not sums of parts, and a decomposition that does not add up to the stored score is not
shown: the explanation says why instead of printing numbers that do not hold.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import polars as pl

from innovation_monitor.errors import InnovationMonitorError
from innovation_monitor.explain.words import words
from innovation_monitor.framework import MonitoringFramework, imeta_table
from innovation_monitor.framework.engine import TOLERANCE, Aggregation
from innovation_monitor.reports.labels import STEP_METHODS, Bilingual

if TYPE_CHECKING:
    import pandas as pd


def mean_name(method: str) -> Bilingual:
    """The aggregation method in words (加权几何平均 / weighted geometric mean)."""
    return STEP_METHODS.get(("aggregate", method), Bilingual(method, method))


@dataclass(frozen=True)
class Weights:
    """The node weights the aggregation used, or why they cannot be rebuilt."""

    by_node: Mapping[str, float]
    problem: Bilingual | None = None


def indicator_panel(scores: pl.DataFrame, framework: MonitoringFramework) -> pd.DataFrame:
    """The stored normalised indicator scores (``scores`` rows) of every scored year of the
    level, laid out as the engine's data (``uCode, Time``, one column per indicator, rows by
    year then unit): what a weight step after ``normalise`` saw."""
    codes = [i.code for i in framework.indicators]
    rows = scores.filter(pl.col("node").is_in(codes))
    wide = rows.pivot(on="node", index=["region_code", "year"], values="score").rename(
        {"region_code": "uCode", "year": "Time"}
    )
    missing = [c for c in codes if c not in wide.columns]
    wide = wide.with_columns(pl.lit(None, pl.Float64()).alias(c) for c in missing)
    return wide.sort("Time", "uCode").select("uCode", "Time", *codes).to_pandas()


def weights_used(
    framework: MonitoringFramework,
    screened_out: Sequence[str],
    panel: Callable[[], pd.DataFrame],
) -> Weights:
    """Replay the framework side of the build: drop the indicators the build screened out,
    then apply every ``weight`` step in order with the engine's step function. ``panel`` gives
    the stored normalised indicator scores (``uCode, Time``, one column per indicator), read
    only when a step needs more than the framework's own weights."""
    from innovation_monitor.composite.framework import Framework
    from innovation_monitor.composite.weight import weight

    tree = Framework.from_imeta(imeta_table(framework), source=f"{framework.level} framework")
    if screened_out:
        tree = tree.without(screened_out)
    try:
        for step in framework.methodology.steps:
            ((name, given),) = step.items()
            params = dict(given or {})
            if name != "weight" or params.get("method") == "explicit":
                continue
            tree, _ = weight(panel(), tree, **params)
    except InnovationMonitorError as error:
        return Weights({}, words("weights_unknown", reason=str(error)))
    return Weights({code: node.weight for code, node in tree.nodes.items()})


@dataclass(frozen=True)
class Decomposition:
    """A parent's score split over its children: each child's share of the weight and its
    contribution (None for a child without a score, or all None with ``note`` saying why)."""

    shares: tuple[float | None, ...]
    contributions: tuple[float | None, ...]
    note: Bilingual | None = None

    @property
    def total(self) -> float:
        """The contributions added up (what the printed check line shows)."""
        return math.fsum(c for c in self.contributions if c is not None)


def _nothing(count: int, note: Bilingual | None) -> Decomposition:
    return Decomposition((None,) * count, (None,) * count, note)


def below_threshold(scores: Sequence[float | None], threshold: float | None) -> bool:
    """Whether too few children have a score for the parent to have one (the engine's rule:
    the share of children with a score must reach ``dat_thresh``; at least one must)."""
    present = sum(s is not None for s in scores)
    return present == 0 or (threshold is not None and present / len(scores) < threshold)


def decompose(
    scores: Sequence[float | None],
    weights: Sequence[float],
    stored: float | None,
    aggregation: Aggregation,
    weight_problem: Bilingual | None = None,
) -> Decomposition:
    """Each child's share and contribution to ``stored``, the parent's stored score, computed
    as the arithmetic mean over the children with a score computes it; none (with a note) when
    the parent has no score, the weights are unknown, the method is not additive or the
    contributions do not add up to the stored score."""
    count = len(scores)
    if stored is None:
        return _nothing(count, None)
    if weight_problem is not None:
        return _nothing(count, weight_problem)
    if not aggregation.additive:
        return _nothing(count, words("not_additive", mean=mean_name(aggregation.method)))
    total = math.fsum(w for w, s in zip(weights, scores, strict=True) if s is not None)
    if total <= 0:
        return _nothing(count, words("not_reproduced", difference=f"{stored:g}"))
    shares = tuple(None if s is None else w / total for w, s in zip(weights, scores, strict=True))
    contributions = tuple(
        None if s is None or share is None else share * s
        for share, s in zip(shares, scores, strict=True)
    )
    found = Decomposition(shares, contributions)
    difference = found.total - stored
    if abs(difference) > TOLERANCE * max(1.0, abs(stored)):
        return _nothing(count, words("not_reproduced", difference=f"{difference:.3g}"))
    return found
