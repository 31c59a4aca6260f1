"""Per level (cities, counties): indicators → scores → reports, each with its checks.

One factory builds the same three assets for both levels, so the graph shows two parallel lanes
that share the statistics asset.
"""

import dagster as dg

from assets.metadata import materialized
from assets.resources import MonitorSettings, WarehouseResource
from assets.statistics import statistics
from innovation_monitor import stages
from innovation_monitor.divisions import LEVELS


def level_assets(
    level: str,
) -> tuple[list[dg.AssetsDefinition], list[dg.AssetChecksDefinition]]:
    """The indicator, score and report assets of one level, and their checks."""

    @dg.asset(name=f"{level}_indicators", deps=[statistics], group_name=level, kinds={"duckdb"})
    def indicators(
        context: dg.AssetExecutionContext, settings: MonitorSettings, warehouse: WarehouseResource
    ) -> dg.MaterializeResult:
        """Indicator values computed from the statistics with the formulas in indicators.yaml."""
        with warehouse.get_connection() as con:
            summary = stages.compute_level_indicators(
                con, settings.system, level, settings.year_list()
            )
        return materialized(context, summary)

    @dg.asset_check(asset=indicators, name="usable", blocking=True)
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
                settings.year_list(),
                accept_quarantine=settings.accept_quarantine,
                run_id=context.run.run_id,
            )
        return dg.AssetCheckResult(passed=report.success, metadata=report.to_metadata())

    @dg.asset(name=f"{level}_scores", deps=[indicators], group_name=level, kinds={"duckdb"})
    def scores(
        context: dg.AssetExecutionContext, settings: MonitorSettings, warehouse: WarehouseResource
    ) -> dg.MaterializeResult:
        """Composite innovation index, pillar scores and ranks (methodology in indicators.yaml),
        and the rankings: tiers, ranks within the city, rank changes on current boundaries."""
        with warehouse.get_connection() as con:
            summary = stages.score_level(con, settings.system, settings.registry, level)
        return materialized(context, summary)

    @dg.asset_check(asset=scores, name="complete", blocking=True)
    def scores_complete(
        settings: MonitorSettings, warehouse: WarehouseResource
    ) -> dg.AssetCheckResult:
        """Every unit valid in a scored year has an index score and a rank."""
        with warehouse.get_connection() as con:
            report = stages.check_scores(con, settings.registry, level)
        return dg.AssetCheckResult(passed=report.success, metadata=report.to_metadata())

    @dg.asset(name=f"{level}_reports", deps=[scores], group_name=level, kinds={"html", "csv"})
    def reports(
        context: dg.AssetExecutionContext, settings: MonitorSettings, warehouse: WarehouseResource
    ) -> dg.MaterializeResult:
        """Ranked annual monitoring reports (Chinese and English HTML, CSV ranking) for every
        scored year: pooled goalposts re-estimate all years, so all reports are rewritten (and
        those of years no longer in the data removed) when the run succeeds."""
        out = warehouse.report_dir(settings.output_dir, level)
        with warehouse.get_connection() as con:
            paths = stages.write_level_reports(con, settings.system, settings.registry, level, out)
        context.log.info(
            f"{len(paths)} report files for {settings.output_dir}, moved there when the run ends"
        )
        return dg.MaterializeResult(
            metadata={"files": len(paths), "folder": dg.MetadataValue.path(settings.output_dir)}
        )

    return [indicators, scores, reports], [indicators_usable, scores_complete]


level_assets_and_checks = [level_assets(level) for level in LEVELS]
level_asset_definitions = [asset for assets, _ in level_assets_and_checks for asset in assets]
level_check_definitions = [check for _, checks in level_assets_and_checks for check in checks]
