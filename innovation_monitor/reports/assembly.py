"""Assemble one annual monitoring report from the stored tables.

:func:`build_report` looks up everything a report shows (names, pillar leaders, province
best/median, plan targets, methodology) so that rendering is pure layout and the HTML and the
CSV can never disagree. Ranks, tiers, ranks within the city and rank changes are read as stored
in ``rankings``, which the scoring stage computed once (:mod:`innovation_monitor.scoring`);
nothing here ranks or re-ranks. Imputed and missing values are read from ``imputations`` and
the data-quality section from the run's validation results (:mod:`.quality`).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from typing import Any

import polars as pl

from innovation_monitor.divisions import DivisionRegistry
from innovation_monitor.errors import DataError
from innovation_monitor.framework import (
    INDEX_CODE,
    IndicatorSystem,
    MonitoringFramework,
    build_steps,
)
from innovation_monitor.reports.changes import change_of, departed_units, movers
from innovation_monitor.reports.evaluation_views import evaluation_view, type_groups
from innovation_monitor.reports.labels import (
    LEVEL_NAMES,
    Bilingual,
    label,
    report_title,
)
from innovation_monitor.reports.methodology import (
    indicator_view,
    source_views,
    step_view,
    tier_rules,
)
from innovation_monitor.reports.profiles import unit_profiles
from innovation_monitor.reports.progress_views import progress_views, province_index_view
from innovation_monitor.reports.quality import (
    QUALITY_COLUMNS,
    QUARANTINE_COLUMNS,
    data_quality,
    pillar_flags,
    read_estimates,
)
from innovation_monitor.reports.views import (
    DataNotice,
    MonitoringReport,
    Named,
    NodeScore,
    ParentGroup,
    PillarFlag,
    PillarView,
    RankingRow,
    TierView,
)
from innovation_monitor.scoring.schemas import IMPUTATIONS_SCHEMA, RANKINGS_SCHEMA, SCORES_SCHEMA

INDICATOR_VALUES_COLUMNS = ("year", "level", "region_code", "indicator", "value")
TOP_N = 3
"""The summary names the units ranked 1 to TOP_N (and each pillar its leaders ranked 1 to TOP_N),
ties included, and the TOP_N biggest climbers."""


def _index_name(framework: MonitoringFramework) -> Bilingual:
    """The index's name, with 全省为100 when it is in % of the province."""
    name = Bilingual(framework.index_name_zh, framework.index_name_en)
    if framework.methodology.reference != "province":
        return name
    scale = label("province_is_100")
    return Bilingual(f"{name.zh}（{scale.zh}）", f"{name.en} ({scale.en})")


