"""The annual monitoring run, stage by stage, over the warehouse: one function per asset.

Each stage reads what the previous stage wrote and replaces its own slice of the warehouse in one
transaction, so any stage can be re-run alone (from a Dagster asset, the command line or a
notebook) and the data flows one way: raw files → statistics → indicator values → scores and
rankings → reports. The Dagster assets in ``assets/`` call exactly these functions.
"""

from collections.abc import Iterable, Sequence
from contextlib import nullcontext
from pathlib import Path

import duckdb
import polars as pl

from innovation_monitor import editions, warehouse
from innovation_monitor.divisions import LEVELS, DivisionRegistry
from innovation_monitor.divisions.registry import PROVINCE_LEVEL, statistics_levels
from innovation_monitor.errors import DataError, IngestError
from innovation_monitor.framework import INDEX_CODE, IndicatorSystem
from innovation_monitor.indicators import compute_indicators
from innovation_monitor.ingest import IngestResult, check_coverage, ingest_directory
from innovation_monitor.reports import build_report, data_notice
from innovation_monitor.reports.county_evaluation import (
    county_evaluation_rows,
    write_county_evaluation,
)
from innovation_monitor.reports.insight_views import with_insight
from innovation_monitor.reports.outputs import FORMATS, ReportWriter
from innovation_monitor.reports.provenance import report_provenance
from innovation_monitor.reports.render import notice_line
from innovation_monitor.reports.workbook import WorkbookTables
from innovation_monitor.scoring.evaluation import evaluate_period
from innovation_monitor.scoring.rankings import build_rankings
from innovation_monitor.scoring.tiers import assign_tiers
from innovation_monitor.summaries import CheckResult, StageSummary, ingest_summary, score_summary
from innovation_monitor.validation import ValidationReport, assess_statistics, validate_indicators


def load_divisions(con: duckdb.DuckDBPyConnection, registry: DivisionRegistry) -> int:
    """Write the division registry (replacing the table); returns the number of units."""
    return warehouse.write_divisions(con, registry)


def load_statistics(
    con: duckdb.DuckDBPyConnection,
    data_dir: Path | str,
    system: IndicatorSystem,
    registry: DivisionRegistry,
    years: Iterable[int] | None = None,
    *,
    levels: Iterable[str] = LEVELS,
) -> StageSummary:
    """Ingest the files of ``data_dir`` and make the ``levels`` of the warehouse mirror them.

    Only the (year, level) slices of ``levels`` are written, so each level's lane loads its
    own files and a problem in another level's slice does not stop it. With ``years``, every
    (year, level) of those years is replaced; a requested year without any file of a level,
    or a (year, level) the warehouse holds whose file was removed, is an error. Without
    ``years``, every year found in the folder or already in the warehouse is replaced, so the
    warehouse equals the folder.
    A slice that would shrink to far fewer values than its level needs or than it held is
    refused (``check_coverage``), naming its files.
    """
    wanted = list(levels)
    unknown = sorted(set(wanted) - set(LEVELS))
    if unknown:
        raise DataError(f"levels {unknown}: expected some of {', '.join(LEVELS)}")
    result = _of_levels(ingest_directory(Path(data_dir), system, registry, years, wanted), wanted)
    previous = warehouse.slice_counts(con, "statistics")
    check_coverage(result, system, registry, previous=previous)
    if years is not None:
        for level in wanted:
            absent = sorted(set(years) - {year for year, lv in result.slices if lv == level})
            if absent:
                raise IngestError(
                    f"{data_dir}: no statistics file for year(s) {', '.join(map(str, absent))} "
                    f"at level {level}; expected {level}/<year>.csv|xlsx or long files "
                    "covering them"
                )
        slices = {(year, level) for year in years for level in wanted}
        emptied = sorted(s for s in slices - set(result.slices) if previous.get(s))
        if emptied:
            listed = ", ".join(
                f"{level} {year} ({previous[year, level]} values)" for year, level in emptied
            )
            raise IngestError(
                f"{data_dir}: no file for {listed}, which the warehouse holds; reloading "
                "would empty it. Put the file back, or run without --years to make the "
                "warehouse mirror the folder / 数据目录缺少该年份文件，重新导入将清空已有数据"
            )
    else:
        stored = warehouse.read(con, "sources").drop_nulls(["year", "level"])
        kept = stored.filter(pl.col("level").is_in(wanted))
        slices = set(result.slices) | set(kept.select("year", "level").iter_rows())
    warehouse.load(con, result, slices=slices)
    return ingest_summary(result)


