"""The data of one annual monitoring report, assembled from warehouse frames.

:func:`build_report` does every comparison and lookup (previous-year ranks, boundary changes,
tiers, province best/median, plan targets, methodology) so that rendering is pure layout and the
HTML and the CSV can never disagree. This year's ranks are taken as given in ``scores`` (ties
included); only the previous year is re-ranked, on this year's boundaries, for rank changes.
"""

from __future__ import annotations

import math
import re
import statistics
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import polars as pl

from innovation_monitor.divisions import DivisionRegistry
from innovation_monitor.errors import DataError
from innovation_monitor.indicator_system import (
    INDEX_CODE,
    Indicator,
    IndicatorSystem,
    MonitoringFramework,
    Target,
)
from innovation_monitor.reports.labels import (
    LEVEL_NAMES,
    SYNTHETIC_BANNER,
    Bilingual,
    pooled_goalposts_note,
    report_title,
    step_text,
    tier_rule,
)

SCORES_COLUMNS = ("year", "level", "region_code", "node", "score", "rank")
INDICATOR_VALUES_COLUMNS = ("year", "level", "region_code", "indicator", "value")
TIERS_COLUMNS = ("year", "level", "region_code", "tier")
TOP_N = 3
"""The summary names the units ranked 1 to TOP_N (and each pillar its leaders ranked 1 to TOP_N),
ties included, and the TOP_N biggest climbers."""


# ---------------------------------------------------------------------------------- the data


@dataclass(frozen=True)
class DataNotice:
    """What the data is and where it comes from; ``synthetic`` puts a banner on every page."""

    synthetic: bool
    notice_zh: str
    notice_en: str
    sources: list[str] = field(default_factory=list)

    @property
    def text(self) -> Bilingual:
        return Bilingual(self.notice_zh, self.notice_en)


@dataclass(frozen=True)
class Named:
    """Something shown by name and identified by code: a city or county, a tier."""

    code: str
    name: Bilingual


@dataclass(frozen=True)
class RankChange:
    """The unit's index rank against the previous ranked year.

    ``previous_rank`` is re-ranked on this year's boundaries (see :func:`_compare`), so it can
    differ from the rank published for that year. ``change`` = previous rank - current rank, so
    a positive number is a climb; None when either rank is missing. ``predecessor`` is set when
    the unit took over a single unit of another code (e.g. 莱城区 → 莱芜区) and is compared with
    it. ``merged_from`` names the previous units whose territory a unit with changed boundaries
    now holds (济南市 and 莱芜市 for Jinan in 2019): such a unit is not comparable and has no
    change. ``is_new``: there is a previous year but the unit (or a predecessor) was not in it.
    """

    previous_rank: int | None = None
    change: int | None = None
    predecessor: Named | None = None
    merged_from: tuple[Named, ...] = ()
    is_new: bool = False


@dataclass(frozen=True)
class NodeScore:
    """A unit's score and rank at one node (a pillar or an indicator)."""

    score: float | None
    rank: int | None


@dataclass(frozen=True)
class RankingRow:
    """One unit in the ranking table."""

    unit: Named
    parent: Named | None
    score: float | None
    rank: int | None
    change: RankChange
    tier: Named | None
    pillars: dict[str, NodeScore]
    rank_in_parent: int | None = None


@dataclass(frozen=True)
class ParentGroup:
    """The counties of one city, in province rank order (with their rank within the city)."""

    parent: Named
    rows: tuple[RankingRow, ...]


@dataclass(frozen=True)
class DepartedUnit:
    """A unit ranked in the previous year that has no ranking this year."""

    unit: Named
    previous_rank: int | None
    successors: tuple[Named, ...]
    """Units of this year that took over its territory; the unit itself if it still exists
    (it simply has no scores this year)."""

    @property
    def still_exists(self) -> bool:
        return any(s.code == self.unit.code for s in self.successors)


@dataclass(frozen=True)
class PillarView:
    """A pillar with its weight (as given and as a share of the index) and its leaders."""

    code: str
    name: Bilingual
    weight: float
    share: float
    leaders: tuple[tuple[Named, NodeScore], ...]


@dataclass(frozen=True)
class TargetView:
    """A plan target on an indicator, and how many of the units it applies to meet it."""

    id: str
    scope: Named
    year: int
    comparison: str
    value: float
    unit: str
    source_title: Bilingual
    source_quote_zh: str
    source_seed: str
    met: int
    assessed: int


