"""The insight stage's stored tables laid into a report: rank intervals beside the ranks, and
in each unit profile its strengths and weaknesses, the main drivers of its index change and its
index over the years (for the trend chart).

Reads ``rank_intervals``, ``strengths``, ``drivers`` and the index ``scores`` as stored;
computes nothing but rounding and ordering. A report built without them shows none of it.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import polars as pl

from innovation_monitor.framework import INDEX_CODE
from innovation_monitor.reports.views import MonitoringReport, RankingRow, UnitProfile
from innovation_monitor.reports.views_insight import DriverView, ProfileInsight, StrengthView

TOP_DRIVERS = 3
"""A profile names the indicators whose contribution rose most and fell most, this many each."""


def rank_interval(q05: float | None, q95: float | None) -> tuple[int, int] | None:
    """The stored 5 %–95 % rank quantiles rounded to whole ranks (half up), low first."""
    if q05 is None or q95 is None or math.isnan(q05) or math.isnan(q95):
        return None
    return (math.floor(q05 + 0.5), math.floor(q95 + 0.5))


def with_insight(
    report: MonitoringReport,
    *,
    rank_intervals: pl.DataFrame | None = None,
    strengths: pl.DataFrame | None = None,
    drivers: pl.DataFrame | None = None,
    scores: pl.DataFrame | None = None,
) -> MonitoringReport:
    """``report`` with the rank intervals, strengths, weaknesses, drivers and index history
    of the stored insight tables (rows of other years and levels are ignored)."""
    year, level = report.year, report.level
    intervals = {
        code: rank_interval(q05, q95)
        for code, q05, q95 in _rows(rank_intervals, year, level, "region_code", "q05", "q95")
    }
    rows = tuple(dataclasses.replace(r, interval=intervals.get(r.unit.code)) for r in report.rows)
    names = {i.code: i.name for i in report.indicators}
    listed: dict[tuple[str, str], list[StrengthView]] = {}
    for code, kind, _position, indicator, rank, units in sorted(
        _rows(
            strengths,
            year,
            level,
            "region_code",
            "kind",
            "position",
            "indicator",
            "indicator_rank",
            "units",
        ),
        key=lambda r: (r[0], r[1], r[2]),
    ):
        if indicator in names:
            listed.setdefault((code, kind), []).append(
                StrengthView(indicator, names[indicator], rank, units)
            )
    changes: dict[str, list[DriverView]] = {}
    for code, indicator, change in _rows(
        drivers, year, level, "region_code", "indicator", "change"
    ):
        if indicator in names and change is not None and not math.isnan(change):
            changes.setdefault(code, []).append(DriverView(indicator, names[indicator], change))
    history: dict[str, list[tuple[int, float | None]]] = {}
    if scores is not None:
        index = scores.filter(
            pl.col("level") == level, pl.col("node") == INDEX_CODE, pl.col("year") <= year
        ).sort("year")
        for code, past, score in index.select("region_code", "year", "score").iter_rows():
            value = None if score is None or math.isnan(score) else float(score)
            history.setdefault(code, []).append((int(past), value))
    profiles = tuple(
        _profile(p, listed, changes.get(p.unit.code, []), history.get(p.unit.code, []))
        for p in report.profiles
    )
    return dataclasses.replace(report, rows=rows, profiles=profiles, **_regroup(report, rows))


def _profile(
    profile: UnitProfile,
    listed: dict[tuple[str, str], list[StrengthView]],
    changes: list[DriverView],
    history: list[tuple[int, float | None]],
) -> UnitProfile:
    code = profile.unit.code
    rising = sorted((d for d in changes if d.change > 0), key=lambda d: (-d.change, d.indicator))
    falling = sorted((d for d in changes if d.change < 0), key=lambda d: (d.change, d.indicator))
    insight = ProfileInsight(
        strengths=tuple(listed.get((code, "strength"), ())),
        weaknesses=tuple(listed.get((code, "weakness"), ())),
        drivers_up=tuple(rising[:TOP_DRIVERS]),
        drivers_down=tuple(falling[:TOP_DRIVERS]),
        has_drivers=bool(changes),
        score_history=tuple(history),
    )
    return dataclasses.replace(profile, insight=insight)


def _regroup(report: MonitoringReport, rows: tuple[RankingRow, ...]) -> dict[str, Any]:
    """The report's other row collections pointing at the rows with their intervals."""
    by_code = {r.unit.code: r for r in rows}

    def again(items: tuple[RankingRow, ...]) -> tuple[RankingRow, ...]:
        return tuple(by_code.get(r.unit.code, r) for r in items)

    return {
        "top": again(report.top),
        "climbers": again(report.climbers),
        "risers": again(report.risers),
        "fallers": again(report.fallers),
        "groups": tuple(dataclasses.replace(g, rows=again(g.rows)) for g in report.groups),
        "type_groups": tuple(
            dataclasses.replace(g, rows=again(g.rows)) for g in report.type_groups
        ),
    }


def _rows(
    frame: pl.DataFrame | None, year: int, level: str, *columns: str
) -> list[tuple[Any, ...]]:
    if frame is None or frame.is_empty():
        return []
    return list(
        frame.filter(pl.col("year") == year, pl.col("level") == level).select(columns).iter_rows()
    )
