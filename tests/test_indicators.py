"""compute_indicators / indicator_frame on toy statistics with known answers."""

import math

import numpy as np
import polars as pl
import pytest

from innovation_monitor.errors import DataError
from innovation_monitor.framework import Indicator, MonitoringFramework, Pillar
from innovation_monitor.indicators import compute_indicators, indicator_frame, parent_code


def _indicator(code: str, formula: str, pillar: str = "p1", direction: int = 1) -> Indicator:
    return Indicator(
        code=code,
        name_zh=code,
        name_en=code,
        formula=formula,
        unit="%",
        direction=direction,
        weight=1.0,
        pillar=pillar,
        rationale_zh="测试",
        rationale_en="test",
    )


@pytest.fixture
def toy() -> MonitoringFramework:
    return MonitoringFramework(
        level="city",
        name_zh="测试",
        name_en="Toy",
        pillars=[Pillar("p1", "一", "One", 0.5), Pillar("p2", "二", "Two", 0.5)],
        indicators=[
            _indicator("rd_share", "rd_expenditure / gdp * 100"),
            _indicator("energy", "energy_consumption / gdp * 10000", "p2", -1),
            _indicator("per_head", "max(gdp, 0) / population", "p2"),
        ],
    )


def _stats(rows: list[tuple]) -> pl.DataFrame:
    return pl.DataFrame(
        rows, schema=["year", "level", "region_code", "variable", "value"], orient="row"
    )


STATS = _stats(
    [
        (2020, "city", "370100", "gdp", 1_000_000.0),
        (2020, "city", "370100", "rd_expenditure", 25_000.0),
        (2020, "city", "370100", "energy_consumption", 50.0),
        (2020, "city", "370100", "population", 900.0),
        (2020, "city", "370200", "gdp", 0.0),
        (2020, "city", "370200", "rd_expenditure", 10.0),
        (2020, "city", "370200", "population", 1000.0),
        (2021, "city", "370100", "gdp", 2_000_000.0),
        (2021, "city", "370100", "rd_expenditure", None),
        (2020, "county", "370102", "gdp", 5.0),  # another level: ignored
    ]
)


def test_known_answers(toy: MonitoringFramework) -> None:
    result = compute_indicators(STATS, toy)
    assert result.columns == ["year", "level", "region_code", "indicator", "value"]
    assert result.schema["value"] == pl.Float64
    values = {(r["year"], r["region_code"], r["indicator"]): r["value"] for r in result.to_dicts()}
    assert values[(2020, "370100", "rd_share")] == pytest.approx(2.5)
    assert values[(2020, "370100", "energy")] == pytest.approx(0.5)
    assert values[(2020, "370100", "per_head")] == pytest.approx(1_000_000 / 900)
    assert values[(2020, "370200", "per_head")] == 0.0


def test_one_row_per_year_region_indicator_in_framework_order(toy: MonitoringFramework) -> None:
    result = compute_indicators(STATS, toy)
    assert result.height == 3 * 3  # (2020, 370100), (2020, 370200), (2021, 370100)
    assert result["level"].unique().to_list() == ["city"]
    assert result.select("year", "region_code").unique(maintain_order=True).rows() == [
        (2020, "370100"),
        (2020, "370200"),
        (2021, "370100"),
    ]
    assert result["indicator"].to_list()[:3] == ["rd_share", "energy", "per_head"]


def test_missing_inputs_and_division_by_zero_give_null_not_dropped_rows(
    toy: MonitoringFramework,
) -> None:
    result = compute_indicators(STATS, toy)
    by_key = {(r["year"], r["region_code"], r["indicator"]): r["value"] for r in result.to_dicts()}
    assert by_key[(2020, "370200", "rd_share")] is None  # gdp = 0
    assert by_key[(2020, "370200", "energy")] is None  # energy_consumption absent
    assert by_key[(2021, "370100", "rd_share")] is None  # rd_expenditure null
    assert by_key[(2021, "370100", "per_head")] is None  # population absent that year
    assert result["value"].is_nan().sum() == 0  # null, never NaN