def build_report(
    year: int,
    level: str,
    *,
    scores: pl.DataFrame,
    indicator_values: pl.DataFrame,
    rankings: pl.DataFrame,
    registry: DivisionRegistry,
    system: IndicatorSystem,
    notice: DataNotice,
    imputations: pl.DataFrame,
    quality: pl.DataFrame | None = None,
    quarantine: pl.DataFrame | None = None,
    evaluations: pl.DataFrame | None = None,
    target_progress: pl.DataFrame | None = None,
    province_index: pl.DataFrame | None = None,
) -> MonitoringReport:
    """Assemble the (year, level) report from warehouse-shaped frames.

    ``scores`` and ``rankings`` should hold every year available for the level (the departed
    units and the rank history come from earlier years); a report has a tier section when the
    year's rankings carry tiers. ``imputations`` (``IMPUTATIONS_SCHEMA`` rows) marks the values
    that are imputed or missing; ``quality`` (``validation_results`` rows) and ``quarantine``
    give the failing warnings, the checks the user accepted and the cells left out;
    ``evaluations`` (the edition's evaluation cycle), ``target_progress``
    (``TARGET_PROGRESS_SCHEMA`` rows as of ``year``) and ``province_index`` give the sections of
    the same names, each left out without its rows. Rows of other years and levels are ignored.
    """
    if level not in LEVEL_NAMES:
        raise DataError(f"report level {level!r} is unknown; expected one of {list(LEVEL_NAMES)}")
    framework = system.frameworks[level]
    scores = _slice(scores, "scores", tuple(SCORES_SCHEMA), level)
    values = _slice(indicator_values, "indicator_values", INDICATOR_VALUES_COLUMNS, level)
    rankings = _slice(rankings, "rankings", tuple(RANKINGS_SCHEMA), level)
    imputed = _slice(imputations, "imputations", tuple(IMPUTATIONS_SCHEMA), level)
    checks = _year_rows(quality, "quality", QUALITY_COLUMNS, level, year)
    cells = _year_rows(quarantine, "quarantine", QUARANTINE_COLUMNS, level, year)
    index = scores.filter(pl.col("node") == INDEX_CODE)
    current = index.filter(pl.col("year") == year)
    if current.is_empty():
        years = sorted(index.get_column("year").unique().to_list())
        raise DataError(
            f"scores has no {INDEX_CODE!r} rows for {level} {year}; years with index scores: "
            f"{years or 'none'}"
        )
    ranked = _ranked(rankings, current, year, level)
    previous_year = ranked[0]["previous_year"]

    units = _Units(registry, level, [y for y in (previous_year, year) if y is not None])
    estimates = read_estimates(imputed, year, units.ref, framework.methodology.types)
    flags = {r["region_code"]: pillar_flags(framework, r["region_code"], estimates) for r in ranked}
    node_scores = _node_scores(scores.filter(pl.col("year") == year), flags)
    tier_names = _tier_names(ranked, framework, year)
    rows = tuple(
        sorted(
            (
                RankingRow(
                    unit=units.ref(r["region_code"]),
                    parent=units.ref(r["parent_code"]) if level == "county" else None,
                    score=node_scores[(r["region_code"], INDEX_CODE)].score,
                    rank=r["rank"],
                    change=change_of(r, units.ref),
                    tier=tier_names.get(r["tier"]),
                    pillars={
                        p.code: node_scores.get((r["region_code"], p.code), NodeScore(None, None))
                        for p in framework.pillars
                    },
                    rank_in_parent=r["rank_in_parent"],
                    unit_type=r["unit_type"],
                    type_score=r["type_score"],
                    rank_in_type=r["rank_in_type"],
                    tier_in_type=tier_names.get(r["tier_in_type"]),
                )
                for r in ranked
            ),
            key=_rank_order,
        )
    )

    year_values = values.filter(pl.col("year") == year)
    codes = [r.unit.code for r in rows]
    values_by_indicator = {
        ind.code: _values_of(year_values, ind.code, codes) for ind in framework.indicators
    }
    targets = {
        ind.code: [
            t for t in system.targets if t.indicator == ind.code and t.level in ("province", level)
        ]
        for ind in framework.indicators
    }
    indicator_views = tuple(
        indicator_view(
            ind, framework, system, values_by_indicator[ind.code], targets[ind.code], units.ref
        )
        for ind in framework.indicators
    )
    risers, fallers = movers(rows)
    return MonitoringReport(
        year=year,
        level=level,
        level_name=LEVEL_NAMES[level],
        title=report_title(year, level, system.region),
        framework_name=Bilingual(framework.name_zh, framework.name_en),
        index_name=_index_name(framework),
        notice=notice,
        previous_year=previous_year,
        reranked=any(r["previous_rank_restated"] for r in ranked),
        rows=rows,
        groups=_groups(rows) if level == "county" else (),
        departed=departed_units(rankings, ranked, previous_year, year, registry, level, units.ref),
        top=tuple(r for r in rows if r.rank is not None and r.rank <= TOP_N),
        climbers=risers[:TOP_N],
        risers=risers,
        fallers=fallers,
        pillars=_pillar_views(framework, node_scores, units),
        indicators=indicator_views,
        profiles=unit_profiles(
            rows,
            rankings,
            year,
            values_by_indicator,
            node_scores,
            targets,
            indicator_views,
            estimates,
            flags,
        ),
        tiers=_tier_views(rows, framework) if any(r.tier is not None for r in rows) else (),
        steps=tuple(
            step_view(step, sorted(index.get_column("year").unique().to_list()))
            for step in build_steps(framework)
        ),
        sources=source_views(notice, indicator_views),
        quality=data_quality(
            system, framework, (r.unit for r in rows), estimates, flags, checks, cells, units.ref
        ),
        type_groups=type_groups(rows, framework) if level == "county" else (),
        evaluation=evaluation_view(evaluations, year, framework, tier_names, units.ref),
        progress=progress_views(target_progress, system, level, codes),
        province_index=province_index_view(province_index, framework, year),
    )


