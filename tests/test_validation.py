"""Great Expectations validation of statistics and indicator values.

Toy variables and a toy registry (stand-ins with the shared interfaces' attributes) keep these
tests independent of ``indicators.yaml``; the last tests build the suites of a framework built
from a document (``toy_system``, ``tests/toy_framework.py``) for every unit of the real registry.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import polars as pl
import pytest

from innovation_monitor.divisions import DivisionRegistry
from innovation_monitor.errors import DataError, FrameworkError
from innovation_monitor.framework import IndicatorSystem, Variable
from innovation_monitor.validation import (
    COMPLETENESS,
    INTEGRITY,
    PLAUSIBILITY,
    CheckOutcome,
    ValidationReport,
    suite,
    validate_indicators,
    validate_statistics,
)
from innovation_monitor.validation.rules import ROWS, make_check
from innovation_monitor.validation.run import run_checks

YEARS = [2018, 2019]


@dataclass(frozen=True)
class ToyVariable:
    code: str
    name_zh: str
    name_en: str
    unit: str
    levels: tuple[str, ...]
    range: tuple[float, float] | None
    integer: bool
    kind: str = "extensive"

    def range_for(self, level: str) -> tuple[float, float] | None:
        return self.range


@dataclass(frozen=True)
class ToySystem:
    variables: dict[str, ToyVariable]


@dataclass(frozen=True)
class ToyDivision:
    code: str
    name_zh: str
    name_en: str
    first_year: int
    last_year: int | None


class ToyRegistry:
    """Three cities; 莱芜市 (371200) is a unit up to data year 2018 only."""

    divisions = (
        ToyDivision("370100", "济南市", "Jinan", 1990, None),
        ToyDivision("370200", "青岛市", "Qingdao", 1990, None),
        ToyDivision("371200", "莱芜市", "Laiwu", 1992, 2018),
    )

    def valid_in(self, year: int, level: str | None = None) -> list[ToyDivision]:
        return [
            d
            for d in self.divisions
            if d.first_year <= year and (d.last_year is None or year <= d.last_year)
        ]

    def get(self, code: str) -> ToyDivision:
        for division in self.divisions:
            if division.code == code:
                return division
        raise DataError(f"unknown division code {code}")


SYSTEM = ToySystem(
    {
        v.code: v
        for v in (
            ToyVariable(
                "gdp", "地区生产总值", "GRP", "万元", ("city", "county"), (1e4, 5e8), False
            ),
            ToyVariable(
                "large_firms", "规上企业数", "Large firms", "个", ("city", "county"), (0, 1e5), True
            ),
            ToyVariable(
                "urban_income",
                "城镇居民人均可支配收入",
                "Urban income",
                "元",
                ("city",),
                None,
                False,
            ),
            ToyVariable(
                "broadband_users",
                "宽带用户",
                "Broadband users",
                "万户",
                ("county",),
                (0, 500),
                False,
            ),
        )
    }
)
CITY_VARIABLES = ["gdp", "large_firms", "urban_income"]


def clean_statistics() -> pd.DataFrame:
    """Every city valid in 2018 and 2019 with every city variable, each from its own source row."""
    registry = ToyRegistry()
    rows = []
    for year in YEARS:
        for division in registry.valid_in(year, "city"):
            for variable in CITY_VARIABLES:
                rows.append(
                    {
                        "year": year,
                        "level": "city",
                        "region_code": division.code,
                        "variable": variable,
                        "value": 25000.0,
                        "unit": SYSTEM.variables[variable].unit,
                        "source_file": f"city/{year}.csv",
                        "source_sheet": None,
                        "source_row": 100 + len(rows),
                        "source_column": variable,
                        "raw_value": "25000",
                    }
                )
    return pd.DataFrame(rows)


def validate(frame: pd.DataFrame | pl.DataFrame, **kwargs: object) -> ValidationReport:
    return validate_statistics(frame, SYSTEM, ToyRegistry(), level="city", years=YEARS, **kwargs)


def failed(report: ValidationReport) -> set[str]:
    return {check.name for check in report.failures}


def caught(check: CheckOutcome, **row: object) -> bool:
    """Whether one of the check's examples is the given row."""
    return any(all(example.get(k) == v for k, v in row.items()) for example in check.examples)


def at(frame: pd.DataFrame, region: str, year: int, variable: str) -> int:
    matches = frame.index[
        (frame["region_code"] == region) & (frame["year"] == year) & (frame["variable"] == variable)
    ]
    assert len(matches) == 1
    return int(matches[0])


