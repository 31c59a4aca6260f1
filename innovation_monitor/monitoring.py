"""The annual monitoring run, stage by stage, over the warehouse.

Each stage reads what the previous stage wrote and replaces its own slice of the warehouse in one
transaction, so any stage can be re-run alone (from a Dagster asset, the command line or a
notebook) and the data flows one way: raw files → statistics → indicator values → scores →
reports. The Dagster assets in ``assets/`` call exactly these functions.
"""

import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from innovation_monitor import warehouse
from innovation_monitor.divisions import LEVELS, DivisionRegistry
from innovation_monitor.errors import IngestError
from innovation_monitor.indicator_system import INDEX_CODE, IndicatorSystem, load_indicator_system
from innovation_monitor.indicators import compute_indicators
from innovation_monitor.ingest import IngestResult, ingest_directory, read_manifest
from innovation_monitor.ingest.loader import discover
from innovation_monitor.reports import DataNotice, build_report, write_reports
from innovation_monitor.scoring import assign_tiers, score_panel
from innovation_monitor.validation import (
    COMPLETENESS,
    INTEGRITY,
    PLAUSIBILITY,
    ValidationReport,
    validate_indicators,
    validate_statistics,
)


@dataclass(frozen=True)
class StageSummary:
    """What a stage did: a log line, figures and a Markdown table for the Dagster UI."""

    text: str
    figures: dict[str, int | float | str] = field(default_factory=dict)
    table: str = ""

    def describe(self) -> str:
        return self.text

    def metadata(self) -> dict[str, int | float | str]:
        return dict(self.figures)


def markdown_table(frame: pl.DataFrame) -> str:
    """A small frame as a Markdown table (pipes in values escaped)."""
    cells = [[str(v).replace("|", "\\|") for v in row] for row in frame.iter_rows()]
    lines = ["| " + " | ".join(frame.columns) + " |", "|" + "---|" * frame.width]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in cells])