def _of_levels(result: IngestResult, levels: list[str]) -> IngestResult:
    """The part of an ingest that belongs to ``levels``: their slices, the rows of no level
    (a long file's unreadable rows), which belong to every level's load of their file, and
    with the cities the province's own rows of their tables."""
    own = [*levels, PROVINCE_LEVEL] if "city" in levels else levels
    mine = pl.col("level").is_in(own) | pl.col("level").is_null()
    return IngestResult(
        statistics=result.statistics.filter(mine),
        quarantine=result.quarantine.filter(mine),
        sources=result.sources.filter(mine),
        slices=frozenset(s for s in result.slices if s[1] in levels),
    )


def _level_slice(
    con: duckdb.DuckDBPyConnection, table: str, level: str, years: Iterable[int] | None
) -> tuple[pl.DataFrame, list[int]]:
    """A level's rows of ``table`` for ``years`` (all if None), read once, and those years."""
    wanted = None if years is None else sorted(years)
    frame = warehouse.read(con, table, years=wanted, level=level)
    return frame, _years_of(frame, level, wanted)


def check_statistics(
    con: duckdb.DuckDBPyConnection,
    system: IndicatorSystem,
    registry: DivisionRegistry,
    level: str,
    years: Iterable[int] | None = None,
    *,
    accept_quarantine: bool = False,
    run_id: str | None = None,
) -> ValidationReport:
    """Every statistics rule over a level's years (the same rules as ``validate``), recorded in
    ``validation_results``; the caller blocks on ``report.blocking`` and warns on the rest.

    The whole statistics table is passed: the change on the previous year needs the year
    before, and the county sums need the city totals.
    """
    statistics = warehouse.read(con, "statistics")
    wanted = _years_of(statistics, level, years)
    quarantine = warehouse.read(con, "quarantine", years=wanted, level=level)
    report = assess_statistics(
        statistics,
        quarantine,
        system,
        registry,
        level=level,
        years=wanted,
        accept_quarantine=accept_quarantine,
    )
    _record(con, report, "statistics", level, wanted, run_id)
    if years is None:  # outcomes of years no longer in the data go with them
        warehouse.delete_years(con, ["validation_results"], keep=wanted, level=level)
    return report


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
    if years is None:  # the indicator values mirror the statistics: no year outlives its data
        warehouse.delete_years(con, ["indicator_values"], keep=wanted, level=level)
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
    *,
    accept_quarantine: bool = False,
    run_id: str | None = None,
) -> ValidationReport:
    """Indicator values are finite, shares within 0–100, every unit valid in a year is covered,
    and no indicator misses too many units in any year; recorded in ``validation_results``.
    With ``accept_quarantine`` the values that quarantined cells leave missing are accepted
    (scoring imputes them and the reports say so)."""
    values, wanted = _level_slice(con, "indicator_values", level, years)
    report = validate_indicators(
        values,
        system.frameworks[level],
        level=level,
        years=wanted,
        registry=registry,
        accept_missing=accept_quarantine,
    )
    _record(con, report, "indicators", level, wanted, run_id)
    return report


def _years_of(frame: pl.DataFrame, level: str, years: Iterable[int] | None) -> list[int]:
    """``years``, or every year the level has rows for."""
    if years is not None:
        return sorted(years)
    return sorted(frame.filter(pl.col("level") == level)["year"].unique().to_list())


