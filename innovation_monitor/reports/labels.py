"""Bilingual UI strings of the monitoring reports: Chinese first, English too.

Every fixed piece of text a report shows lives here, so that the templates hold structure only
and a translation fix is a one-line change.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from innovation_monitor.reports.labels_output import OUTPUT_LABELS
from innovation_monitor.reports.units_en import UNITS_EN as UNITS_EN
from innovation_monitor.reports.units_en import unit_text as unit_text

LANGS: tuple[str, ...] = ("zh", "en")


@dataclass(frozen=True)
class Bilingual:
    """A text in Chinese and English; ``get`` picks one for the page being rendered."""

    zh: str
    en: str

    def get(self, lang: str) -> str:
        if lang == "zh":
            return self.zh
        if lang == "en":
            return self.en
        raise ValueError(f"unknown report language {lang!r}; expected one of {LANGS}")


PUNCTUATION: dict[str, dict[str, str]] = {
    "zh": {"sep": "；", "colon": "：", "open": "（", "close": "）", "gap": ""},
    "en": {"sep": "; ", "colon": ": ", "open": " (", "close": ")", "gap": " "},
}
"""List separator, colon, parentheses and the space between words: full-width (and no
space) in Chinese text, ASCII in English."""

LEVEL_NAMES: dict[str, Bilingual] = {
    "city": Bilingual("设区市", "Cities"),
    "county": Bilingual("县（市、区）", "Counties"),
}

SYNTHETIC_BANNER = Bilingual(
    "本报告基于合成样例数据，不代表真实统计",
    "Built from SYNTHETIC sample data — not official statistics",
)

LABELS: dict[str, Bilingual] = {
    "contents": Bilingual("目录", "Contents"),
    "summary": Bilingual("概况", "Summary"),
    "ranking": Bilingual("综合排名", "Ranking"),
    "ranking_by_city": Bilingual("分市排名", "Ranking within each city"),
    "chart": Bilingual("综合指数得分", "Index scores"),
    "pillar_leaders": Bilingual("分领域领先地区", "Pillar leaders"),
    "indicators": Bilingual("指标概览", "Indicators"),
    "profiles": Bilingual("地区指标详情", "Unit profiles"),
    "tiers": Bilingual("梯队划分", "Tiers"),
    "departed": Bilingual("不再单独监测的地区", "Units no longer monitored"),
    "methodology": Bilingual("方法说明", "Methodology"),
    "framework": Bilingual("指标体系", "Indicator framework"),
    "steps": Bilingual("计算步骤", "Computation steps"),
    "data_sources": Bilingual("数据来源", "Data sources"),
    "data_notice": Bilingual("数据说明", "Data notice"),
    "rank": Bilingual("排名", "Rank"),
    "rank_in_city": Bilingual("市内排名", "Rank in city"),
    "region": Bilingual("地区", "Region"),
    "code": Bilingual("地区代码", "Code"),
    "parent_city": Bilingual("所属市", "City"),
    "index_score": Bilingual("综合指数", "Index score"),
    "province_is_100": Bilingual("全省为100", "province = 100"),
    "previous_rank": Bilingual("上年排名", "Previous rank"),
    "rank_change": Bilingual("排名变化", "Rank change"),
    "tier": Bilingual("梯队", "Tier"),
    "score": Bilingual("得分", "Score"),
    "value": Bilingual("数值", "Value"),
    "unit": Bilingual("单位", "Unit"),
    "indicator": Bilingual("指标", "Indicator"),
    "pillar": Bilingual("一级指标（领域）", "Pillar"),
    "weight": Bilingual("权重", "Weight"),
    "formula": Bilingual("计算公式", "Formula"),
    "direction": Bilingual("方向", "Direction"),
    "positive": Bilingual("正向", "positive"),
    "negative": Bilingual("逆向", "negative"),
    "rationale": Bilingual("说明", "Rationale"),
    "province_best": Bilingual("全省最优", "Province best"),
    "province_median": Bilingual("全省中位数", "Province median"),
    "target": Bilingual("规划目标", "Plan target"),
    "target_source": Bilingual("目标来源", "Target source"),
    "meets_target": Bilingual("达到目标的地区数", "Units meeting target"),
    "indicator_rank": Bilingual("指标排名", "Indicator rank"),
    "rank_history": Bilingual("历年综合排名", "Index rank by year"),
    "new_unit": Bilingual("新增", "new"),
    "no_change": Bilingual("持平", "unchanged"),
    "no_data_this_year": Bilingual("本年无数据", "no data this year"),
    "rule": Bilingual("划分规则", "Rule"),
    "met": Bilingual("达到", "met"),
    "unmet": Bilingual("未达到", "not met"),
    "share_in_index": Bilingual("占综合指数权重", "Share of index"),
    "ranking_rule": Bilingual(
        "每年按综合指数由高到低排名，得分相同者并列同一名次",
        "each year, units are ranked by index score, highest first; equal scores share a rank",
    ),
    "note": Bilingual("备注", "Note"),
    "recoded_from": Bilingual("由{name}（{code}）调整而来", "formerly {name}, {code}"),
    "no_previous": Bilingual(
        "无上年数据，不计算排名变化", "No previous year: rank changes not shown"
    ),
    "merged_into": Bilingual("并入{names}", "merged into {names}"),
    "ended": Bilingual("已撤销", "abolished"),
    "last_rank": Bilingual("{year}年排名第{rank}", "ranked {rank} in {year}"),
    "units_count": Bilingual("参评地区数", "Units ranked"),
    "top_three": Bilingual("综合排名前三", "Top three"),
    "climbers": Bilingual("排名上升最多", "Biggest climbers"),
    "no_climbers": Bilingual("无排名上升的地区", "No unit climbed"),
    "compared_with": Bilingual("排名变化与{year}年比较", "Rank changes are against {year}"),
    "reranked": Bilingual(
        "上年排名按本年区划重新排序，合并的地区按其中最靠前者计一位",
        "previous ranks are re-ranked on this year's boundaries, merged units counting once, "
        "at the best place among them",
    ),
    "boundary_changed": Bilingual(
        "区划调整，不可比：由{names}合并", "boundaries changed, not comparable: merged from {names}"
    ),
    "ties_note": Bilingual("得分相同的地区并列同一名次。", "Units with equal scores share a rank."),
    "leader": Bilingual("领先地区", "Leaders"),
    "none": Bilingual("无", "none"),
    "members": Bilingual("地区", "Units"),
    "generated_from": Bilingual(
        "本报告由 innovation-monitor 依据指标体系自动生成。",
        "This report was generated by innovation-monitor from the indicator framework.",
    ),
    "indicator_count": Bilingual("指标数", "Indicators"),
    "total": Bilingual("合计", "Total"),
    "data_quality": Bilingual("数据质量", "Data quality"),
    "marker_estimated": Bilingual("估", "*"),
    "marker_missing": Bilingual("缺", "†"),
    "marker_flagged": Bilingual("⚠", "⚠"),
    "legend_estimated": Bilingual(
        "估：不是本地区当年的统计数据，而是插补值（方法和来源见注）",
        "*: not the unit's own figure for the year but an imputed value (method and source in "
        "the notes)",
    ),
    "legend_missing": Bilingual(
        "缺：无数据，计算时跳过，同一领域其余指标的权重按比例放大",
        "†: no value; left out of the computation, the other indicators of the pillar weigh "
        "proportionally more",
    ),
    "legend_flagged": Bilingual(
        "⚠：该领域过半指标为插补或缺失值，得分应谨慎解读",
        "⚠: more than half of the pillar's indicators are imputed or missing; read the score "
        "with care",
    ),
    "notes": Bilingual("注", "Notes"),
    "quality_summary": Bilingual(
        "{year}年参评地区各指标的数据情况", "Indicator values of the ranked units in {year}"
    ),
    "own_values": Bilingual("本地区当年数据", "Own figures"),
    "carried": Bilingual("沿用往年", "Carried forward"),
    "imputed_other": Bilingual("其他方法插补", "Imputed otherwise"),
    "missing": Bilingual("缺失", "Missing"),
    "no_estimates": Bilingual(
        "本年参评地区的全部指标值均为本地区当年数据。",
        "Every indicator value of the ranked units is their own figure for the year.",
    ),
    "flagged_units": Bilingual(
        "领域过半指标为插补或缺失值的地区",
        "Units with pillars resting mostly on imputed or missing values",
    ),
    "pillar_flag": Bilingual(
        "{pillar}：{total}项指标中{estimated}项为插补或缺失值",
        "{pillar}: {estimated} of {total} indicators imputed or missing",
    ),
    "warnings": Bilingual("未通过的警告性检查", "Warnings"),
    "check": Bilingual("检查", "Check"),
    "rows_failed": Bilingual("不符合的行数", "Rows failing"),
    "examples": Bilingual("示例", "Examples"),
    "accepted_checks": Bilingual("用户确认接受的检查", "Checks accepted by the user"),
    "accepted_note": Bilingual(
        "用户以 --accept-quarantine 确认接受以下未通过的阻断性检查。有问题的数据未用于计算，"
        "受影响的指标值为插补或缺失值。",
        "The user accepted the failing blocking checks below with --accept-quarantine. The "
        "problem data were left out of the computation; the indicator values they feed are "
        "imputed or missing.",
    ),
    "override_alert": Bilingual(
        "注意：本报告的数据未通过阻断性检查，用户以 --accept-quarantine 确认接受；"
        "{count}个有问题的数据单元格未用于计算，详见“数据质量”一节",
        "Note: the data of this report failed a blocking check that the user accepted with "
        "--accept-quarantine; {count} problem cell(s) were left out of the computation (see "
        "Data quality)",
    ),
    "excluded_cells": Bilingual("未用于计算的数据单元格", "Cells left out of the computation"),
    "file": Bilingual("文件", "File"),
    "row": Bilingual("行", "Row"),
    "column": Bilingual("列", "Column"),
    "raw_text": Bilingual("原始内容", "As written"),
    "reason": Bilingual("原因", "Reason"),
    "on_estimate": Bilingual("依据插补值", "on an imputed value"),
    "not_assessed": Bilingual("无数据，未评估", "not assessed: no value"),
    "estimated_indicators": Bilingual("插补或缺失的指标", "Imputed or missing indicators"),
    "flagged_pillars": Bilingual(
        "过半指标为插补或缺失值的领域", "Pillars resting mostly on imputed or missing values"
    ),
    "csv_quality": Bilingual(
        "本年参评地区指标值中沿用往年{carried}个、其他方法插补{imputed}个、缺失{missing}个",
        "of the ranked units' indicator values this year {carried} are carried forward, "
        "{imputed} imputed otherwise and {missing} missing",
    ),
    "example_cell": Bilingual("{file}第{row}行“{column}”列", "{file} row {row}, column {column}"),
    "example_raw": Bilingual("原文“{raw}”", "written '{raw}'"),
    "previous_score": Bilingual("上年指数", "Previous index"),
    "score_change": Bilingual("指数变化（点）", "Index change (points)"),
    "restated_from": Bilingual(
        "与上年同口径比较（含原{names}）", "against the previous year including the former {names}"
    ),
    "reranked_rescored": Bilingual(
        "上年排名按本年区划重新排序，合并的地区按合并后的统计数据重新测算上年指数",
        "previous ranks are re-ranked on this year's boundaries, a merged unit's previous index "
        "re-scored from the combined statistics of the units it was merged from",
    ),
    "movers": Bilingual("位次变化", "Biggest moves"),
    "fallers": Bilingual("排名下降最多", "Biggest fallers"),
    "no_fallers": Bilingual("无排名下降的地区", "No unit fell"),
    "ranking_by_type": Bilingual("分类排名", "Ranking by type of unit"),
    "rank_in_type": Bilingual("类型内排名", "Rank in type"),
    "tier_in_type": Bilingual("类型内梯队", "Tier in type"),
    "type_score": Bilingual("类型内指数", "Index within type"),
    "type_note": Bilingual(
        "各类型地区分别排名，类型内梯队按“梯队划分”的规则在同类型地区中划分；全省排名为全部县（市、区）的排名。",
        "Each type is ranked on its own; the tier in type applies the tier rules among the units "
        "of the type. The province rank is among all county-level units.",
    ),
    "evaluation": Bilingual("评价周期与先进地区", "Evaluation cycle and advanced units"),
    "evaluation_period": Bilingual("{start}–{end}年评价周期", "Evaluation cycle {start}–{end}"),
    "period_mean": Bilingual("评价期均值", "period mean"),
    "period_mean_heading": Bilingual("评价期均值", "Period mean"),
    "period_improvement": Bilingual("评价期提升幅度", "improvement over the period"),
    "period_note": Bilingual(
        "评价周期内各年综合指数合并评价，按{measure}排名；评价期梯队按“梯队划分”的规则划分。",
        "The years of the cycle are evaluated together, ranked on the {measure}; the period tiers "
        "apply the tier rules.",
    ),
    "period_rank": Bilingual("评价期排名", "Period rank"),
    "improvement": Bilingual("提升幅度（点）", "Improvement (points)"),
    "years_scored": Bilingual("参评年数", "Years scored"),
    "period_tier": Bilingual("评价期梯队", "Period tier"),
    "rule_met": Bilingual("先进依据", "Rule met"),
    "advanced_cities": Bilingual("先进市", "Advanced cities"),
    "advanced_counties": Bilingual("先进县（市、区）", "Advanced counties"),
    "advanced_by_tier": Bilingual("{measure}位于{tier}", "{measure} in the {tier}"),
    "advanced_by_improvement": Bilingual(
        "评价期内提升幅度居前{top}位", "among the {top} largest improvements over the period"
    ),
    "advanced_rules": Bilingual(
        "{name}：{rules}的地区，按评价期排名至多取{max}个",
        "{name}: units with {rules}, best period rank first, at most {max}",
    ),
    "advanced_rules_all": Bilingual("{name}：{rules}的地区", "{name}: units with {rules}"),
    "or": Bilingual("或", " or "),
    "no_advanced": Bilingual("本评价周期无先进地区", "No advanced unit in this cycle"),
    "target_progress": Bilingual("规划目标进展", "Progress towards plan targets"),
    "progress_note": Bilingual(
        "依据截至{year}年的数据；尚未达到的目标按近{trend}年复合增长率推算达到年份。",
        "On the data up to {year}; a target not yet met is projected on the compound growth of "
        "the last {trend} years.",
    ),
    "in_target_year": Bilingual("目标年份", "Target year"),
    "latest_value": Bilingual("最新值", "Latest"),
    "gap": Bilingual("差距", "Gap"),
    "reached": Bilingual("达到年份", "Year reached"),
    "province_index": Bilingual(
        "全省{name}（以{base}年为100）", "The province's {name} ({base} = 100)"
    ),
    "index_and_pillars": Bilingual("指数与领域", "Index and pillars"),
    "in_year": Bilingual("{year}年", "{year}"),
    "years_span": Bilingual("{start}–{end}年", "{start}–{end}"),
    "province_index_note": Bilingual(
        "全省各项指标以{base}年全省数值为100，按指标体系的权重加权汇总，反映全省自身的变化；"
        "各市指数则以当年全省为100。",
        "Each of the province's indicators in % of its {base} value, weighted and aggregated as "
        "the framework says: the province's own change over time (the cities' index takes the "
        "province of the same year as 100).",
    ),
    "no_data": Bilingual("无数据", "no data"),
}
LABELS |= {key: Bilingual(*texts) for key, texts in OUTPUT_LABELS.items()}


def label(key: str) -> Bilingual:
    """The UI string ``key``; a typo in a template fails loudly instead of printing nothing."""
    try:
        return LABELS[key]
    except KeyError:
        raise KeyError(f"report label {key!r} is not defined in reports/labels.py") from None


def report_title(year: int, level: str, region: tuple[str, str]) -> Bilingual:
    """The report title, e.g. ``2023年山东省设区市创新能力监测报告`` (``region``: the framework
    file's, for another province or the country)."""
    level_name = LEVEL_NAMES[level]
    return Bilingual(
        f"{year}年{region[0]}{level_name.zh}创新能力监测报告",
        f"{region[1]} Regional Innovation Capability Monitoring Report {year} — {level_name.en}",
    )


STEP_NAMES: dict[str, Bilingual] = {
    "denominate": Bilingual("分母处理", "Denomination"),
    "impute": Bilingual("缺失值插补", "Imputation"),
    "screen": Bilingual("数据可得性筛选", "Screening"),
    "treat": Bilingual("异常值处理", "Outlier treatment"),
    "normalise": Bilingual("标准化", "Normalisation"),
    "weight": Bilingual("权重", "Weighting"),
    "aggregate": Bilingual("加权汇总", "Aggregation"),
}

STEP_METHODS: dict[tuple[str, str | None], Bilingual] = {
    ("denominate", None): Bilingual(
        "指标除以其分母变量", "indicators are divided by their denominator variables"
    ),
    ("screen", None): Bilingual(
        "剔除数据可得率低于阈值的地区",
        "units whose data availability is below the threshold are left out",
    ),
    ("impute", "group_mean"): Bilingual(
        "缺失值取同组其他地区当年的平均值", "a missing value takes the mean of its group that year"
    ),
    ("impute", "group_median"): Bilingual(
        "缺失值取同组其他地区当年的中位数",
        "a missing value takes the median of its group that year",
    ),
    ("impute", "column_mean"): Bilingual(
        "缺失值取全部地区当年的平均值", "a missing value takes the mean of all units that year"
    ),
    ("impute", "column_median"): Bilingual(
        "缺失值取全部地区当年的中位数", "a missing value takes the median of all units that year"
    ),
    ("impute", "carry_forward"): Bilingual(
        "缺失值沿用本地区上一年的数值", "a missing value keeps the unit's previous-year value"
    ),
    ("impute", "linear"): Bilingual(
        "缺失值按本地区前后年份线性插值", "a missing value is interpolated between the unit's years"
    ),
    ("impute", "knn"): Bilingual(
        "缺失值取最相似的 k 个地区的平均值（K 近邻）",
        "a missing value takes the mean of the k most similar units (k nearest neighbours)",
    ),
    ("impute", "iterative"): Bilingual(
        "缺失值由其他指标迭代回归估计", "a missing value is estimated by iterative regression"
    ),
    ("treat", "winsorise_then_log"): Bilingual(
        "偏度和峰度过高的指标先缩尾处理（最多 winmax 个值），仍偏态时取对数",
        "skewed, heavy-tailed indicators are winsorised (at most winmax points), "
        "then log-transformed if still skewed",
    ),
    ("treat", "boxcox"): Bilingual("Box-Cox 变换", "Box-Cox transformation"),
    ("treat", "none"): Bilingual("不做处理", "no treatment"),
    ("normalise", "minmax"): Bilingual("最小-最大值标准化", "min-max rescaling"),
    ("normalise", "zscore"): Bilingual("Z 分数标准化", "z-scores"),
    ("normalise", "rank"): Bilingual("按位次计分", "ranks"),
    ("normalise", "percentile_rank"): Bilingual("百分位排名", "percentile ranks"),
    ("normalise", "borda"): Bilingual("Borda 计分", "Borda scores"),
    ("normalise", "distance_to_max"): Bilingual("与最大值的距离", "distance to the maximum"),
    ("normalise", "fraction_of_max"): Bilingual("占最大值的比例", "fraction of the maximum"),
    ("normalise", "distance_to_target"): Bilingual("与目标值的距离", "distance to the target"),
    ("normalise", "ratio_to_reference"): Bilingual("与参照地区之比", "ratio to a reference unit"),
    ("weight", "explicit"): Bilingual(
        "采用指标体系设定的权重（体现政策重点）",
        "the weights set in the framework (policy priorities)",
    ),
    ("weight", "equal"): Bilingual("等权重", "equal weights"),
    ("weight", "entropy"): Bilingual("熵权法", "entropy weights"),
    ("weight", "critic"): Bilingual("CRITIC 赋权法", "CRITIC weights"),
    ("weight", "pca"): Bilingual("主成分分析赋权", "principal-component weights"),
    ("weight", "ahp"): Bilingual("层次分析法", "analytic hierarchy process"),
    ("aggregate", "arithmetic"): Bilingual("加权算术平均", "weighted arithmetic mean"),
    ("aggregate", "geometric"): Bilingual("加权几何平均", "weighted geometric mean"),
    ("aggregate", "harmonic"): Bilingual("加权调和平均", "weighted harmonic mean"),
    ("aggregate", "generalised"): Bilingual("广义加权平均", "generalised (power) mean"),
    ("aggregate", "copeland"): Bilingual("Copeland 两两比较法", "Copeland pairwise comparison"),
}


ESTIMATES: dict[str, Bilingual] = {
    "carry_forward": Bilingual("沿用本地区{from}年数值", "carried forward from {from}"),
    "linear": Bilingual(
        "按本地区{from}年和{to}年数值线性插值", "interpolated between {from} and {to}"
    ),
    "group_median": Bilingual(
        "取{group}其他{n}个地区当年的中位数", "median of {n} other units of {group} that year"
    ),
    "group_mean": Bilingual(
        "取{group}其他{n}个地区当年的平均值", "mean of {n} other units of {group} that year"
    ),
    "column_median": Bilingual(
        "取其他{n}个地区当年的中位数", "median of {n} other units that year"
    ),
    "column_mean": Bilingual("取其他{n}个地区当年的平均值", "mean of {n} other units that year"),
    "knn": Bilingual("取最相似的{k}个地区的平均值", "mean of the {k} most similar units"),
    "iterative": Bilingual(
        "由其他指标迭代回归估计", "estimated by iterative regression on the other indicators"
    ),
    "missing": Bilingual("无数据，计算时跳过", "no value: left out of the computation"),
}
"""How an imputed value was obtained, by the method stored in ``imputations``, with the fields
of its ``source`` (``from``, ``to``, ``group`` — a unit's name —, ``n``, ``k``)."""


def estimate_text(method: str, fields: Mapping[str, str | Bilingual]) -> Bilingual:
    """How a value was imputed, in words (``fields``: the source's, a name per language where
    it is bilingual); a method or source this table cannot spell out is described by the
    engine step's text (``STEP_METHODS``), or named."""

    def spelled(lang: str) -> dict[str, str]:
        return {k: v.get(lang) if isinstance(v, Bilingual) else v for k, v in fields.items()}

    template = ESTIMATES.get(method)
    if template is not None:
        try:
            return Bilingual(
                template.zh.format(**spelled("zh")), template.en.format(**spelled("en"))
            )
        except KeyError:
            pass
    return STEP_METHODS.get(("impute", method), Bilingual(method, method))


def pooled_goalposts_note(first: int, last: int) -> Bilingual:
    """Why scores of past years can differ from earlier editions (pooled goalposts)."""
    return Bilingual(
        f"标准化基准统一取 {first}–{last} 年全部数据，各年得分可直接比较；"
        "每期报告按新增数据重新测算全部年份，往年得分可能与已发布版本不同，已发布版本保持不变",
        f"goalposts are pooled over all years {first}–{last}, so scores compare across years; "
        "each edition re-estimates every year, so past years' scores may differ from a published "
        "edition's, which stays as published",
    )


def step_text(step: str, method: str | None) -> tuple[Bilingual, Bilingual]:
    """Name and plain-language description of a build step; an engine step or method this
    table does not know yet is shown by its code rather than hidden."""
    name = STEP_NAMES.get(step, Bilingual(step, step))
    description = STEP_METHODS.get((step, method))
    if description is None:
        shown = method or step
        description = Bilingual(shown, shown)
    return name, description
