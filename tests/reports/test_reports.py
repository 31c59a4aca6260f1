"""Monitoring reports built from small hand-made frames, on the real registry and the small
framework of ``tests/toy_framework.py`` (the ``toy_system`` fixture), so that editing a weight,
a target or a tier in the shipped ``indicators.yaml`` breaks none of them. The toy's city
indicators are ``a`` (x / y × 100 %, with the province target ``t_a``: ≥ 2.5 % by 2020), ``b``
and ``c``; its county ones ``a`` and ``c`` (Jiaozhou's own target ``t_c``: < 3 万元/人).

The toy cities and counties cover the cases the report must get right: a tie, a climber and a
faller, a unit new in the data, Laiwu's merger into Jinan between the 2018 and 2019 data years
(a city that left, a city whose boundaries changed) and its districts' new codes (莱城区 371202
→ 莱芜区 370116), and Penglai and Changdao merging into 蓬莱区 in 2020.
"""

import csv
import re
from dataclasses import replace
from pathlib import Path

import polars as pl
import pytest
from report_frames import (
    CHIPING,
    CITY_INDEX,
    COUNTY_INDEX,
    GANGCHENG,
    GANGCHENG_OLD,
    HUANGDAO,
    JIAOZHOU,
    JINAN,
    LAICHENG,
    LAIWU,
    LAIWU_DISTRICT,
    LICHENG,
    LIXIA,
    NOTHING_IMPUTED,
    QINGDAO,
    REAL,
    SYNTHETIC,
    WEIFANG,
    YANTAI,
    ZIBO,
    frames,
    make_report,
    section,
    table_rows,
)

from innovation_monitor.errors import DataError, FrameworkError
from innovation_monitor.framework import build_steps
from innovation_monitor.reports import build_report, render, render_html, write_reports
from innovation_monitor.reports.labels import SYNTHETIC_BANNER
from innovation_monitor.reports.methodology import step_view
from innovation_monitor.reports.render import CHART_ROWS_PER_PANEL, chart_panels
from innovation_monitor.reports.views import RankChange
from innovation_monitor.scoring.rankings import build_rankings
from tests.toy_framework import build_toy, toy_document

# ------------------------------------------------------------------------------- rendering


def test_the_title_names_the_region_of_the_framework_file(registry):
    """Another province's framework file names its region; the reports' titles follow it."""
    document = toy_document()
    document["region"] = {"name_zh": "河南省", "name_en": "Henan"}
    report = make_report(registry, build_toy(document), "city")
    assert report.title.zh == "2019年河南省设区市创新能力监测报告"
    assert report.title.en == "Henan Regional Innovation Capability Monitoring Report 2019 — Cities"
    document["region"] = {"name_zh": "河南省"}
    with pytest.raises(FrameworkError, match="name_en"):
        build_toy(document)


@pytest.mark.parametrize("level", ["city", "county"])
def test_both_languages_render_for_both_levels(registry, toy_system, level):
    report = make_report(registry, toy_system, level)
    zh = render_html(report, "zh")
    en = render_html(report, "en")
    level_zh = "设区市" if level == "city" else "县（市、区）"
    level_en = "Cities" if level == "city" else "Counties"
    assert f"<title>2019年山东省{level_zh}创新能力监测报告</title>" in zh
    title_en = f"Shandong Regional Innovation Capability Monitoring Report 2019 — {level_en}"
    assert f"<title>{title_en}</title>" in en
    assert '<html lang="zh-CN">' in zh and '<html lang="en">' in en
    unit = registry.get(JINAN if level == "city" else LIXIA)
    assert unit.name_zh in zh and unit.name_en not in zh
    assert unit.name_en in en
    for html in (zh, en):
        assert "<script" not in html  # no JavaScript
        assert '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei"' in html
        assert "size: A4" in html and "break-before: page" in html
        assert html.count("<svg") == 1 + len(report.profiles)  # the index, each profile's


def test_default_language_is_chinese(registry, toy_system):
    report = make_report(registry, toy_system, "city")
    assert render_html(report) == render_html(report, "zh")


def test_unknown_language_is_refused(registry, toy_system):
    report = make_report(registry, toy_system, "city")
    with pytest.raises(ValueError, match="fr"):
        render_html(report, "fr")
    with pytest.raises(ValueError, match="fr"):
        write_reports(report, Path("/nonexistent"), langs=("zh", "fr"))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_synthetic_banner_at_top_and_in_footer(registry, toy_system, lang):
    html = render_html(make_report(registry, toy_system, "city", notice=SYNTHETIC), lang)
    banner = SYNTHETIC_BANNER.get(lang)
    body = html[html.index("<body>") :]
    assert body.index(banner) < body.index("<header>")  # before the title
    footer = html[html.index("<footer>") :]
    assert banner in footer
    # and on every printed page, through the page margin boxes
    page_rule = html[html.index("@page") : html.index(":root")]
    assert "@top-center" in page_rule and banner in page_rule


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_banner_for_real_statistics(registry, toy_system, lang):
    html = render_html(make_report(registry, toy_system, "city", notice=REAL), lang)
    for text in (SYNTHETIC_BANNER.zh, SYNTHETIC_BANNER.en, "SYNTHETIC", "合成"):
        assert text not in html
    assert 'class="banner"' not in html
    assert REAL.text.get(lang) in html


