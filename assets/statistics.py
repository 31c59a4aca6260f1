"""Raw statistics into the warehouse: the division registry and each level's yearbook files.

Thin by design: the work is done by ``innovation_monitor.stages``; these definitions only give
it a place in the asset graph, resources and metadata for the UI.
"""

from collections.abc import Iterator

import dagster as dg

from assets.metadata import WAREHOUSE_POOL, materialized, table_definition, table_rows
from assets.partitions import DATA_YEARS, ONE_RUN, run_years
from assets.resources import MonitorSettings, WarehouseResource
from assets.sources import framework, level_files
from innovation_monitor import stages

#: checks that read another level's statistics run after every other ready step (Dagster's
#: ``dagster/priority``), so in a run of both lanes the city totals the county sums are compared
#: with are already loaded; an upstream dependency instead would let a failed city check skip
#: the county lane
_READS_CITY_TOTALS = {"county"}


@dg.asset(
    group_name="warehouse",
    kinds={"duckdb"},
    pool=WAREHOUSE_POOL,
    metadata=table_definition("divisions"),
)
def divisions(settings: MonitorSettings, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Every city and county-level unit with its valid data years and successors (区划)."""
    with warehouse.get_connection() as con:
        count = stages.load_divisions(con, settings.registry)
    return dg.MaterializeResult(metadata={"dagster/row_count": count})


def statistics_asset(level: str) -> tuple[dg.AssetsDefinition, dg.AssetChecksDefinition]:
    """``{level}_statistics`` (the level's files only) and its two checks."""
    sums = ", county sums against the city totals" if level in _READS_CITY_TOTALS else ""

    @dg.asset(
        name=f"{level}_statistics",
        deps=[divisions, level_files[level], framework],
        group_name=level,
        kinds={"duckdb", "polars"},
        pool=WAREHOUSE_POOL,
        partitions_def=DATA_YEARS,
        backfill_policy=ONE_RUN,
        metadata=table_definition("statistics"),
    )
    def statistics(
        context: dg.AssetExecutionContext, settings: MonitorSettings, warehouse: WarehouseResource
    ) -> dg.MaterializeResult:
        """The level's yearbook tables (CSV/Excel) read, cleaned and converted; unusable cells
        quarantined. Replaces the level's slices of statistics, quarantine and sources for the
        run's data years."""
        with warehouse.get_connection() as con:
            summary = stages.load_statistics(
                con,
                settings.data_dir,
                settings.system,
                settings.registry,
                run_years(context),
                levels=[level],
            )
            return materialized(
                context, summary, table_rows(con, "statistics", level, run_years(context))
            )

    @dg.multi_asset_check(
        name=f"{level}_statistics_checks",
        specs=[
            dg.AssetCheckSpec(
                "valid",
                asset=statistics,
                blocking=True,
                description=f"Blocking rules from indicators.yaml over the {level} statistics, "
                "per year (Great Expectations): no unusable quarantined cell (unless the run "
                "accepts them), keys, units valid in the year, ranges, whole counts, shares, a "
                "part not above its whole. The same rules as innovation-monitor validate.",
            ),
            dg.AssetCheckSpec(
                "warnings",
                asset=statistics,
                description=f"Warnings over the {level} statistics, per year: declared gaps and "
                "incomplete variables (imputed when scoring), implausible changes on the "
                f"previous year{sums}.",
            ),
        ],
        pool=WAREHOUSE_POOL,
        op_tags={"dagster/priority": "-1"} if level in _READS_CITY_TOTALS else None,
    )
    def checks(
        context: dg.AssetCheckExecutionContext,
        settings: MonitorSettings,
        warehouse: WarehouseResource,
    ) -> Iterator[dg.AssetCheckResult]:
        with warehouse.get_connection() as con:
            report = stages.check_statistics(
                con,
                settings.system,
                settings.registry,
                level,
                run_years(context),
                accept_quarantine=settings.accept_quarantine,
                run_id=context.run.run_id,
            )
        yield dg.AssetCheckResult(
            check_name="valid",
            passed=report.blocking.success,
            metadata=report.blocking.to_metadata(),
        )
        yield dg.AssetCheckResult(
            check_name="warnings",
            passed=not report.warnings.failures,
            severity=dg.AssetCheckSeverity.WARN,
            metadata=report.warnings.to_metadata(),
        )

    return statistics, checks
