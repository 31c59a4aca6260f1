"""The scoring engine's build steps as plain sentences, every parameter said in words.

The report's step list names each step and describes its method (``labels.step_text`` through
``methodology.step_view``) but shows the parameters as code (``dat_thresh={2: 0.5}``); the
methodology document is read by officials, so here a parameter becomes a clause ("每个领域至少需有
一半指标有值 / a pillar needs at least half of its indicators to have a value"). The report keeps
its own layout for now; it can switch to :func:`step_sentence` when its HTML may change.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from innovation_monitor.divisions.registry import PROVINCE_CODE
from innovation_monitor.indicators import CITY_TYPE_COLUMN, PARENT_COLUMN, TYPE_COLUMN
from innovation_monitor.reports.labels import LANGS, PUNCTUATION, Bilingual
from innovation_monitor.reports.methodology import step_view

B = Bilingual
WORDS: dict[str, Bilingual] = {
    "limit": B(
        "连续缺失最多填补 {value} 年，更长缺口的其余年份保持缺失",
        "at most {value} missing years in a row are filled, the rest of a longer gap stays missing",
    ),
    "group_parent": B(
        "同组指同一设区市所辖的县（市、区）", "the group is the counties of the same city"
    ),
    "group_city_type": B(
        "同组指同一设区市所辖的同类型县（市、区）（分类评价的类型）",
        "the group is the units of the same type (classified evaluation) in the same city",
    ),
    "group_unit_type": B(
        "同组指全省同类型的县（市、区）（分类评价的类型）",
        "the group is the units of the same type (classified evaluation) in the province",
    ),
    "skewed": B(
        "偏度绝对值达到 {skew} 且峰度达到 {kurtosis} 的指标视为偏态",
        "an indicator counts as skewed when its absolute skewness reaches {skew} and its "
        "kurtosis {kurtosis}",
    ),
    "panel_pooled": B(
        "全部年份合并检验和变换，各年采用同一变换",
        "all years are tested and transformed together, so one transformation applies to every "
        "year",
    ),
    "panel_per_period": B("每年分别检验和变换", "each year is tested and transformed on its own"),
    "range": B("得分区间为 {low}–{high}", "scores run from {low} to {high}"),
    "goalposts_pooled": B(
        "标准化基准统一取全部年份的数据，各年得分可直接比较；"
        "每期重新测算全部年份，往年得分可能与已发布版本不同，已发布版本保持不变",
        "goalposts are pooled over all years, so scores compare across years; each edition "
        "re-estimates every year, so past years' scores may differ from a published edition's, "
        "which stays as published",
    ),
    "goalposts_per_period": B(
        "每年分别确定标准化基准", "goalposts are set for each year on its own"
    ),
    "goalposts_reference": B("以 {value} 年的数据为标准化基准", "goalposts are those of {value}"),
    "dat_thresh": B(
        "缺失的下级指标不计入，其余权重相应放大；{who}至少需有{share}{children}有值，否则无得分",
        "missing children are skipped and the remaining weights rescaled; {who} needs at least "
        "{share} of its {children} to have a value, else it has no score",
    ),
    "half": B("一半", "half"),
    "province_reference": B(
        "各指标以全省同年数值为 {scale}：本地区值除以全省值（逆向指标为全省值除以本地区值），"
        "指数即相当于全省水平的百分比；全省数值由各市统计数据加总计算，比率类指标为分子与分母"
        "分别加总后之比",
        "each indicator in % of the province's value that year (the province scores {scale}): the "
        "unit's value divided by the province's (the province's by the unit's for an indicator "
        "where lower is better), so the index is a percentage of the province's level; the "
        "province's values are computed from the sum of the cities' statistics, a ratio as the "
        "ratio of the summed numerator and denominator",
    ),
    "unit_reference": B(
        "以参照地区（{unit}）同年数值为 {scale}",
        "in % of the reference unit's ({unit}) value that year (the reference scores {scale})",
    ),
}
_AGGREGATES: dict[int, tuple[Bilingual, Bilingual]] = {
    2: (B("每个领域", "a pillar"), B("指标", "indicators")),
    3: (B("综合指数", "the index"), B("领域", "pillars")),
}
"""What aggregation levels 2 and 3 of a monitoring framework are, and what they are made of."""


def number(value: float) -> str:
    """A figure as people write it: 2.5, 13, 10,000."""
    return f"{value:,g}"


def _plain(value: Any) -> str:
    if isinstance(value, list | tuple):
        return "–".join(_plain(v) for v in value)
    if isinstance(value, Mapping):
        return ", ".join(f"{k}: {_plain(v)}" for k, v in value.items())
    return number(value) if isinstance(value, int | float) else str(value)


def _words(key: str, **fields: Any) -> Bilingual:
    return B(*(WORDS[key].get(lang).format(**fields) for lang in LANGS))


def _known(key: str) -> Bilingual | None:
    return WORDS.get(key)


def _goalposts(value: Any) -> Bilingual | None:
    if isinstance(value, Mapping) and set(value) == {"reference_period"}:
        return _words("goalposts_reference", value=value["reference_period"])
    return _known(f"goalposts_{value}")


def _reference(unit: Any, scale: Any = 100) -> Bilingual:
    key = "province_reference" if str(unit) == PROVINCE_CODE else "unit_reference"
    return _words(key, unit=unit, scale=_plain(scale))


def _dat_thresh(value: Any) -> list[Bilingual] | None:
    """Data thresholds per aggregation level (one share: every level)."""
    levels = value if isinstance(value, Mapping) else dict.fromkeys(_AGGREGATES, value)
    if not set(levels) <= set(_AGGREGATES):
        return None
    phrases = []
    for level, share in sorted(levels.items()):
        who, children = _AGGREGATES[level]
        amount = WORDS["half"] if share == 0.5 else B(f"{share * 100:g}%", f"{share * 100:g}%")
        phrases.append(
            B(
                *(
                    WORDS["dat_thresh"]
                    .get(lang)
                    .format(who=who.get(lang), share=amount.get(lang), children=children.get(lang))
                    for lang in LANGS
                )
            )
        )
    return phrases


GROUP_WORDS = {
    PARENT_COLUMN: "group_parent",
    CITY_TYPE_COLUMN: "group_city_type",
    TYPE_COLUMN: "group_unit_type",
}
"""The words of an impute step's peer group, by the engine's group column."""

_PHRASES: dict[tuple[str, ...], Callable[..., Bilingual | list[Bilingual] | None]] = {
    ("limit",): lambda value: _words("limit", value=value),
    ("group",): lambda value: WORDS.get(GROUP_WORDS.get(value, "")),
    ("skew", "kurtosis"): lambda skew, kurtosis: _words(
        "skewed", skew=_plain(skew), kurtosis=_plain(kurtosis)
    ),
    ("panel",): lambda value: _known(f"panel_{value}"),
    ("range",): lambda value: _words("range", low=_plain(value[0]), high=_plain(value[-1])),
    ("goalposts",): _goalposts,
    ("dat_thresh",): _dat_thresh,
    ("unit", "scale"): _reference,
    ("unit",): _reference,
}
"""Plain words for build-step parameters, keyed by the parameters one phrase says. A parameter
without a phrase (or a value the phrase does not know), and not named in its method's
description, is shown as ``name: value``, the way ``labels.step_text`` shows a method it does
not know: visible, rather than hidden."""


def _parameter_words(parameters: Mapping[str, Any], said: set[str]) -> list[Bilingual]:
    """The phrases for the parameters not ``said`` yet, in the step's order."""
    words: list[Bilingual] = []
    for key, value in parameters.items():
        if key in said:
            continue
        phrase = None
        for keys, phrase_for in _PHRASES.items():
            if key in keys and all(k in parameters and k not in said for k in keys):
                phrase = phrase_for(*(parameters[k] for k in keys))
                if phrase is not None:
                    said.update(keys)
                    break
        if phrase is None:
            phrase = B(f"{key}: {_plain(value)}", f"{key}: {_plain(value)}")
            said.add(key)
        words += phrase if isinstance(phrase, list) else [phrase]
    return words


def step_sentence(step: Mapping[str, Any], lang: str) -> str:
    """One build step as Markdown: its name in bold, then the report's description of its
    method with each numeric parameter it names filled in (最多 winmax 个值 → 最多 13 个值), then
    the other parameters in words, as one sentence."""
    ((_, parameters),) = step.items()
    parameters = dict(parameters or {})
    view = step_view(step, [])
    description = view.description.get(lang)
    said = {"method"}
    for key, value in parameters.items():
        pattern = rf"\b{re.escape(key)}\b"
        numeric = isinstance(value, int | float) and not isinstance(value, bool)
        if numeric and re.search(pattern, description):
            description = re.sub(pattern, _plain(value), description)
            said.add(key)
    clauses = [description] + [w.get(lang) for w in _parameter_words(parameters, said)]
    return f"**{view.name.get(lang)}**{PUNCTUATION[lang]['colon']}{sentence(clauses, lang)}"


def sentence(clauses: list[str], lang: str) -> str:
    """Clauses joined with the page's separator, ending with a full stop."""
    return PUNCTUATION[lang]["sep"].join(clauses) + ("。" if lang == "zh" else ".")
