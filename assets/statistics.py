"""Raw statistics into the warehouse: the division registry and every yearbook file.

Thin by design: the work is done by ``innovation_monitor.monitoring``; these definitions only give
it a place in the asset graph, resources and metadata for the UI.
"""

import dagster as dg
from dagster_duckdb import DuckDBResource

from innovation_monitor import monitoring
from pipelines.resources import MonitorSettings

LEVELS = ("city", "county")


@dg.asset(group_name="warehouse", kinds={"duckdb"})
def divisions(settings: MonitorSettings, warehouse: DuckDBResource) -> dg.MaterializeResult:
    """Every city and county-level unit with its valid data years and successors (区划)."""
    with warehouse.get_connection() as con:
        count = monitoring.load_divisions(con, settings.registry)
    return dg.MaterializeResult(metadata={"units": count})


@dg.asset(deps=[divisions], group_name="warehouse", kinds={"duckdb", "polars"})
def statistics(
    context: dg.AssetExecutionContext, settings: MonitorSettings, warehouse: DuckDBResource
) -> dg.MaterializeResult:
    """Yearbook tables (CSV/Excel) read, cleaned and converted; unusable cells quarantined."""
    with warehouse.get_connection() as con:
        summary = monitoring.load_statistics(
            con, settings.data_dir, settings.system, settings.registry, settings.year_list()
        )
    context.log.info(summary.describe())
    return dg.MaterializeResult(metadata=summary.metadata())


def _statistics_check(level: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=statistics,
        name=f"{level}_statistics_valid",
        blocking=True,
        description=f"Great Expectations suite from indicators.yaml over the {level} statistics "
        "(ranges, whole counts, units valid in each year, unique keys).",
    )
    def check(settings: MonitorSettings, warehouse: DuckDBResource) -> dg.AssetCheckResult:
        with warehouse.get_connection() as con:
            report = monitoring.check_statistics(
                con, settings.system, settings.registry, level, settings.year_list()
            )
        return dg.AssetCheckResult(passed=report.success, metadata=report.to_metadata())

    return check


def _completeness_check(level: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=statistics,
        name=f"{level}_statistics_complete",
        description=f"Every {level} unit valid in a year reports every variable of its level; "
        "gaps are imputed later, so this warns instead of blocking.",
    )
    def check(settings: MonitorSettings, warehouse: DuckDBResource) -> dg.AssetCheckResult:
        with warehouse.get_connection() as con:
            report = monitoring.check_completeness(
                con, settings.system, settings.registry, level, settings.year_list()
            )
        return dg.AssetCheckResult(
            passed=report.success,
            severity=dg.AssetCheckSeverity.WARN,
            metadata=report.to_metadata(),
        )

    return check


statistics_checks = [make(level) for level in LEVELS for make in (_statistics_check, _completeness_check)]
