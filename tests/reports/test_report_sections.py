"""The report sections that lay out what scoring stored beyond the year's ranks: index and rank
changes (with a merged unit compared with its restated predecessors), the biggest risers and
fallers, the tier rules, the evaluation cycle and its advanced units, the county-level units by
type, plan-target progress and the province's own index; from hand-made frames on the toy
framework (``tests/toy_framework.py``), as ``test_reports.py`` builds them."""

import dataclasses
import re

import polars as pl
import pytest
from report_frames import (
    CHIPING,
    CITY_INDEX,
    COUNTY_INDEX,
    GANGCHENG,
    HUANGDAO,
    JIAOZHOU,
    JINAN,
    LAIWU,
    LAIWU_DISTRICT,
    LICHENG,
    LIXIA,
    NOTHING_IMPUTED,
    QINGDAO,
    REAL,
    WEIFANG,
    YANTAI,
    ZIBO,
    frames,
    make_report,
    section,
    table_rows,
)

from innovation_monitor.divisions import DivisionRegistry
from innovation_monitor.errors import DataError
from innovation_monitor.framework import IndicatorSystem
from innovation_monitor.reports import build_report, render, render_html
from innovation_monitor.reports.methodology import tier_rule, tier_rules
from innovation_monitor.scoring.evaluation import evaluate_period
from innovation_monitor.scoring.rankings import build_rankings
from innovation_monitor.scoring.targets import target_progress
from tests.toy_framework import build_toy, toy_document

CODES = re.compile(r"tier:|improvement:\d|tier[1-9]|dat_thresh")
"""What a stored rule or tier code would leave in a text for officials."""


def text(html: str) -> str:
    """The page's text: tags removed, white space collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture(scope="module")
def evaluated() -> IndicatorSystem:
    """The toy system whose cities are evaluated over two years: 先进市 are those in the first
    tier on the period mean, or the one that improved most; at most three."""
    document = toy_document()
    document["methodology"]["city"]["evaluation"] = {
        "period": 2,
        "rank_on": "mean",
        "advanced": {
            "max": 3,
            "rules": [{"rule": "tier", "tier": "tier1"}, {"rule": "improvement", "top": 1}],
        },
    }
    return build_toy(document)


# ------------------------------------------------------------------ index and rank changes


def test_the_ranking_shows_the_stored_index_and_rank_changes(registry, toy_system):
    report = make_report(registry, toy_system, "city", notice=REAL)
    changes = {r.unit.code: r.change for r in report.rows}
    # Qingdao 80 → 78, Zibo 40 → 70 (4th on 2019 boundaries, 3rd now); Weifang is new
    assert (changes[QINGDAO].previous_score, changes[QINGDAO].score_change) == (80.0, -2.0)
    assert (changes[ZIBO].previous_score, changes[ZIBO].score_change) == (40.0, 30.0)
    assert changes[WEIFANG].previous_score is None
    rows = {r[1]: r[2:7] for r in table_rows(section(render_html(report, "zh"), "ranking"))}
    assert rows["青岛市"] == ["78.00", "80.00", "−2.00", "1", "↓1"]
    assert rows["淄博市"] == ["70.00", "40.00", "+30.00", "4", "↑1"]
    assert rows["潍坊市"] == ["70.00", "—", "—", "—", "新增"]
    header = render.ranking_table(report)[0]
    assert header[-4:-2] == ["上年指数 Previous index", "指数变化（点） Index change (points)"]
    csv_rows = {line[1]: line[-4:] for line in render.ranking_table(report)[1:]}
    assert csv_rows[QINGDAO] == ["80.0000", "-2.0000", "", ""]  # no rank interval stored
    assert csv_rows[WEIFANG] == ["", "", "", ""]
    rows = tuple(
        dataclasses.replace(r, interval=(1, 3)) if r.unit.code == QINGDAO else r
        for r in report.rows
    )
    csv_rows = {
        line[1]: line for line in render.ranking_table(dataclasses.replace(report, rows=rows))[1:]
    }
    assert csv_rows[QINGDAO][-2:] == ["1", "3"]


def test_the_first_year_has_no_change_columns(registry, toy_system):
    zh = render_html(make_report(registry, toy_system, "city", year=2018), "zh")
    ranking = section(zh, "ranking")
    assert "上年指数" not in ranking and "指数变化" not in ranking
    assert 'id="movers"' not in zh and 'href="#movers"' not in zh


def restated_report(registry: DivisionRegistry, system: IndicatorSystem):
    """2019 against 2018 re-scored on 2019 boundaries, as the scoring stage stores it for a
    methodology that scores each year on its own: Jinan with Laiwu's 2018 figures scores 77."""
    scores, values, tiers = frames(system.frameworks["city"], CITY_INDEX)
    again = {2019: {JINAN: 77.0, QINGDAO: 80.0, YANTAI: 60.0, ZIBO: 40.0}}
    return build_report(
        2019,
        "city",
        scores=scores,
        indicator_values=values,
        rankings=build_rankings(scores, tiers, registry, "city", again),
        registry=registry,
        system=system,
        notice=REAL,
        imputations=NOTHING_IMPUTED,
    )