def with_row(frame: pd.DataFrame, source_row: int, **changes: object) -> pd.DataFrame:
    """The frame plus a copy of its first row, from ``source_row``, with some fields changed."""
    extra = frame.iloc[[0]].assign(source_row=source_row, **changes)
    return pd.concat([frame, extra], ignore_index=True)


def set_value(region: str, year: int, variable: str, value: float) -> Callable:
    def change(frame: pd.DataFrame) -> pd.DataFrame:
        frame.loc[at(frame, region, year, variable), "value"] = value
        return frame

    return change


def test_clean_statistics_pass_and_checks_come_from_the_framework() -> None:
    report = validate(clean_statistics())
    assert report.success, report.summary()
    assert report.rows == 3 * 3 + 2 * 3
    names = report.names()
    assert {"range[gdp]", "range[large_firms]"} <= set(names)
    assert "range[urban_income]" not in names  # no plausible range given
    assert {"count_whole[large_firms]", "count_nonnegative[large_firms]"} <= set(names)
    assert not any(name.endswith("[gdp]") and name.startswith("count") for name in names)
    assert {"region_valid[2018]", "region_valid[2019]"} <= set(names)
    assert {f"complete[{code}]" for code in CITY_VARIABLES} <= set(names)
    assert not any("broadband_users" in name for name in names)  # county-only variable
    assert {check.category for check in report.checks} == {INTEGRITY, PLAUSIBILITY, COMPLETENESS}
    assert all(check.description_zh and check.description_en for check in report.checks)


# Each defect: how to make it, the checks it must fail, and the row they must name.
DEFECTS = {
    "out of range": (
        set_value("370200", 2019, "gdp", 9e12),
        {"range[gdp]"},
        {"region_code": "370200", "year": 2019, "variable": "gdp", "value": 9e12},
    ),
    "negative count": (
        set_value("370100", 2018, "large_firms", -3.0),
        {"count_nonnegative[large_firms]", "range[large_firms]"},
        {"region_code": "370100", "year": 2018, "variable": "large_firms", "value": -3.0},
    ),
    "fractional count": (
        set_value("371200", 2018, "large_firms", 12.5),
        {"count_whole[large_firms]"},
        {"region_code": "371200", "year": 2018, "source_file": "city/2018.csv", "value": 12.5},
    ),
    "infinite value": (
        set_value("370100", 2019, "urban_income", math.inf),
        {"finite"},
        {"region_code": "370100", "year": 2019, "variable": "urban_income"},
    ),
    "null value": (
        set_value("370200", 2018, "gdp", math.nan),
        {"not_null[value]"},
        {"region_code": "370200", "year": 2018, "variable": "gdp", "value": None},
    ),
    "unknown region code": (
        lambda f: with_row(f, 901, region_code="379999", year=2019),
        {"region_valid[2019]"},
        {"region_code": "379999", "year": 2019, "source_row": 901},
    ),
    "unit valid only in another year": (
        lambda f: with_row(f, 902, region_code="371200", year=2019),
        {"region_valid[2019]"},
        {"region_code": "371200", "year": 2019, "source_row": 902},
    ),
    "duplicate key": (
        lambda f: with_row(f, 903),
        {"unique_key"},
        {"region_code": "370100", "year": 2018, "variable": "gdp", "source_row": 903},
    ),
    "year not requested": (
        lambda f: with_row(f, 904, year=2017),
        {"year_in_requested"},
        {"year": 2017, "source_row": 904},
    ),
    "unknown variable": (
        lambda f: with_row(f, 905, variable="broadband_users"),
        {"variable_known"},
        {"variable": "broadband_users", "source_row": 905},
    ),
    "missing (region, variable)": (
        lambda f: f.drop(index=at(f, "370200", 2019, "large_firms")),
        {"complete[large_firms]"},
        {"region_code": "370200", "year": 2019, "variable": "large_firms"},
    ),
}


@pytest.fixture(scope="module")
def defective() -> ValidationReport:
    """One validation of the clean frame with every defect applied (GX runs are not cheap)."""
    frame = clean_statistics()
    for make, _, _ in DEFECTS.values():
        frame = make(frame)
    return validate(frame)


def test_defects_fail_their_checks_and_no_other(defective: ValidationReport) -> None:
    assert not defective.success
    expected = set().union(*(names for _, names, _ in DEFECTS.values()))
    assert failed(defective) == expected, defective.summary()


@pytest.mark.parametrize("defect", DEFECTS)
def test_each_defect_fails_the_check_that_names_it(
    defect: str, defective: ValidationReport
) -> None:
    _, names, offending_row = DEFECTS[defect]
    for name in names:
        check = defective.check(name)
        assert not check.success and check.unexpected_count >= 1
        assert caught(check, **offending_row), (name, check.examples)