@dataclass(frozen=True)
class IndicatorView:
    """One indicator: definition, methodology and this year's province picture."""

    code: str
    name: Bilingual
    pillar: str
    unit: str
    direction: int
    weight: float
    share_in_pillar: float
    share_in_index: float
    formula: str
    formula_text: Bilingual
    rationale: Bilingual
    best: float | None
    best_units: tuple[Named, ...]
    median: float | None
    n_values: int
    targets: tuple[TargetView, ...]


@dataclass(frozen=True)
class ProfileCell:
    """One indicator of one unit: value, normalised score and rank, and target checks."""

    indicator: str
    value: float | None
    score: NodeScore
    targets_met: tuple[tuple[TargetView, bool], ...]
    """(target, met) for every target that applies to this unit."""


@dataclass(frozen=True)
class UnitProfile:
    """A unit's indicator values and its index rank over the years up to the report year."""

    unit: Named
    rank: int | None
    cells: tuple[ProfileCell, ...]
    rank_history: tuple[tuple[int, int | None], ...]


@dataclass(frozen=True)
class TierView:
    """One tier (梯队): its rule from the methodology and the units in it, best first."""

    code: str
    name: Bilingual
    rule: Bilingual
    members: tuple[Named, ...]


@dataclass(frozen=True)
class StepView:
    """One scoring-engine build step explained in both languages, with its raw parameters."""

    step: str
    name: Bilingual
    description: Bilingual
    parameters: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class SourceView:
    """A document the report relies on (data sources and plan documents)."""

    title: Bilingual
    detail: str


@dataclass(frozen=True)
class MonitoringReport:
    """Everything one (year, level) report shows, in both languages."""

    year: int
    level: str
    level_name: Bilingual
    title: Bilingual
    framework_name: Bilingual
    index_name: Bilingual
    notice: DataNotice
    previous_year: int | None
    reranked: bool
    """Some previous rank differs from the published one because boundaries changed; the
    report says so next to the comparison year."""
    rows: tuple[RankingRow, ...]
    groups: tuple[ParentGroup, ...]
    departed: tuple[DepartedUnit, ...]
    top: tuple[RankingRow, ...]
    climbers: tuple[RankingRow, ...]
    pillars: tuple[PillarView, ...]
    indicators: tuple[IndicatorView, ...]
    profiles: tuple[UnitProfile, ...]
    tiers: tuple[TierView, ...]
    steps: tuple[StepView, ...]
    sources: tuple[SourceView, ...]

    @property
    def banner(self) -> Bilingual | None:
        """The synthetic-data warning, or None for real statistics."""
        return SYNTHETIC_BANNER if self.notice.synthetic else None

    @property
    def has_tiers(self) -> bool:
        return bool(self.tiers)

    @property
    def has_previous(self) -> bool:
        return self.previous_year is not None


# -------------------------------------------------------------------------------- assembling


