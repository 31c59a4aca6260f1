"""The checks on frames derived from the statistics: the quarantine of each (year, level), the
change on the previous year, the counties' sum against their city and parts not above their
whole, each shown failing on its bad case and passing on the clean toy data."""

from dataclasses import replace

import polars as pl
import pytest

from innovation_monitor.errors import DataError
from innovation_monitor.framework import Variable
from innovation_monitor.ingest.result import DECLARED_GAP, DEVELOPMENT_ZONE, PROBLEM, TOTAL_ROW
from innovation_monitor.validation import BLOCKING, CONSISTENCY, QUARANTINE, WARNING
from tests.validation.toys import (
    SYSTEM,
    ToySystem,
    assess,
    caught,
    clean_statistics,
    failed,
    quarantined,
    set_value,
    variable,
)

# --- quarantine ------------------------------------------------------------------------------


def test_a_problem_cell_blocks_its_year_and_level_with_the_cell_as_example() -> None:
    cells = quarantined(2019, "county", PROBLEM)
    report = assess(clean_statistics(), cells, level="county")
    assert failed(report) == {"quarantine_problems@2019"}
    assert not report.success
    check = report.check("quarantine_problems", 2019)
    assert (check.severity, check.category, check.unexpected_count) == (BLOCKING, QUARANTINE, 1)
    example = check.examples[0]
    for column, value in {
        "source_file": "county/2019.csv",
        "source_row": 7,
        "source_column": "常住人口(万人)",
        "raw_value": "约85",
        "reason": "not a number ('约85')",
    }.items():
        assert example[column] == value
    assert "county/2019.csv row 7 column 常住人口(万人)" in report.summary()
    assert "约85" in report.summary() and "not a number" in report.summary()
    assert assess(clean_statistics(), cells, level="city").success  # another level's cell
    assert report.check("quarantine_problems", 2018).success  # another year's


def test_declared_gaps_warn_and_set_aside_rows_are_counted_never_failing() -> None:
    cells = pl.concat(
        [
            quarantined(2018, "city", DECLARED_GAP, raw_value="…", reason="not available ('…')"),
            quarantined(2018, "city", TOTAL_ROW, region_text="全市", reason="total row"),
            quarantined(2018, "city", DEVELOPMENT_ZONE, region_text="高新区"),
        ]
    )
    report = assess(clean_statistics(), cells)
    assert report.success
    assert failed(report) == {"quarantine_gaps@2018"}
    gaps = report.check("quarantine_gaps", 2018)
    assert (gaps.severity, gaps.unexpected_count, gaps.examples[0]["raw_value"]) == (
        WARNING,
        1,
        "…",
    )
    aside = report.check("quarantine_set_aside", 2018)
    assert aside.success and aside.unexpected_count == 2
    assert {e["region_text"] for e in aside.examples} == {"全市", "高新区"}
    assert report.check("quarantine_problems", 2018).success


def test_accept_quarantine_records_the_problem_as_accepted_and_lets_the_run_continue() -> None:
    cells = quarantined(2019, "county", PROBLEM)
    report = assess(clean_statistics(), cells, level="county", accept_quarantine=True)
    check = report.check("quarantine_problems", 2019)
    assert (check.success, check.severity, check.accepted) == (False, BLOCKING, True)
    assert report.success
    assert "accepted" in report.summary()
    row = report.to_frame("county").filter(pl.col("check_name") == "quarantine_problems")
    assert row.filter(pl.col("year") == 2019).select("success", "accepted").row(0) == (False, True)
    # The override accepts only the quarantine: another blocking failure still stops the run.
    bad = set_value("370102", 2019, "gdp", 9e12)(clean_statistics())
    assert not assess(bad, cells, level="county", accept_quarantine=True).success


def test_a_cell_of_unknown_year_counts_in_every_year_of_its_level() -> None:
    report = assess(clean_statistics(), quarantined(None, "city", PROBLEM))
    assert failed(report) == {"quarantine_problems@2018", "quarantine_problems@2019"}


def test_a_quarantine_without_kinds_is_refused() -> None:
    cells = quarantined(2019, "city", PROBLEM).drop("kind")
    with pytest.raises(DataError, match=r"quarantine: missing column.*kind"):
        assess(clean_statistics(), cells)


# --- change on the previous year -------------------------------------------------------------


def test_a_value_ten_times_its_previous_year_warns_naming_the_cell() -> None:
    report = assess(set_value("370200", 2019, "gdp", 220000.0)(clean_statistics()))
    assert failed(report) == {"year_on_year[gdp]@2019"}
    assert report.success  # a warning
    check = report.check("year_on_year[gdp]", 2019)
    assert check.severity == WARNING
    assert caught(check, region_code="370200", value=220000.0, previous_value=20000.0)
    assert check.examples[0]["change"] == pytest.approx(11.0)
    assert check.examples[0]["source_file"] == "city/2019.csv"
    assert "previous_value=2e+04 change=11" in report.summary()