def _record(
    con: duckdb.DuckDBPyConnection,
    report: ValidationReport,
    stage: str,
    level: str,
    years: list[int],
    run_id: str | None,
) -> None:
    """Store a validation's outcomes with the run that produced them."""
    results = report.to_frame(level).with_columns(pl.lit(run_id, pl.String()).alias("run_id"))
    warehouse.record_validation(con, results, stage=stage, years=years, level=level)


def score_level(
    con: duckdb.DuckDBPyConnection,
    system: IndicatorSystem,
    registry: DivisionRegistry,
    level: str,
    top: int = 10,
    *,
    edition: int | None = None,
    framework_sha256: str | None = None,
) -> StageSummary:
    """Score the draft edition of a level: every data year up to ``edition`` (default: the
    latest) together, with pooled goalposts, replacing its scores, rankings (ranks, tiers, ranks
    within the city, rank changes) and imputations in one transaction. An edition that is
    published is scored again only from its own inputs, and must give its published scores.
    With frozen goalposts (``methodology.<level>.editions.goalposts``) and an earlier published
    edition, its years keep its values and the pooled steps are fitted on them only."""
    # the engine: scipy, scikit-learn
    from innovation_monitor.scoring.classified import type_tiers, unit_type_map
    from innovation_monitor.scoring.panel import (
        province_index,
        restated_previous_scores,
        score_panel,
        scores_each_year_alone,
        with_reference,
    )

    framework = system.frameworks[level]
    values = warehouse.read(con, "indicator_values", level=level)
    if edition is not None:
        held = sorted(set(values["year"].to_list()))
        if edition not in held:
            raise DataError(
                f"{level}: no data for edition {edition}; the data hold the years "
                f"{', '.join(map(str, held)) or 'none'}"
            )
        values = values.filter(pl.col("year") <= edition)
    years = sorted(values["year"].unique().to_list())
    published = editions.Edition.read(con, level, years[-1]) if years else None
    if published is not None and framework_sha256 is not None:
        editions.check_inputs(con, published, framework_sha256)
    fit_years = None
    frozen = None
    if years and framework.methodology.edition_goalposts == "frozen":
        frozen = editions.latest_published(con, level, before=years[-1])
        if frozen is not None:
            values = editions.frozen_rows(con, frozen, "indicator_values", values)
            fit_years = frozen.data_years
    # the statistics a reference unit (the province) or a restated previous year is made of;
    # with frozen goalposts the published years' own cells
    statistics = pl.DataFrame()
    if framework.methodology.reference is not None or scores_each_year_alone(framework):
        statistics = warehouse.read(con, "statistics", years=years, level=statistics_levels(level))
        if frozen is not None:
            statistics = editions.frozen_rows(con, frozen, "statistics", statistics)
    values = with_reference(values, statistics, system, framework)
    types = unit_type_map(framework, registry, values["region_code"].unique().to_list())
    panel = score_panel(values, framework, fit_years=fit_years, types=types)
    scores = panel.scores
    if published is not None:
        editions.check_reproduced(con, published, scores)
    restated = (
        restated_previous_scores(statistics, system, registry, framework, years)
        if statistics.height
        else {}
    )
    by_type = panel.type_scores
    rankings = build_rankings(
        scores,
        assign_tiers(scores, framework),
        registry,
        level,
        restated,
        by_type,
        None if by_type is None else type_tiers(by_type, framework),
    )
    evaluations = evaluate_period(scores, framework)
    tables = {
        "scores": scores,
        "rankings": rankings,
        "imputations": panel.imputations,
        "evaluations": evaluations,
        "province_index": province_index(values, framework),
    }
    base = framework.methodology.province_base_year
    note = (
        f"; province index: base year {base} is not among the data years, not computed"
        if base is not None and years and tables["province_index"].is_empty()
        else ""
    )
    warehouse.replace_slices(con, tables, years=years, levels=[level])
    if years:
        warehouse.record_build(con, panel.build, level=level, edition=years[-1])
    warehouse.delete_years(con, list(tables), keep=years, level=level)
    names = registry.to_frame().select(pl.col("code").alias("region_code"), "name_zh", "name_en")
    status = "draft" if published is None else "published"
    return score_summary(level, years, scores, rankings, evaluations, names, status, top, note)


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
    formats: Sequence[str] = FORMATS,
    edition: int | None = None,
    writer: ReportWriter | None = None,
) -> list[Path]:
    """Reports of a level for each scored year asked for, in ``formats`` (:mod:`.reports.outputs`);
    with ``edition``, that year's alone, from the rows the edition holds (a published edition's
    frozen copy: :func:`editions.edition_rows`). A year's report shows the plan targets' progress
    on the data up to that year, so an earlier year's report does not quote later data. With the
    caller's ``writer`` (both levels' PDFs typeset while the next level is laid out), the
    writer's languages and formats apply, and what it writes is in ``writer.paths`` once the
    caller's ``with`` block ends, not in the list."""
    from innovation_monitor.scoring.targets import target_progress, target_series

    def read(table: str, years: list[int] | None = None) -> pl.DataFrame:
        if edition is None:
            return warehouse.read(con, table, years=years, level=level)
        return editions.edition_rows(con, table, level=level, edition=edition, years=years)

    if edition is not None:
        years = [edition]
    scores = read("scores")
    scored_years = sorted(scores["year"].unique().to_list())
    wanted = [y for y in scored_years if years is None or y in set(years)]
    values = read("indicator_values")
    rankings = read("rankings")
    imputations = read("imputations", wanted)
    quality = read("validation_results", wanted)
    quarantine = read("quarantine", wanted)
    sources = read("sources", wanted)
    evaluations = read("evaluations", wanted)
    province_index = read("province_index")
    statistics = read("statistics")
    insight = {name: read(name, wanted) for name in ("rank_intervals", "strengths", "drivers")}
    stored = {name: warehouse.read(con, name) for name in ("editions", "builds")}
    series = target_series(statistics, values, system, registry)
    unsourced = sorted(set(wanted) - set(sources["year"].to_list()))
    if unsourced:
        raise DataError(
            f"{level} scores of {', '.join(map(str, unsourced))} have no source file in the "
            "warehouse (table sources); no report is written for figures that cannot be traced "
            "to their files: run innovation-monitor run on the data folder again"
        )
    paths: list[Path] = []
    active = writer or ReportWriter(out_dir, langs, formats)
    with nullcontext() if writer else active:
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
                imputations=imputations,
                quality=quality,
                quarantine=quarantine,
                evaluations=evaluations,
                target_progress=target_progress(
                    system.targets, series.filter(pl.col("year") <= year)
                ),
                province_index=province_index,
            )
            report = with_insight(report, **insight, scores=scores)
            of_year = pl.col("year") == year
            active.write(
                report,
                framework=system.frameworks[level],
                tables=WorkbookTables(statistics.filter(of_year), quality.filter(of_year)),
                provenance=report_provenance(
                    year, level, sources=sources, validation=quality, **stored
                ),
            )
            if level == "county":  # for the comprehensive county evaluation
                rows = county_evaluation_rows(
                    rankings, scores, registry, system.frameworks[level], year
                )
                notice = [notice_line(report)]
                paths += write_county_evaluation(rows, Path(out_dir) / str(year), notice)
    return ([] if writer else active.paths) + paths


def publish_edition(
    con: duckdb.DuckDBPyConnection,
    system: IndicatorSystem,
    level: str,
    edition: int,
    indicators_file: Path | str,
    out_dir: Path | str,
) -> StageSummary:
    """Freeze the draft of a level as ``edition`` (see :mod:`innovation_monitor.editions`)."""
    published = editions.publish(
        con,
        system.frameworks[level],
        level=level,
        edition=edition,
        indicators_file=Path(indicators_file),
        out_dir=Path(out_dir),
    )
    return StageSummary(
        f"{level} edition {edition} published: data years "
        f"{published.data_years[0]}–{published.data_years[-1]}, {len(published.inputs)} input "
        f"files, reports kept in {Path(out_dir) / editions.EDITIONS_DIR / str(edition)}",
        {"edition": edition, "inputs": len(published.inputs), "reports": len(published.reports)},
    )
