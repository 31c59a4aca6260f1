"""Strengths and weaknesses (优势与短板) of every unit-year, as COINr's ``get_str_weak`` and the
European Innovation Scoreboard's country profiles list them.

A strength is an indicator on which the unit ranks clearly better than on the index, a weakness
one on which it ranks clearly worse: relative to the unit's own standing, as the EIS profiles
mean them (the first city's weakness may be a 5th place). "Clearly" is a gap of at least
``min_gap`` of the ranked units (a quarter: 4 places of 16 cities, 34 of 136 counties).
Indicators that take too few distinct values that year to rank on (``min_distinct``, COINr's
``unq_discard``: a yes/no indicator ties half the units) are left out. At most ``top`` of
each, best (worst) rank first.
"""

from dataclasses import dataclass

import polars as pl

from innovation_monitor.framework import INDEX_CODE, MonitoringFramework
from innovation_monitor.scoring.schemas import STRENGTHS_SCHEMA

STRENGTH, WEAKNESS = "strength", "weakness"


@dataclass(frozen=True)
class StrengthRule:
    """How many strengths and weaknesses to list and how clear they must be."""

    top: int = 3
    min_gap: float = 0.25
    min_distinct: int = 5


def strengths_and_weaknesses(
    scores: pl.DataFrame, framework: MonitoringFramework, rule: StrengthRule = StrengthRule()
) -> pl.DataFrame:
    """The :data:`STRENGTHS_SCHEMA` rows of every ranked unit-year of ``scores``."""
    codes = [i.code for i in framework.indicators]
    index = scores.filter(pl.col("node") == INDEX_CODE, pl.col("rank").is_not_null()).select(
        "year", "level", "region_code", pl.col("rank").alias("index_rank")
    )
    if index.is_empty():
        return pl.DataFrame(schema=STRENGTHS_SCHEMA)
    units = index.group_by("year").len("units")
    ranked = (
        scores.filter(pl.col("node").is_in(codes), pl.col("rank").is_not_null())
        .with_columns(pl.col("score").n_unique().over("year", "node").alias("distinct"))
        .filter(pl.col("distinct") >= rule.min_distinct)
        .join(index, on=["year", "level", "region_code"])
        .join(units, on="year")
        .with_columns(
            pl.max_horizontal(
                pl.lit(1), (pl.col("units") * rule.min_gap).ceil().cast(pl.Int64)
            ).alias("gap"),
            pl.col("node").alias("indicator"),
            pl.col("rank").alias("indicator_rank"),
        )
    )
    order = {code: i for i, code in enumerate(codes)}  # ties: the framework's order
    ranked = ranked.with_columns(
        pl.col("indicator").replace_strict(order, return_dtype=pl.Int64).alias("order")
    )
    strong = ranked.filter(pl.col("indicator_rank") <= pl.col("index_rank") - pl.col("gap"))
    weak = ranked.filter(pl.col("indicator_rank") >= pl.col("index_rank") + pl.col("gap"))
    parts = [
        _listed(strong.sort("indicator_rank", "order"), STRENGTH, rule.top),
        _listed(
            weak.sort(["indicator_rank", "order"], descending=[True, False]), WEAKNESS, rule.top
        ),
    ]
    return (
        pl.concat(parts)
        .select(list(STRENGTHS_SCHEMA))
        .cast(pl.Schema(STRENGTHS_SCHEMA))
        .sort("year", "region_code", "kind", "position")
    )


def _listed(candidates: pl.DataFrame, kind: str, top: int) -> pl.DataFrame:
    """The first ``top`` candidates of each unit-year in their order, numbered from 1."""
    return (
        candidates.with_columns(
            (pl.int_range(pl.len()).over("year", "region_code") + 1).alias("position")
        )
        .filter(pl.col("position") <= top)
        .with_columns(pl.lit(kind).alias("kind"), pl.col("position").cast(pl.Int64))
    )