def test_invalid_region_examples_say_why_the_code_is_invalid(defective: ValidationReport) -> None:
    notes = {e["region_code"]: e["note"] for e in defective.check("region_valid[2019]").examples}
    assert "2018" in notes["371200"] and "Laiwu" in notes["371200"]
    assert "unknown code" in notes["379999"]


def test_completeness_reports_every_missing_unit_and_variable() -> None:
    frame = clean_statistics()
    frame = frame[~((frame["region_code"] == "370100") & (frame["variable"] == "gdp"))]
    check = validate(frame).check("complete[gdp]")
    assert (check.success, check.unexpected_count) == (False, 2)
    assert {(e["year"], e["region_code"]) for e in check.examples} == {
        (2018, "370100"),
        (2019, "370100"),
    }


def test_polars_input_and_rows_of_the_other_level_are_left_out() -> None:
    frame = clean_statistics()
    county = frame.assign(level="county", region_code="370102", value=-1.0)
    report = validate(pl.from_pandas(pd.concat([frame, county], ignore_index=True)))
    assert report.success, report.summary()
    assert report.rows == len(frame)


def test_examples_are_limited_and_plain_python() -> None:
    frame = clean_statistics().assign(value=-1.0)
    check = validate(frame, max_examples=2).check("range[gdp]")
    assert check.unexpected_count == 5
    assert len(check.examples) == 2
    example = check.examples[0]
    assert type(example["year"]) is int and type(example["value"]) is float
    assert example["source_file"].startswith("city/")


def test_metadata_is_flat_and_summary_names_failures(defective: ValidationReport) -> None:
    metadata = defective.to_metadata()
    assert all(isinstance(value, str | int | float) for value in metadata.values())
    assert metadata["checks_failed"] == len(defective.failures) > 1
    assert "range[gdp]" in str(metadata["failed_checks"]).split(", ")
    assert metadata["range[gdp].unexpected_count"] == 1
    assert "370200" in str(metadata["range[gdp].examples"])
    assert "city/2019.csv" in str(metadata["range[gdp].examples"])
    assert "complete[gdp].unexpected_count" not in metadata  # passing checks stay out
    summary = defective.summary()
    assert "range[gdp]" in summary and "地区生产总值" in summary and "GRP" in summary
    assert f"{len(defective.failures)} of {len(defective.checks)}" in summary
    assert "complete[gdp]" not in summary


def test_only_keeps_the_requested_categories(defective: ValidationReport) -> None:
    completeness = defective.only(COMPLETENESS)
    assert {c.category for c in completeness.checks} == {COMPLETENESS}
    assert {c.name for c in completeness.failures} == {"complete[large_firms]"}
    assert len(defective.only(INTEGRITY, PLAUSIBILITY).checks) == len(defective.checks) - len(
        completeness.checks
    )


def test_unusable_input_raises_errors_naming_the_problem() -> None:
    frame = clean_statistics()
    with pytest.raises(DataError, match=r"missing column.*region_code"):
        validate(frame.drop(columns="region_code"))
    with pytest.raises(DataError, match="value must be numeric"):
        validate(frame.assign(value="25000"))
    with pytest.raises(DataError, match="no years"):
        validate_statistics(frame, SYSTEM, ToyRegistry(), level="city", years=[])
    with pytest.raises(FrameworkError, match="'province'"):
        validate_statistics(frame, SYSTEM, ToyRegistry(), level="province", years=YEARS)


def test_an_expectation_gx_cannot_evaluate_fails_with_its_error() -> None:
    check = make_check(
        "ExpectColumnValuesToBeBetween",
        "range[absent]",
        PLAUSIBILITY,
        ("缺列", "absent column"),
        column="absent",
        min_value=0,
    )
    report = run_checks("测试", "test", {ROWS: clean_statistics()}, [check], 5)
    outcome = report.check("range[absent]")
    assert not outcome.success and not report.success
    assert 'column "absent"' in str(outcome.error)
    assert "error:" in report.summary() and "range[absent].error" in report.to_metadata()


