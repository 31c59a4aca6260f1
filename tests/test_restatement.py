"""Restating the sample's older years on current boundaries (Laiwu into Jinan, Penglai)."""

import polars as pl
import pytest

from innovation_monitor.divisions import DivisionRegistry, restate_statistics, restated_indicators
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
    sample_2016: pl.DataFrame, system: IndicatorSystem, registry: DivisionRegistry
) -> None:
    indicators = restated_indicators(sample_2016, system, registry, to_year=2023, level="city")
    rd = _value(sample_2016, JINAN, "rd_expenditure") + _value(sample_2016, LAIWU, "rd_expenditure")
    gdp = _value(sample_2016, JINAN, "gdp") + _value(sample_2016, LAIWU, "gdp")
    intensity = system.frameworks["city"].indicator("rd_intensity")
    assert intensity.formula.replace(" ", "") == "rd_expenditure/gdp*100"
    row = indicators.filter(
        (pl.col("region_code") == JINAN) & (pl.col("indicator") == "rd_intensity")
    )
    assert row["value"][0] == pytest.approx(rd / gdp * 100)


def test_penglai_counties_merge(
    sample_2016: pl.DataFrame, system: IndicatorSystem, registry: DivisionRegistry
) -> None:
    restated = restate_statistics(sample_2016, system, registry, to_year=2023, level="county")
    expected = _value(sample_2016, "370684", "gdp") + _value(sample_2016, "370634", "gdp")
    assert _value(restated, "370614", "gdp") == pytest.approx(expected)
