"""Rank changes against the previous scored year, on this year's boundaries.

Published previous ranks count units that are gone: after 莱芜市 merged into 济南市 every city
ranked below Laiwu would climb one place for free. So the previous year is re-ranked (ties
"min", by index score) with one entry per unit of this year. Where the methodology scores each
year on its own, the previous year is re-scored from restated statistics on this year's
boundaries (Jinan with Laiwu's 2018 figures, ``restated``): every unit, the merged one too, is
compared with that panel's score and rank. Otherwise each entry holds the best previous score
among the units its territory came from: a unit mapped one-to-one (same code, or a recode such
as 莱城区 → 莱芜区) keeps its own score and is compared with it, merged units count once so a
merger moves nobody else, and the merged unit itself gets no change (Shandong has mergers only,
docs/divisions.md).
"""

import math
from collections.abc import Mapping
from typing import Any

import polars as pl

from innovation_monitor.divisions import DivisionRegistry
from innovation_monitor.scoring.schemas import RANK_CHANGE_SCHEMA


def rank_changes(
    index: pl.DataFrame,
    registry: DivisionRegistry,
    level: str,
    restated: Mapping[int, Mapping[str, float]] | None = None,
) -> pl.DataFrame:
    """Every unit-year of a level's index scores (``year, region_code, score, rank``) compared
    with the previous year that has index scores (see the module docstring). ``restated``
    holds, by year, the previous year's index re-scored on that year's boundaries (Jinan with
    Laiwu for 2018), the previous score of a merged unit."""
    years = sorted(index.get_column("year").unique().to_list())
    rows: list[dict[str, Any]] = []
    for previous_year, year in zip([None, *years], years, strict=False):
        now = index.filter(pl.col("year") == year)
        before = None if previous_year is None else index.filter(pl.col("year") == previous_year)
        again = (restated or {}).get(year, {})
        changes = _year_changes(now, before, previous_year, year, registry, level, again)
        _add_score_change(changes, now, before, again)
        rows += changes
    return pl.DataFrame(rows, schema=RANK_CHANGE_SCHEMA, orient="row")


def _add_score_change(
    rows: list[dict[str, Any]],
    now: pl.DataFrame,
    previous: pl.DataFrame | None,
    restated: Mapping[str, float],
) -> None:
    """Set ``previous_score`` and ``score_change``: the unit's (or its predecessor's) own
    previous score, or for a merged unit its restated previous score."""
    if previous is None:
        return
    before = {
        code: _score(score) for code, score in previous.select("region_code", "score").iter_rows()
    }
    scores = {code: _score(score) for code, score in now.select("region_code", "score").iter_rows()}
    for row in rows:
        code = row["region_code"]
        if row["merged_from"]:
            earlier = restated.get(code)
        elif row["is_new"]:
            earlier = None
        else:
            earlier = before.get(row["predecessor_code"] or code)
        row["previous_score"] = _score(earlier)
        score = _score(scores.get(code))
        if row["previous_score"] is not None and score is not None:
            row["score_change"] = score - row["previous_score"]


def _rank(value: Any) -> int | None:
    return None if value is None or math.isnan(float(value)) else int(value)


def _score(value: Any) -> float | None:
    return None if value is None or math.isnan(float(value)) else float(value)


def _year_changes(
    now: pl.DataFrame,
    previous: pl.DataFrame | None,
    previous_year: int | None,
    year: int,
    registry: DivisionRegistry,
    level: str,
    rescored: Mapping[str, float],
) -> list[dict[str, Any]]:
    """The change rows of one year against ``previous`` (None: the first year); ``rescored``:
    the previous year's index re-scored on this year's boundaries (empty: not re-scored)."""
    ranks = {code: _rank(rank) for code, rank in now.select("region_code", "rank").iter_rows()}

    def unchanged(code: str) -> dict[str, Any]:
        """A row with nothing to compare (the first year, or before the checks below)."""
        return {
            **dict.fromkeys(RANK_CHANGE_SCHEMA),
            "year": year,
            "region_code": code,
            "previous_year": previous_year,
            "merged_from": [],
            "is_new": False,
            "previous_rank_restated": False,
        }

    if previous is None or previous_year is None:
        return [unchanged(code) for code in ranks]
    published = {
        code: _rank(rank) for code, rank in previous.select("region_code", "rank").iter_rows()
    }
    scored = {
        code: number
        for code, score, rank in previous.select("region_code", "score", "rank").iter_rows()
        if rank is not None and (number := _score(score)) is not None
    }
    successors: dict[str, list[str]] = {}
    predecessors: dict[str, list[str]] = {}
    for old, new in registry.crosswalk(previous_year, year, level).iter_rows():
        successors.setdefault(old, []).append(new)
        predecessors.setdefault(new, []).append(old)
    restated = dict(rescored) or {
        new: max(found)
        for new, olds in predecessors.items()
        if (found := [scored[old] for old in olds if old in scored])
    }
    rank_before = {
        code: 1 + sum(other > score for other in restated.values())
        for code, score in restated.items()
    }
    rows = []
    for code, rank in ranks.items():
        row = unchanged(code)
        olds = predecessors.get(code, [])
        if len(olds) > 1 or (olds and successors[olds[0]] != [code]):
            row["merged_from"] = sorted(olds)
            if rescored:  # its previous rank as the restated panel ranks it
                _set_previous_rank(row, rank, rank_before.get(code), restated=True)
        elif not olds or olds[0] not in published:
            row["is_new"] = True
        else:
            (source,) = olds
            previous_rank = rank_before.get(code)
            _set_previous_rank(row, rank, previous_rank, previous_rank != published[source])
            if source != code:
                row["predecessor_code"] = source
        rows.append(row)
    return rows


def _set_previous_rank(
    row: dict[str, Any], rank: int | None, previous_rank: int | None, restated: bool
) -> None:
    """``previous_rank``, whether it differs from the published one, and ``rank_change``."""
    row["previous_rank"] = previous_rank
    row["previous_rank_restated"] = restated
    if rank is not None and previous_rank is not None:
        row["rank_change"] = previous_rank - rank
