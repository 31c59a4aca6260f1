"""The annual monitoring run, stage by stage, over the warehouse: one function per asset.

Each stage reads what the previous stage wrote and replaces its own slice of the warehouse in one
transaction, so any stage can be re-run alone (from a Dagster asset, the command line or a
notebook) and the data flows one way: raw files → statistics → indicator values → scores and
rankings → reports. The Dagster assets in ``assets/`` call exactly these functions.
"""

from collections.abc import Iterable, Sequence
from pathlib import Path

import duckdb
import polars as pl

from innovation_monitor import warehouse
from innovation_monitor.divisions import LEVELS, DivisionRegistry
from innovation_monitor.errors import IngestError
from innovation_monitor.framework import INDEX_CODE, IndicatorSystem
from innovation_monitor.indicators import compute_indicators
from innovation_monitor.ingest import ingest_directory
from innovation_monitor.reports import build_report, data_notice, write_reports
from innovation_monitor.scoring.rankings import build_rankings
from innovation_monitor.scoring.tiers import assign_tiers
from innovation_monitor.summaries import CheckResult, StageSummary, ingest_summary, markdown_table
from innovation_monitor.validation import (
    COMPLETENESS,
    INTEGRITY,
    PLAUSIBILITY,
    ValidationReport,
    validate_indicators,
    validate_statistics,
)


def load_divisions(con: duckdb.DuckDBPyConnection, registry: DivisionRegistry) -> int:
    """Write the division registry (replacing the table); returns the number of units."""
    return warehouse.write_divisions(con, registry)


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
    return ingest_summary(result)


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
    """Score every year of a level together (pooled goalposts) and replace its scores and
    rankings (ranks, tiers, ranks within the city, rank changes) in one transaction."""
    from innovation_monitor.scoring.panel import score_panel  # the engine: scipy, scikit-learn

    framework = system.frameworks[level]
    values = warehouse.read(con, "indicator_values", level=level)
    scores = score_panel(values, framework)
    rankings = build_rankings(scores, assign_tiers(scores, framework), registry, level)
    years = sorted(scores["year"].unique().to_list())
    tables = {"scores": scores, "rankings": rankings}
    warehouse.replace_slices(con, tables, years=years, levels=[level])
    index = scores.filter(pl.col("node") == INDEX_CODE)
    text = f"{level}: scored {index.height} unit-years over {len(years)} years"
    if not years:
        return StageSummary(text, {"unit_years": 0})
    names = registry.to_frame().select(pl.col("code").alias("region_code"), "name_zh", "name_en")
    leaders = (
        index.filter(pl.col("year") == years[-1], pl.col("rank") <= top)
        .join(names, on="region_code", how="left")
        .join(
            rankings.select("year", "region_code", "tier", "rank_change"),
            on=["year", "region_code"],
        )
        .sort("rank", "region_code")
        .select(
            "rank",
            "region_code",
            "name_zh",
            "name_en",
            pl.col("score").round(2),
            "tier",
            "rank_change",
        )
    )
    return StageSummary(
        f"{text}; {years[-1]} first: {leaders['name_zh'][0]} ({leaders['score'][0]:.2f})",
        {"unit_years": index.height, "rows": scores.height, "years": ", ".join(map(str, years))},
        f"**{years[-1]} top {top}**\n\n" + markdown_table(leaders),
    )


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
    rankings = warehouse.read(con, "rankings", level=level)
    sources = warehouse.read(con, "sources", years=wanted, level=level)
    paths: list[Path] = []
    for year in wanted:
        report = build_report(
            year,
            level,
            scores=scores,
            indicator_values=values,
            rankings=rankings,
            registry=registry,
            system=system,
            notice=data_notice(sources.filter(pl.col("year") == year)),
        )
        paths += write_reports(report, Path(out_dir), langs=tuple(langs))
    return paths
