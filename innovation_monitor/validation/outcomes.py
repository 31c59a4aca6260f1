"""What a validation returns: one outcome per check and year, and the report over all of them.

Outcomes carry the offending rows with their source file and row, and the report turns them into
a bilingual summary (command line), flat metadata (Dagster asset checks) or the rows of the
``validation_results`` table, so a failing check tells the user exactly what to fix. A blocking
check stops a run; a warning is recorded and shown; an accepted failure (an explicit override
such as ``--accept-quarantine``) is recorded as blocking but lets the run continue.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, replace
from typing import Any

import polars as pl

INTEGRITY = "integrity"
PLAUSIBILITY = "plausibility"
CONSISTENCY = "consistency"
COMPLETENESS = "completeness"
QUARANTINE = "quarantine"
CATEGORIES = (INTEGRITY, PLAUSIBILITY, CONSISTENCY, COMPLETENESS, QUARANTINE)
BLOCKING = "blocking"
WARNING = "warning"

VALIDATION_RESULTS_SCHEMA: dict[str, pl.DataType] = {
    "run_id": pl.String(),
    "year": pl.Int64(),
    "level": pl.String(),
    "check_name": pl.String(),
    "category": pl.String(),
    "severity": pl.String(),
    "success": pl.Boolean(),
    "accepted": pl.Boolean(),
    "unexpected_count": pl.Int64(),
    "description_zh": pl.String(),
    "description_en": pl.String(),
    "examples": pl.String(),
}
"""One row per check outcome of a run: ``severity`` blocking or warning, ``accepted`` when a
failing blocking check was let through by an explicit override (``--accept-quarantine``),
``examples`` a JSON list of offending rows with their file, sheet, row and column."""

#: fields of an example shown after its value, as name=value, when present
DETAIL_FIELDS = (
    "previous_value",
    "change",
    "county_sum",
    "counties",
    "share",
    "bound_variable",
    "bound_value",
)


@dataclass(frozen=True)
class CheckOutcome:
    """The result of one expectation for one data year, with the offending rows."""

    name: str
    category: str  # INTEGRITY | PLAUSIBILITY | CONSISTENCY | COMPLETENESS | QUARANTINE
    description_zh: str
    description_en: str
    success: bool
    unexpected_count: int
    examples: list[dict[str, Any]]
    error: str | None = None  # the exception GX raised while evaluating, if any
    severity: str = BLOCKING  # BLOCKING | WARNING
    year: int | None = None
    accepted: bool = False  # a failing blocking check let through by an explicit override

    @property
    def description(self) -> str:
        return f"{self.description_zh} / {self.description_en}"

    @property
    def key(self) -> str:
        """Name and year, unique in a report: ``range[gdp]@2021``."""
        return self.name if self.year is None else f"{self.name}@{self.year}"

    def example_lines(self) -> list[str]:
        """One line per example, e.g. ``2020 370102 gdp value=-5.0 (city/2020.csv row 7)``."""
        return [example_line(example) for example in self.examples]


@dataclass(frozen=True)
class ValidationReport:
    """All check outcomes of one validation call.

    ``success`` is what a run needs: no blocking check failed unless its failure was accepted.
    Failing warnings do not change it; ``warnings.failures`` lists them.
    """

    subject_zh: str
    subject_en: str
    rows: int
    checks: list[CheckOutcome]

    @property
    def success(self) -> bool:
        return not any(
            check.severity == BLOCKING and not check.success and not check.accepted
            for check in self.checks
        )

    @property
    def failures(self) -> list[CheckOutcome]:
        """Every failing check, blocking (accepted or not) and warning."""
        return [check for check in self.checks if not check.success]

    @property
    def blocking(self) -> ValidationReport:
        """The blocking checks: a failure stops the run unless accepted."""
        return replace(self, checks=[c for c in self.checks if c.severity == BLOCKING])

    @property
    def warnings(self) -> ValidationReport:
        """The warning checks: recorded and shown, the run continues."""
        return replace(self, checks=[c for c in self.checks if c.severity == WARNING])

    def accepting(self, category: str) -> ValidationReport:
        """The report with every failing blocking check of ``category`` accepted: what an
        explicit override (``--accept-quarantine``) lets through, still recorded as failed."""
        return replace(
            self,
            checks=[
                replace(c, accepted=True)
                if c.category == category and c.severity == BLOCKING and not c.success
                else c
                for c in self.checks
            ],
        )

    def check(self, name: str, year: int | None = None) -> CheckOutcome:
        """The outcome of the check ``name`` (e.g. ``"range[gdp]"``) for ``year``; without a
        year, the only outcome of that name."""
        found = [c for c in self.checks if c.name == name and (year is None or c.year == year)]
        if len(found) == 1:
            return found[0]
        if found:
            years = ", ".join(str(c.year) for c in found)
            raise KeyError(f"check {name!r} ran for several years ({years}); name the year")
        raise KeyError(f"no check {name!r} for year {year}; checks: {', '.join(self.names())}")

    def names(self) -> list[str]:
        """Check names, each once, in order."""
        return list(dict.fromkeys(check.name for check in self.checks))

    def only(self, *categories: str) -> ValidationReport:
        """The checks of some categories (e.g. only the quarantine)."""
        return replace(self, checks=[c for c in self.checks if c.category in categories])

    def to_metadata(self) -> dict[str, str | int | float]:
        """Flat metadata for a Dagster asset check: counts plus each failure's rows."""
        metadata: dict[str, str | int | float] = {
            "rows": self.rows,
            "checks": len(self.checks),
            "checks_failed": len(self.failures),
            "failed_checks": ", ".join(check.key for check in self.failures),
        }
        for check in self.failures:
            metadata[f"{check.key}.description"] = check.description
            metadata[f"{check.key}.severity"] = _severity(check)
            metadata[f"{check.key}.unexpected_count"] = check.unexpected_count
            metadata[f"{check.key}.examples"] = "; ".join(check.example_lines())
            if check.error:
                metadata[f"{check.key}.error"] = check.error
        return metadata

    def to_frame(self, level: str) -> pl.DataFrame:
        """The rows of ``validation_results`` without ``run_id`` (the run adds it): one per
        check and year, examples as JSON text."""
        schema = {k: v for k, v in VALIDATION_RESULTS_SCHEMA.items() if k not in _RUN_COLUMNS}
        rows = [
            {
                "year": check.year,
                "level": level,
                "check_name": check.name,
                "category": check.category,
                "severity": check.severity,
                "success": check.success,
                "accepted": check.accepted,
                "unexpected_count": check.unexpected_count,
                "description_zh": check.description_zh,
                "description_en": check.description_en,
                "examples": _json(
                    check.examples + ([{"error": check.error}] if check.error else [])
                ),
            }
            for check in self.checks
        ]
        return pl.DataFrame(rows, schema=schema, orient="row")

    def summary(self, limit: int = 5, checks: int = 10) -> str:
        """A short bilingual text: the verdict, then the first ``checks`` failing checks
        (blocking first) with ``limit`` rows each, then the keys of the others."""
        total, failed = len(self.checks), len(self.failures)
        lines = [
            f"{self.subject_zh}：{total} 项检查，{failed} 项未通过 / "
            f"{self.subject_en}: {failed} of {total} checks failed ({self.rows} rows)"
        ]
        ordered = sorted(self.failures, key=lambda check: _ORDER[_severity(check)])
        for check in ordered[:checks]:
            lines.append(
                f"{_MARK[_severity(check)]} {check.key} [{_severity(check)}]: "
                f"{check.description} — {check.unexpected_count} 行/rows"
            )
            if check.error:
                lines.append(f"    error: {check.error}")
            shown = check.example_lines()[:limit]
            lines.extend(f"    {line}" for line in shown)
            if check.unexpected_count > len(shown):
                lines.append(f"    … 另有 {check.unexpected_count - len(shown)} 行 / more rows")
        rest = ordered[checks:]
        if rest:
            keys = ", ".join(check.key for check in rest[:checks])
            more = ", …" if len(rest) > checks else ""
            lines.append(f"… 另有 {len(rest)} 项未通过 / {len(rest)} more failing: {keys}{more}")
        return "\n".join(lines)


