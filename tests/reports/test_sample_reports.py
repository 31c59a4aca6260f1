"""The reports the whole pipeline wrote from the bundled sample (the session's ``sample_run``),
checked against the tables the scoring stage stored."""

import re

import polars as pl
import pytest
from report_frames import section, table_rows

from innovation_monitor import warehouse
from innovation_monitor.divisions import DivisionRegistry
from tests.pipeline_run import PipelineRun


@pytest.mark.slow
def test_the_city_index_says_it_is_in_percent_of_the_province(sample_run: PipelineRun) -> None:
    city = (sample_run.out / "2023" / "city_report.zh.html").read_text("utf-8")
    assert "区域创新能力综合指数（全省为100）" in city
    english = (sample_run.out / "2023" / "city_report.en.html").read_text("utf-8")
    assert "(province = 100)" in english
    county = (sample_run.out / "2023" / "county_report.zh.html").read_text("utf-8")
    assert "全省为100" not in county  # counties are min-max 0–100


def _page(run: PipelineRun, year: int, name: str) -> str:
    return (run.out / str(year) / name).read_text("utf-8")


def _stored(run: PipelineRun, table: str, level: str) -> pl.DataFrame:
    with warehouse.connect(run.warehouse, read_only=True) as con:
        return warehouse.read(con, table, level=level)


@pytest.mark.slow
def test_jinan_2019_is_compared_with_jinan_and_laiwu_restated(sample_run: PipelineRun) -> None:
    jinan = (
        _stored(sample_run, "rankings", "city")
        .filter(pl.col("year") == 2019, pl.col("region_code") == "370100")
        .row(0, named=True)
    )
    assert jinan["merged_from"] == ["370100", "371200"] and jinan["rank_change"] is not None
    ranking = section(_page(sample_run, 2019, "city_report.zh.html"), "ranking")
    (row,) = [r for r in table_rows(ranking) if r[1] == "济南市"]
    assert row[3] == f"{jinan['previous_score']:.2f}"
    assert row[4] == f"{jinan['score_change']:+.2f}".replace("-", "−")
    assert row[5] == str(jinan["previous_rank"])
    assert "与上年同口径比较（含原莱芜市）" in row[6] and "不可比" not in ranking
    english = section(_page(sample_run, 2019, "city_report.en.html"), "ranking")
    assert "including the former Laiwu" in english


@pytest.mark.slow
def test_the_advanced_cities_are_named_with_their_rule_in_words(
    sample_run: PipelineRun, registry: DivisionRegistry
) -> None:
    stored = _stored(sample_run, "evaluations", "city").filter(pl.col("advanced"))
    assert stored.height and set(stored["year"].to_list()) == {2023}
    page = _page(sample_run, 2023, "city_report.zh.html")
    evaluation = section(page, "evaluation")
    assert "（2021–2023年）" in evaluation
    listed = table_rows(evaluation)[: stored.height]
    words = {"tier:tier1": "评价期均值位于第一梯队", "improvement:2": "评价期内提升幅度居前2位"}
    expected = [
        [
            str(r["period_rank"]),
            registry.get(r["region_code"]).name_zh,
            words[r["advanced_rule"]],
        ]
        for r in stored.sort("period_rank").iter_rows(named=True)
    ]
    assert listed == expected
    for html in (page, _page(sample_run, 2023, "city_report.en.html")):
        assert "tier:tier1" not in html and "improvement:2" not in html
    assert 'id="evaluation"' not in _page(sample_run, 2022, "city_report.zh.html")


@pytest.mark.slow
def test_county_reports_rank_each_type(sample_run: PipelineRun) -> None:
    stored = _stored(sample_run, "rankings", "county").filter(pl.col("year") == 2023)
    by_type = section(_page(sample_run, 2023, "county_report.zh.html"), "by-type")
    headings = re.findall(r"<h3>(\S+) <small", by_type)
    assert headings == ["市辖区", "县级市", "县"]
    for part, name in zip(by_type.split("<h3>")[1:], headings, strict=True):
        rows = table_rows(part)
        of_type = stored.filter(pl.col("unit_type") == name)
        assert len(rows) == of_type.height
        assert [r[0] for r in rows] == [str(k) for k in sorted(of_type["rank_in_type"].to_list())]
        assert all(r[5].startswith("第") and r[5].endswith("梯队") for r in rows)  # tier in type
    laoshan = stored.filter(pl.col("region_code") == "370212").row(0, named=True)
    (row,) = [r for r in table_rows(by_type.split("<h3>")[1]) if r[2] == "崂山区"]
    assert row[:2] == [str(laoshan["rank_in_type"]), str(laoshan["rank"])]
    assert "Rank in type" in _page(sample_run, 2023, "county_report.en.html")


@pytest.mark.slow
def test_target_progress_is_as_of_the_report_year(sample_run: PipelineRun) -> None:
    early = section(_page(sample_run, 2019, "city_report.zh.html"), "targets")
    assert "依据截至2019年的数据" in early
    assert "最新 2019年" in early and "最新 2023年" not in early
    late = section(_page(sample_run, 2023, "city_report.zh.html"), "targets")
    jinan = [r for r in table_rows(late) if r[0].startswith("济南市 科技型中小企业数")]
    assert len(jinan) == 1 and jinan[0][2].startswith("最新 2023年")
    county = section(_page(sample_run, 2023, "county_report.zh.html"), "targets")
    assert all(r[0].startswith("胶州市") for r in table_rows(county))


@pytest.mark.slow
def test_the_city_report_shows_the_province_index_against_its_base_year(
    sample_run: PipelineRun,
) -> None:
    stored = _stored(sample_run, "province_index", "city").filter(
        pl.col("year") == 2023, pl.col("node") == "Index"
    )
    base, score = stored["base_year"][0], stored["score"][0]
    block = section(_page(sample_run, 2023, "city_report.zh.html"), "province-index")
    assert f"（以{base}年为100）" in block
    assert f"2023年：<strong>{score:.2f}</strong>" in block
    assert 'id="province-index"' not in _page(sample_run, 2023, "county_report.zh.html")
