"""Imputed and missing values, pillars resting on them, failing warnings, accepted checks and the
cells they let through, as a report shows them (HTML in both languages and the ranking CSV),
from small hand-made ``imputations``, ``validation_results`` and ``quarantine`` frames on the toy
framework (city pillars: ``p_one`` = a, b; ``p_two`` = c; county: ``p_one`` = a, ``p_two`` = c).
"""

import csv
import json
import re
from pathlib import Path

import polars as pl
import pytest
from report_frames import (
    CITY_INDEX,
    COUNTY_INDEX,
    HUANGDAO,
    JIAOZHOU,
    JINAN,
    QINGDAO,
    REAL,
    ZIBO,
    frames,
    make_report,
    section,
    table_rows,
)

from innovation_monitor.errors import DataError
from innovation_monitor.reports import MonitoringReport, build_report, render, render_html
from innovation_monitor.reports.quality import QUALITY_COLUMNS, QUARANTINE_COLUMNS
from innovation_monitor.scoring.rankings import build_rankings
from innovation_monitor.scoring.schemas import IMPUTATIONS_SCHEMA

# Jinan: a carried forward, b imputed (p_one rests on them: 2 of 2); Qingdao: a missing (1 of
# 2: half is not most); Zibo: c carried forward (p_two: 1 of 1). Rows of another year and of
# the county level must be ignored.
CITY_IMPUTATIONS = [
    (2019, "city", JINAN, "a", 2.5, "carry_forward", "from=2018"),
    (2019, "city", JINAN, "b", 1.0, "column_median", "n=4"),
    (2019, "city", QINGDAO, "a", None, "missing", None),
    (2019, "city", ZIBO, "c", 3.0, "carry_forward", "from=2017"),
    (2018, "city", JINAN, "c", 9.0, "carry_forward", "from=2017"),
    (2019, "county", JIAOZHOU, "a", 1.0, "carry_forward", "from=2018"),
]


def imputations(rows: list[tuple]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=IMPUTATIONS_SCHEMA, orient="row")


def check(severity: str, success: bool, accepted: bool, description: str, **extra) -> dict:
    """A ``validation_results`` row of city 2019."""
    return {
        "run_id": "r1",
        "edition": "draft",
        "year": 2019,
        "level": "city",
        "check_name": f"code_{description}",
        "category": "integrity",
        "severity": severity,
        "success": success,
        "accepted": accepted,
        "unexpected_count": 0 if success else 1,
        "description_zh": f"检查{description}",
        "description_en": f"check {description}",
        "examples": "[]",
        **extra,
    }


def quarantined(raw: str, kind: str, row: int, year: int = 2019) -> dict:
    return {
        "year": year,
        "level": "city",
        "source_file": "city/2019.xlsx",
        "source_sheet": "表1",
        "source_row": row,
        "source_column": "地区生产总值(亿元)",
        "raw_value": raw,
        "region_text": "济南市",
        "variable_text": "地区生产总值(亿元)",
        "reason": f"not a number: {raw}" if kind == "problem" else "not available",
        "kind": kind,
    }


ACCEPTED = check(
    "blocking",
    False,
    True,
    "quarantine",
    unexpected_count=1,
    examples=json.dumps(
        [
            {
                "year": 2019,
                "region_code": JINAN,
                "variable": "x",
                "source_file": "city/2019.xlsx",
                "source_sheet": "表1",
                "source_row": 7,
                "source_column": "地区生产总值(亿元)",
                "raw_value": "约85",
            }
        ]
    ),
)
QUALITY = pl.DataFrame(
    [
        check("warning", False, False, "change", unexpected_count=3),
        check("warning", True, False, "passing"),
        check("blocking", True, False, "ranges"),
        check("warning", False, False, "other_year") | {"year": 2018},
    ]
)
QUARANTINE = pl.DataFrame(
    [
        quarantined("<b>约85</b>", "problem", 7),
        quarantined("…", "declared_gap", 8),
        quarantined("约90", "problem", 9, year=2018),
    ]
)


