"""What a validation returns: outcomes per check and year, the report's verdict, its blocking
and warning views, and the rows of the ``validation_results`` table."""

import json
import math

import polars as pl

from innovation_monitor.validation import (
    BLOCKING,
    PLAUSIBILITY,
    QUARANTINE,
    WARNING,
    CheckOutcome,
    ValidationReport,
)
from innovation_monitor.validation.outcomes import VALIDATION_RESULTS_SCHEMA


def outcome(name: str, *, success: bool, severity: str = BLOCKING, **extra: object) -> CheckOutcome:
    fields: dict = {
        "name": name,
        "category": PLAUSIBILITY,
        "description_zh": "检查",
        "description_en": "check",
        "success": success,
        "unexpected_count": 0 if success else 1,
        "examples": [] if success else [{"year": 2021, "region_code": "370100", "value": 1.0}],
        "severity": severity,
        "year": 2021,
        **extra,
    }
    return CheckOutcome(**fields)


def report(*checks: CheckOutcome) -> ValidationReport:
    return ValidationReport("测试", "test", 10, list(checks))


def test_only_an_unaccepted_blocking_failure_fails_the_report() -> None:
    assert report(outcome("a", success=True)).success
    assert report(outcome("w", success=False, severity=WARNING)).success
    assert not report(outcome("b", success=False)).success
    accepted = outcome("quarantine_problems", success=False, accepted=True, category=QUARANTINE)
    assert report(accepted, outcome("w", success=False, severity=WARNING)).success
    assert not report(accepted, outcome("b", success=False)).success


def test_blocking_and_warning_views_split_by_severity() -> None:
    both = report(outcome("b", success=False), outcome("w", success=False, severity=WARNING))
    assert [c.name for c in both.blocking.checks] == ["b"]
    assert [c.name for c in both.warnings.failures] == ["w"]
    assert both.warnings.success and not both.blocking.success
    assert both.failures == both.blocking.failures + both.warnings.failures


def test_to_frame_has_the_results_columns_but_the_run_ones() -> None:
    checks = report(
        outcome("range[gdp]", success=True),
        outcome("change", success=False, severity=WARNING, year=2020),
        outcome("ratio", success=False, examples=[{"value": math.inf, "note": "零 / zero"}]),
    )
    frame = checks.to_frame("county")
    expected = {k: v for k, v in VALIDATION_RESULTS_SCHEMA.items() if k != "run_id"}
    assert frame.schema == pl.Schema(expected)
    assert frame.height == 3 and set(frame["level"]) == {"county"}
    assert frame["year"].to_list() == [2021, 2020, 2021]
    assert frame["severity"].to_list() == [BLOCKING, WARNING, BLOCKING]
    assert frame["success"].to_list() == [True, False, False]
    assert json.loads(frame["examples"][0]) == []
    assert json.loads(frame["examples"][2]) == [{"value": "inf", "note": "零 / zero"}]


def test_summary_marks_warnings_and_accepted_failures() -> None:
    text = report(
        outcome("b", success=False),
        outcome("w", success=False, severity=WARNING),
        outcome("q", success=False, accepted=True),
    ).summary()
    assert "✗ b@2021 [blocking]" in text
    assert "! w@2021 [warning]" in text
    assert "q@2021 [accepted]" in text
    assert "2021 370100 value=1.0" in text
