"""Restate older years on current boundaries, so a monitoring series is comparable over time.

Extensive variables (totals) are summed along the registry's crosswalk; intensive ones (per-capita
income and the like) become population-weighted means of the merged units; indicators are then
recomputed from the restated variables (a ratio of sums, never a mean of ratios). Laiwu's 2016
figures, for example, are added into Jinan's when the series is read on 2019+ boundaries.
"""

import polars as pl

from innovation_monitor.divisions import DivisionRegistry
from innovation_monitor.errors import DataError
from innovation_monitor.indicator_system import IndicatorSystem
from innovation_monitor.indicators import compute_indicators

KEY = ("region_code", "year", "variable", "value")


def restate_statistics(
    statistics: pl.DataFrame,
    system: IndicatorSystem,
    registry: DivisionRegistry,
    *,
    to_year: int,
    level: str,
    weight_variable: str = "population",
) -> pl.DataFrame:
    """Long statistics of ``level`` (year, level, region_code, variable, value) on ``to_year``'s
    units. Intensive variables are weighted by ``weight_variable`` (an extensive variable)."""
    values = statistics.filter(pl.col("level") == level).select(KEY)
    intensive = [code for code, v in system.variables.items() if v.kind == "intensive"]
    if intensive and system.variables[weight_variable].kind != "extensive":
        raise DataError(f"restate: weight variable {weight_variable!r} must be extensive")
    weights = values.filter(pl.col("variable") == weight_variable).select(
        "region_code", "year", pl.col("value").alias("weight")
    )
    # Intensive values enter the sum as value × weight under a temporary name, then are divided
    # by the restated weight.
    weighted = (
        values.filter(pl.col("variable").is_in(intensive))
        .join(weights, on=["region_code", "year"], how="left")
        .select(
            "region_code",
            "year",
            (pl.lit("__weighted__") + pl.col("variable")).alias("variable"),
            (pl.col("value") * pl.col("weight")).alias("value"),
        )
    )
    summable = pl.concat([values.filter(~pl.col("variable").is_in(intensive)), weighted])
    restated = registry.restate(summable, to_year, level)
    restated_weight = restated.filter(pl.col("variable") == weight_variable).select(
        "region_code", "year", pl.col("value").alias("weight")
    )
    means = (
        restated.filter(pl.col("variable").str.starts_with("__weighted__"))
        .join(restated_weight, on=["region_code", "year"], how="left")
        .select(
            "region_code",
            "year",
            pl.col("variable").str.strip_prefix("__weighted__"),
            (pl.col("value") / pl.col("weight")).alias("value"),
        )
    )
    totals = restated.filter(~pl.col("variable").str.starts_with("__weighted__"))
    return (
        pl.concat([totals, means])
        .with_columns(pl.lit(level).alias("level"))
        .select("year", "level", "region_code", "variable", "value")
        .sort("year", "region_code", "variable")
    )


def restated_indicators(
    statistics: pl.DataFrame,
    system: IndicatorSystem,
    registry: DivisionRegistry,
    *,
    to_year: int,
    level: str,
) -> pl.DataFrame:
    """Indicator values of every year recomputed on ``to_year``'s boundaries."""
    restated = restate_statistics(statistics, system, registry, to_year=to_year, level=level)
    return compute_indicators(restated, system.frameworks[level])
