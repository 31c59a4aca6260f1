"""The report's province-wide picture over time: progress towards the plan targets that apply
to the report (规划目标进展) and the province's own index against a base year.

Target progress is what :func:`innovation_monitor.scoring.targets.target_progress` computed on
the stored series up to the report year, worded as the ``targets`` command words it
(:mod:`.target_text`); the province's index is read from the warehouse table
``province_index``. Nothing is computed here.
"""

from __future__ import annotations

from collections.abc import Collection

import polars as pl

from innovation_monitor.errors import DataError
from innovation_monitor.framework import INDEX_CODE, IndicatorSystem, MonitoringFramework, Target
from innovation_monitor.reports.labels import Bilingual, label
from innovation_monitor.reports.target_text import progress_view
from innovation_monitor.reports.views import ProgressView, ProvinceIndexView
from innovation_monitor.scoring.schemas import PROVINCE_INDEX_SCHEMA

PROVINCE_INDEX_COLUMNS = tuple(PROVINCE_INDEX_SCHEMA)


def report_targets(system: IndicatorSystem, level: str, codes: Collection[str]) -> list[Target]:
    """The targets a report follows: the province's in the city report, and the report's own
    units' targets (a city's in the city report, a county's in the county report)."""
    return [
        t
        for t in system.targets
        if (t.level == "province" and level == "city")
        or (t.level == level and t.scope_code in codes)
    ]


def progress_views(
    progress: pl.DataFrame | None, system: IndicatorSystem, level: str, codes: Collection[str]
) -> tuple[ProgressView, ...]:
    """The progress rows of the report's targets, in the order of ``indicators.yaml``; a target
    without a row is not shown."""
    if progress is None:
        return ()
    rows = {row["target_id"]: row for row in progress.iter_rows(named=True)}
    return tuple(
        progress_view(rows[t.id], t, system)
        for t in report_targets(system, level, codes)
        if t.id in rows
    )


def province_index_view(
    frame: pl.DataFrame | None, framework: MonitoringFramework, year: int
) -> ProvinceIndexView | None:
    """The province's index and pillars of the level, in % of the base year, for the years up
    to ``year``; None without rows for the report year."""
    if frame is None:
        return None
    missing = [c for c in PROVINCE_INDEX_COLUMNS if c not in frame.columns]
    if missing:
        raise DataError(f"province_index frame lacks column(s) {missing}")
    rows = frame.filter(pl.col("level") == framework.level, pl.col("year") <= year)
    current = rows.filter(pl.col("year") == year, pl.col("node") == INDEX_CODE)
    if current.is_empty():
        return None
    base = int(current["base_year"][0])
    rows = rows.filter(pl.col("base_year") == base)
    years = tuple(sorted(rows["year"].unique().to_list()))
    score = {(n, y): s for n, y, s in rows.select("node", "year", "score").iter_rows()}
    nodes = [(INDEX_CODE, Bilingual(framework.index_name_zh, framework.index_name_en))]
    nodes += [(p.code, Bilingual(p.name_zh, p.name_en)) for p in framework.pillars]
    title = label("province_index")
    return ProvinceIndexView(
        name=Bilingual(
            title.zh.format(name=framework.index_name_zh, base=base),
            title.en.format(name=framework.index_name_en, base=base),
        ),
        base_year=base,
        years=years,
        rows=tuple(
            (name, tuple(score.get((code, y)) for y in years))
            for code, name in nodes
            if any((code, y) in score for y in years)
        ),
        latest=score.get((INDEX_CODE, year)),
    )
