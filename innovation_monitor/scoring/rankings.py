"""The rankings of a level: one row per scored unit-year, computed once when scoring.

Index rank, tier, rank within the parent city and the rank change against the previous year on
this year's boundaries are analytics of the scores, not of a report's layout: the scoring stage
stores them in the warehouse table ``rankings`` so that reports, notebooks and the Dagster UI
show the same numbers.
"""

from collections.abc import Mapping

import polars as pl

from innovation_monitor.divisions import DivisionRegistry
from innovation_monitor.framework import INDEX_CODE
from innovation_monitor.scoring.rank_change import rank_changes
from innovation_monitor.scoring.schemas import RANKINGS_SCHEMA, TYPE_SCORES_SCHEMA


def build_rankings(
    scores: pl.DataFrame,
    tiers: pl.DataFrame,
    registry: DivisionRegistry,
    level: str,
    restated: Mapping[int, Mapping[str, float]] | None = None,
    type_scores: pl.DataFrame | None = None,
    type_tiers: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """The ``rankings`` rows of ``level`` from its scores (every year) and tiers.

    ``rank`` is the index rank as scored (ties share it); ``parent_code`` and ``rank_in_parent``
    (ties "min" among the ranked units of the city) are set for county-level units only; the
    type columns come from ``type_scores`` and ``type_tiers``
    (:mod:`~innovation_monitor.scoring.classified`; NULL without); the change columns from
    :func:`~innovation_monitor.scoring.rank_change.rank_changes`.
    """
    index = scores.filter((pl.col("level") == level) & (pl.col("node") == INDEX_CODE)).select(
        "year", "region_code", "score", "rank"
    )
    if index.is_empty():
        return pl.DataFrame(schema=RANKINGS_SCHEMA)
    codes = sorted(index.get_column("region_code").unique().to_list())
    county = level == "county"
    parents = pl.DataFrame(
        {
            "region_code": codes,
            "parent_code": [registry.get(code).parent_code if county else None for code in codes],
        },
        schema={"region_code": pl.String, "parent_code": pl.String},
    )
    in_parent = pl.col("rank").rank("min").over("year", "parent_code")
    by_type = (
        pl.DataFrame(schema=TYPE_SCORES_SCHEMA) if type_scores is None else type_scores
    ).select("year", "region_code", "unit_type", "type_score", "rank_in_type")
    type_tier = (
        pl.DataFrame(schema={"year": pl.Int64, "region_code": pl.String, "tier_in_type": pl.String})
        if type_tiers is None
        else type_tiers
    )
    return (
        index.join(
            tiers.filter(pl.col("level") == level).select("year", "region_code", "tier"),
            on=["year", "region_code"],
            how="left",
        )
        .join(parents, on="region_code", how="left")
        .join(by_type, on=["year", "region_code"], how="left")
        .join(type_tier, on=["year", "region_code"], how="left")
        .with_columns(
            pl.lit(level).alias("level"),
            (in_parent if county else pl.lit(None)).alias("rank_in_parent"),
        )
        .join(
            rank_changes(index, registry, level, restated),
            on=["year", "region_code"],
            how="left",
        )
        .select(list(RANKINGS_SCHEMA))
        .cast(pl.Schema(RANKINGS_SCHEMA))
        .sort("year", "region_code")
    )