def test_a_merged_unit_is_compared_with_its_restated_predecessors(registry, toy_system):
    report = restated_report(registry, toy_system)
    jinan = next(r for r in report.rows if r.unit.code == JINAN)
    assert [u.code for u in jinan.change.merged_from] == [JINAN, LAIWU]
    assert jinan.change.restated
    assert (jinan.change.previous_rank, jinan.change.change) == (2, 1)
    assert jinan.change.score_change == pytest.approx(5.0)  # 82 − 77
    zh = render_html(report, "zh")
    cells = {r[1]: r[2:7] for r in table_rows(section(zh, "ranking"))}
    assert cells["济南市"] == [
        "82.00",
        "77.00",
        "+5.00",
        "2",
        "↑1 （与上年同口径比较（含原莱芜市））",
    ]
    assert "不可比" not in zh
    assert "合并的地区按合并后的统计数据重新测算上年指数" in section(zh, "summary")
    en = text(section(render_html(report, "en"), "ranking"))
    assert "↑1 (against the previous year including the former Laiwu)" in en
    assert "not comparable" not in en
    notes = {line[1]: line for line in render.ranking_table(report)[1:]}
    assert (
        "与上年同口径比较（含原莱芜市） / against the previous year including the former Laiwu"
        in (notes[JINAN])
    )
    assert "合并后的统计数据重新测算上年指数" in render.notice_line(report)


def test_a_merged_unit_without_a_restated_year_stays_not_comparable(registry, toy_system):
    report = make_report(registry, toy_system, "city", notice=REAL)
    jinan = next(r for r in report.rows if r.unit.code == JINAN)
    assert not jinan.change.restated and jinan.change.change is None
    assert "区划调整，不可比：由济南市、莱芜市合并" in section(render_html(report, "zh"), "ranking")
    assert "含原" not in render_html(report, "zh")


# ------------------------------------------------------------------------------- movers

MOVES = {
    2020: {JINAN: (80.0, 1), QINGDAO: (70.0, 2), ZIBO: (60.0, 3), YANTAI: (50.0, 4)},
    # Qingdao and Yantai both climb one place, Qingdao by more points; Jinan and Zibo both fall
    # one place, Zibo losing more
    2021: {QINGDAO: (85.0, 1), JINAN: (80.0, 2), YANTAI: (62.0, 3), ZIBO: (55.0, 4)},
}