def _unique(frame: pl.DataFrame, message: str) -> None:
    """DataError naming the units listed more than once in ``frame``."""
    codes = frame.get_column("region_code")
    doubled = sorted(codes.filter(codes.is_duplicated()).unique().to_list())
    if doubled:
        raise DataError(message.format(codes=doubled))


def _ranked(
    rankings: pl.DataFrame, current: pl.DataFrame, year: int, level: str
) -> list[dict[str, Any]]:
    """The year's rankings rows, which must list exactly the units with index scores."""
    _unique(current, f"scores lists the {INDEX_CODE!r} of unit(s) {{codes}} more than once")
    ranked = rankings.filter(pl.col("year") == year)
    _unique(ranked, f"rankings list unit(s) {{codes}} more than once for {level} {year}")
    stored = set(ranked.get_column("region_code").to_list())
    scored = set(current.get_column("region_code").to_list())
    if stored != scored:
        raise DataError(
            f"rankings and scores of {level} {year} disagree: unit(s) "
            f"{sorted(stored ^ scored)} are in only one of them; run the scoring stage again"
        )
    return list(ranked.iter_rows(named=True))


def _groups(rows: tuple[RankingRow, ...]) -> tuple[ParentGroup, ...]:
    """Counties grouped by their city (by city code), in province rank order."""
    by_parent: dict[Named, list[RankingRow]] = {}
    for row in rows:
        if row.parent is not None:
            by_parent.setdefault(row.parent, []).append(row)
    return tuple(
        ParentGroup(parent=parent, rows=tuple(by_parent[parent]))
        for parent in sorted(by_parent, key=lambda p: p.code)
    )


def _tier_names(
    ranked: list[dict[str, Any]], framework: MonitoringFramework, year: int
) -> dict[str, Named]:
    """The methodology's tiers by code; DataError if the rankings use another code."""
    names = {t.code: Named(t.code, Bilingual(t.name_zh, t.name_en)) for t in framework.tiers}
    used = {r[c] for r in ranked for c in ("tier", "tier_in_type") if r[c] is not None}
    unknown = sorted(used - set(names))
    if unknown:
        level = framework.level
        raise DataError(
            f"rankings use tier code(s) {unknown} for {level} {year}; the {level} "
            f"methodology defines {list(names)} (indicators.yaml methodology.{level}.tiers)"
        )
    return names


