"""分类评价: each county-level unit ranked and tiered among the units of its type as well as
province-wide.

A type with weights of its own (``methodology.<level>.types.weights``) gets its own index: the
same normalised indicator scores as the common index (pooled over every unit, so a type's
scores stay on the province's scale), aggregated by the engine with the type's weights. A type
without weights ranks its units on the common index. The province-wide rank always uses the
common index.
"""

from collections.abc import Iterable, Mapping

import pandas as pd
import polars as pl

from innovation_monitor.composite.build import Build, run_build
from innovation_monitor.composite.dataset import TIME, UNIT
from innovation_monitor.divisions import DivisionRegistry
from innovation_monitor.framework import INDEX_CODE, MonitoringFramework
from innovation_monitor.framework.unit_types import UnitType
from innovation_monitor.scoring.schemas import TYPE_SCORES_SCHEMA


def unit_type_map(
    framework: MonitoringFramework, registry: DivisionRegistry, codes: Iterable[str]
) -> dict[str, str] | None:
    """Each unit's type (None: the level is not evaluated by type)."""
    types = framework.methodology.types
    if types is None:
        return None
    return {code: types.type_of(code, registry.get(code).type) for code in codes}


def type_index(
    build: Build,
    units: pd.DataFrame,
    framework: MonitoringFramework,
    types: Mapping[str, str],
) -> pl.DataFrame:
    """Every unit-year's index among its type (:data:`TYPE_SCORES_SCHEMA`): ``units`` are the
    build's results rows of the ranked units; a type with weights is aggregated again from
    their indicator scores with the build's last aggregate step."""
    weights = {t.name_zh: t.weights for t in _types_of(framework) if t.weights}
    kinds = units[UNIT].astype(str).map(types)
    score = units[INDEX_CODE].to_numpy(dtype=float, copy=True)
    steps = [{name: dict(params)} for name, params in build.steps if name == "aggregate"][-1:]
    codes = list(build.framework.indicators)
    for name, own in weights.items():
        rows = (kinds == name).to_numpy()
        if not rows.any() or not steps:
            continue
        engine = build.framework.with_weights(own)
        data = units.loc[rows, [UNIT, TIME, *codes]].reset_index(drop=True)
        again = run_build(data, engine, steps, keep=False).results
        if again is not None:  # one aggregate step: always
            score[rows] = again.scores[INDEX_CODE].to_numpy(dtype=float)
    return (
        pl.DataFrame(
            {
                "year": units[TIME].to_numpy(dtype="int64"),
                "level": framework.level,
                "region_code": units[UNIT].astype(str).tolist(),
                "unit_type": kinds.tolist(),
                "type_score": score,
            }
        )
        .with_columns(pl.col("type_score").fill_nan(None))
        .with_columns(
            # ties "min" among the units of one type and year, as the index ranks
            pl.col("type_score")
            .rank("min", descending=True)
            .over("year", "unit_type")
            .alias("rank_in_type")
        )
        .select(list(TYPE_SCORES_SCHEMA))
        .cast(pl.Schema(TYPE_SCORES_SCHEMA))
        .sort("year", "region_code")
    )


def _types_of(framework: MonitoringFramework) -> tuple[UnitType, ...]:
    types = framework.methodology.types
    return () if types is None else types.types


def type_tiers(type_scores: pl.DataFrame, framework: MonitoringFramework) -> pl.DataFrame:
    """The tier of each unit among its type (``year, region_code, tier_in_type``): the level's
    bands applied to its rank in type, the number of ranked units of the type that year and its
    type score."""
    ranked = type_scores.drop_nulls("rank_in_type")
    if not framework.tiers or ranked.is_empty():
        return pl.DataFrame(
            schema={"year": pl.Int64, "region_code": pl.String, "tier_in_type": pl.String}
        )
    sizes = ranked.group_by("year", "unit_type").len("n")
    rows = [
        (
            row["year"],
            row["region_code"],
            framework.methodology.tier_for(row["rank_in_type"], row["n"], row["type_score"]).code,
        )
        for row in ranked.join(sizes, on=["year", "unit_type"]).iter_rows(named=True)
    ]
    return pl.DataFrame(
        rows,
        schema={"year": pl.Int64, "region_code": pl.String, "tier_in_type": pl.String},
        orient="row",
    )