def city_report(**extra) -> MonitoringReport:
    return make_report(
        extra.pop("registry"),
        extra.pop("system"),
        "city",
        imputations=imputations(CITY_IMPUTATIONS),
        **extra,
    )


@pytest.fixture
def report(registry, toy_system) -> MonitoringReport:
    return city_report(registry=registry, system=toy_system, quality=QUALITY)


def profile_html(html: str, position: int) -> str:
    """The HTML of the ``position``-th profile (0: the unit ranked first)."""
    return section(html, "profiles").split('class="profile"')[1:][position]


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


# --------------------------------------------------------------------------- the estimates


def test_profiles_show_the_value_the_scores_use_and_how_it_was_imputed(report) -> None:
    profiles = {p.unit.code: p for p in report.profiles}
    jinan = {c.indicator: c for c in profiles[JINAN].cells}
    assert jinan["a"].value == 2.5 and jinan["a"].estimate.method == "carry_forward"
    assert jinan["a"].estimate.how.zh == "沿用本地区2018年数值"
    assert jinan["a"].estimate.how.en == "carried forward from 2018"
    assert jinan["b"].estimate.how.zh == "取其他4个地区当年的中位数"
    assert jinan["c"].estimate is None and jinan["c"].value == pytest.approx(2 + 82 / 30)
    qingdao_a = profiles[QINGDAO].cells[0]
    assert qingdao_a.value is None and qingdao_a.estimate.missing
    assert [c.indicator for c in profiles[JINAN].estimated] == ["a", "b"]


@pytest.mark.parametrize(
    ("lang", "carried", "median", "missing", "legend"),
    [
        ("zh", "估1", "估2", "缺1", "估：不是本地区当年的统计数据"),
        ("en", "*1", "*2", "†1", "*: not the unit&#39;s own figure for the year"),
    ],
)
def test_imputed_and_missing_values_carry_a_marker_and_a_note(
    report, lang, carried, median, missing, legend
) -> None:
    html = render_html(report, lang)
    jinan = profile_html(html, 0)
    rows = {r[0]: r[1] for r in table_rows(jinan)}
    assert rows["指标a" if lang == "zh" else "Indicator a"] == f"2.50{carried}"
    assert rows["指标b" if lang == "zh" else "Indicator b"] == f"1.00{median}"
    assert rows["指标c" if lang == "zh" else "Indicator c"] == "4.73"  # its own: no marker
    notes = text(jinan[jinan.index('class="notes') :])
    if lang == "zh":
        assert f"{carried} 指标a：沿用本地区2018年数值" in notes
        assert f"{median} 指标b：取其他4个地区当年的中位数" in notes
    else:
        assert f"{carried} Indicator a: carried forward from 2018" in notes
        assert f"{median} Indicator b: median of 4 other units that year" in notes
    assert legend in jinan
    qingdao = profile_html(html, 1)
    assert f'—<sup class="estimate">{missing}</sup>' in qingdao
    assert ("无数据，计算时跳过" if lang == "zh" else "no value: left out") in qingdao
    assert 'class="estimate"' not in profile_html(html, 4)  # Yantai: all its own figures


def test_a_target_verdict_on_an_imputed_value_says_so(report) -> None:
    zh = render_html(report, "zh")
    jinan = profile_html(zh, 0)
    assert "✓ 山东省 2020: ≥ 2.50 %（依据插补值）" in text(jinan)
    assert '<div class="met" title="达到">✓ 山东省' not in jinan  # not a plain ✓
    qingdao = text(profile_html(zh, 1))
    assert "山东省 2020: ≥ 2.50 %（无数据，未评估）" in qingdao and "✗" not in qingdao
    en = render_html(report, "en")
    assert "✓ Shandong 2020: ≥ 2.50 % (on an imputed value)" in text(profile_html(en, 0))
    assert "(not assessed: no value)" in text(profile_html(en, 1))
    verdicts = {p.unit.code: p.cells[0].targets_met[0][1] for p in report.profiles}
    assert verdicts[JINAN] is True and verdicts[QINGDAO] is None


