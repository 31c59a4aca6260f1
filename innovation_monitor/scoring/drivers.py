"""Drivers of change: a unit's index change between two years split into the indicators' parts.

With arithmetic means at both levels (the shipped methodologies) the index is a sum of parts:
indicator ``i`` of pillar ``p`` contributes ``sₚ · sᵢ · xᵢ``, where ``xᵢ`` is its normalised
score, ``sᵢ = wᵢ / Σ w`` its share of the weight among the pillar's indicators with a score and
``sₚ`` the pillar's share among the pillars with a score (the engine's rescaling over missing
values). The contributions of a unit-year add up to its index; their year-on-year differences
add up to its change in index points, on the scores' own goalposts. A unit is compared with its
own previous year or its predecessor's (a recode); a unit whose boundaries changed has no
comparable previous contributions (its change is measured against a restated panel that is not
stored), so it gets none. Other means are not sums of parts: no decomposition then, and the
scoring summary says why.
"""

from collections.abc import Mapping

import polars as pl

from innovation_monitor.errors import DataError
from innovation_monitor.framework import INDEX_CODE, MonitoringFramework
from innovation_monitor.framework.engine import INDEX, PILLARS, TOLERANCE, aggregations
from innovation_monitor.scoring.schemas import CONTRIBUTIONS_SCHEMA, DRIVERS_SCHEMA

KEY = ["year", "level", "region_code"]


def additive(framework: MonitoringFramework) -> bool:
    """Whether the methodology's pillars and index are arithmetic means (sums of parts)."""
    levels = aggregations(framework)
    return levels[PILLARS].additive and levels[INDEX].additive


def index_contributions(
    scores: pl.DataFrame, framework: MonitoringFramework, weights: Mapping[str, float]
) -> pl.DataFrame:
    """Every indicator's contribution to the index of every unit-year
    (:data:`CONTRIBUTIONS_SCHEMA`); ``weights`` are the node weights the build aggregated with.
    Empty for a methodology that is not additive. A unit-year whose contributions do not add
    up to its stored index is an error: the decomposition would not hold."""
    if not additive(framework) or scores.is_empty():
        return pl.DataFrame(schema=CONTRIBUTIONS_SCHEMA)
    tree = pl.DataFrame(
        {
            "node": [i.code for i in framework.indicators],
            "pillar": [i.pillar for i in framework.indicators],
            "w": [float(weights.get(i.code, 0.0)) for i in framework.indicators],
        }
    )
    pillar_weights = pl.DataFrame(
        {
            "pillar": [p.code for p in framework.pillars],
            "wp": [float(weights.get(p.code, 0.0)) for p in framework.pillars],
        }
    )
    scored = scores.drop_nulls("score")
    indicators = scored.join(tree, on="node").with_columns(
        (pl.col("w") / pl.col("w").sum().over(*KEY, "pillar")).alias("share")
    )
    pillars = (
        scored.join(pillar_weights, left_on="node", right_on="pillar")
        .with_columns((pl.col("wp") / pl.col("wp").sum().over(KEY)).alias("pillar_share"))
        .select(*KEY, pl.col("node").alias("pillar"), "pillar_share")
    )
    parts = (
        indicators.join(pillars, on=[*KEY, "pillar"])  # a pillar without a score adds nothing
        .select(
            *KEY,
            pl.col("node").alias("indicator"),
            "pillar",
            (pl.col("pillar_share") * pl.col("share") * pl.col("score")).alias("contribution"),
        )
        .sort(*KEY, "indicator")
    )
    _check_sums(parts, scored.filter(pl.col("node") == INDEX_CODE), framework.level)
    return parts.select(list(CONTRIBUTIONS_SCHEMA)).cast(pl.Schema(CONTRIBUTIONS_SCHEMA))


def _check_sums(parts: pl.DataFrame, index: pl.DataFrame, level: str) -> None:
    """Refuse contributions that do not add up to the stored index."""
    sums = parts.group_by(KEY).agg(pl.col("contribution").sum().alias("total"))
    off = (
        index.join(sums, on=KEY, how="left")
        .with_columns((pl.col("total").fill_null(0.0) - pl.col("score")).abs().alias("gap"))
        .filter(pl.col("gap") > TOLERANCE * pl.max_horizontal(pl.lit(1.0), pl.col("score").abs()))
    )
    if off.height:
        first = off.row(0, named=True)
        raise DataError(
            f"{level}: the indicators' contributions to the index of {first['region_code']} "
            f"{first['year']} add up to {first['total']} but its index is {first['score']}; "
            "the weights given are not the ones the scores were aggregated with"
        )


def drivers_of_change(contributions: pl.DataFrame, rankings: pl.DataFrame) -> pl.DataFrame:
    """The change of every indicator's contribution between a unit's previous scored year and
    this one (:data:`DRIVERS_SCHEMA`), for the units the rankings compare with their own (or
    their predecessor's) previous score; they add up to ``rankings.score_change``."""
    if contributions.is_empty():
        return pl.DataFrame(schema=DRIVERS_SCHEMA)
    compared = rankings.filter(
        pl.col("previous_year").is_not_null(),
        pl.col("merged_from").list.len() == 0,
        ~pl.col("is_new"),
        pl.col("score_change").is_not_null(),
    ).select(
        *KEY,
        "previous_year",
        pl.coalesce("predecessor_code", "region_code").alias("previous_code"),
    )
    now = contributions.select(*KEY, "indicator", "pillar", "contribution")
    before = contributions.select(
        pl.col("year").alias("previous_year"),
        "level",
        pl.col("region_code").alias("previous_code"),
        "indicator",
        pl.col("contribution").alias("previous_contribution"),
    )
    indicators = contributions.select("indicator", "pillar").unique()
    pairs = compared.join(indicators, how="cross")
    return (
        pairs.join(now, on=[*KEY, "indicator", "pillar"], how="left")
        .join(before, on=["previous_year", "level", "previous_code", "indicator"], how="left")
        .with_columns(
            pl.col("contribution").fill_null(0.0),
            pl.col("previous_contribution").fill_null(0.0),
        )
        .with_columns((pl.col("contribution") - pl.col("previous_contribution")).alias("change"))
        .select(list(DRIVERS_SCHEMA))
        .cast(pl.Schema(DRIVERS_SCHEMA))
        .sort(*KEY, "indicator")
    )


def unexplained_changes(drivers: pl.DataFrame, rankings: pl.DataFrame) -> list[str]:
    """Unit-years whose drivers do not add up to their change in index points (the check of
    the insight asset): ``"2023 370100: drivers add up to 1.2, change 1.3"``."""
    sums = drivers.group_by(KEY).agg(pl.col("change").sum().alias("total"))
    joined = sums.join(rankings.select(*KEY, "score_change"), on=KEY, how="left")
    bad = joined.filter(
        pl.col("score_change").is_null()
        | (
            (pl.col("total") - pl.col("score_change")).abs()
            > TOLERANCE * pl.max_horizontal(pl.lit(1.0), pl.col("score_change").abs())
        )
    ).sort(KEY)
    return [
        f"{row['year']} {row['region_code']}: drivers add up to {row['total']:.12g}, "
        f"change {row['score_change']}"
        for row in bad.iter_rows(named=True)
    ]
