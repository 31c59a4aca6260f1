"""Restate older years on current boundaries, so a monitoring series is comparable over time.

Extensive variables (totals) are summed along the registry's crosswalk; intensive ones (per-capita
income and the like) become population-weighted means of the merged units; indicators are then
recomputed from the restated variables (a ratio of sums, never a mean of ratios). Laiwu's 2016
figures, for example, are added into Jinan's when the series is read on 2019+ boundaries.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl

from innovation_monitor.divisions.registry import DivisionRegistry
from innovation_monitor.errors import DataError

if TYPE_CHECKING:
    from innovation_monitor.framework import IndicatorSystem

KEY = ("region_code", "year", "variable", "value")
"""The long frame ``restate_totals`` takes: one value per region, year and variable."""


def restate_totals(
    values: pl.DataFrame, registry: DivisionRegistry, *, to_year: int, level: str
) -> pl.DataFrame:
    """Sum EXTENSIVE variables of every year onto the units of ``to_year``.

    ``values`` is long: region_code, year, variable, value. A restated value is null when
    one of the units it sums is missing or null, so a merger never undercounts silently.
    Ratios and other intensive variables are not summed: they are recomputed from the
    restated extensive variables by the indicator formulas.
    """
    missing = [c for c in KEY if c not in values.columns]
    if missing:
        raise DataError(
            f"restate: values lack column(s) {', '.join(missing)}; expected {', '.join(KEY)}"
        )
    values = values.select(KEY).with_columns(pl.col("value").cast(pl.Float64))
    if values.is_empty():
        return values
    duplicated = values.filter(values.select(KEY[:3]).is_duplicated())
    if not duplicated.is_empty():
        row = duplicated.row(0, named=True)
        raise DataError(
            f"restate: region {row['region_code']}, year {row['year']}, variable "
            f"{row['variable']} appears more than once; expected one value per key"
        )
    years = sorted(values["year"].unique().to_list())
    later = [y for y in years if y > to_year]
    if later:
        raise DataError(
            f"restate to {to_year} boundaries: values include later year(s) "
            f"{', '.join(map(str, later))}; restate onto the latest year instead"
        )
    walk = pl.concat(
        [registry.crosswalk(y, to_year, level).with_columns(year=pl.lit(y)) for y in years]
    ).with_columns(pl.col("year").cast(values.schema["year"]))
    split = walk.filter(pl.col("from_code").is_duplicated().over("year"))
    if not split.is_empty():
        row = split.row(0, named=True)
        raise DataError(
            f"restate: unit {row['from_code']} of {row['year']} was split between several "
            f"units of {to_year}; extensive values cannot be apportioned"
        )
    joined = values.join(
        walk, left_on=["year", "region_code"], right_on=["year", "from_code"], how="left"
    )
    unknown = joined.filter(pl.col("to_code").is_null())
    if not unknown.is_empty():
        row = unknown.row(0, named=True)
        raise DataError(
            f"restate: region code {row['region_code']} is not a {level}-level unit in "
            f"data year {row['year']} (variable {row['variable']})"
        )
    parts = walk.group_by("year", "to_code").agg(pl.len().alias("parts"))
    return (
        joined.group_by("year", "to_code", "variable")
        .agg(
            pl.col("value").sum().alias("total"),
            pl.col("value").is_not_null().sum().alias("present"),
        )
        .join(parts, on=["year", "to_code"])
        .select(
            pl.col("to_code").alias("region_code"),
            "year",
            "variable",
            pl.when(pl.col("present") == pl.col("parts"))
            .then(pl.col("total"))
            .otherwise(None)
            .alias("value"),
        )
        .sort("year", "region_code", "variable")
    )


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
    restated = restate_totals(summable, registry, to_year=to_year, level=level)
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
    # imported here: indicators needs the framework, whose loader needs this package (LEVELS)
    from innovation_monitor.indicators import compute_indicators

    restated = restate_statistics(statistics, system, registry, to_year=to_year, level=level)
    return compute_indicators(restated, system.frameworks[level])