def test_a_pillar_resting_mostly_on_imputed_values_is_flagged(report) -> None:
    rows = {r.unit.code: r for r in report.rows}
    assert rows[JINAN].pillars["p_one"].flagged and not rows[JINAN].pillars["p_two"].flagged
    assert not rows[QINGDAO].pillars["p_one"].flagged  # one of two indicators: not most
    assert rows[ZIBO].pillars["p_two"].flagged  # its only indicator
    profiles = {p.unit.code: p for p in report.profiles}
    assert [(f.code, f.estimated, f.total) for f in profiles[JINAN].flagged] == [("p_one", 2, 2)]
    assert profiles[QINGDAO].flagged == ()
    zh = render_html(report, "zh")
    ranking = table_rows(section(zh, "ranking"))
    assert ranking[0][1] == "济南市" and ranking[0][-2:] == ["82.00 ⚠", "81.00"]
    assert ranking[1][-2:] == ["78.00", "77.00"]  # Qingdao: nothing flagged
    assert "⚠：该领域过半指标为插补或缺失值" in section(zh, "ranking")
    assert "⚠ 支柱p_one：2项指标中2项为插补或缺失值" in text(profile_html(zh, 0))
    assert "⚠" not in profile_html(zh, 1)
    assert "1. 济南市 (82.00 ⚠)" in text(section(zh, "pillars"))
    en = render_html(report, "en")
    assert "⚠ Pillar p_one: 2 of 2 indicators imputed or missing" in text(profile_html(en, 0))


def test_the_data_quality_summary_counts_per_indicator(report) -> None:
    counts = [(q.code, q.own, q.carried, q.imputed, q.missing) for q in report.quality.indicators]
    assert counts == [("a", 3, 1, 0, 1), ("b", 4, 0, 1, 0), ("c", 4, 1, 0, 0)]
    assert report.quality.estimated == 4
    flagged = [(u.code, [f.code for f in flags]) for u, flags in report.quality.flagged]
    assert flagged == [(JINAN, ["p_one"]), (ZIBO, ["p_two"])]
    zh = section(render_html(report, "zh"), "quality")
    assert "2019年参评地区各指标的数据情况" in zh
    assert table_rows(zh[zh.index('class="quality"') :]) == [
        ["指标a", "3", "1", "0", "1"],
        ["指标b", "4", "0", "1", "0"],
        ["指标c", "4", "1", "0", "0"],
    ]
    assert '<tr class="total"><td>合计</td><td class="num">11</td>' in zh
    assert "济南市：支柱p_one：2项指标中2项为插补或缺失值" in text(zh)
    en = section(render_html(report, "en"), "quality")
    assert "Carried forward" in en and "Imputed otherwise" in en and "Missing" in en


def test_a_year_without_estimates_says_so(registry, toy_system) -> None:
    report = make_report(registry, toy_system, "city", quality=QUALITY)
    assert report.quality.estimated == 0 and report.quality.flagged == ()
    html = render_html(report, "zh")
    assert "本年参评地区的全部指标值均为本地区当年数据。" in section(html, "quality")
    assert 'class="estimate"' not in html and "⚠" not in section(html, "ranking")