def _slice(frame: pl.DataFrame, name: str, columns: tuple[str, ...], level: str) -> pl.DataFrame:
    """The rows of ``level``; DataError naming the frame if a warehouse column is missing."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataError(
            f"{name} frame lacks column(s) {missing}; expected the warehouse columns "
            f"{list(columns)}"
        )
    return frame.select(columns).filter(pl.col("level") == level)


def _year_rows(
    frame: pl.DataFrame | None,
    name: str,
    columns: Mapping[str, pl.DataType],
    level: str,
    year: int,
) -> pl.DataFrame:
    """The rows of ``level`` and ``year`` of an optional frame (none: no rows)."""
    given = pl.DataFrame(schema=dict(columns)) if frame is None else frame
    return _slice(given, name, tuple(columns), level).filter(pl.col("year") == year)


class _Units:
    """Names of units from the registry, looked up once each.

    A name that several units of the report share (市中区 in Jinan, Zaozhuang and Jining;
    Lanshan District for both 岚山区 and 兰山区) is followed by the unit's city, per language, so
    that every list in the report names units unambiguously.
    """

    def __init__(self, registry: DivisionRegistry, level: str, years: list[int]) -> None:
        self._registry = registry
        self.level = level
        self._refs: dict[str, Named] = {}
        shown = {d.code: d for y in years for d in registry.valid_in(y, level)}.values()
        self._shared = {
            lang: {
                name
                for name, count in Counter(getattr(d, f"name_{lang}") for d in shown).items()
                if count > 1
            }
            for lang in ("zh", "en")
        }

    def ref(self, code: str) -> Named:
        if code not in self._refs:
            division = self._registry.get(code)
            zh, en = division.name_zh, division.name_en
            if zh in self._shared["zh"] or en in self._shared["en"]:
                city = self._registry.get(division.parent_code)
                if zh in self._shared["zh"]:
                    zh = f"{zh}（{city.name_zh}）"
                if en in self._shared["en"]:
                    en = f"{en} ({city.name_en})"
            self._refs[code] = Named(code, Bilingual(zh, en))
        return self._refs[code]


def _number(value: Any) -> float | None:
    """A score or value as float, None for missing or NaN."""
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) else number


def _rank(value: Any) -> int | None:
    return None if value is None or math.isnan(float(value)) else int(value)


def _node_scores(
    scores: pl.DataFrame, flags: Mapping[str, tuple[PillarFlag, ...]]
) -> dict[tuple[str, str], NodeScore]:
    """Every score of the year by (unit, node), a pillar flagged where ``flags`` says so."""
    flagged = {(code, f.code) for code, found in flags.items() for f in found}
    return {
        (code, node): NodeScore(_number(score), _rank(rank), (code, node) in flagged)
        for code, node, score, rank in scores.select(
            "region_code", "node", "score", "rank"
        ).iter_rows()
    }


def _rank_order(row: RankingRow) -> tuple[bool, int, str]:
    """Rank as given (ties keep their shared rank), unranked last, then by code."""
    return (row.rank is None, row.rank or 0, row.unit.code)


def _tier_views(
    rows: tuple[RankingRow, ...], framework: MonitoringFramework
) -> tuple[TierView, ...]:
    return tuple(
        TierView(
            code=tier.code,
            name=Bilingual(tier.name_zh, tier.name_en),
            rule=rule,
            members=tuple(r.unit for r in rows if r.tier is not None and r.tier.code == tier.code),
        )
        for tier, rule in tier_rules(framework)
    )


def _pillar_views(
    framework: MonitoringFramework,
    node_scores: Mapping[tuple[str, str], NodeScore],
    units: _Units,
) -> tuple[PillarView, ...]:
    total = sum(p.weight for p in framework.pillars)
    views = []
    for pillar in framework.pillars:
        leaders = sorted(
            (node.rank, code, node)
            for (code, node_code), node in node_scores.items()
            if node_code == pillar.code and node.rank is not None and node.rank <= TOP_N
        )
        views.append(
            PillarView(
                code=pillar.code,
                name=Bilingual(pillar.name_zh, pillar.name_en),
                weight=pillar.weight,
                share=pillar.weight / total,
                leaders=tuple((units.ref(code), node) for _, code, node in leaders),
            )
        )
    return tuple(views)


def _values_of(year_values: pl.DataFrame, indicator: str, codes: list[str]) -> dict[str, float]:
    """Non-missing values of one indicator for the ranked units, in ranking order."""
    found = {
        code: _number(value)
        for code, value in year_values.filter(pl.col("indicator") == indicator)
        .select("region_code", "value")
        .iter_rows()
    }
    return {c: v for c in codes if (v := found.get(c)) is not None}
