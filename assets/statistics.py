"""Raw statistics into the warehouse: the division registry and every yearbook file.

Thin by design: the work is done by ``innovation_monitor.stages``; these definitions only give
it a place in the asset graph, resources and metadata for the UI.
"""

from collections.abc import Iterator

import dagster as dg
from dagster_duckdb import DuckDBResource

from assets.metadata import materialized
from assets.resources import MonitorSettings
from innovation_monitor import stages
from innovation_monitor.divisions import LEVELS


@dg.asset(group_name="warehouse", kinds={"duckdb"})
def divisions(settings: MonitorSettings, warehouse: DuckDBResource) -> dg.MaterializeResult:
    """Every city and county-level unit with its valid data years and successors (区划)."""
    with warehouse.get_connection() as con:
        count = stages.load_divisions(con, settings.registry)
    return dg.MaterializeResult(metadata={"units": count})


@dg.asset(deps=[divisions], group_name="warehouse", kinds={"duckdb", "polars"})
def statistics(
    context: dg.AssetExecutionContext, settings: MonitorSettings, warehouse: DuckDBResource
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
                description=f"Great Expectations suite from indicators.yaml over the {level} "
                "statistics: ranges, whole counts, units valid in each year, unique keys.",
            ),
            dg.AssetCheckSpec(
                f"{level}_statistics_complete",
                asset=statistics,
                description=f"Every {level} unit valid in a year reports every variable of its "
                "level; gaps are imputed when scoring, so this warns instead of blocking.",
            ),
        ],
    )
    def checks(
        settings: MonitorSettings, warehouse: DuckDBResource
    ) -> Iterator[dg.AssetCheckResult]:
        with warehouse.get_connection() as con:
            valid, complete = stages.check_statistics(
                con, settings.system, settings.registry, level, settings.year_list()
            )
        yield dg.AssetCheckResult(
            check_name=f"{level}_statistics_valid",
            passed=valid.success,
            metadata=valid.to_metadata(),
        )
        yield dg.AssetCheckResult(
            check_name=f"{level}_statistics_complete",
            passed=complete.success,
            severity=dg.AssetCheckSeverity.WARN,
            metadata=complete.to_metadata(),
        )

    return checks


statistics_checks = [_statistics_checks(level) for level in LEVELS]
