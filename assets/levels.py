"""One lane per level (cities, counties): statistics → indicators → scores → reports, each with
its checks.

One factory builds the same lane for both levels. No step of one lane depends on a step of the
other, so a county problem skips only county steps; the lanes share the division registry, the
framework and the data folder's manifest upstream. Scores and reports carry the framework's hash
as their ``code_version``: after ``indicators.yaml`` changes the UI marks them stale.
"""

from pathlib import Path

import dagster as dg

from assets.metadata import (
    WAREHOUSE_POOL,
    materialized,
    reports_materialized,
    table_definition,
    table_rows,
)
from assets.partitions import DATA_YEARS, ONE_RUN, run_years
from assets.resources import MonitorSettings, WarehouseResource
from assets.sources import FRAMEWORK_VERSION, framework, level_files
from assets.statistics import divisions, statistics_asset
from innovation_monitor import insight, stages
from innovation_monitor.divisions import LEVELS


def lane(level: str) -> tuple[list[dg.AssetsDefinition], list[dg.AssetChecksDefinition]]:
    """The statistics, indicator, score and report assets of one level, and their checks."""
    statistics, statistics_checks = statistics_asset(level)

    @dg.asset(
        name=f"{level}_indicators",
        deps=[statistics, framework],
        group_name=level,
        kinds={"duckdb"},
        pool=WAREHOUSE_POOL,
        partitions_def=DATA_YEARS,
        backfill_policy=ONE_RUN,
        code_version=FRAMEWORK_VERSION,
        metadata=table_definition("indicator_values"),
    )
    def indicators(
        context: dg.AssetExecutionContext, settings: MonitorSettings, warehouse: WarehouseResource
    ) -> dg.MaterializeResult:
        """Indicator values computed from the statistics with the formulas in indicators.yaml."""
        with warehouse.get_connection() as con:
            summary = stages.compute_level_indicators(
                con, settings.system, level, run_years(context)
            )
            return materialized(
                context, summary, table_rows(con, "indicator_values", level, run_years(context))
            )

    @dg.asset_check(asset=indicators, name="usable", blocking=True, pool=WAREHOUSE_POOL)
    def indicators_usable(
        context: dg.AssetCheckExecutionContext,
        settings: MonitorSettings,
        warehouse: WarehouseResource,
    ) -> dg.AssetCheckResult:
        """Indicator values are finite, shares within 0–100, and no indicator is missing for too
        many units in any year."""
        with warehouse.get_connection() as con:
            report = stages.check_indicators(
                con,
                settings.system,
                settings.registry,
                level,
                run_years(context),
                accept_quarantine=settings.accept_quarantine,
                run_id=context.run.run_id,
            )
        return dg.AssetCheckResult(passed=report.success, metadata=report.to_metadata())

    @dg.asset(
        name=f"{level}_scores",
        # an edition pools every data year it uses
        deps=[dg.AssetDep(indicators, partition_mapping=dg.AllPartitionMapping())],
        group_name=level,
        kinds={"duckdb"},
        pool=WAREHOUSE_POOL,
        code_version=FRAMEWORK_VERSION,
        metadata=table_definition("scores"),
    )
    def scores(
        context: dg.AssetExecutionContext, settings: MonitorSettings, warehouse: WarehouseResource
    ) -> dg.MaterializeResult:
        """The draft edition (the latest data year, or the one asked for): composite innovation
        index, pillar scores and ranks (methodology in indicators.yaml), and the rankings:
        tiers, ranks within the city, rank changes on current boundaries. A published edition
        is scored again only from its own inputs, and must reproduce its scores."""
        with warehouse.get_connection() as con:
            summary = stages.score_level(
                con,
                settings.system,
                settings.registry,
                level,
                edition=settings.edition_year(),
                framework_sha256=settings.framework_sha256(),
            )
            return materialized(context, summary, table_rows(con, "scores", level))

    @dg.asset_check(asset=scores, name="complete", blocking=True, pool=WAREHOUSE_POOL)
    def scores_complete(
        settings: MonitorSettings, warehouse: WarehouseResource
    ) -> dg.AssetCheckResult:
        """Every unit valid in a scored year has an index score and a rank."""
        with warehouse.get_connection() as con:
            report = stages.check_scores(con, settings.registry, level)
        return dg.AssetCheckResult(passed=report.success, metadata=report.to_metadata())

    @dg.asset(
        name=f"{level}_insight",
        deps=[scores],
        group_name=level,
        kinds={"duckdb"},
        pool=WAREHOUSE_POOL,
        code_version=FRAMEWORK_VERSION,
        metadata=table_definition("drivers"),
    )
    def analysis(
        context: dg.AssetExecutionContext, settings: MonitorSettings, warehouse: WarehouseResource
    ) -> dg.MaterializeResult:
        """What the scores say beyond the ranks: each indicator's contribution to the index,
        the drivers of every unit's change on the previous year, strengths and weaknesses,
        the statistical coherence audit of indicators, pillars and index, and every rank's
        5–95 % interval under the methodology's uncertainty spec."""
        with warehouse.get_connection() as con:
            summary = insight.analyse_level(con, settings.system, settings.registry, level)
            return materialized(context, summary, table_rows(con, "drivers", level))

    @dg.asset_check(asset=analysis, name="drivers_add_up", blocking=True, pool=WAREHOUSE_POOL)
    def drivers_add_up(warehouse: WarehouseResource) -> dg.AssetCheckResult:
        """The drivers of every compared unit-year add up to its change in index points."""
        with warehouse.get_connection() as con:
            report = insight.check_drivers(con, level)
        return dg.AssetCheckResult(passed=report.success, metadata=report.to_metadata())

    @dg.asset(
        name=f"{level}_reports",
        deps=[scores, analysis],
        group_name=level,
        kinds={"html", "csv"},
        pool=WAREHOUSE_POOL,
        code_version=FRAMEWORK_VERSION,
    )
    def reports(
        context: dg.AssetExecutionContext, settings: MonitorSettings, warehouse: WarehouseResource
    ) -> dg.MaterializeResult:
        """Ranked annual monitoring reports (Chinese and English HTML, CSV ranking) for every
        scored year: pooled goalposts re-estimate all years, so all reports are rewritten (and
        those of years no longer in the data removed) when the run succeeds."""
        out = warehouse.report_dir(settings.output_dir, level)
        with warehouse.get_connection() as con:
            paths = stages.write_level_reports(
                con, settings.system, settings.registry, level, out, formats=settings.formats()
            )
        return reports_materialized(context, paths, out, Path(settings.output_dir))

    assets = [statistics, indicators, scores, analysis, reports]
    return assets, [statistics_checks, indicators_usable, scores_complete, drivers_add_up]


lanes = {level: lane(level) for level in LEVELS}
lane_assets = [asset for assets, _ in lanes.values() for asset in assets]
lane_checks = [check for _, checks in lanes.values() for check in checks]

#: what a run of one lane materializes: the lane and what it shares upstream (observed sources,
#: the division registry); a run of one lane commits on its own (see ``assets.resources``)
LANE_KEYS: dict[str, list[dg.AssetKey]] = {
    level: [
        framework.key,
        level_files[level].key,
        divisions.key,
        *(key for asset in assets for key in asset.keys),
    ]
    for level, (assets, _) in lanes.items()
}