def test_data_from_names_and_notices_is_escaped(registry, toy_system):
    report = make_report(registry, toy_system, "city")
    evil = "<script>alert('x')</script>"
    first = report.rows[0]
    evil_unit = replace(first.unit, name=replace(first.unit.name, zh=evil, en=evil))
    report = replace(
        report,
        rows=(replace(first, unit=evil_unit), *report.rows[1:]),
        indicators=(
            replace(
                report.indicators[0], name=replace(report.indicators[0].name, zh=evil, en=evil)
            ),
            *report.indicators[1:],
        ),
        notice=replace(report.notice, notice_zh=evil, notice_en=evil),
    )
    for lang in ("zh", "en"):
        html = render_html(report, lang)
        assert "<script" not in html
        assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
        chart = section(html, "chart")
        assert "&lt;script&gt;" in chart  # SVG labels too


# ------------------------------------------------------------------------------ ranking

CHANGE = 6
"""The rank change column of a city ranking table with a previous year: rank, unit, index,
previous index, index change, previous rank, rank change, then the tier."""


def test_ranks_and_ties_render_as_given(registry, toy_system):
    report = make_report(registry, toy_system, "city")
    assert [(r.unit.code, r.rank) for r in report.rows] == [
        (JINAN, 1),
        (QINGDAO, 2),
        (ZIBO, 3),
        (WEIFANG, 3),
        (YANTAI, 5),
    ]
    rows = table_rows(section(render_html(report, "zh"), "ranking"))
    assert [r[0] for r in rows] == ["1", "2", "3", "3", "5"]
    assert [r[1] for r in rows] == ["济南市", "青岛市", "淄博市", "潍坊市", "烟台市"]
    assert [r[2] for r in rows] == ["82.00", "78.00", "70.00", "70.00", "55.00"]


def test_rank_changes_against_previous_year(registry, toy_system):
    report = make_report(registry, toy_system, "city")
    changes = {r.unit.code: r.change for r in report.rows}
    assert report.previous_year == 2018
    # 2018 on 2019 boundaries: Qingdao 80, Jinan with Laiwu counted once at Jinan's 75, Yantai
    # 60, Zibo 40, so Zibo was 4th (published: 5th, behind Laiwu) and climbed one place by
    # overtaking Yantai, not two
    assert report.reranked
    assert (changes[QINGDAO].previous_rank, changes[QINGDAO].change) == (1, -1)
    assert (changes[ZIBO].previous_rank, changes[ZIBO].change) == (4, 1)
    assert (changes[YANTAI].previous_rank, changes[YANTAI].change) == (3, -2)
    assert changes[WEIFANG].is_new and changes[WEIFANG].change is None
    # Jinan took in Laiwu: not comparable with its 2018 self
    assert changes[JINAN] == RankChange(merged_from=(report.rows[0].unit, report.departed[0].unit))
    assert [u.code for u in changes[JINAN].merged_from] == [JINAN, LAIWU]
    assert not any(c.is_new for code, c in changes.items() if code != WEIFANG)
    assert [r.unit.code for r in report.climbers] == [ZIBO]
    assert [r.unit.code for r in report.top] == [JINAN, QINGDAO, ZIBO, WEIFANG]  # tie at 3rd

    # Laiwu (ranked 4th in 2018, as published) left: merged into Jinan from data year 2019
    (laiwu,) = report.departed
    assert laiwu.unit.code == LAIWU and laiwu.previous_rank == 4
    assert [s.code for s in laiwu.successors] == [JINAN]

    zh = render_html(report, "zh")
    rows = {r[1]: r[CHANGE] for r in table_rows(section(zh, "ranking"))}
    assert rows == {
        "济南市": "— （区划调整，不可比：由济南市、莱芜市合并）",
        "青岛市": "↓1",
        "淄博市": "↑1",
        "潍坊市": "新增",
        "烟台市": "↓2",
    }
    summary = section(zh, "summary")
    assert "莱芜市（2018年排名第4）并入济南市" in summary
    reranked = "排名变化与2018年比较；上年排名按本年区划重新排序，合并的地区按其中最靠前者计一位"
    assert reranked in summary and reranked in section(zh, "ranking")
    en = render_html(report, "en")
    assert "Laiwu (ranked 4 in 2018) merged into Jinan" in section(en, "summary")
    assert (
        "Rank changes are against 2018; previous ranks are re-ranked on this year&#39;s boundaries"
        in section(en, "summary")
    )
    assert [" ".join(r[CHANGE].split()) for r in table_rows(section(en, "ranking"))] == [
        "— (boundaries changed, not comparable: merged from Jinan, Laiwu)",
        "↓1",
        "↑1",
        "new",
        "↓2",
    ]