def test_gx_evaluates_exactly_the_checks_with_offending_rows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The polars screen passes the checks no row fails; only the others go to GX."""
    sent: list[str] = []
    evaluate = suite.evaluate

    def recording(frames: dict, checks: dict, max_examples: int) -> dict:
        sent.extend(check.name for batch in checks.values() for check in batch)
        return evaluate(frames, checks, max_examples)

    monkeypatch.setattr(suite, "evaluate", recording)
    assert validate(clean_statistics()).success and sent == []
    frame = clean_statistics()
    for make, _, _ in DEFECTS.values():
        frame = make(frame)
    report = validate(frame)
    assert set(sent) == failed(report)


# --- indicator values ------------------------------------------------------------------------


@dataclass(frozen=True)
class ToyIndicator:
    code: str
    name_zh: str
    name_en: str


@dataclass(frozen=True)
class ToyFramework:
    indicators: list[ToyIndicator]
    level: str = "city"


FRAMEWORK = ToyFramework(
    [
        ToyIndicator("rd_intensity", "R&D经费投入强度", "R&D intensity"),
        ToyIndicator("patents_per_10k", "万人发明专利拥有量", "Patents per 10k"),
    ]
)


def clean_indicators() -> pd.DataFrame:
    registry = ToyRegistry()
    return pd.DataFrame(
        [
            {"year": y, "level": "city", "region_code": d.code, "indicator": i.code, "value": 1.5}
            for y in YEARS
            for d in registry.valid_in(y, "city")
            for i in FRAMEWORK.indicators
        ]
    )


def validate_ind(frame: pd.DataFrame, **kwargs: object) -> ValidationReport:
    return validate_indicators(frame, FRAMEWORK, **kwargs)


def test_clean_indicator_values_pass_at_the_framework_level() -> None:
    frame = clean_indicators()
    county = frame.assign(level="county", indicator="made_up", value=math.inf)
    both = pd.concat([frame, county], ignore_index=True)
    report = validate_ind(both, registry=ToyRegistry(), years=YEARS)
    assert report.success, report.summary()
    assert report.subject_en.startswith("city") and report.rows == len(frame)
    assert {"missing_share[rd_intensity]", "missing_share[patents_per_10k]"} <= set(report.names())
    assert "region_valid[2019]" in report.names()


def test_indicator_defects_are_caught() -> None:
    frame = clean_indicators()
    frame.loc[0, "value"] = math.inf
    frame = pd.concat(
        [frame, frame.iloc[[1]], frame.iloc[[2]].assign(indicator="made_up")], ignore_index=True
    )
    report = validate_ind(frame)
    assert failed(report) == {"finite", "unique_key", "indicator_known"}, report.summary()
    assert caught(report.check("finite"), region_code="370100", year=2018, indicator="rd_intensity")
    assert caught(report.check("indicator_known"), indicator="made_up")


def test_missing_share_is_judged_against_the_threshold() -> None:
    frame = clean_indicators()
    is_rd = frame["indicator"] == "rd_intensity"
    frame.loc[is_rd & (frame["region_code"] == "370100"), "value"] = math.nan  # 2 of 5 missing
    frame = frame.drop(index=frame.index[is_rd & (frame["region_code"] == "370200")][:1])  # 3 of 5
    strict = validate_ind(frame, registry=ToyRegistry(), years=YEARS, max_missing_share=0.5)
    check = strict.check("missing_share[rd_intensity]")
    assert (check.success, check.unexpected_count) == (False, 3)
    assert caught(check, region_code="370200", year=2018, indicator="rd_intensity", value=None)
    assert failed(strict) == {"missing_share[rd_intensity]"}  # null values are allowed
    lenient = validate_ind(frame, registry=ToyRegistry(), years=YEARS, max_missing_share=0.6)
    assert lenient.check("missing_share[rd_intensity]").success
    assert lenient.check("missing_share[rd_intensity]").unexpected_count == 3
    with pytest.raises(ValueError, match="max_missing_share"):
        validate_ind(frame, max_missing_share=1.5)


def test_without_registry_units_present_in_the_year_are_expected() -> None:
    frame = clean_indicators()
    frame = frame.drop(index=frame.index[frame["indicator"] == "patents_per_10k"][:1])
    frame = pd.concat([frame, frame.iloc[[0]].assign(region_code="379999")], ignore_index=True)
    report = validate_ind(frame, max_missing_share=0.0)
    assert "region_valid[2018]" not in report.names()
    check = report.check("missing_share[patents_per_10k]")
    assert check.unexpected_count == 2  # the dropped row and the new unit's absent value
    assert caught(check, region_code="379999", year=2018)
    assert failed(report) == {"missing_share[patents_per_10k]"}


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
    frame = pd.DataFrame(
        [
            {"year": year, "region_code": unit, "variable": v.code, "value": value(v, level)}
            for unit in units
            for v in variables
            for value in [implausible if unit == units[0] else plausible]
        ]
    )
    report = validate_statistics(frame, toy_system, registry, level=level, years=[year])
    names = set(report.names())
    assert {n for n in names if n.startswith("range[")} == {f"range[{v.code}]" for v in ranged}
    assert {f"count_whole[{v.code}]" for v in variables if v.integer} <= names
    assert {f"complete[{v.code}]" for v in variables} <= names
    assert failed(report) == {f"range[{v.code}]" for v in ranged}, report.summary()
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
