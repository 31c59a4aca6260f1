"""Tiers (梯队): the methodology's bands applied to each year's index ranks.

A tier depends on a unit's index rank, the number of ranked units that year and, for score
bands, its index score, so it is assigned once per scoring run and stored with the ranks.
"""

import polars as pl

from innovation_monitor.framework import INDEX_CODE, MonitoringFramework
from innovation_monitor.scoring.schemas import TIERS_SCHEMA


def assign_tiers(scores: pl.DataFrame, framework: MonitoringFramework) -> pl.DataFrame:
    """The tier (梯队) of each unit in each year from its index rank, by the methodology's bands."""
    index = scores.filter((pl.col("node") == INDEX_CODE) & pl.col("rank").is_not_null())
    if not framework.tiers or index.is_empty():
        return pl.DataFrame(schema=TIERS_SCHEMA)
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
    return pl.DataFrame(rows, schema=TIERS_SCHEMA).sort("year", "region_code")
