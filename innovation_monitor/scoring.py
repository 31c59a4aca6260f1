"""The composite engine applied to one level's panel of indicator values.

All years of a level are scored together so that the methodology's pooled goalposts make scores
comparable across years; ranks are then taken within each year (ties "min", higher is better),
which is how the monitoring report ranks units.
"""

import polars as pl

from innovation_monitor.composite.build import run_build
from innovation_monitor.composite.framework import Framework
from innovation_monitor.errors import FrameworkError
from innovation_monitor.indicator_system import MonitoringFramework
from innovation_monitor.indicators import indicator_matrix

SCORES_SCHEMA = {
    "year": pl.Int64,
    "level": pl.String,
    "region_code": pl.String,
    "node": pl.String,
    "score": pl.Float64,
    "rank": pl.Int64,
}


def score_panel(values: pl.DataFrame, framework: MonitoringFramework) -> pl.DataFrame:
    """Scores of every unit-year at every node: the index, each pillar and each indicator
    (its normalised score), with the rank of the unit within its year."""
    if values.is_empty():
        return pl.DataFrame(schema=SCORES_SCHEMA)
    data = indicator_matrix(values, framework)
    engine = Framework.from_imeta(
        framework.to_imeta(), source=f"indicators.yaml ({framework.level})"
    )
    build = run_build(data, engine, framework.build_steps)
    if build.results is None:
        raise FrameworkError(
            f"indicators.yaml methodology.{framework.level}: the steps never aggregate; "
            "add an aggregate step"
        )
    wide = pl.from_pandas(build.results.scores)
    nodes = [c for c in wide.columns if c not in ("uCode", "Time")]
    return (
        wide.unpivot(index=["uCode", "Time"], on=nodes, variable_name="node", value_name="score")
        .select(
            pl.col("Time").cast(pl.Int64).alias("year"),
            pl.lit(framework.level).alias("level"),
            pl.col("uCode").cast(pl.String).alias("region_code"),
            "node",
            pl.col("score").cast(pl.Float64).fill_nan(None),
        )
        .with_columns(
            pl.col("score")
            .rank(method="min", descending=True)
            .over("year", "node")
            .cast(pl.Int64)
            .alias("rank")
        )
        .sort("year", "node", "rank", "region_code", nulls_last=True)
        .select(list(SCORES_SCHEMA))
    )


def assign_tiers(scores: pl.DataFrame, framework: MonitoringFramework) -> pl.DataFrame:
    """The tier (梯队) of each unit in each year from its index rank, by the methodology's bands."""
    schema = {"year": pl.Int64, "level": pl.String, "region_code": pl.String, "tier": pl.String}
    index = scores.filter((pl.col("node") == "Index") & pl.col("rank").is_not_null())
    if not framework.tiers or index.is_empty():
        return pl.DataFrame(schema=schema)
    sizes = index.group_by("year").len("n")
    rows = [
        {
            "year": row["year"],
            "level": framework.level,
            "region_code": row["region_code"],
            "tier": framework.methodology.tier_for(row["rank"], row["n"], row["score"]).code,
        }
        for row in index.join(sizes, on="year").iter_rows(named=True)
    ]
    return pl.DataFrame(rows, schema=schema).sort("year", "region_code")
