"""Checks on computed indicator values: keys, known indicators, finite values and, per year and
indicator, the share of units without a value (blocking)."""

import math
from dataclasses import dataclass

import pandas as pd
import pytest

from innovation_monitor.validation import BLOCKING, ValidationReport, validate_indicators
from tests.validation.toys import REGISTRY, YEARS, caught, failed


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
    return pd.DataFrame(
        [
            {"year": y, "level": "city", "region_code": d.code, "indicator": i.code, "value": 1.5}
            for y in YEARS
            for d in REGISTRY.valid_in(y, "city")
            for i in FRAMEWORK.indicators
        ]
    )


def validate(frame: pd.DataFrame, **kwargs: object) -> ValidationReport:
    return validate_indicators(frame, FRAMEWORK, **kwargs)  # type: ignore[arg-type]


def test_clean_indicator_values_pass_at_the_framework_level() -> None:
    frame = clean_indicators()
    county = frame.assign(level="county", indicator="made_up", value=math.inf)
    both = pd.concat([frame, county], ignore_index=True)
    report = validate(both, registry=REGISTRY, years=YEARS)
    assert report.success and not report.failures, report.summary()
    assert report.subject_en.startswith("city") and report.rows == len(frame)
    assert {"missing_share[rd_intensity]", "missing_share[patents_per_10k]"} <= set(report.names())
    assert "region_valid" in report.names()
    assert {c.severity for c in report.checks} == {BLOCKING}
    assert {c.year for c in report.checks} == set(YEARS)


def test_indicator_defects_are_caught() -> None:
    frame = clean_indicators()
    frame.loc[0, "value"] = math.inf
    frame = pd.concat(
        [frame, frame.iloc[[1]], frame.iloc[[2]].assign(indicator="made_up")], ignore_index=True
    )
    report = validate(frame)
    assert failed(report) == {"finite@2018", "unique_key@2018", "indicator_known@2018"}
    assert caught(report.check("finite", 2018), region_code="370100", indicator="rd_intensity")
    assert caught(report.check("indicator_known", 2018), indicator="made_up")


def test_missing_share_is_judged_per_year_against_the_threshold() -> None:
    frame = clean_indicators()
    is_rd = frame["indicator"] == "rd_intensity"
    in_2019 = frame["year"] == 2019
    frame.loc[is_rd & in_2019 & (frame["region_code"] == "370100"), "value"] = math.nan
    # 2019: 1 of 2 missing (50 %); over both years 1 of 5 (20 %) would have passed.
    strict = validate(frame, registry=REGISTRY, years=YEARS, max_missing_share=0.2)
    assert failed(strict) == {"missing_share[rd_intensity]@2019"}
    check = strict.check("missing_share[rd_intensity]", 2019)
    assert (check.unexpected_count, check.severity) == (1, BLOCKING)
    assert caught(check, region_code="370100", year=2019, indicator="rd_intensity", value=None)
    assert strict.check("missing_share[rd_intensity]", 2018).success
    lenient = validate(frame, registry=REGISTRY, years=YEARS, max_missing_share=0.5)
    assert lenient.success and not lenient.failures
    with pytest.raises(ValueError, match="max_missing_share"):
        validate(frame, max_missing_share=1.5)


def test_an_absent_row_counts_as_missing() -> None:
    frame = clean_indicators()
    gone = (frame["indicator"] == "patents_per_10k") & (frame["region_code"] == "371200")
    report = validate(frame[~gone], registry=REGISTRY, years=YEARS, max_missing_share=0.2)
    assert failed(report) == {"missing_share[patents_per_10k]@2018"}  # 1 of 3 units


def test_without_registry_units_present_in_the_year_are_expected() -> None:
    frame = clean_indicators()
    frame = frame.drop(index=frame.index[frame["indicator"] == "patents_per_10k"][:1])
    frame = pd.concat([frame, frame.iloc[[0]].assign(region_code="379999")], ignore_index=True)
    report = validate(frame, max_missing_share=0.0)
    assert "region_valid" not in report.names()
    check = report.check("missing_share[patents_per_10k]", 2018)
    assert check.unexpected_count == 2  # the dropped row and the new unit's absent value
    assert caught(check, region_code="379999", year=2018)
    assert failed(report) == {"missing_share[patents_per_10k]@2018"}
