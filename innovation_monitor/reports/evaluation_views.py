"""The report's evaluation sections: the edition's evaluation cycle with its advanced units
(评价周期, 先进市; table ``evaluations``) and the county-level units ranked by type (分类评价;
``rankings.unit_type``, ``rank_in_type``, ``tier_in_type``).

Both lay out what the scoring stage stored (:mod:`innovation_monitor.scoring.evaluation`,
:mod:`innovation_monitor.scoring.classified`): nothing is ranked or tiered here. A stored rule
code (``tier:tier1``, ``improvement:2``) is shown in words, never as the code.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import polars as pl

from innovation_monitor.errors import DataError
from innovation_monitor.framework import MonitoringFramework
from innovation_monitor.framework.model import AdvancedRule
from innovation_monitor.framework.unit_types import REGISTRY_TYPES
from innovation_monitor.reports.labels import Bilingual, label
from innovation_monitor.reports.views import (
    EvaluationView,
    Named,
    PeriodRow,
    RankingRow,
    TypeGroup,
)
from innovation_monitor.scoring.schemas import EVALUATIONS_SCHEMA


def _number(value: float | None) -> float | None:
    return None if value is None or value != value else float(value)


def _rule_text(rule: AdvancedRule, measure: Bilingual, tiers: Mapping[str, Named]) -> Bilingual:
    """An advanced unit's rule in words: 评价期均值位于第一梯队, 评价期内提升幅度居前2位."""
    if rule.rule == "tier":
        tier = tiers[str(rule.tier)].name
        text = label("advanced_by_tier")
        return Bilingual(
            text.zh.format(measure=measure.zh, tier=tier.zh),
            text.en.format(measure=measure.en, tier=tier.en),
        )
    text = label("advanced_by_improvement")
    return Bilingual(text.zh.format(top=rule.top), text.en.format(top=rule.top))


def evaluation_rules(framework: MonitoringFramework, tiers: Mapping[str, Named]) -> Bilingual:
    """How the advanced units are chosen, in one sentence (every rule, the maximum)."""
    spec = framework.methodology.evaluation
    if spec is None:
        return Bilingual("", "")
    measure = label(f"period_{spec.rank_on}")
    rules = [_rule_text(rule, measure, tiers) for rule in spec.advanced_rules]
    text = label("advanced_rules" if spec.advanced_max else "advanced_rules_all")
    name = _advanced_name(framework.level)
    return Bilingual(
        *(
            text.get(lang).format(
                name=name.get(lang),
                rules=label("or").get(lang).join(r.get(lang) for r in rules),
                max=spec.advanced_max,
                measure=measure.get(lang),
            )
            for lang in ("zh", "en")
        )
    )


def _advanced_name(level: str) -> Bilingual:
    return label("advanced_cities" if level == "city" else "advanced_counties")


def evaluation_view(
    evaluations: pl.DataFrame | None,
    year: int,
    framework: MonitoringFramework,
    tiers: Mapping[str, Named],
    ref: Callable[[str], Named],
) -> EvaluationView | None:
    """The evaluation cycle of ``year`` from its stored ``evaluations`` rows (None: the year is
    not an edition evaluated, or the level has no evaluation cycle); DataError for a stored
    rule or tier the methodology does not define."""
    spec = framework.methodology.evaluation
    if evaluations is None or spec is None:
        return None
    missing = [c for c in EVALUATIONS_SCHEMA if c not in evaluations.columns]
    if missing:
        raise DataError(f"evaluations frame lacks column(s) {missing}")
    rows = evaluations.filter(pl.col("level") == framework.level, pl.col("year") == year)
    if rows.is_empty():
        return None
    measure = label(f"period_{spec.rank_on}")
    rules = {rule.code: _rule_text(rule, measure, tiers) for rule in spec.advanced_rules}
    where = f"indicators.yaml methodology.{framework.level}"
    unknown = sorted({r for r in rows["advanced_rule"].drop_nulls().to_list() if r not in rules})
    unknown_tiers = sorted(set(rows["period_tier"].drop_nulls().to_list()) - set(tiers))
    if unknown or unknown_tiers:
        raise DataError(
            f"evaluations of {framework.level} {year} use rule(s) {unknown} and tier(s) "
            f"{unknown_tiers} that {where}.evaluation and .tiers do not define; run the scoring "
            "stage again"
        )
    ordered = rows.sort("period_rank", "region_code", nulls_last=True)
    return EvaluationView(
        start=int(ordered["period_start"].min()),  # type: ignore[arg-type]
        end=int(ordered["period_end"].max()),  # type: ignore[arg-type]
        measure=measure,
        advanced_name=_advanced_name(framework.level),
        rules=evaluation_rules(framework, tiers),
        rows=tuple(
            PeriodRow(
                unit=ref(r["region_code"]),
                rank=r["period_rank"],
                mean=_number(r["period_mean"]),
                improvement=_number(r["improvement"]),
                years_scored=r["years_scored"],
                tier=None if r["period_tier"] is None else tiers[r["period_tier"]],
                advanced_rule=rules[r["advanced_rule"]] if r["advanced"] else None,
            )
            for r in ordered.iter_rows(named=True)
        ),
    )


def type_groups(
    rows: tuple[RankingRow, ...], framework: MonitoringFramework
) -> tuple[TypeGroup, ...]:
    """The ranked units by type (分类评价), in the methodology's order of types (stored types it
    does not list after them), each by rank within its type; none when no unit has a type."""
    configured = framework.methodology.types
    names = {name: Bilingual(name, en) for name, en in REGISTRY_TYPES.items()}
    weighted: set[str] = set()
    if configured is not None:
        names = {t.name_zh: Bilingual(t.name_zh, t.name_en) for t in configured.types}
        weighted = {t.name_zh for t in configured.types if t.weights}
    stored = {r.unit_type for r in rows if r.unit_type is not None}
    order = [n for n in names if n in stored] + sorted(stored - set(names))
    return tuple(
        TypeGroup(
            name=names.get(name, Bilingual(name, name)),
            rows=tuple(
                sorted(
                    (r for r in rows if r.unit_type == name),
                    key=lambda r: (
                        r.rank_in_type is None,
                        r.rank_in_type or 0,
                        r.rank or 0,
                        r.unit.code,
                    ),
                )
            ),
            own_weights=name in weighted,
        )
        for name in order
    )