def test_a_merger_moves_no_other_unit(registry, toy_system):
    """Zibo stays behind Jinan and Qingdao: Laiwu leaving above it is no climb, and Jinan taking
    Laiwu in (counted once, not dropped) is no fall."""
    index = {
        2018: {JINAN: (75.0, 1), QINGDAO: (70.0, 2), LAIWU: (50.0, 3), ZIBO: (40.0, 4)},
        2019: {QINGDAO: (80.0, 1), JINAN: (76.0, 2), ZIBO: (45.0, 3)},
    }
    report = make_report(registry, toy_system, "city", notice=REAL, with_tiers=False, index=index)
    changes = {r.unit.code: r.change for r in report.rows}
    assert (changes[ZIBO].previous_rank, changes[ZIBO].change) == (3, 0)
    assert (changes[QINGDAO].previous_rank, changes[QINGDAO].change) == (2, 1)
    jinan = changes[JINAN]
    assert (jinan.previous_rank, jinan.change, jinan.is_new) == (None, None, False)
    assert [u.code for u in jinan.merged_from] == [JINAN, LAIWU]
    assert [r.unit.code for r in report.climbers] == [QINGDAO]
    assert report.reranked
    notes = {
        line[1]: line[-len(report.pillars) - 9 : -len(report.pillars) - 6]
        for line in render.ranking_table(report)[1:]
    }
    assert notes[JINAN] == [
        "",
        "",
        "区划调整，不可比：由济南市、莱芜市合并 / boundaries changed, not comparable: "
        "merged from Jinan, Laiwu",
    ]
    assert notes[ZIBO] == ["3", "0", ""]
    assert render.notice_line(report).endswith(
        "; 上年排名按本年区划重新排序，合并的地区按其中最靠前者计一位 / previous ranks are "
        "re-ranked on this year's boundaries, merged units counting once, at the best place "
        "among them"
    )


def test_counties_merged_into_a_new_code_are_not_compared(registry, toy_system):
    penglai_city, changdao, penglai = "370684", "370634", "370614"
    longkou, laiyang, zhaoyuan, haiyang = "370681", "370682", "370685", "370687"
    index = {
        2019: {
            longkou: (80.0, 1),
            penglai_city: (70.0, 2),
            laiyang: (60.0, 3),
            changdao: (50.0, 4),
            zhaoyuan: (40.0, 5),
            haiyang: (35.0, 6),
        },
        2020: {
            longkou: (82.0, 1),
            penglai: (75.0, 2),
            zhaoyuan: (62.0, 3),
            laiyang: (61.0, 4),
            haiyang: (30.0, 5),
        },
    }
    report = make_report(
        registry, toy_system, "county", year=2020, notice=REAL, with_tiers=False, index=index
    )
    changes = {r.unit.code: (r.change.previous_rank, r.change.change) for r in report.rows}
    # 2019 on 2020 boundaries: Longkou, 蓬莱区 (蓬莱市 and 长岛县 once), Laiyang, Zhaoyuan, Haiyang
    assert changes == {
        longkou: (1, 0),
        penglai: (None, None),
        zhaoyuan: (4, 1),
        laiyang: (3, -1),
        haiyang: (5, 0),  # published 6th, behind 长岛县: no free climb
    }
    merged = next(r.change.merged_from for r in report.rows if r.unit.code == penglai)
    assert [(u.code, u.name.zh) for u in merged] == [(changdao, "长岛县"), (penglai_city, "蓬莱市")]
    assert [
        (d.unit.code, d.previous_rank, [s.code for s in d.successors]) for d in report.departed
    ] == [
        (penglai_city, 2, [penglai]),
        (changdao, 4, [penglai]),
    ]
    zh = render_html(report, "zh")
    assert "蓬莱市（2019年排名第2）并入蓬莱区" in section(zh, "summary")
    assert "区划调整，不可比：由长岛县、蓬莱市合并" in section(zh, "ranking")
    assert "上年排名按本年区划重新排序" in section(zh, "summary")


