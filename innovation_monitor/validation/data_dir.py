"""``innovation-monitor validate``: check a data folder before loading it.

The folder is ingested in memory and checked with ``assess_statistics``, the entry point the
pipeline uses, so ``validate`` fails exactly what a run refuses; the warehouse is not touched,
so a data provider can check files before sending them.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from innovation_monitor.divisions import DivisionRegistry
from innovation_monitor.errors import IngestError
from innovation_monitor.framework import load_indicator_system
from innovation_monitor.indicators import compute_indicators
from innovation_monitor.ingest import check_coverage, ingest_directory
from innovation_monitor.ingest.result import (
    DECLARED_GAP,
    DEVELOPMENT_ZONE,
    PROBLEM,
    QUARANTINE_KINDS,
    TOTAL_ROW,
)
from innovation_monitor.summaries import StageSummary, ingest_summary
from innovation_monitor.validation.outcomes import (
    BLOCKING,
    CATEGORIES,
    QUARANTINE,
    ValidationReport,
    example_line,
)
from innovation_monitor.validation.run import assess_statistics, validate_indicators

# How each kind of quarantined cell is listed, and counted in the verdict.
KIND_TITLES = {
    PROBLEM: ("问题单元格 / problem", "problem cells"),
    DECLARED_GAP: ("标明缺失 / declared gap", "declared gaps"),
    TOTAL_ROW: ("合计行 / total row", "total-row cells"),
    DEVELOPMENT_ZONE: ("开发区 / development zone", "development-zone cells"),
}


@dataclass(frozen=True)
class DataCheck:
    """``innovation-monitor validate``: what ingesting and checking a folder found.

    A (year, level) with far too few values (``coverage``: a header-only file, a table of the
    other level), problem cells in the quarantine (unreadable numbers, unknown regions, units or
    columns, duplicates) and failing blocking checks fail the folder, as they stop a run;
    declared gaps, completeness, changes on the previous year and county sums are warnings;
    total rows and development zones are only listed. The indicator values computed from the
    statistics are checked as the run checks them (an indicator missing for too many units of a
    year stops it), so a column missing from a whole table fails here too.
    """

    ingest: StageSummary
    quarantine: pl.DataFrame
    reports: dict[str, ValidationReport]  # statistics, by level
    indicators: dict[str, ValidationReport]  # indicator values, by level
    coverage: str | None = None  # why a (year, level) has too few values, if one has

    @property
    def success(self) -> bool:
        """No blocking failure, and no problem cell (also none of a year or level no report
        covers, e.g. a file whose level is unknown)."""
        reports = [*self.reports.values(), *self.indicators.values()]
        passed = all(report.success for report in reports)
        return passed and self.coverage is None and self.cells(PROBLEM).is_empty()

    def cells(self, kind: str) -> pl.DataFrame:
        """The quarantined cells of one kind (``problem``, ``declared_gap``, …)."""
        return self.quarantine.filter(pl.col("kind") == kind)

    def summary(self, limit: int = 10) -> str:
        """Each quarantined cell once, under its kind (at most ``limit`` per kind), then every
        other failing check with a few rows, then the verdict."""
        lines = [self.ingest.describe()]
        if self.coverage is not None:
            lines.append(f"✗ {self.coverage}")
        for kind in QUARANTINE_KINDS:
            cells = self.cells(kind)
            title = KIND_TITLES.get(kind, (kind, kind))[0]
            lines += [
                f"  {title}: {example_line(row)}" for row in cells.head(limit).iter_rows(named=True)
            ]
            if cells.height > limit:
                more = cells.height - limit
                lines.append(f"  … 另有 {more} 个 / and {more} more ({title})")
        listed_above = [category for category in CATEGORIES if category != QUARANTINE]
        reports = [
            r.only(*listed_above) for r in (*self.reports.values(), *self.indicators.values())
        ]
        lines += [report.summary(limit=3, checks=5) for report in reports]
        failed = [check for report in reports for check in report.failures]
        blocking = sum(1 for check in failed if check.severity == BLOCKING)
        counts = ", ".join(
            f"{self.cells(kind).height} {KIND_TITLES.get(kind, (kind, kind))[1]}"
            for kind in QUARANTINE_KINDS
        )
        verdict = "通过 / PASSED" if self.success else "未通过 / FAILED"
        lines.append(
            f"{verdict}: {counts}; {blocking} other blocking checks failed, "
            f"{len(failed) - blocking} warnings"
        )
        return "\n".join(lines)


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
    try:
        check_coverage(result, system, registry)
        coverage = None
    except IngestError as err:
        coverage = str(err)
    reports = {
        level: assess_statistics(
            result.statistics,
            result.quarantine,
            system,
            registry,
            level=level,
            years=result.years,
        )
        for level in result.levels
    }
    indicators = {
        level: validate_indicators(
            compute_indicators(result.statistics, system.frameworks[level]),
            system.frameworks[level],
            years=result.years,
            registry=registry,
        )
        for level in result.levels
    }
    return DataCheck(ingest_summary(result), result.quarantine, reports, indicators, coverage)
