"""What a validation returns: one outcome per check, and the report over all checks.

Outcomes carry the offending rows with their source file and row, and the report turns them into
a bilingual summary (command line) or flat metadata (Dagster asset checks), so a failing check
tells the user exactly what to fix.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

INTEGRITY = "integrity"
PLAUSIBILITY = "plausibility"
COMPLETENESS = "completeness"


@dataclass(frozen=True)
class CheckOutcome:
    """The result of one expectation, with enough detail to find the offending rows."""

    name: str
    category: str  # INTEGRITY | PLAUSIBILITY | COMPLETENESS
    description_zh: str
    description_en: str
    success: bool
    unexpected_count: int
    examples: list[dict[str, Any]]
    error: str | None = None  # the exception GX raised while evaluating, if any

    @property
    def description(self) -> str:
        return f"{self.description_zh} / {self.description_en}"

    def example_lines(self) -> list[str]:
        """One line per example, e.g. ``2020 370102 gdp value=-5.0 (city/2020.csv row 7)``."""
        return [_format_example(example) for example in self.examples]


@dataclass(frozen=True)
class ValidationReport:
    """All check outcomes of one validation call; ``success`` only if every check passed."""

    subject_zh: str
    subject_en: str
    rows: int
    checks: list[CheckOutcome]

    @property
    def success(self) -> bool:
        return all(check.success for check in self.checks)

    @property
    def failures(self) -> list[CheckOutcome]:
        return [check for check in self.checks if not check.success]

    def check(self, name: str) -> CheckOutcome:
        """The outcome of the check called ``name`` (e.g. ``"range[gdp]"``)."""
        for outcome in self.checks:
            if outcome.name == name:
                return outcome
        raise KeyError(f"no check named {name!r}; checks: {', '.join(self.names())}")

    def names(self) -> list[str]:
        return [check.name for check in self.checks]

    def only(self, *categories: str) -> ValidationReport:
        """The checks of some categories, so that e.g. completeness can be a warning-only check."""
        return replace(self, checks=[c for c in self.checks if c.category in categories])

    def to_metadata(self) -> dict[str, str | int | float]:
        """Flat metadata for a Dagster asset check: counts plus each failure's rows."""
        metadata: dict[str, str | int | float] = {
            "rows": self.rows,
            "checks": len(self.checks),
            "checks_failed": len(self.failures),
            "failed_checks": ", ".join(check.name for check in self.failures),
        }
        for check in self.failures:
            metadata[f"{check.name}.description"] = check.description
            metadata[f"{check.name}.unexpected_count"] = check.unexpected_count
            metadata[f"{check.name}.examples"] = "; ".join(check.example_lines())
            if check.error:
                metadata[f"{check.name}.error"] = check.error
        return metadata

    def summary(self) -> str:
        """A short bilingual text: the verdict, then every failing check with its example rows."""
        total, failed = len(self.checks), len(self.failures)
        lines = [
            f"{self.subject_zh}：{total} 项检查，{failed} 项未通过 / "
            f"{self.subject_en}: {failed} of {total} checks failed ({self.rows} rows)"
        ]
        for check in self.failures:
            lines.append(f"✗ {check.name}: {check.description} — {check.unexpected_count} 行/rows")
            if check.error:
                lines.append(f"    error: {check.error}")
            lines.extend(f"    {line}" for line in check.example_lines())
        return "\n".join(lines)


def _format_example(example: dict[str, Any]) -> str:
    head = " ".join(
        str(example[column])
        for column in ("year", "region_code", "variable", "indicator")
        if example.get(column) is not None
    )
    parts = [head or "?"]
    if "value" in example:
        parts.append(f"value={example['value']}")
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
    if example.get("note"):
        parts.append(f"[{example['note']}]")
    return " ".join(parts)
