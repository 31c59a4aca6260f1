"""The checks on the statistics rows as given: keys, known variables, region codes valid in the
year, finite values, ranges, shares, counts and completeness, each outcome for one data year.

The toy system, registry and statistics are in ``toys.py``; the checks on derived frames
(quarantine, changes, county sums, parts) are in ``test_consistency.py``.
"""

import math
from collections.abc import Callable

import polars as pl
import pytest

from innovation_monitor.divisions import DivisionRegistry
from innovation_monitor.errors import DataError, FrameworkError
from innovation_monitor.framework import IndicatorSystem, Variable
from innovation_monitor.validation import (
    BLOCKING,
    COMPLETENESS,
    INTEGRITY,
    PLAUSIBILITY,
    WARNING,
    ValidationReport,
    assess_statistics,
    suite,
)
from innovation_monitor.validation.rules import ROWS, make_check
from innovation_monitor.validation.run import run_checks
from tests.validation.toys import (
    CITY_VARIABLES,
    SYSTEM,
    YEARS,
    ToySystem,
    assess,
    caught,
    clean_statistics,
    failed,
    no_quarantine,
    set_value,
    variable,
)


def with_row(source_row: int, **changes: object) -> Callable[[pl.DataFrame], pl.DataFrame]:
    """A change that adds a copy of the first city row, from ``source_row``, changed."""

    def change(frame: pl.DataFrame) -> pl.DataFrame:
        extra = frame.head(1).with_columns(
            source_row=pl.lit(source_row, pl.Int64),
            **{k: pl.lit(v, frame.schema[k]) for k, v in changes.items()},
        )
        return pl.concat([frame, extra])

    return change


def without(region: str, year: int, code: str) -> Callable[[pl.DataFrame], pl.DataFrame]:
    def change(frame: pl.DataFrame) -> pl.DataFrame:
        cell = (
            (pl.col("region_code") == region)
            & (pl.col("year") == year)
            & (pl.col("variable") == code)
        )
        return frame.filter(~cell)

    return change


def test_clean_statistics_pass_and_checks_come_from_the_framework() -> None:
    report = assess(clean_statistics())
    assert report.success and not report.failures, report.summary()
    assert report.rows == 3 * 4 + 2 * 4  # 2018: three cities, 2019: two (Laiwu ends in 2018)
    names = report.names()
    assert {"range[gdp]", "range[large_firms]"} <= set(names)
    assert "range[urban_income]" not in names  # no plausible range given
    assert {"count_whole[large_firms]", "count_nonnegative[large_firms]"} <= set(names)
    assert not any(name.endswith("[gdp]") and name.startswith("count") for name in names)
    assert {f"complete[{code}]" for code in CITY_VARIABLES} <= set(names)
    assert not any("broadband_users" in name for name in names)  # county-only variable
    assert {check.category for check in report.checks} >= {INTEGRITY, PLAUSIBILITY, COMPLETENESS}
    assert all(check.description_zh and check.description_en for check in report.checks)


def test_every_outcome_carries_its_year_and_each_check_runs_once_per_year() -> None:
    report = assess(clean_statistics())
    assert {check.year for check in report.checks} == set(YEARS)
    for year in YEARS:
        assert report.check("region_valid", year).year == year
    keys = [check.key for check in report.checks]
    assert len(keys) == len(set(keys)) == 2 * len(report.names())
    with pytest.raises(KeyError, match="several years"):
        report.check("range[gdp]")


def test_severity_blocking_except_completeness_and_warnings_do_not_fail() -> None:
    report = assess(without("370200", 2019, "gdp")(clean_statistics()))
    assert failed(report) == {"complete[gdp]@2019"}
    assert report.check("complete[gdp]", 2019).severity == WARNING
    assert report.success  # a gap is imputed later: a warning, not a stop
    assert report.check("range[gdp]", 2019).severity == BLOCKING
    assert {c.severity for c in report.blocking.checks} == {BLOCKING}
    assert [c.key for c in report.warnings.failures] == ["complete[gdp]@2019"]
    assert not report.blocking.failures


