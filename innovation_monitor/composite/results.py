"""Results of a build: scores at every level, ranks, and each indicator's effective weight.

Ranks are within each period, higher score = better (rank 1), ties take the lowest rank number
("min", as COINr); a missing score has no rank.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, partial

import numpy as np
import pandas as pd

from innovation_monitor.composite.dataset import TIME, UNIT, Data, id_columns, period_indices
from innovation_monitor.composite.framework import Framework
from innovation_monitor.composite.pages import ordinary_pages

RANK_SUFFIX = "_rank"


def descending_ranks(block: np.ndarray) -> np.ndarray:
    """Ranks along each row of ``block`` (one row per column of scores), 1 = highest, ties
    "min", by one sort of all rows; a missing value's rank is meaningless (mask it)."""
    negated = -block
    order = np.argsort(negated, axis=1)  # missing values last
    ordered = np.take_along_axis(negated, order, axis=1)
    first = np.ones(ordered.shape, dtype=bool)
    first[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    position = np.broadcast_to(np.arange(ordered.shape[1]), ordered.shape)
    start = np.maximum.accumulate(np.where(first, position, 0), axis=1)
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, start + 1, axis=1)
    return ranks


def rank_scores(scores: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Ranks of ``columns`` within each period: 1 = highest, ties "min", missing stays missing.
    One sort per period ranks every column; the columns are read in place, a period at a
    time."""
    values = [scores[c].to_numpy(dtype=np.float64) for c in columns]
    whole = np.zeros((len(scores), len(columns)), dtype=np.int64, order="F")
    missing = np.zeros(whole.shape, dtype=bool, order="F")
    for j, column in enumerate(values):
        missing[:, j] = np.isnan(column)
    for _, rows in period_indices(scores):
        block = np.empty((len(columns), rows.size))
        for j, column in enumerate(values):
            block[j] = column[rows]
        whole[rows] = descending_ranks(block).T
    whole[missing] = 0
    ranked = {c: pd.arrays.IntegerArray(whole[:, j], missing[:, j]) for j, c in enumerate(columns)}
    ids = {c: scores[c] for c in id_columns(scores)}
    return pd.DataFrame({**ids, **ranked}, index=scores.index, copy=False)


@dataclass(frozen=True)
class Results:
    """Scores and ranks of every indicator and aggregate, plus effective weights; each is made
    when first read (the scores from ``make_scores``), so a caller pays only for what it reads
    (a build whose results no one reads does not make them at all)."""

    make_scores: Callable[[], pd.DataFrame] = field(repr=False)
    framework: Framework
    topsis: pd.DataFrame | None = None

    @cached_property
    def scores(self) -> pd.DataFrame:
        """The ids, then every aggregate and indicator, top level first (made when first
        read)."""
        return self.make_scores()

    @cached_property
    def effective_weights(self) -> pd.DataFrame:
        """Every node's level, parent, weight and effective weight (made when first read)."""
        nodes = self.framework.nodes
        return pd.DataFrame(
            {
                "iCode": list(nodes),
                "Level": [n.level for n in nodes.values()],
                "Parent": [n.parent for n in nodes.values()],
                "Weight": [n.weight for n in nodes.values()],
                "EffWeight": self.framework.effective_weights().reindex(list(nodes)).to_numpy(),
            }
        )

    @cached_property
    def ranks(self) -> pd.DataFrame:
        """The rank of every score within its period, made when first read (from the scores as
        they are then): a caller after the scores alone does not pay for ranking."""
        ids = id_columns(self.scores)
        return rank_scores(self.scores, [c for c in self.scores.columns if c not in ids])

    @cached_property
    def aggregate_ranks(self) -> pd.DataFrame:
        """The ranks of the aggregates alone (what :meth:`table` shows): a fraction of the
        cost and memory of :attr:`ranks` when there are many more indicators than aggregates
        (ranks of every column of 30,000 units × 20 years take a quarter of a gigabyte)."""
        if "ranks" in self.__dict__:  # every column is ranked already
            return self.ranks
        return rank_scores(self.scores, list(self.framework.aggregates))

    def table(self) -> pd.DataFrame:
        """One row per unit (and period): every aggregate's score and rank, top level first,
        then TOPSIS closeness and rank if computed; sorted by the index rank."""
        ids = id_columns(self.scores)
        aggregates = sorted(self.framework.aggregates, key=lambda c: -self.framework[c].level)
        table = self.scores[ids].copy()
        ranks = self.aggregate_ranks
        for code in aggregates:
            table[code] = self.scores[code]
            table[code + RANK_SUFFIX] = ranks[code]
        if self.topsis is not None:
            extra = self.topsis.rename(
                columns={"closeness": "TOPSIS", "rank": "TOPSIS" + RANK_SUFFIX}
            )
            table = table.merge(extra, on=ids, how="left")
        root_rank = self.framework.root + RANK_SUFFIX
        order = [TIME, root_rank, UNIT] if TIME in table.columns else [root_rank, UNIT]
        return table.sort_values(order, na_position="last", kind="stable").reset_index(drop=True)


def make_results(
    aggregated: pd.DataFrame | Data, framework: Framework, topsis: pd.DataFrame | None = None
) -> Results:
    """Collect :class:`Results` from an aggregated data set and the framework used for it (a
    frame is read as :meth:`Data.from_frame` reads it); the scores are copied out of it when
    first read."""
    codes = sorted(
        [*framework.aggregates, *framework.indicators], key=lambda c: -framework[c].level
    )
    if not isinstance(aggregated, Data):
        aggregated = Data.from_frame(aggregated, codes)
    return Results(partial(_scores, aggregated, codes), framework, topsis)


@ordinary_pages()
def _scores(data: Data, codes: list[str]) -> pd.DataFrame:
    """The scores frame: the id columns of ``data``, then its columns ``codes`` (one new matrix,
    the frame's own)."""
    scores = pd.DataFrame(data.values(codes), columns=codes, copy=False)
    for i, name in enumerate(id_columns(data.frame)):
        scores.insert(i, name, data.frame[name].reset_index(drop=True))
    return scores
