"""Bilingual strings of the rank intervals, insight sections, charts, PDF and workbook.

Kept apart from ``labels`` (which holds the rest) so that neither module grows past the size
limit; ``labels.LABELS`` takes these in, so templates use them through the same ``L()``.
"""

OUTPUT_LABELS: dict[str, tuple[str, str]] = {
    "rank_interval": ("排名区间", "Rank interval"),
    "rank_interval_note": (
        "排名后括号内为排名区间：指标和领域权重在±25%范围内随机变动1000次时，"
        "该地区排名的5%–95%区间（四舍五入）；区间越窄，排名越不受权重设定影响。",
        "The range in brackets after a rank is its rank interval: the 5 %–95 % range of the "
        "unit's rank when the indicator and pillar weights vary at random within ±25 %, 1,000 "
        "times (rounded); a narrow range means the rank hardly depends on the weights.",
    ),
    "strengths": ("优势指标", "Strengths"),
    "weaknesses": ("短板指标", "Weaknesses"),
    "strength_item": ("{indicator}（第{rank}名/{units}）", "{indicator} (rank {rank} of {units})"),
    "drivers": ("指数变化的主要来源", "Main sources of the index change"),
    "drivers_note": (
        "与{year}年相比各指标对综合指数贡献的变化（指数点），各项之和等于指数变化。",
        "Change of each indicator's contribution to the index since {year} (index points); "
        "they add up to the index change.",
    ),
    "drivers_up": ("拉动", "Pulled up by"),
    "drivers_down": ("拖累", "Pulled down by"),
    "charts": ("图表", "Charts"),
    "chart_intervals": (
        "综合指数与排名区间",
        "Index and rank interval",
    ),
    "chart_rank_axis": (
        "排名（点：公布排名；线：5%–95%区间）",
        "Rank (dot: published; line: 5–95 %)",
    ),
    "chart_trend": ("综合指数历年走势", "Index over the years"),
    "provenance": ("数据来源与版本信息", "Provenance"),
    "edition": ("版本", "Edition"),
    "edition_draft": ("草稿（未发布）", "draft (not published)"),
    "edition_published": ("已发布", "published"),
    "build_date": ("数据载入时间", "Data loaded at"),
    "code_revision": ("代码版本", "Code revision"),
    "framework_hash": ("指标体系文件哈希", "Framework file hash"),
    "run_id": ("运行编号", "Run id"),
    "input_files": ("输入文件", "Input files"),
    "sha256": ("SHA-256", "SHA-256"),
    "notice_sheet": ("说明", "Notice"),
    "sheet_ranking": ("排名", "Ranking"),
    "sheet_values": ("指标值", "Indicator values"),
    "sheet_statistics": ("原始统计", "Statistics"),
    "sheet_validation": ("校验结果", "Validation"),
    "sheet_targets": ("规划目标", "Targets"),
    "sheet_methodology": ("方法", "Methodology"),
    "imputed": ("插补", "imputed"),
    "source_file": ("文件", "File"),
    "source_sheet": ("工作表", "Sheet"),
    "source_row": ("行", "Row"),
    "source_column": ("列", "Column"),
    "raw_value": ("原始文本", "Raw text"),
    "variable": ("变量", "Variable"),
    "severity": ("级别", "Severity"),
    "passed": ("通过", "Passed"),
    "count_failed": ("不通过行数", "Rows failed"),
}
"""Key → (Chinese, English)."""