# Each defect: how to make it, the checks (name@year) it must fail, and the row they must name.
DEFECTS = {
    "out of range": (
        set_value("370200", 2019, "gdp", 9e12),
        {"range[gdp]@2019", "year_on_year[gdp]@2019"},
        {"region_code": "370200", "year": 2019, "variable": "gdp", "value": 9e12},
    ),
    "negative count": (
        set_value("370100", 2018, "large_firms", -3.0),
        {"count_nonnegative[large_firms]@2018", "range[large_firms]@2018"},
        {"region_code": "370100", "year": 2018, "variable": "large_firms", "value": -3.0},
    ),
    "fractional count": (
        set_value("371200", 2018, "large_firms", 212.5),
        {"count_whole[large_firms]@2018"},
        {"region_code": "371200", "year": 2018, "source_file": "city/2018.csv", "value": 212.5},
    ),
    "infinite value": (
        set_value("370100", 2019, "urban_income", math.inf),
        {"finite@2019", "year_on_year[urban_income]@2019"},
        {"region_code": "370100", "year": 2019, "variable": "urban_income"},
    ),
    "null value": (
        set_value("370200", 2018, "urban_income", None),
        {"not_null[value]@2018"},
        {"region_code": "370200", "year": 2018, "variable": "urban_income", "value": None},
    ),
    "unknown region code": (
        with_row(901, region_code="379999", year=2019),
        {"region_valid@2019"},
        {"region_code": "379999", "year": 2019, "source_row": 901},
    ),
    "unit valid only in another year": (
        with_row(902, region_code="371200", year=2019, variable="urban_income"),
        {"region_valid@2019"},
        {"region_code": "371200", "year": 2019, "source_row": 902},
    ),
    "duplicate key": (
        with_row(903),
        {"unique_key@2018"},
        {"region_code": "370100", "year": 2018, "variable": "gdp", "source_row": 903},
    ),
    "unknown variable": (
        with_row(905, variable="broadband_users"),
        {"variable_known@2018"},
        {"variable": "broadband_users", "source_row": 905},
    ),
    "missing (region, variable)": (
        without("370200", 2019, "large_firms"),
        {"complete[large_firms]@2019"},
        {"region_code": "370200", "year": 2019, "variable": "large_firms"},
    ),
}
# Checks a defect fails through another row: -3 firms are fewer than the firms with R&D of
# that year, and the next year's 220 firms are no plausible change on -3.
CONSEQUENCES = {"at_most[firms_rd<=large_firms]@2018", "year_on_year[large_firms]@2019"}


@pytest.fixture(scope="module")
def defective() -> ValidationReport:
    """One validation of the clean frame with every defect applied (GX runs are not cheap)."""
    frame = clean_statistics()
    for make, _, _ in DEFECTS.values():
        frame = make(frame)
    return assess(frame)


def test_defects_fail_their_checks_and_no_other(defective: ValidationReport) -> None:
    assert not defective.success
    expected = set().union(*(names for _, names, _ in DEFECTS.values()))
    assert failed(defective) == expected | CONSEQUENCES, defective.summary()


@pytest.mark.parametrize("defect", DEFECTS)
def test_each_defect_fails_the_check_that_names_it(
    defect: str, defective: ValidationReport
) -> None:
    _, keys, offending_row = DEFECTS[defect]
    for key in keys:
        name, year = key.split("@")
        check = defective.check(name, int(year))
        assert not check.success and check.unexpected_count >= 1
        assert caught(check, **offending_row), (key, check.examples)


def test_invalid_region_examples_say_why_the_code_is_invalid(defective: ValidationReport) -> None:
    check = defective.check("region_valid", 2019)
    notes = {e["region_code"]: e["note"] for e in check.examples}
    assert "2018" in notes["371200"] and "Laiwu" in notes["371200"]
    assert "unknown code" in notes["379999"]