def test_previous_ranks_are_as_published_without_boundary_changes(registry, toy_system):
    index = {
        2020: {JINAN: (80.0, 1), QINGDAO: (70.0, 2), ZIBO: (70.0, 2), YANTAI: (60.0, 4)},
        2021: {QINGDAO: (85.0, 1), JINAN: (80.0, 2), YANTAI: (65.0, 3), ZIBO: (50.0, 4)},
    }
    report = make_report(
        registry, toy_system, "city", year=2021, notice=REAL, with_tiers=False, index=index
    )
    changes = {r.unit.code: (r.change.previous_rank, r.change.change) for r in report.rows}
    assert changes == {QINGDAO: (2, 1), JINAN: (1, -1), YANTAI: (4, 1), ZIBO: (2, -2)}
    assert not report.reranked
    assert all(not r.change.merged_from and not r.change.is_new for r in report.rows)
    for lang, text in (("zh", "重新排序"), ("en", "re-ranked")):
        html = render_html(report, lang)
        assert text not in html
    assert "re-ranked" not in render.notice_line(report)
    assert "排名变化与2020年比较" in section(render_html(report, "zh"), "summary")


def test_first_year_has_no_rank_change(registry, toy_system):
    report = make_report(registry, toy_system, "city", year=2018)
    assert report.previous_year is None
    assert report.departed == () and report.climbers == ()
    assert all(r.change.previous_rank is None and not r.change.is_new for r in report.rows)
    zh = render_html(report, "zh")
    assert {r[3] for r in table_rows(section(zh, "ranking"))} == {"—"}
    assert "无上年数据，不计算排名变化" in section(zh, "summary")


def test_recoded_districts_compare_with_their_predecessor(registry, toy_system):
    report = make_report(registry, toy_system, "county")
    changes = {r.unit.code: r.change for r in report.rows}
    # 莱城区 (4th in 2018) became 莱芜区 (3rd in 2019); 钢城区 got a new code
    assert changes[LAIWU_DISTRICT].predecessor.code == LAICHENG
    assert (changes[LAIWU_DISTRICT].previous_rank, changes[LAIWU_DISTRICT].change) == (4, 1)
    assert changes[GANGCHENG].predecessor.code == GANGCHENG_OLD
    assert changes[GANGCHENG].change == 0
    # 茌平区 was 茌平县 (371523) in 2018, which had no rank: new in the ranking
    assert changes[CHIPING].is_new and changes[CHIPING].predecessor is None
    assert (changes[JIAOZHOU].previous_rank, changes[JIAOZHOU].change) == (3, -1)
    assert report.departed == ()  # both Laiwu districts live on under new codes
    zh = section(render_html(report, "zh"), "ranking")
    assert "↑1 （由莱城区（371202）调整而来）" in re.sub(r"<[^>]+>", "", zh)
    assert "持平" in zh


def test_counties_are_ranked_province_wide_and_within_their_city(registry, toy_system):
    report = make_report(registry, toy_system, "county")
    groups = {
        g.parent.code: [(r.unit.code, r.rank, r.rank_in_parent) for r in g.rows]
        for g in report.groups
    }
    assert groups == {
        JINAN: [(LIXIA, 1, 1), (LAIWU_DISTRICT, 3, 2), (LICHENG, 5, 3), (GANGCHENG, 6, 4)],
        QINGDAO: [(HUANGDAO, 2, 1), (JIAOZHOU, 4, 2)],
        "371500": [(CHIPING, 7, 1)],
    }
    assert {r.unit.code: r.parent.code for r in report.rows}[JIAOZHOU] == QINGDAO
    zh = render_html(report, "zh")
    by_city = section(zh, "by-city")
    assert "<h3>济南市" in by_city and "<h3>青岛市" in by_city and "<h3>聊城市" in by_city
    ranking = table_rows(section(zh, "ranking"))
    assert ranking[3][:3] == ["4", "胶州市", "青岛市"]


def test_county_ties_share_the_rank_within_their_city(registry, toy_system):
    index = {
        2019: {
            LIXIA: (80.0, 1),
            LICHENG: (70.0, 2),
            LAIWU_DISTRICT: (70.0, 2),
            GANGCHENG: (60.0, 4),
        }
    }
    report = make_report(registry, toy_system, "county", notice=REAL, with_tiers=False, index=index)
    (group,) = report.groups
    assert [r.rank_in_parent for r in group.rows] == [1, 2, 2, 4]


def test_names_shared_by_several_units_carry_their_city(registry, toy_system):
    index = {
        2019: {"370103": (80.0, 1), "370402": (70.0, 2), "371103": (60.0, 3), LIXIA: (50.0, 4)}
    }
    report = make_report(registry, toy_system, "county", notice=REAL, with_tiers=False, index=index)
    names = [(r.unit.name.zh, r.unit.name.en) for r in report.rows]
    assert names == [
        ("市中区（济南市）", "Shizhong District (Jinan)"),
        ("市中区（枣庄市）", "Shizhong District (Zaozhuang)"),
        ("岚山区", "Lanshan District (Rizhao)"),  # 兰山区 of Linyi is Lanshan District too
        ("历下区", "Lixia District"),
    ]


