"""The bilingual sentences of an explanation that the reports do not already have.

Names, units, step descriptions, imputation wording and the cell wording come from
:mod:`innovation_monitor.reports.labels` (``label``, ``unit_text``, ``estimate_text``,
``STEP_METHODS``); only what is particular to tracing one score lives here, so that a term
reads the same in a report and in an explanation.
"""

from __future__ import annotations

from innovation_monitor.reports.labels import LANGS, Bilingual, label

B = Bilingual
WORDS: dict[str, Bilingual] = {
    "edition_published": B(
        "依据{edition}年版（已发布，数据年份{first}–{last}），其存档数据不随此后加载的数据而变",
        "As edition {edition} holds it (published, data years {first}–{last}): its frozen rows, "
        "unchanged by data loaded since",
    ),
    "edition_draft": B(
        "依据{edition}年版草稿（最近一次运行的结果，尚未发布）",
        "As the draft of edition {edition} holds it (the last run, not yet published)",
    ),
    "title": B("{unit}{year}年{index}的计算过程", "How the {year} {index} of {unit} was produced"),
    "focus_title": B(
        "{unit}{year}年“{indicator}”的计算过程及其对{index}的贡献",
        "How {indicator} of {unit} in {year} was produced and what it adds to the {index}",
    ),
    "index_line": B("{index}：{score}", "{index}: {score}"),
    "rank_of": B("第{rank}名（共{n}个地区）", "rank {rank} of {n}"),
    "no_index": B("无得分", "no score"),
    "pillar_line": B(
        "{pillar}：得分 {score}（第{rank}名）；权重 {weight}，占综合指数的 {share}；"
        "对综合指数的贡献 {contribution}",
        "{pillar}: score {score} (rank {rank}); weight {weight}, {share} of the index; "
        "contribution to the index {contribution}",
    ),
    "pillar_line_plain": B(
        "{pillar}：得分 {score}（第{rank}名）；权重 {weight}",
        "{pillar}: score {score} (rank {rank}); weight {weight}",
    ),
    "indicator_head": B("{indicator}（{unit}，{direction}）", "{indicator} ({unit}, {direction})"),
    "source_cells": B("原始数据", "Source cells"),
    "carried_cells": B(
        "{year}年原始数据（沿用的数值由此计算）", "Source cells of {year} (the value carried)"
    ),
    "sheet": B("{file} 工作表“{sheet}”", "{file}, sheet {sheet},"),
    "converted": B(
        "文件单位{written}，×{factor} 换算为 {value} {unit}",
        "unit in the file {written}, × {factor} gives {value} (in {unit})",
    ),
    "stored": B(
        "入库值 {value} {unit}（入库时已换算为该统计指标的计量单位）",
        "stored as {value} (in {unit}, converted to the statistic's unit when loaded)",
    ),
    "stored_plain": B("入库值 {value} {unit}", "stored as {value} (in {unit})"),
    "not_loaded": B("未入库：{reason}", "not loaded: {reason}"),
    "no_statistic": B("仓库中没有该数据", "no value in the warehouse"),
    "indicator_value": B("指标值", "Indicator value"),
    "no_own_value": B("本地区当年无指标值", "The unit has no value of its own this year"),
    "value_used": B("计算采用 {value}：{how}", "Scoring used {value}: {how}"),
    "normalised": B("标准化得分 {score}（第{rank}名）", "Normalised score {score} (rank {rank})"),
    "no_normalised": B(
        "无标准化得分，计算时跳过（权重 {weight} 不计入，本领域其余指标的权重按比例放大）",
        "No normalised score: left out (its weight {weight} does not count; the pillar's other "
        "indicators weigh proportionally more)",
    ),
    "screened_out": B(
        "本期未参与计算（被数据可得性筛选剔除）",
        "Not used in this edition (left out by the screening step)",
    ),
    "weight_share": B(
        "权重 {weight}，占本领域有值指标权重之和的 {share}",
        "Weight {weight}, {share} of the weights of the pillar's indicators with a value",
    ),
    "weight_only": B("权重 {weight}", "Weight {weight}"),
    "contribution": B(
        "对领域得分的贡献 {contribution}（{share} × {score}）",
        "contribution to the pillar score {contribution} ({share} × {score})",
    ),
    "to_index": B(
        "对{index}的贡献 {contribution}（领域贡献 × 领域占综合指数的 {share}）",
        "Contribution to the {index} {contribution} (pillar contribution × the pillar's "
        "{share} of the index)",
    ),
    "sum_check": B(
        "核算：{what} = {terms} = {total}（库中存储值 {stored}）",
        "Check: {what} = {terms} = {total} (stored {stored})",
    ),
    "pillar_score": B("{pillar}得分", "{pillar} score"),
    "below_threshold": B(
        "无得分：{total}项指标中{present}项有值，不足{needed}",
        "no score: {present} of {total} indicators have a value, fewer than {needed}",
    ),
    "none_present": B(
        "无得分：{total}项指标均无值", "no score: none of its {total} indicators has a value"
    ),
    "not_additive": B(
        "按{mean}汇总，得分不是各部分贡献之和，故不列贡献",
        "aggregated by a {mean}, which is not a sum of parts: no contributions are shown",
    ),
    "not_reproduced": B(
        "由库中各部分得分和权重不能重现库中得分（差 {difference}），故不列贡献",
        "the stored score cannot be rebuilt from the stored parts and weights (difference "
        "{difference}): no contributions are shown",
    ),
    "weights_unknown": B(
        "权重无法由库中数据重现（{reason}），故不列贡献",
        "the weights cannot be rebuilt from the stored data ({reason}): no contributions are shown",
    ),
    "checks": B("涉及本地区数据的未通过检查", "Failed checks on this unit's data"),
    "blocking": B("阻断性", "blocking"),
    "warning": B("警告性", "warning"),
    "accepted": B("用户确认接受", "accepted by the user"),
    "notes": B(
        "说明：统计数据按各统计指标的计量单位入库，“原文”为文件单元格中所写内容；"
        "标准化得分是按上述步骤插补、异常值处理和标准化之后的得分，逆向指标已转为越高越好；"
        "贡献 = 权重份额 × 得分，各部分贡献之和即上一级得分。",
        "Notes: statistics are stored in each statistic's unit; 'written' is the cell as "
        "written in the file. A normalised score is the score after the imputation, outlier "
        "treatment and normalisation steps above, with negative indicators turned so that "
        "higher is better. Contribution = weight share × score; the contributions add up to "
        "the score one level up.",
    ),
}


def words(key: str, **fields: object) -> Bilingual:
    """The sentence ``key`` with ``fields`` filled in; a field may be a :class:`Bilingual`,
    which each language fills with its own text."""
    template = WORDS[key]

    def filled(lang: str) -> str:
        spelled = {k: v.get(lang) if isinstance(v, Bilingual) else v for k, v in fields.items()}
        return template.get(lang).format(**spelled)

    return B(*(filled(lang) for lang in LANGS))


def cell_place(
    file: str, sheet: str | None, row: object, column: object, raw: str | None
) -> Bilingual:
    """Where a cell is and what it says, as the reports write an offending cell
    (``city/2023.xlsx 工作表“2023年”第4行“地区生产总值（亿元）”列，原文“13315.54”``)."""

    def spelled(lang: str) -> str:
        where = file if not sheet else WORDS["sheet"].get(lang).format(file=file, sheet=sheet)
        text = label("example_cell").get(lang).format(file=where, row=row, column=column)
        if raw is not None:
            text += ("，" if lang == "zh" else ", ") + label("example_raw").get(lang).format(
                raw=raw
            )
        return text

    return B(*(spelled(lang) for lang in LANGS))
