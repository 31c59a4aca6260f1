"""Raw statistics into the warehouse: the division registry and every yearbook file.

Thin by design: the work is done by ``innovation_monitor.stages``; these definitions only give
it a place in the asset graph, resources and metadata for the UI.
"""

from collections.abc import Iterator

import dagster as dg

from assets.metadata import materialized
from assets.resources import MonitorSettings, WarehouseResource
from innovation_monitor import stages
from innovation_monitor.divisions import LEVELS


@dg.asset(group_name="warehouse", kinds={"duckdb"})
def divisions(settings: MonitorSettings, warehouse: WarehouseResource) -> dg.MaterializeResult:
    """Every city and county-level unit with its valid data years and successors (区划)."""
    with warehouse.get_connection() as con:
        count = stages.load_divisions(con, settings.registry)
    return dg.MaterializeResult(metadata={"units": count})


@dg.asset(deps=[divisions], group_name="warehouse", kinds={"duckdb", "polars"})
def statistics(
    context: dg.AssetExecutionContext, settings: MonitorSettings, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    """Yearbook tables (CSV/Excel) read, cleaned and converted; unusable cells quarantined."""
    with warehouse.get_connection() as con:
        summary = stages.load_statistics(
            con, settings.data_dir, settings.system, settings.registry, settings.year_list()
        )
    return materialized(context, summary)


def _statistics_checks(level: str) -> dg.AssetChecksDefinition:
    @dg.multi_asset_check(
        name=f"{level}_statistics_checks",
        specs=[
            dg.AssetCheckSpec(
                f"{level}_statistics_valid",
                asset=statistics,
                blocking=True,
                description=f"Blocking rules from indicators.yaml over the {level} statistics, "
                "per year (Great Expectations): no unusable quarantined cell (unless the run "
                "accepts them), keys, units valid in the year, ranges, whole counts, shares, a "
                "part not above its whole. The same rules as innovation-monitor validate.",
            ),
            dg.AssetCheckSpec(
                f"{level}_statistics_warnings",
                asset=statistics,
                description=f"Warnings over the {level} statistics, per year: declared gaps and "
                "incomplete variables (imputed when scoring), implausible changes on the "
                "previous year, county sums against the city totals.",
            ),
        ],
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
                settings.year_list(),
                accept_quarantine=settings.accept_quarantine,
                run_id=context.run.run_id,
            )
        yield dg.AssetCheckResult(
            check_name=f"{level}_statistics_valid",
            passed=report.blocking.success,
            metadata=report.blocking.to_metadata(),
        )
        yield dg.AssetCheckResult(
            check_name=f"{level}_statistics_warnings",
            passed=not report.warnings.failures,
            severity=dg.AssetCheckSeverity.WARN,
            metadata=report.warnings.to_metadata(),
        )

    return checks


statistics_checks = [_statistics_checks(level) for level in LEVELS]