# ------------------------------------------------------------------------ other sections


def test_tiers_section_from_tier_codes_and_omitted_without_tiers(registry, toy_system):
    report = make_report(registry, toy_system, "city")
    names = [(t.code, t.name.zh, [u.code for u in t.members]) for t in report.tiers]
    assert names == [
        ("tier1", "第一梯队", [JINAN, QINGDAO]),
        ("tier2", "第二梯队", [ZIBO, WEIFANG]),
        ("tier3", "第三梯队", [YANTAI]),
    ]
    zh = render_html(report, "zh")
    tiers = section(zh, "tiers")
    assert "综合排名第 1–2 位" in tiers and "综合排名第 3–5 位" in tiers  # the toy's max_rank 2, 5
    assert [r[CHANGE + 1] for r in table_rows(section(zh, "ranking"))][:3] == [
        "第一梯队",
        "第一梯队",
        "第二梯队",
    ]

    without = make_report(registry, toy_system, "city", with_tiers=False)
    assert without.tiers == () and all(r.tier is None for r in without.rows)
    html = render_html(without, "zh")
    assert 'id="tiers"' not in html and 'href="#tiers"' not in html
    assert "<th>梯队</th>" not in html and "第一梯队" not in html


def test_unknown_tier_code_is_a_data_error(registry, toy_system):
    scores, values, tiers = frames(toy_system.frameworks["city"], CITY_INDEX)
    rankings = build_rankings(scores, tiers, registry, "city")
    with pytest.raises(DataError, match=r"tier code\(s\) \['gold'\].*methodology.city.tiers"):
        build_report(
            2019,
            "city",
            scores=scores,
            indicator_values=values,
            rankings=rankings.with_columns(pl.lit("gold").alias("tier")),
            registry=registry,
            system=toy_system,
            notice=REAL,
            imputations=NOTHING_IMPUTED,
        )


def test_pillar_leaders_come_from_pillar_scores(registry, toy_system):
    report = make_report(registry, toy_system, "city")
    framework = toy_system.frameworks["city"]
    assert [p.code for p in report.pillars] == [p.code for p in framework.pillars]
    assert sum(p.share for p in report.pillars) == pytest.approx(1.0)
    for pillar in report.pillars:
        assert [(u.code, n.rank) for u, n in pillar.leaders] == [
            (JINAN, 1),
            (QINGDAO, 2),
            (ZIBO, 3),
            (WEIFANG, 3),  # tied for third place: both lead
        ]
    rows = table_rows(section(render_html(report, "en"), "pillars"))
    assert rows[0][0] == framework.pillars[0].name_en
    assert rows[0][2].startswith("1. Jinan (82.00)")


def test_indicator_table_shows_best_median_and_targets_with_source(registry, toy_system):
    report = make_report(registry, toy_system, "city")
    a = next(i for i in report.indicators if i.code == "a")
    # values are position (0) + score / 30: Jinan 82 → best, median of 82, 78, 70, 70, 55 is 70
    assert a.best == pytest.approx(82 / 30)
    assert [u.code for u in a.best_units] == [JINAN]
    assert a.median == pytest.approx(70 / 30)
    (target,) = a.targets
    assert target.id == "t_a"
    assert (target.value, target.unit, target.comparison, target.year) == (2.5, "%", ">=", 2020)
    assert (target.met, target.assessed) == (2, 5)  # Jinan 2.73 %, Qingdao 2.60 %
    zh = render_html(report, "zh")
    indicators = section(zh, "indicators")
    assert "山东省 2020: ≥ 2.50 %" in indicators
    assert "达到目标的地区数 2/5" in indicators
    assert "测试规划" in indicators  # the target's source
    assert "测试规划：“达到目标”" in section(zh, "methodology")  # and its quote


def test_a_units_own_target_applies_to_it_alone(registry, toy_system):
    report = make_report(registry, toy_system, "county")
    c = next(i for i in report.indicators if i.code == "c")
    (own,) = c.targets
    assert (own.id, own.scope.code) == ("t_c", JIAOZHOU)
    assert (own.met, own.assessed) == (1, 1)  # only Jiaozhou is held to Jiaozhou's plan
    profiles = {p.unit.code: p for p in report.profiles}
    position = [cell.indicator for cell in profiles[JIAOZHOU].cells].index("c")
    # Jiaozhou's c is 1 + 58 / 30 = 2.93, below its 3 万元/人
    assert [(t.id, ok) for t, ok in profiles[JIAOZHOU].cells[position].targets_met] == [
        ("t_c", True)
    ]
    assert all(profiles[code].cells[position].targets_met == () for code in (LIXIA, HUANGDAO))


