"""Restate older years on current boundaries, so a monitoring series is comparable over time.

Extensive variables (totals) are summed along the registry's crosswalk; intensive ones (per-capita
income and the like) become population-weighted means of the merged units; indicators are then
recomputed from the restated variables (a ratio of sums, never a mean of ratios). Laiwu's 2016
figures, for example, are added into Jinan's when the series is read on 2019+ boundaries.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

import polars as pl

from innovation_monitor.divisions.registry import PROVINCE_CODE, PROVINCE_LEVEL, DivisionRegistry
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
    return _sum_along(values, walk, level=level)


def _sum_along(values: pl.DataFrame, walk: pl.DataFrame, *, level: str) -> pl.DataFrame:
    """``values`` summed per year onto the ``to_code`` of each ``from_code`` of ``walk`` (year,
    from_code, to_code); null where a part is missing or null."""
    values = values.select(KEY).with_columns(pl.col("value").cast(pl.Float64))
    walk = walk.with_columns(pl.col("year").cast(values.schema["year"]))
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
    return _aggregate(
        statistics.filter(pl.col("level") == level).select(KEY),
        system,
        lambda summable: restate_totals(summable, registry, to_year=to_year, level=level),
        weight_variable,
    ).with_columns(pl.lit(level).alias("level"))


def province_statistics(
    statistics: pl.DataFrame,
    system: IndicatorSystem,
    registry: DivisionRegistry,
    *,
    weight_variable: str = "population",
) -> pl.DataFrame:
    """The province's statistics of every year as the sum of its cities' (totals summed,
    intensive variables weighted by ``weight_variable``), with the cities' level, so that the
    city formulas give the province's indicators: a ratio of sums, never a mean of the cities'
    ratios. A total is null when a city lacks it, so a gap never understates the province."""
    values = statistics.filter(pl.col("level") == "city").select(KEY)
    years = sorted(values["year"].unique().to_list())
    walk = pl.DataFrame(
        [(year, d.code, PROVINCE_CODE) for year in years for d in registry.valid_in(year, "city")],
        schema={"year": pl.Int64, "from_code": pl.String, "to_code": pl.String},
        orient="row",
    )
    summed = _aggregate(
        values,
        system,
        lambda summable: _sum_along(summable, walk, level="city"),
        weight_variable,
    ).with_columns(pl.lit("city").alias("level"))
    return _with_own(summed, statistics)


def _with_own(summed: pl.DataFrame, statistics: pl.DataFrame) -> pl.DataFrame:
    """The province's summed statistics with its own figures in their place where the data give
    them (rows of level ``province``: a 全省 row of a city table), since the province's own
    statistics include what no city reports (provincial institutions, the province's own
    budget); variables it does not report stay the cities' sum."""
    own = statistics.filter(
        (pl.col("level") == PROVINCE_LEVEL) & pl.col("value").is_not_null()
    ).select(
        "year",
        pl.lit("city").alias("level"),
        pl.lit(PROVINCE_CODE).alias("region_code"),
        "variable",
        pl.col("value").cast(pl.Float64),
    )
    if own.is_empty():
        return summed
    kept = summed.join(own.select("year", "variable"), on=["year", "variable"], how="anti")
    return pl.concat([kept, own.select(summed.columns)]).sort("year", "variable")


def _aggregate(
    values: pl.DataFrame,
    system: IndicatorSystem,
    total: Callable[[pl.DataFrame], pl.DataFrame],
    weight_variable: str,
) -> pl.DataFrame:
    """Long values summed by ``total`` (totals as they are, an intensive variable as value ×
    weight, divided afterwards by the summed weight): the one rule for merging units."""
    intensive = [code for code, v in system.variables.items() if v.kind == "intensive"]
    if intensive and system.variables[weight_variable].kind != "extensive":
        raise DataError(f"restate: weight variable {weight_variable!r} must be extensive")
    weights = values.filter(pl.col("variable") == weight_variable).select(
        "region_code", "year", pl.col("value").alias("weight")
    )
    # Intensive values enter the sum as value × weight under a temporary name, then are divided
    # by the summed weight.
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
    summed = total(summable)
    summed_weight = summed.filter(pl.col("variable") == weight_variable).select(
        "region_code", "year", pl.col("value").alias("weight")
    )
    means = (
        summed.filter(pl.col("variable").str.starts_with("__weighted__"))
        .join(summed_weight, on=["region_code", "year"], how="left")
        .select(
            "region_code",
            "year",
            pl.col("variable").str.strip_prefix("__weighted__"),
            (pl.col("value") / pl.col("weight")).alias("value"),
        )
    )
    totals = summed.filter(~pl.col("variable").str.starts_with("__weighted__"))
    return (
        pl.concat([totals, means])
        .with_columns(pl.lit(None, pl.String).alias("level"))
        .select("year", "level", "region_code", "variable", "value")
        .sort("year", "region_code", "variable")
    )


def province_indicators(
    statistics: pl.DataFrame, system: IndicatorSystem, *, weight_variable: str = "population"
) -> pl.DataFrame:
    """The province's values of the city indicators (region code 370000): each indicator's
    formula over the sums of its variables (:func:`province_statistics`), every year, across
    the cities that report all of them that year — so a city's gap leaves the province's ratio
    a ratio of sums over the other cities instead of no reference at all — or over the
    province's own figures where ``statistics`` hold them (level ``province``). The column
    ``cities`` says how many cities it rests on (all of them, unless one has a gap)."""
    from innovation_monitor.indicators import compute_indicators

    framework = system.frameworks["city"]
    values = statistics.filter(pl.col("level") == "city").select(KEY)
    present = values.filter(pl.col("value").is_not_null())
    # indicators resting on the same (year, city) rows share one sum: without gaps, all of them
    by_rows: dict[tuple[tuple[int, str], ...], tuple[pl.DataFrame, list[str], set[str]]] = {}
    for indicator in framework.indicators:
        needed = set(indicator.variables)
        if any(system.variables[v].kind == "intensive" for v in needed):
            needed.add(weight_variable)
        complete = (
            present.filter(pl.col("variable").is_in(sorted(needed)))
            .group_by("year", "region_code")
            .agg(pl.col("variable").n_unique().alias("n"))
            .filter(pl.col("n") == len(needed))
            .select("year", "region_code")
            .sort("year", "region_code")
        )
        key = tuple(complete.iter_rows())
        _, codes, variables = by_rows.setdefault(key, (complete, [], set()))
        codes.append(indicator.code)
        variables |= needed
    parts = []
    for complete, codes, variables in by_rows.values():
        walk = complete.select(
            "year", pl.col("region_code").alias("from_code"), to_code=pl.lit(PROVINCE_CODE)
        )
        subset = values.filter(pl.col("variable").is_in(sorted(variables))).join(
            complete, on=["year", "region_code"], how="semi"
        )
        summed = _aggregate(
            subset, system, partial(_sum_along, walk=walk, level="city"), weight_variable
        ).with_columns(pl.lit("city").alias("level"))
        own = statistics.filter(pl.col("variable").is_in(sorted(variables)))
        summed = _with_own(summed, own)
        counted = complete.group_by("year").agg(pl.len().cast(pl.Int64).alias("cities"))
        parts.append(
            compute_indicators(summed, framework)
            .filter(pl.col("indicator").is_in(codes))
            .join(counted, on="year", how="left")
        )
    return pl.concat(parts).sort("year", "indicator") if parts else pl.DataFrame()


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
