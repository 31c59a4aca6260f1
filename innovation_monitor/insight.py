"""The analysis stage of a level, after scoring and before the reports (Dagster asset
``<level>_insight``): what the stored scores say beyond the ranks, written to the warehouse in one
transaction, and the check that its drivers of change add up. Like :mod:`innovation_monitor.stages`,
one function per asset or check; the analytics themselves are pure functions in
:mod:`innovation_monitor.scoring`.
"""

import duckdb
import polars as pl

from innovation_monitor import warehouse
from innovation_monitor.divisions import DivisionRegistry
from innovation_monitor.divisions.registry import statistics_levels
from innovation_monitor.framework import IndicatorSystem
from innovation_monitor.summaries import CheckResult, StageSummary


def analyse_level(
    con: duckdb.DuckDBPyConnection,
    system: IndicatorSystem,
    registry: DivisionRegistry,
    level: str,
) -> StageSummary:
    """Insight into a level's scores, replacing it for every scored year in one transaction:
    each indicator's contribution to the index and the drivers of each unit's change
    (:mod:`~innovation_monitor.scoring.drivers`), strengths and weaknesses
    (:mod:`~innovation_monitor.scoring.strengths`), the coherence audit
    (:mod:`~innovation_monitor.scoring.coherence`) and the ranks' uncertainty intervals and
    sensitivity (:mod:`~innovation_monitor.scoring.robustness`)."""
    from innovation_monitor.explain.contributions import indicator_panel, weights_used
    from innovation_monitor.scoring.classified import unit_type_map
    from innovation_monitor.scoring.coherence import coherence_audit
    from innovation_monitor.scoring.drivers import additive, drivers_of_change, index_contributions
    from innovation_monitor.scoring.panel import with_reference
    from innovation_monitor.scoring.robustness import rank_intervals
    from innovation_monitor.scoring.strengths import strengths_and_weaknesses

    framework = system.frameworks[level]
    scores = warehouse.read(con, "scores", level=level)
    rankings = warehouse.read(con, "rankings", level=level)
    years = sorted(scores["year"].unique().to_list())
    nodes = set(scores["node"].unique().to_list())
    screened = [i.code for i in framework.indicators if i.code not in nodes]
    weights = weights_used(framework, screened, lambda: indicator_panel(scores, framework))
    contributions = index_contributions(scores, framework, weights.by_node)
    values = warehouse.read(con, "indicator_values", years=years, level=level)
    if framework.methodology.reference is not None:
        statistics = warehouse.read(con, "statistics", years=years, level=statistics_levels(level))
        values = with_reference(values, statistics, system, framework)
    types = unit_type_map(framework, registry, values["region_code"].unique().to_list())
    intervals, sensitivity = rank_intervals(values, framework, types)
    tables = {
        "contributions": contributions,
        "drivers": drivers_of_change(contributions, rankings),
        "strengths": strengths_and_weaknesses(scores, framework),
        "coherence": coherence_audit(scores, framework),
        "rank_intervals": intervals,
        "sensitivity": sensitivity,
    }
    warehouse.replace_slices(con, tables, years=years, levels=[level])
    warehouse.delete_years(con, list(tables), keep=years, level=level)
    flagged = tables["coherence"].filter(pl.col("flag").is_not_null())
    drivers = (
        f"{tables['drivers'].height} driver rows"
        if additive(framework)
        else "no drivers of change (the aggregation is not a sum of parts)"
    )
    return StageSummary(
        f"{level}: insight for {len(years)} years: {drivers}, "
        f"{tables['strengths'].height} strengths and weaknesses, "
        f"{flagged.height} indicator-years flagged by the coherence audit, "
        f"rank intervals of {intervals.height} unit-years",
        {name: frame.height for name, frame in tables.items()},
    )


def check_drivers(con: duckdb.DuckDBPyConnection, level: str) -> CheckResult:
    """The drivers of every compared unit-year add up to its change in index points."""
    from innovation_monitor.scoring.drivers import unexplained_changes

    drivers = warehouse.read(con, "drivers", level=level)
    rankings = warehouse.read(con, "rankings", level=level)
    problems = unexplained_changes(drivers, rankings)
    return CheckResult(not problems, problems)
