"""The unit profiles of a report: every indicator of each ranked unit with the value the scores
use, its normalised score and rank, its target verdicts and the unit's rank history.

A value that is not the unit's own figure of the year carries its estimate (how it was imputed,
or that it is missing), and a target verdict on it says so; a verdict needs a value.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from innovation_monitor.framework import Target
from innovation_monitor.reports.methodology import target_applies
from innovation_monitor.reports.quality import Estimates
from innovation_monitor.reports.views import (
    IndicatorView,
    NodeScore,
    PillarFlag,
    ProfileCell,
    RankingRow,
    UnitProfile,
)


def unit_profiles(
    rows: tuple[RankingRow, ...],
    rankings: pl.DataFrame,
    year: int,
    values: Mapping[str, Mapping[str, float]],
    node_scores: Mapping[tuple[str, str], NodeScore],
    targets: Mapping[str, list[Target]],
    views: tuple[IndicatorView, ...],
    estimates: Estimates,
    flags: Mapping[str, tuple[PillarFlag, ...]],
) -> tuple[UnitProfile, ...]:
    """Each ranked unit's cells (the value the scores use: its own, or the estimate's) with
    their target verdicts (none without a value), its rank history and flagged pillars."""
    shown = {t.id: t for view in views for t in view.targets}
    history: dict[str, list[tuple[int, int | None]]] = {}
    for code, past_year, rank in (
        rankings.filter(pl.col("year") <= year)
        .sort("year")
        .select("region_code", "year", "rank")
        .iter_rows()
    ):
        history.setdefault(code, []).append((int(past_year), None if rank is None else int(rank)))
    profiles = []
    for row in rows:
        code = row.unit.code
        cells = []
        for indicator, by_unit in values.items():
            estimate = estimates.get((code, indicator))
            value = by_unit.get(code) if estimate is None else estimate.value
            cells.append(
                ProfileCell(
                    indicator=indicator,
                    value=value,
                    score=node_scores.get((code, indicator), NodeScore(None, None)),
                    targets_met=tuple(
                        (shown[t.id], None if value is None else t.is_met(value))
                        for t in targets[indicator]
                        if target_applies(t, code)
                    ),
                    estimate=estimate,
                )
            )
        profiles.append(
            UnitProfile(
                unit=row.unit,
                rank=row.rank,
                cells=tuple(cells),
                rank_history=tuple(history.get(code, [])),
                flagged=flags.get(code, ()),
            )
        )
    return tuple(profiles)