def test_risers_and_fallers_by_rank_change_then_points(registry, toy_system):
    report = make_report(
        registry, toy_system, "city", year=2021, notice=REAL, with_tiers=False, index=MOVES
    )
    assert [r.unit.code for r in report.risers] == [QINGDAO, YANTAI]  # +15 before +12
    assert [r.unit.code for r in report.fallers] == [ZIBO, JINAN]  # −5 before 0
    assert [r.unit.code for r in report.climbers] == [QINGDAO, YANTAI]
    movers = section(render_html(report, "zh"), "movers")
    assert "排名上升最多" in movers and "排名下降最多" in movers
    risers, fallers = movers.split("排名下降最多")
    assert table_rows(risers) == [
        ["青岛市", "2", "1", "↑1", "+15.00"],
        ["烟台市", "4", "3", "↑1", "+12.00"],
    ]
    assert table_rows(fallers) == [
        ["淄博市", "3", "4", "↓1", "−5.00"],
        ["济南市", "1", "2", "↓1", "+0.00"],
    ]
    en = section(render_html(report, "en"), "movers")
    assert "Biggest climbers" in en and "Biggest fallers" in en


def test_no_fallers_is_said(registry, toy_system):
    index = {
        2020: {JINAN: (80.0, 1), QINGDAO: (70.0, 2)},
        2021: {JINAN: (85.0, 1), QINGDAO: (75.0, 2)},
    }
    report = make_report(
        registry, toy_system, "city", year=2021, notice=REAL, with_tiers=False, index=index
    )
    assert report.risers == () and report.fallers == ()
    movers = section(render_html(report, "zh"), "movers")
    assert "无排名上升的地区" in movers and "无排名下降的地区" in movers


# ---------------------------------------------------------------------------- tier rules


def test_tier_rules_are_shown_next_to_the_tiers(registry, toy_system):
    tiers = section(render_html(make_report(registry, toy_system, "city"), "zh"), "tiers")
    rows = [r[:2] for r in table_rows(tiers)]
    assert rows == [
        ["第一梯队", "综合排名第 1–2 位"],
        ["第二梯队", "综合排名第 3–5 位"],
        ["第三梯队", "综合排名第 5 位之后"],
    ]
    county = section(render_html(make_report(registry, toy_system, "county"), "en"), "tiers")
    assert [r[1] for r in table_rows(county)] == [
        "index rank within the top 20%",
        "index rank below the top 20%, within the top 60%",
        "index rank below the top 60%",
    ]


def test_score_bands_in_percent_of_the_province_say_where_the_province_is():
    rules = [
        tier_rule("min_score", 100.0, None, province=100.0),
        tier_rule("min_score", 70.0, 100.0, province=100.0),
        tier_rule("min_score", None, 70.0, province=100.0),
    ]
    assert [r.zh for r in rules] == [
        "综合指数 ≥ 100（不低于全省水平）",
        "70 ≤ 综合指数 < 100",
        "综合指数 < 70",
    ]
    assert rules[0].en == "index score ≥ 100 (at or above the province)"
    assert tier_rule("min_score", 100.0, None).zh == "综合指数 ≥ 100"  # not % of the province


def test_the_province_score_comes_from_the_ratio_to_reference_step():
    document = toy_document()
    city = document["methodology"]["city"]
    city["reference"] = "province"
    city["steps"] = [
        {"normalise": {"method": "ratio_to_reference", "unit": "370000", "scale": 100}},
        {"weight": {"method": "explicit"}},
        {"aggregate": {"method": "arithmetic"}},
    ]
    city["tiers"] = [
        {"code": "tier1", "name_zh": "第一梯队", "name_en": "First tier", "min_score": 100},
        {"code": "tier2", "name_zh": "第二梯队", "name_en": "Second tier", "min_score": 50},
        {"code": "tier3", "name_zh": "第三梯队", "name_en": "Third tier"},
    ]
    rules = [rule.zh for _, rule in tier_rules(build_toy(document).frameworks["city"])]
    assert rules == ["综合指数 ≥ 100（不低于全省水平）", "50 ≤ 综合指数 < 100", "综合指数 < 50"]


# ----------------------------------------------------------------------- evaluation cycle


