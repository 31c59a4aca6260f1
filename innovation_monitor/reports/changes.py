"""The report's year-on-year side, read from ``rankings``: each unit's stored rank and score
change, the units that left the ranking, and the biggest risers and fallers (位次变化).

The scoring stage computed every change on this year's boundaries
(:mod:`innovation_monitor.scoring.rank_change`); this module only names units and orders the
rows for display.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import polars as pl

from innovation_monitor.divisions import DivisionRegistry
from innovation_monitor.reports.views import DepartedUnit, Named, RankChange, RankingRow

MOVERS = 5
"""The 位次变化 section lists at most this many risers and as many fallers."""

Ref = Callable[[str], Named]


def change_of(row: Mapping[str, Any], ref: Ref) -> RankChange:
    """The stored rank and score change of one ``rankings`` row, with names for its
    predecessor and the units it was merged from."""
    predecessor = row["predecessor_code"]
    return RankChange(
        previous_rank=row["previous_rank"],
        change=row["rank_change"],
        predecessor=None if predecessor is None else ref(predecessor),
        merged_from=tuple(ref(code) for code in row["merged_from"]),
        is_new=row["is_new"],
        previous_score=_finite(row["previous_score"]),
        score_change=_finite(row["score_change"]),
    )


def _finite(value: float | None) -> float | None:
    return None if value is None or value != value else float(value)  # NaN is not a change


def departed_units(
    rankings: pl.DataFrame,
    ranked: list[dict[str, Any]],
    previous_year: int | None,
    year: int,
    registry: DivisionRegistry,
    level: str,
    ref: Ref,
) -> tuple[DepartedUnit, ...]:
    """Units of the previous year that are neither ranked this year nor the predecessor a unit
    of this year is compared with, in their published order, with the units of this year that
    hold their territory (merged units are departed: they no longer exist on their own)."""
    if previous_year is None:
        return ()
    kept = {r["region_code"] for r in ranked} | {r["predecessor_code"] for r in ranked}
    successors: dict[str, list[str]] = {}
    for old, new in registry.crosswalk(previous_year, year, level).iter_rows():
        successors.setdefault(old, []).append(new)
    before = rankings.filter(pl.col("year") == previous_year).select("region_code", "rank")
    return tuple(
        DepartedUnit(
            unit=ref(code),
            previous_rank=rank,
            successors=tuple(ref(s) for s in sorted(successors.get(code, []))),
        )
        for code, rank in sorted(before.iter_rows(), key=lambda r: (r[1] is None, r[1] or 0, r[0]))
        if code not in kept
    )


def movers(
    rows: tuple[RankingRow, ...], count: int = MOVERS
) -> tuple[tuple[RankingRow, ...], tuple[RankingRow, ...]]:
    """The ``count`` units that climbed most and the ``count`` that fell most, by the stored
    rank change; equal rank changes by the larger index change in points (climbers) or the
    larger loss (fallers), then by rank."""

    def points(row: RankingRow) -> float:
        return row.change.score_change or 0.0

    def place(row: RankingRow) -> tuple[bool, int, str]:
        return (row.rank is None, row.rank or 0, row.unit.code)

    moved = [r for r in rows if r.change.change]
    risers = sorted(
        (r for r in moved if (r.change.change or 0) > 0),
        key=lambda r: (-(r.change.change or 0), -points(r), place(r)),
    )
    fallers = sorted(
        (r for r in moved if (r.change.change or 0) < 0),
        key=lambda r: (r.change.change or 0, points(r), place(r)),
    )
    return tuple(risers[:count]), tuple(fallers[:count])