def test_profiles_have_every_indicator_and_the_rank_history(registry, toy_system):
    report = make_report(registry, toy_system, "city")
    framework = toy_system.frameworks["city"]
    assert [p.unit.code for p in report.profiles] == [r.unit.code for r in report.rows]
    jinan = report.profiles[0]
    assert [c.indicator for c in jinan.cells] == [i.code for i in framework.indicators]
    assert jinan.rank_history == ((2018, 2), (2019, 1))
    assert report.profiles[3].rank_history == ((2019, 3),)  # Weifang: no 2018 data
    profile_html = section(render_html(report, "en"), "profiles")
    assert profile_html.count('class="profile"') == 5
    assert "2018 — 2 · 2019 — 1" in profile_html


def test_profiles_check_each_units_value_against_the_target(registry, toy_system):
    report = make_report(registry, toy_system, "city")
    assert report.profiles[0].cells[0].indicator == "a"  # values 82/30 … 55/30 straddle 2.5 %
    met = {p.unit.code: p.cells[0].targets_met for p in report.profiles}
    assert {code: [ok for _, ok in checks] for code, checks in met.items()} == {
        JINAN: [True],  # 2.73 %
        QINGDAO: [True],  # 2.60 %
        ZIBO: [False],  # 2.33 %
        WEIFANG: [False],
        YANTAI: [False],  # 1.83 %
    }
    profiles = section(render_html(report, "zh"), "profiles").split('class="profile"')[1:]
    assert '<div class="met" title="达到">✓ 山东省 2020: ≥ 2.50 %</div>' in profiles[0]
    assert '<div class="unmet" title="未达到">✗ 山东省 2020: ≥ 2.50 %</div>' in profiles[4]


def test_unranked_unit_and_unit_without_scores_this_year(registry, toy_system):
    index = {
        2018: {JINAN: (70.0, 1), QINGDAO: (60.0, 2), ZIBO: (50.0, 3)},
        2019: {JINAN: (75.0, 1), QINGDAO: (float("nan"), None)},
    }
    report = make_report(registry, toy_system, "city", notice=REAL, with_tiers=False, index=index)
    assert [(r.unit.code, r.rank, r.score) for r in report.rows] == [
        (JINAN, 1, 75.0),
        (QINGDAO, None, None),
    ]
    # no current rank: no change
    assert report.rows[1].change == RankChange(previous_rank=2, previous_score=60.0)
    (zibo,) = report.departed  # Zibo still exists but has no 2019 scores
    assert zibo.still_exists and zibo.previous_rank == 3
    zh = render_html(report, "zh")
    assert table_rows(section(zh, "ranking"))[1][:7] == ["—", "青岛市", "—", "60.00", "—", "2", "—"]
    assert "淄博市（2018年排名第3）本年无数据" in section(zh, "summary")
    (panel,) = chart_panels(report, "zh")
    assert [b.label for b in panel.bars] == ["1. 济南市"]


@pytest.mark.parametrize("level", ["city", "county"])
def test_methodology_lists_every_pillar_indicator_and_step(registry, toy_system, level):
    report = make_report(registry, toy_system, level)
    framework = toy_system.frameworks[level]
    for lang in ("zh", "en"):
        methodology = section(render_html(report, lang), "methodology")
        for pillar in framework.pillars:
            assert getattr(pillar, f"name_{lang}") in methodology
        for indicator in framework.indicators:
            assert f"<code>{indicator.code}</code>" in methodology
            name = getattr(indicator, f"name_{lang}").replace("&", "&amp;")
            assert name in methodology
            assert f"<code>{indicator.formula}</code>" in methodology
        assert methodology.count("<li><strong>") == len(build_steps(framework)) + 1
    zh = section(render_html(report, "zh"), "methodology")
    assert "变量X / 变量Y × 100" in zh  # formulas spelled with the variables' names
    assert "最小-最大值标准化" in zh and "<code>method=minmax</code>" in zh


def test_sources_list_the_notice_and_the_plan_documents(registry, toy_system):
    zh = section(render_html(make_report(registry, toy_system, "city"), "zh"), "sources")
    assert "合成样例数据集 / synthetic sample dataset" in zh
    assert "测试规划" in zh and "000_0123456789abcdef.txt" in zh  # t_a's plan


def test_chart_has_one_bar_per_scored_unit_in_page_sized_panels(registry, toy_system):
    report = make_report(registry, toy_system, "county")
    (panel,) = chart_panels(report, "zh")
    assert [b.label for b in panel.bars][:2] == ["1. 历下区", "2. 黄岛区"]
    widths = [b.width for b in panel.bars]
    assert widths == sorted(widths, reverse=True) and widths[0] == pytest.approx(440)
    many = replace(report, rows=report.rows * 12)  # 84 rows
    panels = chart_panels(many, "en")
    assert [len(p.bars) for p in panels] == [CHART_ROWS_PER_PANEL, CHART_ROWS_PER_PANEL, 4]