def test_the_advanced_cities_are_listed_with_the_rule_each_met_in_words(registry, evaluated):
    scores, _, _ = frames(evaluated.frameworks["city"], CITY_INDEX)
    evaluations = evaluate_period(scores, evaluated.frameworks["city"])
    report = make_report(registry, evaluated, "city", evaluations=evaluations)
    view = report.evaluation
    assert view is not None and (view.start, view.end) == (2018, 2019)
    # period means: Qingdao 79, Jinan 78.5, Weifang 70 (2019 only), Yantai 57.5, Zibo 55;
    # Zibo improved most (+30)
    assert [(r.unit.code, r.rank) for r in view.rows] == [
        (QINGDAO, 1),
        (JINAN, 2),
        (WEIFANG, 3),
        (YANTAI, 4),
        (ZIBO, 5),
    ]
    assert [(r.unit.code, r.advanced_rule.zh) for r in view.advanced] == [
        (QINGDAO, "评价期均值位于第一梯队"),
        (JINAN, "评价期均值位于第一梯队"),
        (ZIBO, "评价期内提升幅度居前1位"),
    ]
    zh = render_html(report, "zh")
    evaluation = section(zh, "evaluation")
    assert "评价周期与先进地区（2018–2019年）" in evaluation
    assert table_rows(evaluation) == [
        ["1", "青岛市", "评价期均值位于第一梯队"],
        ["2", "济南市", "评价期均值位于第一梯队"],
        ["5", "淄博市", "评价期内提升幅度居前1位"],
    ]
    assert (
        "先进市：评价期均值位于第一梯队或评价期内提升幅度居前1位的地区，按评价期排名至多取3个"
        in evaluation
    )
    period = table_rows(evaluation.split("<h3>评价期排名</h3>")[1])
    assert period[2] == ["3", "潍坊市", "70.00", "—", "1", "第二梯队", ""]
    assert period[4][:6] == ["5", "淄博市", "55.00", "+30.00", "2", "第二梯队"]
    assert "先进市（2018–2019年评价周期）" in section(zh, "summary")
    assert "青岛市、济南市、淄博市" in section(zh, "summary")
    en = section(render_html(report, "en"), "evaluation")
    assert "period mean in the First tier" in en
    assert "among the 1 largest improvements over the period" in en
    for html in (evaluation, en):
        assert not CODES.search(text(html))


def test_no_evaluation_section_without_rows_for_the_year(registry, evaluated):
    scores, _, _ = frames(evaluated.frameworks["city"], CITY_INDEX)
    evaluations = evaluate_period(scores, evaluated.frameworks["city"])  # edition 2019
    report = make_report(registry, evaluated, "city", year=2018, evaluations=evaluations)
    assert report.evaluation is None
    assert 'id="evaluation"' not in render_html(report, "zh")


def test_an_unknown_advanced_rule_is_a_data_error(registry, evaluated):
    scores, _, _ = frames(evaluated.frameworks["city"], CITY_INDEX)
    evaluations = evaluate_period(scores, evaluated.frameworks["city"]).with_columns(
        pl.when(pl.col("advanced")).then(pl.lit("tier:gold")).alias("advanced_rule")
    )
    with pytest.raises(DataError, match=r"rule\(s\) \['tier:gold'\].*methodology.city"):
        make_report(registry, evaluated, "city", evaluations=evaluations)


# ---------------------------------------------------------------------- county by type


