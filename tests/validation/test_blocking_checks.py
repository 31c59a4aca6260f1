"""No blocking check that cannot fail: every kind of blocking check the shipped framework
generates, for statistics and indicator values of each level, fails on a small change of the
sample's 2020 data, which passes them all unchanged.

A new kind of blocking check (a new prefix before ``[``) fails
``test_every_blocking_kind_has_a_failing_case`` until a case for it is added below.
"""

from collections.abc import Callable

import polars as pl
import pytest

from innovation_monitor import paths
from innovation_monitor.divisions import DivisionRegistry
from innovation_monitor.framework import IndicatorSystem
from innovation_monitor.indicators import compute_indicators
from innovation_monitor.ingest import ingest_directory
from innovation_monitor.ingest.result import PROBLEM, QUARANTINE_SCHEMA
from innovation_monitor.validation import ValidationReport, assess_statistics, validate_indicators

YEAR = 2020
LEVELS = ("city", "county")
Change = Callable[[pl.DataFrame, str], pl.DataFrame]


def kind(name: str) -> str:
    """``range[gdp]`` → ``range``."""
    return name.split("[")[0]


@pytest.fixture(scope="module")
def sample(system: IndicatorSystem, registry: DivisionRegistry) -> pl.DataFrame:
    """The sample's 2020 statistics of both levels (clean: no problem cell that year)."""
    result = ingest_directory(paths.PROJECT_ROOT / "data" / "sample", system, registry, [YEAR])
    assert result.quarantine.filter(pl.col("kind") == PROBLEM).is_empty()
    return result.statistics


def first_unit(frame: pl.DataFrame, level: str) -> str:
    return str(frame.filter(pl.col("level") == level)["region_code"].min())


def at(frame: pl.DataFrame, level: str, code: str) -> pl.Expr:
    unit = first_unit(frame, level)
    return (
        (pl.col("level") == level)
        & (pl.col("region_code") == unit)
        & (pl.col(code_col(frame)) == code)
    )


def code_col(frame: pl.DataFrame) -> str:
    return "variable" if "variable" in frame.columns else "indicator"


def set_to(code: str, value: float | None) -> Change:
    def change(frame: pl.DataFrame, level: str) -> pl.DataFrame:
        cell = at(frame, level, code)
        assert frame.filter(cell).height == 1
        return frame.with_columns(value=pl.when(cell).then(value).otherwise(pl.col("value")))

    return change


def copy_first(**changes: object) -> Change:
    def change(frame: pl.DataFrame, level: str) -> pl.DataFrame:
        first = frame.filter(pl.col("level") == level).head(1)
        return pl.concat([frame, first.with_columns(**{k: pl.lit(v) for k, v in changes.items()})])

    return change


def drop_most(code: str) -> Change:
    def change(frame: pl.DataFrame, level: str) -> pl.DataFrame:
        of_code = (pl.col("level") == level) & (pl.col(code_col(frame)) == code)
        kept = frame.filter(of_code).head(1)
        return pl.concat([frame.filter(~of_code), kept])

    return change


def unchanged(frame: pl.DataFrame, level: str) -> pl.DataFrame:
    return frame


def part_above_whole(frame: pl.DataFrame, level: str) -> pl.DataFrame:
    whole = frame.filter(at(frame, level, "large_firms"))["value"].item()
    return set_to("large_firms_with_rd", whole + 1)(frame, level)


# Each kind of blocking check: the change of the clean data that makes it fail, and whether the
# quarantine gets a problem cell of the level.
STATISTICS_CASES: dict[str, tuple[Change, bool]] = {
    "not_null": (set_to("gdp", None), False),
    "unique_key": (copy_first(), False),
    "variable_known": (copy_first(variable="made_up"), False),
    "region_valid": (copy_first(region_code="379999"), False),
    "finite": (set_to("urban_income", float("inf")), False),
    "range": (set_to("gdp", 9.0e12), False),
    "count_whole": (set_to("large_firms", 12.5), False),
    "count_nonnegative": (set_to("large_firms", -3.0), False),
    "at_most": (part_above_whole, False),
    "quarantine_problems": (unchanged, True),
}
INDICATOR_CASES: dict[str, Change] = {
    "not_null": copy_first(region_code=None),
    "unique_key": copy_first(),
    "indicator_known": copy_first(indicator="made_up"),
    "region_valid": copy_first(region_code="379999"),
    "finite": set_to("rd_intensity", float("inf")),
    "missing_share": drop_most("rd_intensity"),
}


def problem_cell(level: str, problem: bool) -> pl.DataFrame:
    rows = [
        {
            "year": YEAR,
            "level": level,
            "source_file": f"{level}/{YEAR}.csv",
            "source_row": 4,
            "source_column": "常住人口(万人)",
            "raw_value": "约85",
            "reason": "not a number ('约85')",
            "kind": PROBLEM,
        }
    ]
    return pl.DataFrame(rows if problem else [], schema=QUARANTINE_SCHEMA)


def assess(
    statistics: pl.DataFrame, level: str, system: IndicatorSystem, registry: DivisionRegistry
) -> ValidationReport:
    return assess_statistics(
        statistics, problem_cell(level, False), system, registry, level=level, years=[YEAR]
    )


def indicators(
    values: pl.DataFrame, level: str, system: IndicatorSystem, registry: DivisionRegistry
) -> ValidationReport:
    framework = system.frameworks[level]
    return validate_indicators(values, framework, years=[YEAR], registry=registry)


@pytest.mark.parametrize("level", LEVELS)
def test_every_blocking_kind_has_a_failing_case(
    level: str, sample: pl.DataFrame, system: IndicatorSystem, registry: DivisionRegistry
) -> None:
    report = assess(sample, level, system, registry)
    assert report.success and not report.blocking.failures, report.summary()
    assert {kind(c.name) for c in report.blocking.checks} == set(STATISTICS_CASES)
    values = compute_indicators(sample, system.frameworks[level])
    checked = indicators(values, level, system, registry)
    assert checked.success, checked.summary()
    assert {kind(c.name) for c in checked.blocking.checks} == set(INDICATOR_CASES)


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("case", STATISTICS_CASES)
def test_each_blocking_statistics_check_fails_on_its_case(
    case: str,
    level: str,
    sample: pl.DataFrame,
    system: IndicatorSystem,
    registry: DivisionRegistry,
) -> None:
    change, problem = STATISTICS_CASES[case]
    report = assess_statistics(
        change(sample, level),
        problem_cell(level, problem),
        system,
        registry,
        level=level,
        years=[YEAR],
    )
    assert not report.success
    assert case in {kind(c.name) for c in report.blocking.failures}, report.summary()
    assert all(c.examples or c.error for c in report.blocking.failures)


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("case", INDICATOR_CASES)
def test_each_blocking_indicator_check_fails_on_its_case(
    case: str,
    level: str,
    sample: pl.DataFrame,
    system: IndicatorSystem,
    registry: DivisionRegistry,
) -> None:
    values = compute_indicators(sample, system.frameworks[level])
    report = indicators(INDICATOR_CASES[case](values, level), level, system, registry)
    assert not report.success
    assert case in {kind(c.name) for c in report.blocking.failures}, report.summary()
