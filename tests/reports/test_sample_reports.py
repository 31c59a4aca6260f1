"""The reports the whole pipeline wrote from the bundled sample (the session's ``sample_run``)."""

import pytest

from tests.pipeline_run import PipelineRun


@pytest.mark.slow
def test_the_city_index_says_it_is_in_percent_of_the_province(sample_run: PipelineRun) -> None:
    city = (sample_run.out / "2023" / "city_report.zh.html").read_text("utf-8")
    assert "区域创新能力综合指数（全省为100）" in city
    english = (sample_run.out / "2023" / "city_report.en.html").read_text("utf-8")
    assert "(province = 100)" in english
    county = (sample_run.out / "2023" / "county_report.zh.html").read_text("utf-8")
    assert "全省为100" not in county  # counties are min-max 0–100