def test_county_group_medians_name_the_city(registry, toy_system) -> None:
    rows = [
        (2019, "county", JIAOZHOU, "c", 2.9, "group_median", f"group={QINGDAO}; n=1"),
        (2019, "county", HUANGDAO, "a", 4.0, "linear", "from=2018; to=2020"),
        (2019, "county", HUANGDAO, "c", 3.0, "group_mean", "group=<i>东部</i>; n=2"),
    ]
    report = make_report(registry, toy_system, "county", imputations=imputations(rows))
    profiles = {p.unit.code: p for p in report.profiles}
    how = profiles[JIAOZHOU].estimated[0].estimate.how
    assert (how.zh, how.en) == (
        "取青岛市其他1个地区当年的中位数",
        "median of 1 other units of Qingdao that year",
    )
    jiaozhou_c = profiles[JIAOZHOU].estimated[0]
    assert [ok for _, ok in jiaozhou_c.targets_met] == [True]  # 2.9 < 3, on the imputed value
    huangdao = [c.estimate.how.zh for c in profiles[HUANGDAO].estimated]
    assert huangdao == [
        "按本地区2018年和2020年数值线性插值",
        "取<i>东部</i>其他2个地区当年的平均值",
    ]
    html = render_html(report, "zh")
    assert "<i>东部</i>" not in html and "&lt;i&gt;东部&lt;/i&gt;" in html  # data is escaped
    assert all(p.flagged for p in (profiles[JIAOZHOU], profiles[HUANGDAO]))  # 1 of 1 each


# ------------------------------------------------------------------------------ the CSV


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def test_the_csv_lists_imputed_values_and_flagged_pillars(report, tmp_path) -> None:
    *_, csv_path = render.write_reports(report, tmp_path, langs=("zh",))
    notice, header, *body = read_csv(csv_path)
    assert header[-6:-4] == [
        "插补或缺失的指标 Imputed or missing indicators",
        "过半指标为插补或缺失值的领域 Pillars resting mostly on imputed or missing values",
    ]
    rows = {line[1]: line[-6:-4] for line in body}
    assert rows[JINAN] == [
        "指标a（估：沿用本地区2018年数值）；指标b（估：取其他4个地区当年的中位数） / "
        "Indicator a (*: carried forward from 2018); Indicator b (*: median of 4 other units "
        "that year)",
        "支柱p_one：2项指标中2项为插补或缺失值 / Pillar p_one: 2 of 2 indicators imputed or "
        "missing",
    ]
    assert rows[QINGDAO] == [
        "指标a（缺：无数据，计算时跳过） / Indicator a (†: no value: left out of the computation)",
        "",
    ]
    assert rows["370600"] == ["", ""]  # Yantai
    assert notice[0].endswith(
        "本年参评地区指标值中沿用往年2个、其他方法插补1个、缺失1个 / of the ranked units' "
        "indicator values this year 2 are carried forward, 1 imputed otherwise and 1 missing"
    )
    assert "--accept-quarantine" not in notice[0]  # no check was accepted


# ------------------------------------------------------------------- validation results


def test_failing_warnings_are_listed_in_words(report) -> None:
    assert [(c.description.zh, c.count) for c in report.quality.warnings] == [("检查change", 3)]
    assert report.quality.accepted == () and not report.quality.overridden
    zh = section(render_html(report, "zh"), "quality")
    assert "未通过的警告性检查" in zh and "检查change" in zh
    for hidden in ("检查passing", "检查ranges", "检查other_year", "code_change"):
        assert hidden not in zh  # passing checks, another year, no check codes
    assert "check change" in section(render_html(report, "en"), "quality")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_accepted_quarantine_is_stated_with_the_excluded_cells(
    registry, toy_system, lang
) -> None:
    report = city_report(
        registry=registry,
        system=toy_system,
        quality=pl.concat([QUALITY, pl.DataFrame([ACCEPTED])]),
        quarantine=QUARANTINE,
    )
    quality = report.quality
    assert quality.overridden and [c.count for c in quality.accepted] == [1]
    assert [(c.file, c.row, c.column, c.raw, c.reason) for c in quality.excluded] == [
        ("city/2019.xlsx:表1", 7, "地区生产总值(亿元)", "<b>约85</b>", "not a number: <b>约85</b>")
    ]  # the declared gap and the other year's cell are not excluded cells
    html = render_html(report, lang)
    header = html[html.index("<header>") : html.index("</header>")]
    if lang == "zh":
        assert "用户以 --accept-quarantine 确认接受；1个有问题的数据单元格未用于计算" in header
        example = "2019 济南市 变量X，city/2019.xlsx:表1第7行“地区生产总值(亿元)”列，原文“约85”"
    else:
        assert "accepted with --accept-quarantine; 1 problem cell(s) were left out" in header
        example = (
            "2019 Jinan Variable x, city/2019.xlsx:表1 row 7, column 地区生产总值(亿元), "
            "written &#39;约85&#39;"
        )
    quality_html = section(html, "quality")
    assert example in quality_html
    assert "code_quarantine" not in html
    excluded = quality_html[quality_html.index('class="excluded"') :]
    assert table_rows(excluded) == [
        [
            "city/2019.xlsx:表1",
            "7",
            "地区生产总值(亿元)",
            "&lt;b&gt;约85&lt;/b&gt;",
            "not a number: &lt;b&gt;约85&lt;/b&gt;",
        ]
    ]
    assert "<b>约85" not in html  # data is escaped


