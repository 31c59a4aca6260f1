"""The report's methodology side, from the framework: indicator definitions and weight shares,
formulas spelled with variable names, plan targets and how many units meet them, the engine's
build steps explained, and what the report says about its data and the documents it relies
on."""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable, Mapping
from typing import Any

import polars as pl

from innovation_monitor.framework import (
    Indicator,
    IndicatorSystem,
    MonitoringFramework,
    Target,
    Tier,
)
from innovation_monitor.reports.labels import (
    PUNCTUATION,
    Bilingual,
    pooled_goalposts_note,
    step_text,
    unit_text,
)
from innovation_monitor.reports.views import (
    DataNotice,
    IndicatorView,
    Named,
    SourceView,
    StepView,
    TargetView,
)

_VARIABLE_CODE = re.compile(r"\b[a-z][a-z0-9_]*\b")


def formula_text(
    indicator: Indicator, system: IndicatorSystem, *, units: bool = False
) -> Bilingual:
    """The formula with variable names instead of codes (R&D经费内部支出 / 地区生产总值 × 100):
    readers of the report know the statistics, not the codes. ``units`` adds each variable's
    unit (R&D经费内部支出（万元）), as the methodology document shows it."""

    def spelled(lang: str) -> str:
        def name(match: re.Match[str]) -> str:
            variable = system.variables.get(match.group(0))
            if variable is None:  # a function such as min()/max()
                return match.group(0)
            text = variable.name_zh if lang == "zh" else variable.name_en
            if units:
                marks = PUNCTUATION[lang]
                text += f"{marks['open']}{unit_text(variable.unit, lang)}{marks['close']}"
            return text

        return _VARIABLE_CODE.sub(name, indicator.formula).replace("*", "×")

    return Bilingual(spelled("zh"), spelled("en"))


def tier_rules(framework: MonitoringFramework) -> list[tuple[Tier, Bilingual]]:
    """Each tier with its rule in words; a tier's rule starts below the better tier's bound,
    and the last tier's rule is what lies below the one before it."""
    rules: list[tuple[Tier, Bilingual]] = []
    previous: float | None = None
    previous_bound: str | None = None
    province = _province_score(framework)
    for tier in framework.tiers:
        value = getattr(tier, tier.bound) if tier.bound is not None else None
        bound = tier.bound or previous_bound
        rules.append((tier, tier_rule(bound, value, previous, province=province)))
        previous, previous_bound = value, bound
    return rules


def _province_score(framework: MonitoringFramework) -> float | None:
    """The province's own score where units are scored in % of it (the ``scale`` of the
    ``ratio_to_reference`` normalisation), else None."""
    if framework.methodology.reference != "province":
        return None
    for step in framework.methodology.steps:
        params = dict(step.get("normalise") or {})
        if params.get("method") == "ratio_to_reference":
            return float(params.get("scale", 100.0))
    return None


def tier_rule(
    bound: str | None, value: float | None, previous: float | None, *, province: float | None = None
) -> Bilingual:
    """The rule of a tier as the methodology states it: ``bound`` (``max_rank``,
    ``max_rank_share`` or ``min_score``) at ``value`` (None for the last tier, which takes the
    rest), below the better tier's bound ``previous`` (None for the first tier). ``province``:
    the province's score where units are scored against it (100), so that the band from it up
    says it is at or above the province."""
    if bound is None or (value is None and previous is None):
        return Bilingual("其余地区", "all other units")
    if bound == "max_rank":
        if value is None:
            return Bilingual(f"综合排名第 {previous:g} 位之后", f"index rank below {previous:g}")
        low = 1 if previous is None else int(previous) + 1
        return Bilingual(f"综合排名第 {low}–{value:g} 位", f"index rank {low} to {value:g}")
    if bound == "max_rank_share":
        above = None if previous is None else f"{previous * 100:g}%"
        if value is None:
            return Bilingual(f"综合排名前 {above} 之后", f"index rank below the top {above}")
        top = f"{value * 100:g}%"
        if above is None:
            return Bilingual(f"综合排名前 {top}", f"index rank within the top {top}")
        return Bilingual(
            f"综合排名前 {above} 之后、前 {top} 之内",
            f"index rank below the top {above}, within the top {top}",
        )
    if value is None:
        return Bilingual(f"综合指数 < {previous:g}", f"index score < {previous:g}")
    at_province = ("（不低于全省水平）", " (at or above the province)")
    zh, en = at_province if province is not None and value == province else ("", "")
    if previous is None:
        return Bilingual(f"综合指数 ≥ {value:g}{zh}", f"index score ≥ {value:g}{en}")
    return Bilingual(
        f"{value:g} ≤ 综合指数 < {previous:g}{zh}", f"{value:g} ≤ index score < {previous:g}{en}"
    )


def target_applies(target: Target, code: str) -> bool:
    """A province target is a benchmark for every unit; a unit's own target for it alone."""
    return target.level == "province" or target.scope_code == code


def _target_views(targets: list[Target], values: Mapping[str, float]) -> tuple[TargetView, ...]:
    views = []
    for target in targets:
        applicable = [v for code, v in values.items() if target_applies(target, code)]
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


def indicator_view(
    indicator: Indicator,
    framework: MonitoringFramework,
    system: IndicatorSystem,
    values: Mapping[str, float],
    targets: list[Target],
    ref: Callable[[str], Named],
) -> IndicatorView:
    """One indicator with its weight shares and this year's best, median and target checks;
    ``values`` are the ranked units' values, ``ref`` names a unit by code."""
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
        formula_text=formula_text(indicator, system),
        rationale=Bilingual(indicator.rationale_zh, indicator.rationale_en),
        best=best,
        best_units=tuple(ref(c) for c, v in values.items() if v == best),
        median=statistics.median(values.values()) if values else None,
        n_values=len(values),
        targets=_target_views(targets, values),
    )


def step_view(step: Mapping[str, Any], panel_years: list[int]) -> StepView:
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


def source_views(
    notice: DataNotice, indicators: tuple[IndicatorView, ...]
) -> tuple[SourceView, ...]:
    """The data sources of the notice, then every plan document a shown target cites."""
    views = [SourceView(Bilingual(s, s), "") for s in notice.sources]
    seen: set[str] = set()
    for view in indicators:
        for target in view.targets:
            if target.source_seed not in seen:
                seen.add(target.source_seed)
                views.append(SourceView(target.source_title, target.source_seed))
    return tuple(views)


def data_notice(sources: pl.DataFrame) -> DataNotice:
    """What a report must say about its data, from the ``sources`` rows of its year and level:
    synthetic if any of its files is, the notice of its data set (a synthetic one first), and
    the files it was built from."""
    noticed = sources.filter(pl.col("notice_zh").is_not_null() | pl.col("notice_en").is_not_null())
    noticed = noticed.sort("synthetic", descending=True)
    first = noticed.row(0, named=True) if noticed.height else None
    return DataNotice(
        synthetic=bool(sources["synthetic"].any()),
        notice_zh=(first["notice_zh"] or "") if first else "",
        notice_en=(first["notice_en"] or "") if first else "",
        sources=sorted(set(sources["source_file"].to_list())),
    )