def test_chart_handles_negative_scores(registry, toy_system):
    report = make_report(registry, toy_system, "city")
    rows = tuple(
        replace(r, score=s) for r, s in zip(report.rows, [2.0, 1.0, 0.0, -1.0, -2.0], strict=True)
    )
    (panel,) = chart_panels(replace(report, rows=rows), "en")
    zero = panel.bars[2].x
    assert panel.bars[0].x == pytest.approx(zero) and panel.bars[4].x + panel.bars[
        4
    ].width == pytest.approx(zero)


# ----------------------------------------------------------------------------- the files


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


@pytest.mark.parametrize("level", ["city", "county"])
def test_write_reports_files_and_csv(registry, toy_system, level, tmp_path):
    report = make_report(registry, toy_system, level)
    paths = write_reports(report, tmp_path)
    folder = tmp_path / "2019"
    assert paths == [
        folder / f"{level}_report.zh.html",
        folder / f"{level}_report.en.html",
        folder / f"{level}_ranking.csv",
    ]
    assert paths[0].read_text(encoding="utf-8") == render_html(report, "zh")
    raw = paths[2].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads the Chinese correctly
    lines = read_csv(paths[2])
    assert len(lines[0]) == 1
    assert lines[0][0].startswith(
        "数据说明 Data notice: 本报告基于合成样例数据，不代表真实统计 / Built from SYNTHETIC"
    )
    header, body = lines[1], lines[2:]
    index = CITY_INDEX if level == "city" else COUNTY_INDEX
    assert len(body) == len(index[2019])  # one row per unit
    assert sorted(r[1] for r in body) == sorted(index[2019])
    assert header[:4] == ["排名 Rank", "地区代码 Code", "地区 Region (zh)", "地区 Region (en)"]
    assert "梯队 Tier (zh)" in header and "梯队 Tier (en)" in header
    column = {name: i for i, name in enumerate(header)}
    assert {r[column["地区 Region (en)"]] for r in body} == {r.unit.name.en for r in report.rows}
    assert [r[column["排名 Rank"]] for r in body] == [str(r.rank) for r in report.rows]
    pillars = toy_system.frameworks[level].pillars
    assert header[-len(pillars) - 6 : -6] == [f"{p.name_zh} {p.name_en}" for p in pillars]
    assert header[-2:] == ["排名区间 Rank interval 5%", "排名区间 Rank interval 95%"]
    assert header[-4:-2] == ["上年指数 Previous index", "指数变化（点） Index change (points)"]
    assert header[-6:-4] == [
        "插补或缺失的指标 Imputed or missing indicators",
        "过半指标为插补或缺失值的领域 Pillars resting mostly on imputed or missing values",
    ]
    assert {tuple(r[-6:-4]) for r in body} == {("", "")}  # nothing imputed
    if level == "county":
        assert body[0][column["所属市 City (zh)"]] == "济南市"
        assert body[0][column["所属市 City (en)"]] == "Jinan"
        changes = {r[1]: (r[column["排名变化 Rank change"]], r[column["备注 Note"]]) for r in body}
        assert changes[LAIWU_DISTRICT] == (
            "1",
            "由莱城区（371202）调整而来 / formerly Laicheng District, 371202",
        )
        assert changes[CHIPING] == ("", "新增 / new")
        assert changes[JIAOZHOU] == ("-1", "")


def test_csv_notice_line_for_real_data_has_no_warning(registry, toy_system, tmp_path):
    report = make_report(registry, toy_system, "city", notice=REAL, with_tiers=False)
    *_, csv_path = write_reports(report, tmp_path, langs=("zh",))
    lines = read_csv(csv_path)
    assert lines[0] == [
        "数据说明 Data notice: 山东统计年鉴 / Shandong Statistical Yearbook; "
        "上年排名按本年区划重新排序，合并的地区按其中最靠前者计一位 / previous ranks are "
        "re-ranked on this year's boundaries, merged units counting once, at the best place "
        "among them"
    ]
    assert "梯队 Tier (zh)" not in lines[1]
    assert sorted(p.name for p in (tmp_path / "2019").iterdir()) == [
        "city_ranking.csv",
        "city_report.zh.html",
    ]