def test_completeness_is_judged_per_year() -> None:
    frame = without("370100", 2018, "gdp")(without("370100", 2019, "gdp")(clean_statistics()))
    report = assess(frame)
    for year in YEARS:
        check = report.check("complete[gdp]", year)
        assert (check.success, check.unexpected_count) == (False, 1)
        assert caught(check, year=year, region_code="370100")


def test_share_variables_stay_within_0_and_100() -> None:
    share = variable("urbanisation", "%", ("city",))
    system = ToySystem({**SYSTEM.variables, "urbanisation": share})
    frame = clean_statistics().filter(pl.col("level") == "city")
    extra = frame.filter(pl.col("variable") == "gdp").with_columns(
        variable=pl.lit("urbanisation"), value=pl.lit(64.0)
    )
    frame = pl.concat([frame, extra])
    report = assess(frame, system=system)
    assert report.success and "share[urbanisation]" in report.names(), report.summary()
    bad = set_value("370200", 2019, "urbanisation", 100.5)(frame)
    report = assess(bad, system=system)
    assert failed(report) == {"share[urbanisation]@2019"}
    assert caught(report.check("share[urbanisation]", 2019), region_code="370200", value=100.5)
    assert not report.success


def test_rows_of_the_other_level_and_other_years_are_left_out() -> None:
    frame = clean_statistics([2017, 2018, 2019])
    county = frame.filter(pl.col("level") == "county").with_columns(value=pl.lit(-1.0))
    report = assess(pl.concat([frame.filter(pl.col("level") == "city"), county]))
    assert report.success, report.summary()
    assert report.rows == 20  # 2017 is context (the previous year), not checked


def test_pandas_input_gives_the_same_report() -> None:
    frame = set_value("370200", 2019, "gdp", 9e12)(clean_statistics())
    from_polars, from_pandas = assess(frame), assess(frame.to_pandas())
    assert (
        failed(from_pandas) == failed(from_polars) == {"range[gdp]@2019", "year_on_year[gdp]@2019"}
    )
    assert from_pandas.check("range[gdp]", 2019).examples == (
        from_polars.check("range[gdp]", 2019).examples
    )


def test_examples_are_limited_and_plain_python() -> None:
    frame = clean_statistics().with_columns(value=pl.lit(-1.0))
    check = assess(frame, max_examples=2).check("range[gdp]", 2018)
    assert check.unexpected_count == 3
    assert len(check.examples) == 2
    example = check.examples[0]
    assert type(example["year"]) is int and type(example["value"]) is float
    assert type(example["source_row"]) is int and example["source_file"] == "city/2018.csv"


def test_metadata_is_flat_and_summary_names_failures(defective: ValidationReport) -> None:
    metadata = defective.to_metadata()
    assert all(isinstance(value, str | int | float) for value in metadata.values())
    assert metadata["checks_failed"] == len(defective.failures) > 1
    assert "range[gdp]@2019" in str(metadata["failed_checks"]).split(", ")
    assert metadata["range[gdp]@2019.unexpected_count"] == 1
    assert metadata["range[gdp]@2019.severity"] == BLOCKING
    assert "370200" in str(metadata["range[gdp]@2019.examples"])
    assert "city/2019.csv" in str(metadata["range[gdp]@2019.examples"])
    assert "complete[gdp]@2019.unexpected_count" not in metadata  # passing checks stay out
    summary = defective.summary()
    assert "range[gdp]@2019" in summary and "变量gdp" in summary and "Variable gdp" in summary
    assert f"{len(defective.failures)} of {len(defective.checks)}" in summary
    assert "complete[gdp]" not in summary


def test_only_keeps_the_requested_categories(defective: ValidationReport) -> None:
    completeness = defective.only(COMPLETENESS)
    assert {c.category for c in completeness.checks} == {COMPLETENESS}
    assert {c.key for c in completeness.failures} == {"complete[large_firms]@2019"}


