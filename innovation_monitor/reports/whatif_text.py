"""A what-if answer in words, Chinese first (``innovation-monitor whatif``): lays out what
:func:`innovation_monitor.scoring.whatif.what_if` found; computes nothing itself."""

from innovation_monitor.divisions import DivisionRegistry
from innovation_monitor.framework import IndicatorSystem
from innovation_monitor.reports.labels import Bilingual
from innovation_monitor.scoring.whatif import RANK, Standing, WhatIf

B = Bilingual
_GOALS = {
    RANK: B("排名上升至少一位", "to move up at least one rank"),
    "tier": B("进入更高梯队", "to reach a better tier"),
}
_WORDS = {
    "ask": B(
        "{unit}（{year}年）：若其他数据不变，{variable}需要由 {value} 变为 {needed}"
        "（{change}），{goal}。",
        "{unit} ({year}): everything else unchanged, {variable} would have to go from "
        "{value} to {needed} ({change}) {goal}.",
    ),
    "standing": B(
        "{what}：综合指数 {score}，第 {rank} 名{tier}",
        "{what}: index {score}, rank {rank}{tier}",
    ),
    "now": B("现状", "now"),
    "after": B("按此数值重新测算", "re-scored with that value"),
    "short": B("变动幅度小 1% 时", "with a change 1 % smaller"),
    "why": B(
        "（以上结果均为按指标体系重新测算所得；省级参照值和多年合并的标准化基准随之重算。）",
        "(Each line is a full re-scoring with the methodology of indicators.yaml; the province "
        "reference and pooled goalposts are recomputed with the changed figure.)",
    ),
}


def _number(value: float) -> str:
    return f"{value:,.4g}" if abs(value) < 1000 else f"{value:,.0f}"


def whatif_text(
    found: WhatIf, system: IndicatorSystem, registry: DivisionRegistry, level: str, lang: str
) -> str:
    """The answer and its proof, one line each."""
    tiers = {t.code: B(t.name_zh, t.name_en) for t in system.frameworks[level].tiers}
    unit = registry.get(found.region_code)
    variable = system.variables[found.variable]
    names = {
        "unit": B(unit.name_zh, unit.name_en),
        "variable": B(
            f"{variable.name_zh}（{variable.unit}）", f"{variable.name_en} ({variable.unit})"
        ),
    }

    def standing(what: str, s: Standing) -> str:
        tier = "" if s.tier is None else B("，", ", ").get(lang) + tiers[s.tier].get(lang)
        return (
            _WORDS["standing"]
            .get(lang)
            .format(what=_WORDS[what].get(lang), score=f"{s.score:.2f}", rank=s.rank, tier=tier)
        )

    head = (
        _WORDS["ask"]
        .get(lang)
        .format(
            unit=names["unit"].get(lang),
            year=found.year,
            variable=names["variable"].get(lang),
            value=_number(found.value),
            needed=_number(found.needed),
            change=f"{found.change:+.1%}",
            goal=_GOALS[found.goal].get(lang),
        )
    )
    proof = [
        standing(what, s)
        for what, s in (("now", found.now), ("after", found.after), ("short", found.short))
    ]
    return "\n".join([head, *proof, _WORDS["why"].get(lang)]) + "\n"
