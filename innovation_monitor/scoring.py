"""The composite engine applied to one level's panel of indicator values.

All years of a level are scored together so that the methodology's pooled goalposts make scores
comparable across years; ranks are within each year (ties "min", higher is better), which is how
the monitoring report ranks units and exactly how the engine's results rank them, so they are
taken from there.
"""

import pandas as pd
import polars as pl

from innovation_monitor.composite.build import run_build
from innovation_monitor.composite.dataset import TIME, UNIT
from innovation_monitor.composite.framework import Framework
from innovation_monitor.errors import FrameworkError
from innovation_monitor.indicator_system import INDEX_CODE, MonitoringFramework
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
    return (
        _long(build.results.scores, "score")
        .join(_long(build.results.ranks, "rank"), on=[UNIT, TIME, "node"], how="left")
        .select(
            pl.col(TIME).cast(pl.Int64).alias("year"),
            pl.lit(framework.level).alias("level"),
            pl.col(UNIT).cast(pl.String).alias("region_code"),
            "node",
            pl.col("score").cast(pl.Float64).fill_nan(None),
            pl.col("rank").cast(pl.Int64),
        )
        .sort("year", "node", "rank", "region_code", nulls_last=True)
        .select(list(SCORES_SCHEMA))
    )


def _long(table: pd.DataFrame, name: str) -> pl.DataFrame:
    """A wide engine table (``uCode, Time``, one column per node) as one row per node."""
    nodes = [c for c in table.columns if c not in (UNIT, TIME)]
    return pl.from_pandas(table).unpivot(
        index=[UNIT, TIME], on=nodes, variable_name="node", value_name=name
    )


def assign_tiers(scores: pl.DataFrame, framework: MonitoringFramework) -> pl.DataFrame:
    """The tier (梯队) of each unit in each year from its index rank, by the methodology's bands."""
    schema = {"year": pl.Int64, "level": pl.String, "region_code": pl.String, "tier": pl.String}
    index = scores.filter((pl.col("node") == INDEX_CODE) & pl.col("rank").is_not_null())
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