def typed_rankings(registry: DivisionRegistry, system: IndicatorSystem) -> pl.DataFrame:
    """The toy counties' rankings with the type columns the scoring stage stores (分类评价):
    the registry's type, the rank within it, and a tier in type (tier1 for the best of each
    type, tier2 for the others)."""
    scores, _, tiers = frames(system.frameworks["county"], COUNTY_INDEX)
    rankings = build_rankings(scores, tiers, registry, "county")
    types = pl.DataFrame(
        {
            "region_code": rankings["region_code"].unique().to_list(),
        }
    ).with_columns(
        pl.col("region_code")
        .map_elements(lambda code: registry.get(code).type, return_dtype=pl.String)
        .alias("unit_type")
    )
    in_type = pl.col("rank").rank("min").over("year", "unit_type").cast(pl.Int64)
    return (
        rankings.drop("unit_type")
        .join(types, on="region_code")
        .with_columns(in_type.alias("rank_in_type"), pl.lit(None, pl.Float64).alias("type_score"))
        .with_columns(
            pl.when(pl.col("rank_in_type") == 1)
            .then(pl.lit("tier1"))
            .otherwise(pl.lit("tier2"))
            .alias("tier_in_type")
        )
        .select(rankings.columns)
    )


def test_county_reports_have_one_table_per_type_with_the_rank_in_type(registry, toy_system):
    rankings = typed_rankings(registry, toy_system)
    report = make_report(registry, toy_system, "county", rankings=rankings)
    groups = {
        g.name.zh: [(r.unit.code, r.rank_in_type, r.rank, r.tier_in_type.code) for r in g.rows]
        for g in report.type_groups
    }
    # 2019: 历下区 1, 黄岛区 2, 莱芜区 3, 胶州市 4, 历城区 5, 钢城区 6, 茌平区 7
    assert list(groups) == ["市辖区", "县级市"]  # no 县 among the toy's units
    assert groups["县级市"] == [(JIAOZHOU, 1, 4, "tier1")]
    assert groups["市辖区"] == [
        (LIXIA, 1, 1, "tier1"),
        (HUANGDAO, 2, 2, "tier2"),
        (LAIWU_DISTRICT, 3, 3, "tier2"),
        (LICHENG, 4, 5, "tier2"),
        (GANGCHENG, 5, 6, "tier2"),
        (CHIPING, 6, 7, "tier2"),
    ]
    zh = render_html(report, "zh")
    by_type = section(zh, "by-type")
    assert "<h3>市辖区" in by_type and "<h3>县级市" in by_type
    assert "类型内排名" in by_type and "类型内梯队" in by_type
    rows = table_rows(by_type.split("<h3>县级市")[1])
    assert rows == [["1", "4", "胶州市", "青岛市", "58.00", "第一梯队", "第二梯队"]]
    en = section(render_html(report, "en"), "by-type")
    assert "Urban districts" in en and "County-level cities" in en and "Rank in type" in en
    assert 'href="#by-type"' in zh


def test_no_type_tables_without_stored_types(registry, toy_system):
    report = make_report(registry, toy_system, "county")
    assert report.type_groups == ()
    assert 'id="by-type"' not in render_html(report, "zh")
    assert make_report(registry, toy_system, "city").type_groups == ()


def test_an_unknown_tier_in_type_is_a_data_error(registry, toy_system):
    rankings = typed_rankings(registry, toy_system).with_columns(
        pl.lit("gold").alias("tier_in_type")
    )
    with pytest.raises(DataError, match=r"tier code\(s\) \['gold'\]"):
        make_report(registry, toy_system, "county", rankings=rankings)


# ----------------------------------------------------------------------- target progress


def toy_progress(system: IndicatorSystem) -> pl.DataFrame:
    """Progress as of 2019 on hand-made series: the province's a (t_a: ≥ 2.5 % by 2020) at 2.0
    and 2.2 %; Jinan's x (t_x: > 6 亿元 by 2025) at 4 and 5 亿元 (stored in 万元); Jiaozhou's c
    (t_c: < 3 万元/人) at 2.5."""
    series = pl.DataFrame(
        [
            ("370000", "a", 2018, 2.0),
            ("370000", "a", 2019, 2.2),
            (JINAN, "x", 2018, 40000.0),
            (JINAN, "x", 2019, 50000.0),
            (JIAOZHOU, "c", 2019, 2.5),
        ],
        schema={
            "scope_code": pl.String,
            "measure": pl.String,
            "year": pl.Int64,
            "value": pl.Float64,
        },
        orient="row",
    )
    return target_progress(system.targets, series)


