"""Progress towards the plan targets of ``indicators.yaml``: the latest value, the gap, whether the
target was met in its year, and the year the current trend would reach it.

The trend is the compound annual growth of the last ``trend_years`` years that have a value
(the growth rate plans themselves are written in): ``g = (v_last / v_first) ** (1 / years) − 1``.
A target not yet met is reached in ``last_year + ceil(ln(target / v_last) / ln(1 + g))`` when the
series moves towards it, never when it stands still or moves away; a target met in the latest
year has been met since the first year of that unbroken run of met years. Values are in the
target's canonical unit, as the warehouse stores them.
"""

import math
from collections.abc import Iterable

import duckdb
import polars as pl

from innovation_monitor import warehouse
from innovation_monitor.divisions import DivisionRegistry, province_indicators, province_statistics
from innovation_monitor.framework import IndicatorSystem, Target

TREND_YEARS = 3
"""Years of growth the projection follows (the latest value and the values 3 years before)."""

TARGET_PROGRESS_SCHEMA: dict[str, pl.DataType] = {
    "target_id": pl.String(),
    "scope_code": pl.String(),
    "measure": pl.String(),
    "target_year": pl.Int64(),
    "target_value": pl.Float64(),
    "comparison": pl.String(),
    "value_in_target_year": pl.Float64(),
    "met_in_target_year": pl.Boolean(),
    "latest_year": pl.Int64(),
    "latest_value": pl.Float64(),
    "gap": pl.Float64(),
    "met_latest": pl.Boolean(),
    "growth": pl.Float64(),
    "reached_year": pl.Int64(),
    "projected": pl.Boolean(),
}
"""One row per target: ``gap`` is target − latest value (what is still to gain; negative once
exceeded, for a ``<=`` target what is still to shed with the sign flipped), ``growth`` the
trend's yearly rate, ``reached_year`` the year the target was met (``projected`` False) or would
be on the trend (``projected`` True); NULL where the series says nothing."""


def trend_growth(series: dict[int, float], trend_years: int = TREND_YEARS) -> float | None:
    """The compound yearly growth from the value ``trend_years`` before the latest year (or the
    earliest after it) to the latest; None without two positive values."""
    years = sorted(y for y, v in series.items() if v is not None and not math.isnan(v))
    if len(years) < 2:
        return None
    last = years[-1]
    first = next(y for y in years if y >= last - trend_years)
    if first == last or series[first] <= 0 or series[last] <= 0:
        return None
    return float((series[last] / series[first]) ** (1 / (last - first)) - 1)


def reached_year(
    target: Target, series: dict[int, float], trend_years: int = TREND_YEARS
) -> tuple[int | None, bool]:
    """The year since which ``target`` has been met, or the year it would be on the trend
    (then True); (None, True) when the trend never reaches it or the series is too short."""
    known = {y: v for y, v in series.items() if v is not None and not math.isnan(v)}
    since = None
    for year in sorted(known, reverse=True):
        if not target.is_met(known[year]):
            break
        since = year
    if since is not None:
        return since, False
    growth = trend_growth(known, trend_years)
    if growth is None or growth == 0 or not known:
        return None, True
    last = max(known)
    needed = math.log(target.canonical_value / known[last]) / math.log(1 + growth)
    if needed <= 0:  # moving away from the target
        return None, True
    return last + math.ceil(needed - 1e-12), True


def target_progress(
    targets: Iterable[Target],
    series: pl.DataFrame,
    trend_years: int = TREND_YEARS,
) -> pl.DataFrame:
    """A :data:`TARGET_PROGRESS_SCHEMA` row per target from ``series`` (``scope_code, measure,
    year, value``: the indicator or variable the target is on, for its scope)."""
    rows = []
    for target in targets:
        mine = series.filter(
            (pl.col("scope_code") == target.scope_code) & (pl.col("measure") == target.measure)
        ).drop_nulls("value")
        values = dict(zip(mine["year"].to_list(), mine["value"].to_list(), strict=True))
        latest = max(values) if values else None
        in_year = values.get(target.year)
        reached, projected = reached_year(target, values, trend_years)
        sign = -1.0 if target.comparison in ("<=", "<") else 1.0
        rows.append(
            {
                "target_id": target.id,
                "scope_code": target.scope_code,
                "measure": target.measure,
                "target_year": target.year,
                "target_value": target.canonical_value,
                "comparison": target.comparison,
                "value_in_target_year": in_year,
                "met_in_target_year": None if in_year is None else target.is_met(in_year),
                "latest_year": latest,
                "latest_value": None if latest is None else values[latest],
                "gap": None if latest is None else sign * (target.canonical_value - values[latest]),
                "met_latest": None if latest is None else target.is_met(values[latest]),
                "growth": trend_growth(values, trend_years),
                "reached_year": reached,
                "projected": projected if reached is not None else None,
            }
        )
    return pl.DataFrame(rows, schema=TARGET_PROGRESS_SCHEMA, orient="row")


def target_series(
    statistics: pl.DataFrame,
    values: pl.DataFrame,
    system: IndicatorSystem,
    registry: DivisionRegistry,
) -> pl.DataFrame:
    """Every series a target of ``system`` can be on (``scope_code, measure, year, value``): the
    units' indicator values and statistics, and the province's, from the sum of its cities'
    statistics (see :mod:`innovation_monitor.divisions.restatement`)."""
    province_values = province_indicators(statistics, system)
    province_stats = province_statistics(statistics, system, registry)
    parts = [
        values.select("region_code", "indicator", "year", "value"),
        province_values.select("region_code", "indicator", "year", "value"),
        statistics.select("region_code", pl.col("variable").alias("indicator"), "year", "value"),
        province_stats.select(
            "region_code", pl.col("variable").alias("indicator"), "year", "value"
        ),
    ]
    return pl.concat(
        [
            part.select(
                pl.col("region_code").alias("scope_code"),
                pl.col("indicator").alias("measure"),
                pl.col("year").cast(pl.Int64),
                pl.col("value").cast(pl.Float64),
            )
            for part in parts
            if part.height
        ]
    ).unique(["scope_code", "measure", "year"], keep="first")


def warehouse_progress(
    con: duckdb.DuckDBPyConnection, system: IndicatorSystem, registry: DivisionRegistry
) -> pl.DataFrame:
    """:func:`target_progress` of every target of ``system`` on the warehouse's statistics and
    indicator values (the ``targets`` command)."""
    statistics = warehouse.read(con, "statistics")
    values = warehouse.read(con, "indicator_values")
    return target_progress(system.targets, target_series(statistics, values, system, registry))