def build_report(
    year: int,
    level: str,
    *,
    scores: pl.DataFrame,
    indicator_values: pl.DataFrame,
    tiers: pl.DataFrame | None,
    registry: DivisionRegistry,
    system: IndicatorSystem,
    notice: DataNotice,
) -> MonitoringReport:
    """Assemble the (year, level) report from warehouse-shaped frames.

    ``scores`` should hold every year available for the level (previous ranks and rank history
    come from it); ``tiers`` may be None or empty, in which case the report has no tier section.
    """
    if level not in LEVEL_NAMES:
        raise DataError(f"report level {level!r} is unknown; expected one of {list(LEVEL_NAMES)}")
    framework = system.frameworks[level]
    scores = _slice(scores, "scores", SCORES_COLUMNS, level)
    values = _slice(indicator_values, "indicator_values", INDICATOR_VALUES_COLUMNS, level)
    index = scores.filter(pl.col("node") == INDEX_CODE)
    current = index.filter(pl.col("year") == year)
    if current.is_empty():
        years = sorted(index.get_column("year").unique().to_list())
        raise DataError(
            f"scores has no {INDEX_CODE!r} rows for {level} {year}; years with index scores: "
            f"{years or 'none'}"
        )
    earlier = index.filter(pl.col("year") < year).get_column("year")
    previous_year = int(earlier.max()) if len(earlier) else None

    units = _Units(registry, level, [y for y in (previous_year, year) if y is not None])
    node_scores = _node_scores(scores.filter(pl.col("year") == year))
    tier_of = _tiers(tiers, year, level, framework)
    ranks_now = _ranks(current)
    changes, departed, reranked = _compare(
        ranks_now,
        index,
        previous_year,
        year,
        level,
        registry,
        units,
    )

    rows = tuple(
        sorted(
            (
                RankingRow(
                    unit=units.ref(code),
                    parent=units.parent(code) if level == "county" else None,
                    score=node_scores[(code, INDEX_CODE)].score,
                    rank=rank,
                    change=changes[code],
                    tier=tier_of.get(code),
                    pillars={
                        p.code: node_scores.get((code, p.code), NodeScore(None, None))
                        for p in framework.pillars
                    },
                )
                for code, rank in ranks_now.items()
            ),
            key=_rank_order,
        )
    )
    groups: tuple[ParentGroup, ...] = ()
    if level == "county":
        groups = _groups(rows)
        in_parent = {r.unit.code: r.rank_in_parent for g in groups for r in g.rows}
        rows = tuple(replace(r, rank_in_parent=in_parent[r.unit.code]) for r in rows)

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
        _indicator_view(
            ind, framework, system, values_by_indicator[ind.code], targets[ind.code], units
        )
        for ind in framework.indicators
    )
    return MonitoringReport(
        year=year,
        level=level,
        level_name=LEVEL_NAMES[level],
        title=report_title(year, level),
        framework_name=Bilingual(framework.name_zh, framework.name_en),
        index_name=Bilingual(framework.index_name_zh, framework.index_name_en),
        notice=notice,
        previous_year=previous_year,
        reranked=reranked,
        rows=rows,
        groups=groups,
        departed=departed,
        top=tuple(r for r in rows if r.rank is not None and r.rank <= TOP_N),
        climbers=tuple(
            sorted(
                (r for r in rows if r.change.change is not None and r.change.change > 0),
                key=lambda r: (-(r.change.change or 0), *_rank_order(r)),
            )
        )[:TOP_N],
        pillars=_pillar_views(framework, scores.filter(pl.col("year") == year), units),
        indicators=indicator_views,
        profiles=_profiles(
            rows, index, year, values_by_indicator, node_scores, targets, indicator_views
        ),
        tiers=_tier_views(rows, framework) if tier_of else (),
        steps=tuple(
            _step_view(step, sorted(index.get_column("year").unique().to_list()))
            for step in framework.build_steps
        ),
        sources=_sources(notice, indicator_views),
    )


