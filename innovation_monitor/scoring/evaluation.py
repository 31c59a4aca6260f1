"""The evaluation cycle (评价周期) and the advanced units (先进市) of an edition.

The seed policy asks for evaluation cycles that avoid short-term, frequent evaluation and for
priority support to the advanced cities. The annual monitoring still ranks every year; the
evaluation ranks the units of the edition year on the last ``period`` data years together:
their mean index (``rank_on: mean``), or the change of the index from the first to the last year
of the period (``improvement``). The period's tier uses the level's tier bands on that measure
and rank. An advanced unit meets one of the rules (in a given tier, or among the ``top`` largest
improvements); they are listed best period rank first, at most ``max``, each with the rule it met.
"""

from typing import Any

import polars as pl

from innovation_monitor.framework import INDEX_CODE, MonitoringFramework
from innovation_monitor.scoring.schemas import EVALUATIONS_SCHEMA


def _min_ranks(values: list[float | None]) -> list[int | None]:
    """Ranks, highest first, ties "min"; None stays unranked."""
    present = sorted((v for v in values if v is not None), reverse=True)
    first: dict[float, int] = {}
    for position, value in enumerate(present, start=1):
        first.setdefault(value, position)
    return [None if v is None else first[v] for v in values]


def evaluate_period(scores: pl.DataFrame, framework: MonitoringFramework) -> pl.DataFrame:
    """The :data:`EVALUATIONS_SCHEMA` rows of the edition (the latest year of ``scores``) for
    the units ranked that year; empty without an evaluation cycle in the methodology."""
    spec = framework.methodology.evaluation
    index = scores.filter(pl.col("node") == INDEX_CODE)
    if spec is None or index.is_empty():
        return pl.DataFrame(schema=EVALUATIONS_SCHEMA)
    edition = int(index["year"].max())  # type: ignore[arg-type]
    years = range(edition - spec.period + 1, edition + 1)
    held = sorted(set(index["year"].to_list()) & set(years))
    units = index.filter(pl.col("year") == edition, pl.col("rank").is_not_null())[
        "region_code"
    ].to_list()
    series = {
        (code, year): score
        for code, year, score in index.select("region_code", "year", "score").iter_rows()
    }
    rows: list[dict[str, Any]] = []
    for code in units:
        known = [series[code, y] for y in held if series.get((code, y)) is not None]
        first, last = series.get((code, held[0])), series.get((code, edition))
        rows.append(
            {
                "year": edition,
                "level": framework.level,
                "region_code": code,
                "period_start": held[0],
                "period_end": edition,
                "years_scored": len(known),
                "period_mean": sum(known) / len(known) if known else None,
                "improvement": None if first is None or last is None else last - first,
            }
        )
    measure = "period_mean" if spec.rank_on == "mean" else "improvement"
    for row, rank in zip(rows, _min_ranks([r[measure] for r in rows]), strict=True):
        row["period_rank"] = rank
        row["period_tier"] = (
            framework.methodology.tier_for(rank, len(rows), row[measure]).code
            if rank is not None and framework.tiers
            else None
        )
    by_improvement = _min_ranks([r["improvement"] for r in rows])
    for row, improvement_rank in zip(rows, by_improvement, strict=True):
        met = [
            rule.code
            for rule in spec.advanced_rules
            if (rule.rule == "tier" and row["period_tier"] == rule.tier)
            or (
                rule.rule == "improvement"
                and improvement_rank is not None
                and rule.top is not None
                and improvement_rank <= rule.top
            )
        ]
        row["advanced_rule"] = met[0] if met else None
    candidates = sorted(
        (r for r in rows if r["advanced_rule"]),
        key=lambda r: (r["period_rank"] is None, r["period_rank"] or 0, r["region_code"]),
    )
    chosen = {r["region_code"] for r in candidates[: spec.advanced_max or len(candidates)]}
    for row in rows:
        row["advanced"] = row["region_code"] in chosen
        if not row["advanced"]:
            row["advanced_rule"] = None
    return pl.DataFrame(rows, schema=EVALUATIONS_SCHEMA, orient="row").sort(
        "period_rank", "region_code", nulls_last=True
    )