def test_the_csv_states_the_accepted_override(registry, toy_system) -> None:
    report = city_report(
        registry=registry,
        system=toy_system,
        quality=pl.DataFrame([ACCEPTED]),
        quarantine=QUARANTINE,
    )
    line = render.notice_line(report)
    assert "用户以 --accept-quarantine 确认接受；1个有问题的数据单元格未用于计算" in line
    assert "accepted with --accept-quarantine; 1 problem cell(s) were left out" in line


def test_a_quarantine_without_an_accepted_check_lists_no_cells(registry, toy_system) -> None:
    report = city_report(
        registry=registry, system=toy_system, quality=QUALITY, quarantine=QUARANTINE
    )
    assert report.quality.excluded == () and not report.quality.overridden
    html = render_html(report, "zh")
    assert 'class="excluded"' not in html and "--accept-quarantine" not in html


def test_examples_that_are_not_a_list_of_rows_show_no_example(registry, toy_system) -> None:
    broken = [ACCEPTED | {"examples": "not json"}, ACCEPTED | {"examples": '{"a": 1}'}]
    report = city_report(registry=registry, system=toy_system, quality=pl.DataFrame(broken))
    assert [c.examples for c in report.quality.accepted] == [(), ()]


# ------------------------------------------------------------------------------ bad input


def test_frames_without_the_stored_columns_are_data_errors(registry, toy_system) -> None:
    scores, values, tiers = frames(toy_system.frameworks["city"], CITY_INDEX)
    kwargs = dict(
        scores=scores,
        indicator_values=values,
        rankings=build_rankings(scores, tiers, registry, "city"),
        registry=registry,
        system=toy_system,
        notice=REAL,
    )
    with pytest.raises(DataError, match=r"imputations frame lacks column\(s\) \['source'\]"):
        build_report(2019, "city", imputations=imputations([]).drop("source"), **kwargs)
    with pytest.raises(DataError, match=r"quality frame lacks column\(s\) \['accepted'\]"):
        build_report(
            2019, "city", imputations=imputations([]), quality=QUALITY.drop("accepted"), **kwargs
        )
    with pytest.raises(DataError, match=r"quarantine frame lacks column\(s\) \['kind'\]"):
        build_report(
            2019, "city", imputations=imputations([]), quarantine=QUARANTINE.drop("kind"), **kwargs
        )


def test_the_columns_read_are_those_the_warehouse_stores() -> None:
    from innovation_monitor.ingest.result import QUARANTINE_SCHEMA
    from innovation_monitor.validation.outcomes import VALIDATION_RESULTS_SCHEMA

    for read, stored in (
        (QUALITY_COLUMNS, VALIDATION_RESULTS_SCHEMA),
        (QUARANTINE_COLUMNS, QUARANTINE_SCHEMA),
    ):
        assert {name: stored[name] for name in read} == read


def test_county_report_of_the_default_frames_still_renders(registry, toy_system) -> None:
    report = make_report(registry, toy_system, "county", index=COUNTY_INDEX, quality=QUALITY)
    assert report.quality.warnings == ()  # QUALITY holds city rows only
    assert '<section id="quality"' in render_html(report, "en")