def data_fingerprint(data_dir: Path | str) -> str:
    """A digest of every statistics file of a data folder (paths and contents) and its manifest,
    so a sensor can tell when a provider has delivered or corrected a file."""
    data_dir = Path(data_dir)
    digest = hashlib.sha256()
    manifest = data_dir / "dataset.yaml"
    paths = [manifest] if manifest.is_file() else []
    paths += sorted({entry.path for entry in discover(data_dir, read_manifest(data_dir))})
    for path in paths:
        digest.update(path.relative_to(data_dir).as_posix().encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def load_divisions(con: duckdb.DuckDBPyConnection, registry: DivisionRegistry) -> int:
    """Write the division registry (replacing the table); returns the number of units."""
    return warehouse.write_divisions(con, registry)


def _ingest_summary(result: IngestResult) -> StageSummary:
    reasons = Counter(reason.split(" (")[0] for reason in result.quarantine["reason"].to_list())
    synthetic = bool(result.sources["synthetic"].any()) if result.sources.height else False
    files = result.sources["source_file"].n_unique()
    figures: dict[str, int | float | str] = {
        "files": files,
        "years": ", ".join(str(y) for y in result.years),
        "statistics_rows": result.statistics.height,
        "quarantined_cells": result.quarantine.height,
        "synthetic": str(synthetic),
    }
    table = markdown_table(
        pl.DataFrame(reasons.most_common(), schema=["quarantine reason", "cells"], orient="row")
    )
    text = (
        f"{files} files, years {figures['years']}: "
        f"{result.statistics.height} values loaded, {result.quarantine.height} cells quarantined"
        + (" (SYNTHETIC sample data)" if synthetic else "")
    )
    return StageSummary(text, figures, table if reasons else "")


def load_statistics(
    con: duckdb.DuckDBPyConnection,
    data_dir: Path | str,
    system: IndicatorSystem,
    registry: DivisionRegistry,
    years: Iterable[int] | None = None,
) -> StageSummary:
    """Ingest the files of ``data_dir`` and make the warehouse mirror them.

    With ``years``, every (year, level) of those years is replaced, also one whose file was
    removed; a requested year without any file is an error. Without ``years``, every year found
    in the folder or already in the warehouse is replaced, so the warehouse equals the folder.
    """
    result = ingest_directory(Path(data_dir), system, registry, years)
    if years is not None:
        absent = sorted(set(years) - set(result.years))
        if absent:
            raise IngestError(
                f"{data_dir}: no statistics file for year(s) {', '.join(map(str, absent))}; "
                "expected city/<year>.csv|xlsx, county/<year>.csv|xlsx or long files covering them"
            )
        slices = {(year, level) for year in years for level in LEVELS}
    else:
        stored = warehouse.read(con, "sources").drop_nulls(["year", "level"])
        slices = set(result.slices) | set(stored.select("year", "level").iter_rows())
    warehouse.load(con, result, slices=slices)
    return _ingest_summary(result)


def _level_slice(
    con: duckdb.DuckDBPyConnection, table: str, level: str, years: Iterable[int] | None
) -> tuple[pl.DataFrame, list[int]]:
    """A level's rows of ``table`` for ``years`` (all if None), read once, and those years."""
    wanted = sorted(years) if years is not None else None
    frame = warehouse.read(con, table, years=wanted, level=level)
    return frame, wanted if wanted is not None else sorted(frame["year"].unique().to_list())


def check_statistics(
    con: duckdb.DuckDBPyConnection,
    system: IndicatorSystem,
    registry: DivisionRegistry,
    level: str,
    years: Iterable[int] | None = None,
) -> tuple[ValidationReport, ValidationReport]:
    """One Great Expectations run over a level's statistics, split into the blocking part
    (integrity and plausibility) and the warning part (completeness: gaps are imputed later)."""
    statistics, wanted = _level_slice(con, "statistics", level, years)
    report = validate_statistics(statistics, system, registry, level=level, years=wanted)
    return report.only(INTEGRITY, PLAUSIBILITY), report.only(COMPLETENESS)


def compute_level_indicators(
    con: duckdb.DuckDBPyConnection,
    system: IndicatorSystem,
    level: str,
    years: Iterable[int] | None = None,
) -> StageSummary:
    """Indicator values of a level from its statistics, replacing those years' slices."""
    statistics, wanted = _level_slice(con, "statistics", level, years)
    values = compute_indicators(statistics, system.frameworks[level])
    warehouse.replace_slices(con, {"indicator_values": values}, years=wanted, levels=[level])
    missing = values["value"].null_count()
    return StageSummary(
        f"{level}: {values.height} indicator values for {len(wanted)} years ({missing} missing)",
        {"rows": values.height, "missing": missing, "years": ", ".join(map(str, wanted))},
    )


def check_indicators(
    con: duckdb.DuckDBPyConnection,
    system: IndicatorSystem,
    registry: DivisionRegistry,
    level: str,
    years: Iterable[int] | None = None,
) -> ValidationReport:
    """Indicator values are finite, cover every unit valid in each year, and none is missing
    for too many units."""
    values, wanted = _level_slice(con, "indicator_values", level, years)
    return validate_indicators(
        values, system.frameworks[level], level=level, years=wanted, registry=registry
    )


def score_level(
    con: duckdb.DuckDBPyConnection,
    system: IndicatorSystem,
    registry: DivisionRegistry,
    level: str,
    top: int = 10,
) -> StageSummary:
    """Score every year of a level together (pooled goalposts) and replace its scores."""
    values = warehouse.read(con, "indicator_values", level=level)
    scores = score_panel(values, system.frameworks[level])
    years = sorted(scores["year"].unique().to_list())
    warehouse.replace_slices(con, {"scores": scores}, years=years, levels=[level])
    index = scores.filter(pl.col("node") == INDEX_CODE)
    text = f"{level}: scored {index.height} unit-years over {len(years)} years"
    if not years:
        return StageSummary(text, {"unit_years": 0})
    names = registry.to_frame().select(pl.col("code").alias("region_code"), "name_zh", "name_en")
    leaders = (
        index.filter(pl.col("year") == years[-1], pl.col("rank") <= top)
        .join(names, on="region_code", how="left")
        .sort("rank", "region_code")
        .select("rank", "region_code", "name_zh", "name_en", pl.col("score").round(2))
    )
    return StageSummary(
        f"{text}; {years[-1]} first: {leaders['name_zh'][0]} ({leaders['score'][0]:.2f})",
        {"unit_years": index.height, "rows": scores.height, "years": ", ".join(map(str, years))},
        f"**{years[-1]} top {top}**\n\n" + markdown_table(leaders),
    )


@dataclass(frozen=True)
class CheckResult:
    """A simple pass/fail with its findings (for checks that need no expectation suite)."""

    success: bool
    problems: list[str]

    def to_metadata(self) -> dict[str, str | int]:
        return {"problems": len(self.problems), "examples": "; ".join(self.problems[:10])}


def check_scores(
    con: duckdb.DuckDBPyConnection, registry: DivisionRegistry, level: str
) -> CheckResult:
    """Every unit valid in a scored year has an index score and a rank, and nothing else does."""
    index = warehouse.read(con, "scores", level=level).filter(pl.col("node") == INDEX_CODE)
    problems: list[str] = []
    for year in sorted(index["year"].unique().to_list()):
        scored = index.filter(pl.col("year") == year)
        expected = {d.code for d in registry.valid_in(year, level)}
        present = set(scored.drop_nulls("score")["region_code"].to_list())
        problems += [f"{year} {code}: no index score" for code in sorted(expected - present)]
        problems += [f"{year} {code}: not a unit that year" for code in sorted(present - expected)]
    return CheckResult(not problems, problems)


def data_notice(con: duckdb.DuckDBPyConnection, years: Iterable[int], level: str) -> DataNotice:
    """What a report must say about its data: synthetic if any of its files is, the notice of
    its data set (a synthetic one first), and the files it was built from."""
    sources = warehouse.read(con, "sources", years=list(years), level=level)
    noticed = sources.filter(pl.col("notice_zh").is_not_null() | pl.col("notice_en").is_not_null())
    noticed = noticed.sort("synthetic", descending=True)
    first = noticed.row(0, named=True) if noticed.height else None
    return DataNotice(
        synthetic=bool(sources["synthetic"].any()),
        notice_zh=(first["notice_zh"] or "") if first else "",
        notice_en=(first["notice_en"] or "") if first else "",
        sources=sorted(set(sources["source_file"].to_list())),
    )


def write_level_reports(
    con: duckdb.DuckDBPyConnection,
    system: IndicatorSystem,
    registry: DivisionRegistry,
    level: str,
    out_dir: Path | str,
    years: Iterable[int] | None = None,
    langs: Sequence[str] = ("zh", "en"),
) -> list[Path]:
    """Reports (HTML per language, CSV ranking) of a level for each scored year asked for."""
    scores = warehouse.read(con, "scores", level=level)
    scored_years = sorted(scores["year"].unique().to_list())
    wanted = [y for y in scored_years if years is None or y in set(years)]
    values = warehouse.read(con, "indicator_values", level=level)
    tiers = assign_tiers(scores, system.frameworks[level])
    paths: list[Path] = []
    for year in wanted:
        report = build_report(
            year,
            level,
            scores=scores,
            indicator_values=values,
            tiers=tiers,
            registry=registry,
            system=system,
            notice=data_notice(con, [year], level),
        )
        paths += write_reports(report, Path(out_dir), langs=tuple(langs))
    return paths


def publish_reports(
    warehouse_path: Path | str,
    out_dir: Path | str,
    *,
    indicators_file: Path | str | None = None,
    years: Iterable[int] | None = None,
    langs: Sequence[str] = ("zh", "en"),
) -> list[Path]:
    """Reports for both levels from an existing warehouse (read only)."""
    if not Path(warehouse_path).is_file():
        raise FileNotFoundError(
            f"warehouse {warehouse_path} does not exist; run the pipeline first"
        )
    system = load_indicator_system(Path(indicators_file) if indicators_file else None)
    registry = DivisionRegistry.load()
    with warehouse.connect(warehouse_path, read_only=True) as con:
        return [
            path
            for level in LEVELS
            for path in write_level_reports(con, system, registry, level, out_dir, years, langs)
        ]


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
    return DataCheck(_ingest_summary(result), result.quarantine, reports)