def _slice(frame: pl.DataFrame, name: str, columns: tuple[str, ...], level: str) -> pl.DataFrame:
    """The rows of ``level``; DataError naming the frame if a warehouse column is missing."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataError(
            f"{name} frame lacks column(s) {missing}; expected the warehouse columns "
            f"{list(columns)}"
        )
    return frame.select(columns).filter(pl.col("level") == level)


class _Units:
    """Names of units from the registry, looked up once each.

    A name that several units of the report share (市中区 in Jinan, Zaozhuang and Jining;
    Lanshan District for both 岚山区 and 兰山区) is followed by the unit's city, per language, so
    that every list in the report names units unambiguously.
    """

    def __init__(self, registry: DivisionRegistry, level: str, years: list[int]) -> None:
        self._registry = registry
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

    def parent(self, code: str) -> Named:
        return self.ref(self._registry.get(code).parent_code)


def _number(value: Any) -> float | None:
    """A score or value as float, None for missing or NaN."""
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) else number


def _rank(value: Any) -> int | None:
    return None if value is None or math.isnan(float(value)) else int(value)


def _ranks(index: pl.DataFrame) -> dict[str, int | None]:
    """Index rank by unit code (one year); a unit listed twice is a data error."""
    codes = index.get_column("region_code")
    doubled = sorted(codes.filter(codes.is_duplicated()).unique().to_list())
    if doubled:
        raise DataError(f"scores lists the {INDEX_CODE!r} of unit(s) {doubled} more than once")
    return {code: _rank(rank) for code, rank in index.select("region_code", "rank").iter_rows()}


def _node_scores(scores: pl.DataFrame) -> dict[tuple[str, str], NodeScore]:
    return {
        (code, node): NodeScore(_number(score), _rank(rank))
        for code, node, score, rank in scores.select(
            "region_code", "node", "score", "rank"
        ).iter_rows()
    }


def _rank_order(row: RankingRow) -> tuple[bool, int, str]:
    """Rank as given (ties keep their shared rank), unranked last, then by code."""
    return (row.rank is None, row.rank or 0, row.unit.code)


def _compare(
    now: Mapping[str, int | None],
    index: pl.DataFrame,
    previous_year: int | None,
    year: int,
    level: str,
    registry: DivisionRegistry,
    units: _Units,
) -> tuple[dict[str, RankChange], tuple[DepartedUnit, ...], bool]:
    """Rank changes against the previous ranked year, on this year's boundaries.

    Published previous ranks count units that are gone: after 莱芜市 merged into 济南市 every
    city ranked below Laiwu would climb one place for free. So the previous year is re-ranked
    (ties "min", by index score) with one entry per unit of this year, holding the best previous
    score among the units its territory came from: a unit mapped one-to-one (same code, or a
    recode such as 莱城区 → 莱芜区) keeps its own score and is compared with it, and merged
    units count once, so a merger moves nobody else. A unit whose boundaries changed gets no
    change but the units it was merged from (Shandong has mergers only, docs/divisions.md).
    Previous units with no rank now are listed as departed with the units that took over their
    territory. The flag says whether any previous rank differs from the published one.
    """
    if previous_year is None:
        return {code: RankChange() for code in now}, (), False
    previous = index.filter(pl.col("year") == previous_year)
    before = _ranks(previous)
    scored = {
        code: number
        for code, score, rank in previous.select("region_code", "score", "rank").iter_rows()
        if rank is not None and (number := _number(score)) is not None
    }
    successors: dict[str, list[str]] = {}
    predecessors: dict[str, list[str]] = {}
    for old, new in registry.crosswalk(previous_year, year, level).iter_rows():
        successors.setdefault(old, []).append(new)
        predecessors.setdefault(new, []).append(old)
    restated = {
        new: max(found)
        for new, olds in predecessors.items()
        if (found := [scored[old] for old in olds if old in scored])
    }
    rank_before = {
        code: 1 + sum(other > score for other in restated.values())
        for code, score in restated.items()
    }

    changes: dict[str, RankChange] = {}
    compared: set[str] = set()
    reranked = False
    for code, rank in now.items():
        olds = predecessors.get(code, [])
        if len(olds) > 1 or (olds and successors[olds[0]] != [code]):
            changes[code] = RankChange(merged_from=tuple(units.ref(old) for old in sorted(olds)))
            continue
        if not olds or olds[0] not in before:
            changes[code] = RankChange(is_new=True)
            continue
        (source,) = olds
        compared.add(source)
        previous_rank = rank_before.get(code)
        reranked |= previous_rank != before[source]
        changes[code] = RankChange(
            previous_rank=previous_rank,
            change=None if rank is None or previous_rank is None else previous_rank - rank,
            predecessor=None if source == code else units.ref(source),
        )
    departed = tuple(
        DepartedUnit(
            unit=units.ref(code),
            previous_rank=before[code],
            successors=tuple(units.ref(s) for s in sorted(successors.get(code, []))),
        )
        for code in sorted(before, key=lambda c: (before[c] is None, before[c] or 0, c))
        if code not in now and code not in compared
    )
    return changes, departed, reranked


def _groups(rows: tuple[RankingRow, ...]) -> tuple[ParentGroup, ...]:
    """Counties grouped by their city, each with its rank within the city (ties shared)."""
    by_parent: dict[Named, list[RankingRow]] = {}
    for row in rows:
        if row.parent is not None:
            by_parent.setdefault(row.parent, []).append(row)
    groups = []
    for parent in sorted(by_parent, key=lambda p: p.code):
        members = by_parent[parent]
        ranks = [r.rank for r in members if r.rank is not None]
        groups.append(
            ParentGroup(
                parent=parent,
                rows=tuple(
                    replace(r, rank_in_parent=1 + sum(x < r.rank for x in ranks))
                    if r.rank is not None
                    else r
                    for r in members
                ),
            )
        )
    return tuple(groups)


def _tiers(
    tiers: pl.DataFrame | None, year: int, level: str, framework: MonitoringFramework
) -> dict[str, Named]:
    """Tier by unit code for this year; empty when no tiers were given."""
    if tiers is None or tiers.is_empty():
        return {}
    frame = _slice(tiers, "tiers", TIERS_COLUMNS, level).filter(pl.col("year") == year)
    names = {t.code: Named(t.code, Bilingual(t.name_zh, t.name_en)) for t in framework.tiers}
    unknown = sorted(set(frame.get_column("tier").to_list()) - set(names))
    if unknown:
        raise DataError(
            f"tiers frame uses tier code(s) {unknown} for {level} {year}; the {level} "
            f"methodology defines {list(names)} (indicators.yaml methodology.{level}.tiers)"
        )
    return {code: names[tier] for code, tier in frame.select("region_code", "tier").iter_rows()}


def _tier_views(
    rows: tuple[RankingRow, ...], framework: MonitoringFramework
) -> tuple[TierView, ...]:
    views = []
    previous: float | None = None
    for tier in framework.tiers:
        value = getattr(tier, tier.bound) if tier.bound is not None else None
        views.append(
            TierView(
                code=tier.code,
                name=Bilingual(tier.name_zh, tier.name_en),
                rule=tier_rule(tier.bound, value, previous),
                members=tuple(
                    r.unit for r in rows if r.tier is not None and r.tier.code == tier.code
                ),
            )
        )
        previous = value
    return tuple(views)


def _pillar_views(
    framework: MonitoringFramework, scores: pl.DataFrame, units: _Units
) -> tuple[PillarView, ...]:
    total = sum(p.weight for p in framework.pillars)
    views = []
    for pillar in framework.pillars:
        ranked = scores.filter((pl.col("node") == pillar.code) & (pl.col("rank") <= TOP_N)).sort(
            "rank", "region_code"
        )
        views.append(
            PillarView(
                code=pillar.code,
                name=Bilingual(pillar.name_zh, pillar.name_en),
                weight=pillar.weight,
                share=pillar.weight / total,
                leaders=tuple(
                    (units.ref(code), NodeScore(_number(score), _rank(rank)))
                    for code, score, rank in ranked.select(
                        "region_code", "score", "rank"
                    ).iter_rows()
                ),
            )
        )
    return tuple(views)


_VARIABLE_CODE = re.compile(r"\b[a-z][a-z0-9_]*\b")


def _formula_text(indicator: Indicator, system: IndicatorSystem) -> Bilingual:
    """The formula with variable names instead of codes (R&D经费内部支出 / 地区生产总值 × 100):
    readers of the report know the statistics, not the codes."""

    def spelled(lang: str) -> str:
        def name(match: re.Match[str]) -> str:
            variable = system.variables.get(match.group(0))
            if variable is None:  # a function such as min()/max()
                return match.group(0)
            return variable.name_zh if lang == "zh" else variable.name_en

        return _VARIABLE_CODE.sub(name, indicator.formula).replace("*", "×")

    return Bilingual(spelled("zh"), spelled("en"))


def _applies(target: Target, code: str) -> bool:
    """A province target is a benchmark for every unit; a unit's own target for it alone."""
    return target.level == "province" or target.scope_code == code