def test_unusable_input_raises_errors_naming_the_problem() -> None:
    frame = clean_statistics()
    with pytest.raises(DataError, match=r"missing column.*region_code"):
        assess(frame.drop("region_code"))
    with pytest.raises(DataError, match="value must be numeric"):
        assess(frame.with_columns(value=pl.lit("25000")))
    with pytest.raises(DataError, match="without a year"):
        assess(frame.with_columns(year=pl.lit(None, pl.Int64)))
    with pytest.raises(DataError, match="no years"):
        assess(frame, years=[])
    with pytest.raises(FrameworkError, match="'province'"):
        assess(frame, level="province")


def test_an_expectation_gx_cannot_evaluate_fails_with_its_error() -> None:
    check = make_check(
        "ExpectColumnValuesToBeBetween",
        "range[absent]",
        PLAUSIBILITY,
        ("缺列", "absent column"),
        year=2018,
        column="absent",
        min_value=0,
    )
    report = run_checks("测试", "test", {(ROWS, 2018): clean_statistics()}, [check], 5)
    outcome = report.check("range[absent]")
    assert not outcome.success and not report.success
    assert 'column "absent"' in str(outcome.error)
    assert "error:" in report.summary() and "range[absent]@2018.error" in report.to_metadata()
    assert '"error"' in report.to_frame("city")["examples"][0]


def test_gx_evaluates_exactly_the_checks_with_offending_rows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The polars screen passes the checks no row fails; only the others go to GX."""
    sent: list[str] = []
    evaluate = suite.evaluate

    def recording(frames: dict, checks: dict, max_examples: int) -> dict:
        sent.extend(f"{check.name}@{check.year}" for batch in checks.values() for check in batch)
        return evaluate(frames, checks, max_examples)

    monkeypatch.setattr(suite, "evaluate", recording)
    assert assess(clean_statistics()).success and sent == []
    frame = clean_statistics()
    for make, _, _ in DEFECTS.values():
        frame = make(frame)
    report = assess(frame)
    assert set(sent) == failed(report)


# --- a built framework and the real registry -------------------------------------------------


@pytest.mark.parametrize("level", ["city", "county"])
def test_a_built_framework_gives_range_checks_at_the_level_of_the_suite(
    level: str, toy_system: IndicatorSystem, registry: DivisionRegistry
) -> None:
    year = 2023
    variables = [v for v in toy_system.variables.values() if level in v.levels]
    ranged = [v for v in variables if v.range_for(level) is not None]
    units = [unit.code for unit in registry.valid_in(year, level)]
    assert ranged and len(ranged) < len(variables) and len(units) > 1
    # Plausible values everywhere except the first unit, whose ranged values are twice too big.
    frame = pl.DataFrame(
        [
            {"year": year, "region_code": unit, "variable": v.code, "value": value(v, level)}
            for unit in units
            for v in variables
            for value in [implausible if unit == units[0] else plausible]
        ]
    )
    report = assess_statistics(
        frame, no_quarantine(), toy_system, registry, level=level, years=[year]
    )
    names = set(report.names())
    assert {n for n in names if n.startswith("range[")} == {f"range[{v.code}]" for v in ranged}
    assert {f"count_whole[{v.code}]" for v in variables if v.integer} <= names
    assert {f"complete[{v.code}]" for v in variables} <= names
    assert failed(report) == {f"range[{v.code}]@{year}" for v in ranged}, report.summary()
    for v in ranged:
        assert caught(report.check(f"range[{v.code}]"), region_code=units[0], variable=v.code)


def plausible(variable: Variable, level: str) -> float:
    """A whole number inside the variable's range at ``level``, or 5 without a range."""
    bounds = variable.range_for(level)
    return 5.0 if bounds is None else float(math.ceil((bounds[0] + bounds[1]) / 2))


def implausible(variable: Variable, level: str) -> float:
    """Twice the top of the variable's range at ``level`` (for the toy's county ``x`` still
    inside its city range, so only the county's own range catches it), or 5 without a range."""
    bounds = variable.range_for(level)
    return 5.0 if bounds is None else float(math.ceil(bounds[1] * 2))
