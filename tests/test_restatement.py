"""Restating the sample's older years on current boundaries (Laiwu into Jinan, Penglai)."""

import polars as pl
import pytest

from innovation_monitor.divisions import (
    DivisionRegistry,
    province_indicators,
    province_statistics,
    restate_statistics,
    restated_indicators,
)
from innovation_monitor.divisions.registry import PROVINCE_CODE
from innovation_monitor.framework import IndicatorSystem
from innovation_monitor.ingest import ingest_directory
from innovation_monitor.paths import SAMPLE_DIR

JINAN, LAIWU = "370100", "371200"


@pytest.fixture(scope="module")
def sample_2016(system: IndicatorSystem, registry: DivisionRegistry) -> pl.DataFrame:
    return ingest_directory(SAMPLE_DIR, system, registry, [2016]).statistics


def _value(frame: pl.DataFrame, code: str, variable: str) -> float:
    row = frame.filter((pl.col("region_code") == code) & (pl.col("variable") == variable))
    assert row.height == 1
    return row["value"][0]


def test_laiwu_is_added_into_jinan(
    sample_2016: pl.DataFrame, system: IndicatorSystem, registry: DivisionRegistry
) -> None:
    restated = restate_statistics(sample_2016, system, registry, to_year=2023, level="city")
    assert set(restated["region_code"].unique()) == {
        d.code for d in registry.valid_in(2023, "city")
    }
    for variable in ("gdp", "rd_expenditure", "population"):
        expected = _value(sample_2016, JINAN, variable) + _value(sample_2016, LAIWU, variable)
        assert _value(restated, JINAN, variable) == pytest.approx(expected)
    income = (
        _value(sample_2016, JINAN, "urban_income") * _value(sample_2016, JINAN, "population")
        + _value(sample_2016, LAIWU, "urban_income") * _value(sample_2016, LAIWU, "population")
    ) / _value(restated, JINAN, "population")
    assert _value(restated, JINAN, "urban_income") == pytest.approx(income)


def test_ratios_are_recomputed_not_averaged(
    toy_system: IndicatorSystem, registry: DivisionRegistry
) -> None:
    """On a toy framework: indicator ``a`` (x / y * 100) of Jinan on 2023 boundaries is the ratio
    of Jinan's and Laiwu's summed x and y, not a mean of their ratios."""
    assert toy_system.frameworks["city"].indicator("a").formula == "x / y * 100"
    statistics = pl.DataFrame(
        [
            (2016, "city", JINAN, "x", 300.0),  # a = 3000
            (2016, "city", JINAN, "y", 10.0),
            (2016, "city", LAIWU, "x", 100.0),  # a = 250
            (2016, "city", LAIWU, "y", 40.0),
        ],
        schema=["year", "level", "region_code", "variable", "value"],
        orient="row",
    )
    restated = restate_statistics(statistics, toy_system, registry, to_year=2023, level="city")
    assert (_value(restated, JINAN, "x"), _value(restated, JINAN, "y")) == (400.0, 50.0)
    indicators = restated_indicators(statistics, toy_system, registry, to_year=2023, level="city")
    jinan = indicators.filter(pl.col("region_code") == JINAN)
    values = dict(zip(jinan["indicator"], jinan["value"], strict=True))
    assert values["a"] == pytest.approx(400 / 50 * 100)  # 800; the mean of 3000 and 250 is 1625


def test_penglai_counties_merge(
    sample_2016: pl.DataFrame, system: IndicatorSystem, registry: DivisionRegistry
) -> None:
    restated = restate_statistics(sample_2016, system, registry, to_year=2023, level="county")
    expected = _value(sample_2016, "370684", "gdp") + _value(sample_2016, "370634", "gdp")
    assert _value(restated, "370614", "gdp") == pytest.approx(expected)


def test_the_province_ratio_is_the_ratio_of_the_cities_sums(
    toy_system: IndicatorSystem, registry: DivisionRegistry
) -> None:
    """The province's ``a`` (x / y * 100) is Σx / Σy * 100 over its 16 cities of 2023, not the
    mean of their ratios; one city without x leaves the province's x unknown and its ``a`` the
    ratio of the other 15 cities' sums."""
    cities = [d.code for d in registry.valid_in(2023, "city")]
    rows = [
        row
        for i, code in enumerate(cities, start=1)
        for row in ((2023, "city", code, "x", 10.0 * i), (2023, "city", code, "y", 100.0 / i))
    ]
    statistics = pl.DataFrame(
        rows, schema=["year", "level", "region_code", "variable", "value"], orient="row"
    )
    summed = province_statistics(statistics, toy_system, registry)
    x, y = 10.0 * sum(range(1, 17)), sum(100.0 / i for i in range(1, 17))
    assert (_value(summed, PROVINCE_CODE, "x"), _value(summed, PROVINCE_CODE, "y")) == (
        pytest.approx(x),
        pytest.approx(y),
    )
    province = province_indicators(statistics, toy_system)
    a = province.filter(pl.col("indicator") == "a")
    assert a["region_code"].to_list() == [PROVINCE_CODE]
    assert a["value"][0] == pytest.approx(x / y * 100, rel=1e-12)
    mean_of_ratios = sum(10.0 * i / (100.0 / i) * 100 for i in range(1, 17)) / 16
    assert abs(a["value"][0] - mean_of_ratios) > 100
    assert a["cities"].to_list() == [16]
    gap = statistics.filter(~((pl.col("region_code") == JINAN) & (pl.col("variable") == "x")))
    assert _value(province_statistics(gap, toy_system, registry), PROVINCE_CODE, "x") is None
    jinan = cities.index(JINAN) + 1
    without = province_indicators(gap, toy_system).filter(pl.col("indicator") == "a")
    assert without["cities"].to_list() == [15]
    expected = (x - 10.0 * jinan) / (y - 100.0 / jinan) * 100
    assert without["value"][0] == pytest.approx(expected, rel=1e-12)