def _target_views(targets: list[Target], values: Mapping[str, float]) -> tuple[TargetView, ...]:
    views = []
    for target in targets:
        applicable = [v for code, v in values.items() if _applies(target, code)]
        views.append(
            TargetView(
                id=target.id,
                scope=Named(
                    target.scope_code, Bilingual(target.scope_name_zh, target.scope_name_en)
                ),
                year=target.year,
                comparison=target.comparison,
                value=target.value,
                unit=target.unit,
                source_title=Bilingual(target.source.title_zh, target.source.title_en),
                source_quote_zh=target.source.quote_zh,
                source_seed=target.source.seed,
                met=sum(target.is_met(v) for v in applicable),
                assessed=len(applicable),
            )
        )
    return tuple(views)


def _indicator_view(
    indicator: Indicator,
    framework: MonitoringFramework,
    system: IndicatorSystem,
    values: Mapping[str, float],
    targets: list[Target],
    units: _Units,
) -> IndicatorView:
    best = None
    if values:
        pick = max if indicator.direction > 0 else min
        best = pick(values.values())
    siblings = framework.indicators_of(indicator.pillar)
    pillar_share = next(p.weight for p in framework.pillars if p.code == indicator.pillar) / sum(
        p.weight for p in framework.pillars
    )
    share_in_pillar = indicator.weight / sum(i.weight for i in siblings)
    return IndicatorView(
        code=indicator.code,
        name=Bilingual(indicator.name_zh, indicator.name_en),
        pillar=indicator.pillar,
        unit=indicator.unit,
        direction=indicator.direction,
        weight=indicator.weight,
        share_in_pillar=share_in_pillar,
        share_in_index=share_in_pillar * pillar_share,
        formula=indicator.formula,
        formula_text=_formula_text(indicator, system),
        rationale=Bilingual(indicator.rationale_zh, indicator.rationale_en),
        best=best,
        best_units=tuple(units.ref(c) for c, v in values.items() if v == best),
        median=statistics.median(values.values()) if values else None,
        n_values=len(values),
        targets=_target_views(targets, values),
    )