def test_a_failed_write_leaves_the_previous_files_intact(
    registry, toy_system, tmp_path, monkeypatch
):
    written = write_reports(make_report(registry, toy_system, "city", notice=REAL), tmp_path)
    before = {path: path.read_bytes() for path in written}
    report = make_report(registry, toy_system, "city", notice=SYNTHETIC)
    header = render.ranking_table(report)[:1]

    def header_then_crash(_):
        yield from header
        raise OSError("disk full")

    monkeypatch.setattr(render, "ranking_table", header_then_crash)
    with pytest.raises(OSError, match="disk full"):
        write_reports(report, tmp_path)
    *html, csv_path = written
    assert csv_path.read_bytes() == before[csv_path]  # not truncated to the header
    assert all(path.read_bytes() != before[path] for path in html)  # replaced whole
    assert sorted((tmp_path / "2019").iterdir()) == sorted(written)  # no temporary file left
    plain = tmp_path / "plain"
    plain.touch()  # reports get the permissions of any new file, not a temporary file's 0600
    assert {path.stat().st_mode for path in written} == {plain.stat().st_mode}


# ----------------------------------------------------------------------------- bad input


def test_missing_year_or_columns_are_data_errors(registry, toy_system):
    scores, values, tiers = frames(toy_system.frameworks["city"], CITY_INDEX)
    rankings = build_rankings(scores, tiers, registry, "city")
    kwargs = dict(
        indicator_values=values,
        rankings=rankings,
        registry=registry,
        system=toy_system,
        notice=REAL,
        imputations=NOTHING_IMPUTED,
    )
    with pytest.raises(DataError, match=r"no 'Index' rows for city 2020.*\[2018, 2019\]"):
        build_report(2020, "city", scores=scores, **kwargs)
    with pytest.raises(DataError, match=r"scores frame lacks column\(s\) \['rank'\]"):
        build_report(2019, "city", scores=scores.drop("rank"), **kwargs)
    with pytest.raises(DataError, match="report level 'province'"):
        build_report(2019, "province", scores=scores, **kwargs)
    doubled = pl.concat([scores, scores.filter(pl.col("region_code") == JINAN)])
    with pytest.raises(DataError, match=r"unit\(s\) \['370100'\] more than once"):
        build_report(2019, "city", scores=doubled, **kwargs)
    with pytest.raises(DataError, match=r"rankings frame lacks column\(s\) \['rank_in_parent'\]"):
        build_report(
            2019, "city", scores=scores, **(kwargs | {"rankings": rankings.drop("rank_in_parent")})
        )


def test_rankings_that_do_not_match_the_scores_are_data_errors(registry, toy_system):
    scores, values, tiers = frames(toy_system.frameworks["city"], CITY_INDEX)
    rankings = build_rankings(scores, tiers, registry, "city")
    kwargs = dict(
        indicator_values=values,
        registry=registry,
        system=toy_system,
        notice=REAL,
        imputations=NOTHING_IMPUTED,
    )
    stale = rankings.filter(pl.col("region_code") != WEIFANG)
    with pytest.raises(DataError, match=r"disagree: unit\(s\) \['370700'\].*scoring stage"):
        build_report(2019, "city", scores=scores, rankings=stale, **kwargs)
    doubled = pl.concat([rankings, rankings.filter(pl.col("region_code") == ZIBO)])
    with pytest.raises(DataError, match=r"rankings list unit\(s\) \['370300'\] more than once"):
        build_report(2019, "city", scores=scores, rankings=doubled, **kwargs)


def test_the_report_shows_the_stored_rankings_without_ranking_again(registry, toy_system):
    """The report lays out what the scoring stage stored; it computes no rank of its own."""
    scores, values, tiers = frames(toy_system.frameworks["county"], COUNTY_INDEX)
    stored = build_rankings(scores, tiers, registry, "county")
    edited = stored.with_columns(
        pl.when(pl.col("region_code") == JIAOZHOU)
        .then(pl.lit(9))
        .otherwise(pl.col("rank_in_parent"))
        .alias("rank_in_parent"),
        pl.when(pl.col("region_code") == JIAOZHOU)
        .then(pl.lit(7))
        .otherwise(pl.col("rank_change"))
        .alias("rank_change"),
    )
    report = build_report(
        2019,
        "county",
        scores=scores,
        indicator_values=values,
        rankings=edited,
        registry=registry,
        system=toy_system,
        notice=REAL,
        imputations=NOTHING_IMPUTED,
    )
    row = next(r for r in report.rows if r.unit.code == JIAOZHOU)
    assert (row.rank_in_parent, row.change.change) == (9, 7)
    assert JIAOZHOU in [r.unit.code for r in report.climbers]


def test_pooled_goalposts_are_explained_with_the_panel_years() -> None:
    view = step_view({"normalise": {"method": "minmax", "goalposts": "pooled"}}, [2016, 2023])
    assert "2016–2023" in view.description.zh and "published edition" in view.description.en
    plain = step_view({"normalise": {"method": "minmax"}}, [2016, 2023])
    assert "2016" not in plain.description.zh