_RUN_COLUMNS = ("run_id",)
_MARK = {BLOCKING: "✗", WARNING: "!", "accepted": "✓"}
_ORDER = {BLOCKING: 0, "accepted": 1, WARNING: 2}


def _severity(check: CheckOutcome) -> str:
    """``blocking``, ``warning``, or ``accepted`` for a blocking failure let through."""
    return "accepted" if check.accepted else check.severity


def example_line(example: dict[str, Any]) -> str:
    """An offending row or quarantined cell as a person finds it: ``2020 370102 gdp
    value=-5.0 raw='-5' (county/2020.csv row 4 column 生产总值(万元)) — reason``."""
    head = " ".join(
        str(example[column])
        for column in ("year", "region_code", "variable", "indicator", "region_text")
        if example.get(column) is not None
    )
    parts = [head or "?"]
    if "value" in example:
        parts.append(f"value={example['value']}")
    parts.extend(
        f"{field}={_short(example[field])}"
        for field in DETAIL_FIELDS
        if example.get(field) is not None
    )
    if example.get("raw_value") not in (None, ""):
        parts.append(f"raw={example['raw_value']!r}")
    if example.get("source_file"):
        where = str(example["source_file"])
        for column, label in (("source_sheet", "sheet"), ("source_row", "row")):
            if example.get(column) is not None:
                where += f" {label} {example[column]}"
        if example.get("source_column"):
            where += f" column {example['source_column']}"
        parts.append(f"({where})")
    if example.get("reason"):
        parts.append(f"— {example['reason']}")
    if example.get("note"):
        parts.append(f"[{example['note']}]")
    return " ".join(parts)


def _json(examples: list[dict[str, Any]]) -> str:
    """Examples as strict JSON: an infinite value (a ratio over zero) written as text."""
    plain = [
        {k: str(v) if isinstance(v, float) and not math.isfinite(v) else v for k, v in e.items()}
        for e in examples
    ]
    return json.dumps(plain, ensure_ascii=False, allow_nan=False, default=str)


def _short(value: Any) -> Any:
    """Ratios to four significant digits; other values as they are."""
    return f"{value:.4g}" if isinstance(value, float) else value