def _values_of(year_values: pl.DataFrame, indicator: str, codes: list[str]) -> dict[str, float]:
    """Non-missing values of one indicator for the ranked units, in ranking order."""
    found = {
        code: _number(value)
        for code, value in year_values.filter(pl.col("indicator") == indicator)
        .select("region_code", "value")
        .iter_rows()
    }
    return {c: v for c in codes if (v := found.get(c)) is not None}


def _profiles(
    rows: tuple[RankingRow, ...],
    index: pl.DataFrame,
    year: int,
    values: Mapping[str, Mapping[str, float]],
    node_scores: Mapping[tuple[str, str], NodeScore],
    targets: Mapping[str, list[Target]],
    views: tuple[IndicatorView, ...],
) -> tuple[UnitProfile, ...]:
    shown = {t.id: t for view in views for t in view.targets}
    history: dict[str, list[tuple[int, int | None]]] = {}
    for code, past_year, rank in (
        index.filter(pl.col("year") <= year)
        .sort("year")
        .select("region_code", "year", "rank")
        .iter_rows()
    ):
        history.setdefault(code, []).append((int(past_year), _rank(rank)))
    profiles = []
    for row in rows:
        code = row.unit.code
        cells = []
        for indicator, by_unit in values.items():
            value = by_unit.get(code)
            cells.append(
                ProfileCell(
                    indicator=indicator,
                    value=value,
                    score=node_scores.get((code, indicator), NodeScore(None, None)),
                    targets_met=tuple(
                        (shown[t.id], value is not None and t.is_met(value))
                        for t in targets[indicator]
                        if _applies(t, code)
                    ),
                )
            )
        profiles.append(
            UnitProfile(
                unit=row.unit,
                rank=row.rank,
                cells=tuple(cells),
                rank_history=tuple(history.get(code, [])),
            )
        )
    return tuple(profiles)


def _step_view(step: Mapping[str, Any], panel_years: list[int]) -> StepView:
    """A build step explained; pooled goalposts also say that this edition re-estimates every
    year of the panel, so earlier years' scores supersede those of earlier reports."""
    ((name, parameters),) = step.items()
    parameters = dict(parameters or {})
    title, description = step_text(name, parameters.get("method"))
    if parameters.get("goalposts") == "pooled" and panel_years:
        note = pooled_goalposts_note(panel_years[0], panel_years[-1])
        description = Bilingual(f"{description.zh}；{note.zh}", f"{description.en}; {note.en}")
    return StepView(
        step=name,
        name=title,
        description=description,
        parameters=tuple((key, _parameter(value)) for key, value in parameters.items()),
    )


def _parameter(value: Any) -> str:
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_parameter(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_parameter(v)}" for k, v in value.items()) + "}"
    return str(value)


def _sources(notice: DataNotice, indicators: tuple[IndicatorView, ...]) -> tuple[SourceView, ...]:
    """The data sources of the notice, then every plan document a shown target cites."""
    views = [SourceView(Bilingual(s, s), "") for s in notice.sources]
    seen: set[str] = set()
    for view in indicators:
        for target in view.targets:
            if target.source_seed not in seen:
                seen.add(target.source_seed)
                views.append(SourceView(target.source_title, target.source_seed))
    return tuple(views)