def test_target_progress_of_the_province_and_the_reports_own_units(registry, toy_system):
    progress = toy_progress(toy_system)
    city = make_report(registry, toy_system, "city", target_progress=progress)
    assert [p.scope.code for p in city.progress] == ["370000", JINAN]  # not Jiaozhou's
    zh = section(render_html(city, "zh"), "targets")
    assert "依据截至2019年的数据" in zh
    rows = table_rows(zh)
    # 2.0 → 2.2: 10 % a year; 2.5 is reached in 2021
    assert rows[0] == [
        "山东省 指标a ≥ 2.5 %（2020）",
        "目标年份2020年尚无数据",
        "最新 2019年 2.2",
        "距目标尚差 0.3",
        "按近年复合增长率 10.0% 预计2021年达到",
    ]
    assert rows[1][:4] == [
        "济南市 变量X &gt; 6 亿元（2025）",  # escaped
        "目标年份2025年尚无数据",
        "最新 2019年 5",  # in the target's 亿元
        "距目标尚差 1",
    ]
    en = table_rows(section(render_html(city, "en"), "targets"))
    assert en[0][0] == "Shandong, Indicator a ≥ 2.5 % by 2020"
    assert en[0][2] == "latest 2019: 2.2"
    county = make_report(registry, toy_system, "county", target_progress=progress)
    assert [p.scope.code for p in county.progress] == [JIAOZHOU]
    assert table_rows(section(render_html(county, "zh"), "targets"))[0][2:4] == [
        "最新 2019年 2.5",
        "—",  # met: no gap
    ]


def test_no_progress_section_without_progress_rows(registry, toy_system):
    report = make_report(registry, toy_system, "city")
    assert report.progress == ()
    assert 'id="targets"' not in render_html(report, "zh")


# ------------------------------------------------------------------------ province index


def province_index_frame() -> pl.DataFrame:
    rows = [
        (2018, "city", 2018, "Index", 100.0),
        (2019, "city", 2018, "Index", 112.5),
        (2018, "city", 2018, "p_one", 100.0),
        (2019, "city", 2018, "p_one", 120.0),
        (2019, "city", 2018, "a", 130.0),  # indicators are stored too, not shown
    ]
    columns = ["year", "level", "base_year", "node", "score"]
    return pl.DataFrame(rows, schema=columns, orient="row")


def test_the_province_index_against_its_base_year(registry, toy_system):
    report = make_report(registry, toy_system, "city", province_index=province_index_frame())
    view = report.province_index
    assert view is not None and view.base_year == 2018 and view.years == (2018, 2019)
    assert view.latest == 112.5
    assert [name.zh for name, _ in view.rows] == ["测试指数", "支柱p_one"]
    zh = render_html(report, "zh")
    block = section(zh, "province-index")
    assert "全省测试指数（以2018年为100）" in block and "2019年：<strong>112.50</strong>" in block
    assert table_rows(block) == [
        ["测试指数", "100.00", "112.50"],
        ["支柱p_one", "100.00", "120.00"],
    ]
    assert "全省测试指数（以2018年为100）" in section(zh, "summary")
    en = section(render_html(report, "en"), "province-index")
    assert "The province&#39;s Test index (2018 = 100)" in en
    earlier = make_report(
        registry, toy_system, "city", year=2018, province_index=province_index_frame()
    )
    assert earlier.province_index is not None and earlier.province_index.years == (2018,)
    county = make_report(registry, toy_system, "county", province_index=province_index_frame())
    assert county.province_index is None


def test_a_province_index_frame_without_its_columns_is_a_data_error(registry, toy_system):
    with pytest.raises(DataError, match=r"province_index frame lacks column\(s\) \['base_year'\]"):
        make_report(
            registry,
            toy_system,
            "city",
            province_index=province_index_frame().drop("base_year"),
        )
