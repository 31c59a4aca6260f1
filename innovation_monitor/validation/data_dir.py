"""``innovation-monitor validate``: check a data folder before loading it.

The folder is ingested in memory and every statistics check of the pipeline is run on it; the
warehouse is not touched, so a data provider can check files before sending them.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from innovation_monitor.divisions import DivisionRegistry
from innovation_monitor.framework import load_indicator_system
from innovation_monitor.ingest import ingest_directory
from innovation_monitor.summaries import StageSummary, ingest_summary
from innovation_monitor.validation.outcomes import (
    COMPLETENESS,
    INTEGRITY,
    PLAUSIBILITY,
    ValidationReport,
)
from innovation_monitor.validation.run import validate_statistics


@dataclass(frozen=True)
class DataCheck:
    """``innovation-monitor validate``: what ingesting and validating a folder found.

    Cells a provider declared unavailable ("…", "—") and total rows are expected; any other
    quarantined cell (unknown region, unit or column, out of range, duplicate, …) is a problem in
    the files and fails the check, as do integrity and plausibility failures. Completeness gaps
    are warnings, as in the pipeline, because scoring imputes them.
    """

    ingest: StageSummary
    quarantine: pl.DataFrame
    reports: dict[str, ValidationReport]

    @property
    def problem_cells(self) -> pl.DataFrame:
        """Quarantined cells other than declared gaps and total or subtotal rows."""
        reason = pl.col("reason")
        expected = (
            reason.str.starts_with("not available")
            | reason.str.contains("total row")
            | reason.str.starts_with("city row in a county table")
        )
        return self.quarantine.filter(~expected)

    @property
    def success(self) -> bool:
        valid = all(r.only(INTEGRITY, PLAUSIBILITY).success for r in self.reports.values())
        return valid and self.problem_cells.is_empty()

    def summary(self, limit: int = 50) -> str:
        """Problem cells first (they fail the check), then declared gaps, then the checks."""
        problems = self.problem_cells
        gaps = self.quarantine.join(problems, on=list(problems.columns), how="anti")
        lines = [self.ingest.describe()]
        for title, cells in (("problem", problems), ("declared gap or total row", gaps)):
            lines += [
                f"  {title}: {_where(row)}" for row in cells.head(limit).iter_rows(named=True)
            ]
            if cells.height > limit:
                lines.append(f"  … and {cells.height - limit} more ({title})")
        lines += [report.summary() for report in self.reports.values()]
        warnings = sum(len(r.only(COMPLETENESS).failures) for r in self.reports.values())
        verdict = "通过 / PASSED" if self.success else "未通过 / FAILED"
        lines.append(
            f"{verdict}: {problems.height} problem cells, {gaps.height} declared gaps or total "
            f"rows, {warnings} completeness warnings"
        )
        return "\n".join(lines)


def _where(row: dict) -> str:
    """A quarantined cell as a person finds it: file[:sheet]:row [column] 'text': reason."""
    sheet = f":{row['source_sheet']}" if row["source_sheet"] else ""
    return (
        f"{row['source_file']}{sheet}:{row['source_row']} [{row['source_column']}] "
        f"{row['raw_value']!r}: {row['reason']}"
    )


def validate_data_dir(
    data_dir: Path | str,
    *,
    indicators_file: Path | str | None = None,
    years: Iterable[int] | None = None,
) -> DataCheck:
    """Ingest a folder in memory and run every statistics check; the warehouse is not touched."""
    system = load_indicator_system(Path(indicators_file) if indicators_file else None)
    registry = DivisionRegistry.load()
    result = ingest_directory(Path(data_dir), system, registry, years)
    reports = {
        level: validate_statistics(
            result.statistics, system, registry, level=level, years=result.years
        )
        for level in result.levels
    }
    return DataCheck(ingest_summary(result), result.quarantine, reports)