def test_a_drop_to_a_fifth_warns_and_bounds_are_per_variable() -> None:
    frame = set_value("370200", 2019, "gdp", 3000.0)(clean_statistics())
    assert failed(assess(frame)) == {"year_on_year[gdp]@2019"}
    loose = ToySystem({**SYSTEM.variables, "gdp": _with(SYSTEM.variables["gdp"], (0.1, 12.0))})
    assert not assess(frame, system=loose).failures


def test_small_counts_are_not_compared_but_zero_to_many_is() -> None:
    frame = clean_statistics()
    tiny = set_value("370100", 2018, "firms_rd", 1.0)(frame)
    tiny = set_value("370100", 2019, "firms_rd", 9.0)(tiny)
    assert "year_on_year[firms_rd]@2019" not in failed(assess(tiny))
    many = set_value("370100", 2018, "firms_rd", 0.0)(frame)
    check = assess(many).check("year_on_year[firms_rd]", 2019)
    assert not check.success and check.examples[0]["change"] == float("inf")


# --- counties against their city -------------------------------------------------------------


def test_counties_summing_to_90_percent_of_their_city_pass() -> None:
    report = assess(clean_statistics(), level="county")
    assert report.success and not report.failures, report.summary()
    assert {"county_sum[gdp]", "county_sum[large_firms]"} <= set(report.names())
    assert "county_sum[firms_rd]" not in report.names()  # no county_sum bounds: not summed
    assert "county_sum[gdp]" not in assess(clean_statistics(), level="city").names()


def test_a_county_total_far_above_or_below_its_city_warns() -> None:
    above = set_value("370102", 2019, "gdp", 99000.0)(clean_statistics())
    report = assess(above, level="county")
    assert {"county_sum[gdp]@2019"} <= failed(report) and report.success
    check = report.check("county_sum[gdp]", 2019)
    assert (check.category, check.severity) == (CONSISTENCY, WARNING)
    assert caught(check, region_code="370100", value=22000.0, counties=2)
    assert check.examples[0]["share"] == pytest.approx((99000 + 9900) / 22000)
    below = set_value("370202", 2018, "gdp", 100.0)(clean_statistics())  # 9100 of 20000: 46 %
    assert "county_sum[gdp]@2018" in failed(assess(below, level="county"))


def test_county_sums_allow_development_zones_and_count_rounding() -> None:
    # 65 % of the city in the counties (a large zone) passes; a count may exceed by rounding.
    frame = set_value("370102", 2018, "gdp", 4000.0)(clean_statistics())  # (4000+9000)/20000
    assert "county_sum[gdp]@2018" not in failed(assess(frame, level="county"))
    counts = set_value("370100", 2018, "large_firms", 10.0)(clean_statistics())
    counts = set_value("370102", 2018, "large_firms", 5.0)(counts)
    counts = set_value("370103", 2018, "large_firms", 6.0)(counts)  # 11 of 10, ±0.5 per county
    report = assess(counts, level="county")
    assert "county_sum[large_firms]@2018" not in failed(report), report.summary()


def test_a_city_with_a_missing_county_is_not_summed() -> None:
    frame = clean_statistics().filter(
        ~((pl.col("region_code") == "370103") & (pl.col("variable") == "gdp"))
    )
    report = assess(frame, level="county")
    assert failed(report) == {"complete[gdp]@2018", "complete[gdp]@2019"}


# --- parts not above their whole -------------------------------------------------------------


def test_a_part_above_its_whole_blocks() -> None:
    report = assess(set_value("370100", 2019, "firms_rd", 230.0)(clean_statistics()))
    assert "at_most[firms_rd<=large_firms]@2019" in failed(report)
    assert not report.success
    check = report.check("at_most[firms_rd<=large_firms]", 2019)
    assert (check.category, check.severity) == (CONSISTENCY, BLOCKING)
    assert caught(check, region_code="370100", value=230.0, bound_value=220.0)
    equal = set_value("370100", 2019, "firms_rd", 220.0)(clean_statistics())
    assert "at_most[firms_rd<=large_firms]@2019" not in failed(assess(equal))


def test_parts_are_compared_in_the_unit_of_the_part() -> None:
    """R&D person-years (人年) against employed persons (万人): one 万人 is 10 000 人年."""
    fte = variable("rd_fte", "人年", ("city",), at_most=("employed",))
    employed = variable("employed", "万人", ("city",))
    system = ToySystem({"rd_fte": fte, "employed": employed})
    rows = [
        {"year": 2019, "level": "city", "region_code": code, "variable": name, "value": value}
        for code, fte_value in (("370100", 5000.0), ("370200", 12000.0))
        for name, value in (("rd_fte", fte_value), ("employed", 1.0))
    ]
    report = assess(pl.DataFrame(rows), system=system, years=[2019])
    check = report.check("at_most[rd_fte<=employed]", 2019)
    assert check.unexpected_count == 1
    assert caught(check, region_code="370200", value=12000.0, bound_value=10000.0)


def _with(var: Variable, bounds: tuple[float, float]) -> Variable:
    return replace(var, year_on_year=bounds)
