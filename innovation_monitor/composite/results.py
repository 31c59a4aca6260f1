"""Results of a build: scores at every level, ranks, and each indicator's effective weight.

Ranks are within each period, higher score = better (rank 1), ties take the lowest rank number
("min", as COINr); a missing score has no rank.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from innovation_monitor.composite.dataset import TIME, UNIT, id_columns, period_indices
from innovation_monitor.composite.framework import Framework

RANK_SUFFIX = "_rank"


def rank_scores(scores: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Ranks of ``columns`` within each period: 1 = highest, ties "min", missing stays missing."""
    values = scores[columns].to_numpy(dtype=float)
    ranks = np.full(values.shape, np.nan)
    for _, rows in period_indices(scores):
        ranks[rows] = stats.rankdata(-values[rows], method="min", axis=0, nan_policy="omit")
    missing = np.isnan(ranks)
    whole = np.where(missing, 0, ranks).astype(np.int64)
    ranked = {c: pd.arrays.IntegerArray(whole[:, j], missing[:, j]) for j, c in enumerate(columns)}
    return pd.concat([scores[id_columns(scores)], pd.DataFrame(ranked, index=scores.index)], axis=1)


@dataclass(frozen=True)
class Results:
    """Scores and ranks of every indicator and aggregate, plus effective weights."""

    scores: pd.DataFrame
    ranks: pd.DataFrame
    effective_weights: pd.DataFrame
    framework: Framework
    topsis: pd.DataFrame | None = None

    def table(self) -> pd.DataFrame:
        """One row per unit (and period): every aggregate's score and rank, top level first,
        then TOPSIS closeness and rank if computed; sorted by the index rank."""
        ids = id_columns(self.scores)
        aggregates = sorted(self.framework.aggregates, key=lambda c: -self.framework[c].level)
        table = self.scores[ids].copy()
        for code in aggregates:
            table[code] = self.scores[code]
            table[code + RANK_SUFFIX] = self.ranks[code]
        if self.topsis is not None:
            extra = self.topsis.rename(
                columns={"closeness": "TOPSIS", "rank": "TOPSIS" + RANK_SUFFIX}
            )
            table = table.merge(extra, on=ids, how="left")
        root_rank = self.framework.root + RANK_SUFFIX
        order = [TIME, root_rank, UNIT] if TIME in table.columns else [root_rank, UNIT]
        return table.sort_values(order, na_position="last", kind="stable").reset_index(drop=True)


def make_results(
    aggregated: pd.DataFrame, framework: Framework, topsis: pd.DataFrame | None = None
) -> Results:
    """Collect :class:`Results` from an aggregated data set and the framework used for it."""
    ids = id_columns(aggregated)
    codes = sorted(
        [*framework.aggregates, *framework.indicators], key=lambda c: -framework[c].level
    )
    scores = aggregated[ids + codes].reset_index(drop=True)
    nodes = framework.nodes
    weights = pd.DataFrame(
        {
            "iCode": list(nodes),
            "Level": [n.level for n in nodes.values()],
            "Parent": [n.parent for n in nodes.values()],
            "Weight": [n.weight for n in nodes.values()],
            "EffWeight": framework.effective_weights().reindex(list(nodes)).to_numpy(),
        }
    )
    return Results(
        scores=scores,
        ranks=rank_scores(scores, codes),
        effective_weights=weights,
        framework=framework,
        topsis=topsis,
    )
