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
from innovation_monitor.framework import MonitoringFramework, build_steps, imeta_table
from innovation_monitor.indicators import indicator_frame
from innovation_monitor.scoring.schemas import SCORES_SCHEMA


def score_panel(values: pl.DataFrame, framework: MonitoringFramework) -> pl.DataFrame:
    """Scores of every unit-year at every node: the index, each pillar and each indicator
    (its normalised score), with the rank of the unit within its year."""
    if values.is_empty():
        return pl.DataFrame(schema=SCORES_SCHEMA)
    data = indicator_frame(values, framework)
    engine = Framework.from_imeta(
        imeta_table(framework), source=f"indicators.yaml ({framework.level})"
    )
    build = run_build(data, engine, build_steps(framework))
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