def test_variable_absent_from_all_statistics(toy: MonitoringFramework) -> None:
    only_gdp = _stats([(2020, "city", "370300", "gdp", 3.0)])
    result = compute_indicators(only_gdp, toy)
    assert result.height == 3
    assert result["value"].null_count() == 3


def test_no_rows_at_the_level_gives_an_empty_typed_frame(toy: MonitoringFramework) -> None:
    result = compute_indicators(STATS.filter(pl.col("level") == "county"), toy)
    assert result.height == 0
    assert result.schema["year"] == pl.Int64 and result.schema["value"] == pl.Float64


def test_duplicate_statistics_are_refused(toy: MonitoringFramework) -> None:
    doubled = pl.concat([STATS, STATS.head(1)])
    with pytest.raises(DataError, match=r"gdp of 370100 in 2020 appears more than once"):
        compute_indicators(doubled, toy)


def test_missing_column_is_refused(toy: MonitoringFramework) -> None:
    with pytest.raises(DataError, match=r"\['level'\] are missing"):
        compute_indicators(STATS.drop("level"), toy)


def test_non_numeric_value_is_refused(toy: MonitoringFramework) -> None:
    bad = STATS.with_columns(pl.col("value").cast(pl.String).fill_null("n/a"))
    with pytest.raises(DataError, match="not numeric"):
        compute_indicators(bad, toy)


def test_indicator_frame_for_the_scoring_engine(toy: MonitoringFramework) -> None:
    frame = indicator_frame(compute_indicators(STATS, toy), toy)
    assert list(frame.columns) == [
        "uCode",
        "Time",
        "parent_code",
        "rd_share",
        "energy",
        "per_head",
    ]
    assert frame["parent_code"].tolist() == ["370000"] * 3
    assert frame[["uCode", "Time"]].values.tolist() == [
        ["370100", 2020],
        ["370200", 2020],
        ["370100", 2021],
    ]
    assert frame.loc[0, "rd_share"] == pytest.approx(2.5)
    assert math.isnan(frame.loc[1, "rd_share"])
    assert frame["energy"].dtype == np.float64


def test_indicator_frame_refuses_foreign_indicators(toy: MonitoringFramework) -> None:
    values = compute_indicators(STATS, toy).with_columns(
        pl.when(pl.col("indicator") == "energy")
        .then(pl.lit("co2"))
        .otherwise(pl.col("indicator"))
        .alias("indicator")
    )
    with pytest.raises(DataError, match=r"\['co2'\] are not in the city framework"):
        indicator_frame(values, toy)


def test_parent_code_from_the_division_code() -> None:
    assert parent_code("370281", "county") == "370200"  # 胶州市 → 青岛市
    assert parent_code("370116", "county") == "370100"  # 莱芜区 → 济南市
    assert parent_code("370200", "city") == "370000"


def test_county_frame_groups_counties_by_city() -> None:
    county = MonitoringFramework(
        level="county",
        name_zh="县测试",
        name_en="Toy county",
        pillars=[Pillar("p1", "一", "One", 1.0)],
        indicators=[_indicator("size", "gdp"), _indicator("per_head", "gdp / population")],
    )
    stats = _stats(
        [(2020, "county", code, "gdp", 100.0) for code in ("370281", "370211", "370102")]
    )
    frame = indicator_frame(compute_indicators(stats, county), county)
    assert dict(zip(frame["uCode"], frame["parent_code"], strict=True)) == {
        "370102": "370100",
        "370211": "370200",
        "370281": "370200",
    }
    assert list(frame.columns) == ["uCode", "Time", "parent_code", "size", "per_head"]
    assert frame["size"].tolist() == [100.0] * 3 and frame["per_head"].isna().all()


def test_frame_of_no_values_keeps_the_columns(toy: MonitoringFramework) -> None:
    frame = indicator_frame(compute_indicators(STATS.head(0), toy), toy)
    assert frame.empty
    assert list(frame.columns) == ["uCode", "Time", "parent_code", "rd_share", "energy", "per_head"]
