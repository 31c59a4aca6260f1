"""The columns of what scoring produces, which the warehouse stores as ``scores``, ``rankings``
and ``imputations`` (``docs/warehouse.md`` says what each column means).

Kept apart from the engine code so that the warehouse can import them without loading the
composite engine.
"""

import polars as pl

SCORES_SCHEMA: dict[str, pl.DataType] = {
    "year": pl.Int64(),
    "level": pl.String(),
    "region_code": pl.String(),
    "node": pl.String(),
    "score": pl.Float64(),
    "rank": pl.Int64(),
}

TIERS_SCHEMA: dict[str, pl.DataType] = {
    "year": pl.Int64(),
    "level": pl.String(),
    "region_code": pl.String(),
    "tier": pl.String(),
}

RANK_CHANGE_SCHEMA: dict[str, pl.DataType] = {
    "year": pl.Int64(),
    "region_code": pl.String(),
    "previous_year": pl.Int64(),
    "previous_rank": pl.Int64(),
    "rank_change": pl.Int64(),
    "previous_score": pl.Float64(),
    "score_change": pl.Float64(),
    "predecessor_code": pl.String(),
    "merged_from": pl.List(pl.String()),
    "is_new": pl.Boolean(),
    "previous_rank_restated": pl.Boolean(),
}
"""One row per unit-year of the index. ``previous_score``: the previous index score on this
year's boundaries (the unit's own or its predecessor's; for a merged unit, the previous year
re-scored from restated statistics where the methodology scores each year on its own), and
``score_change`` = score − previous score, in index points. ``previous_rank`` on this year's
boundaries and ``rank_change`` = previous rank − rank (positive = climbed; None when either is
missing or the unit is not comparable); ``predecessor_code`` when compared with a unit of
another code; ``merged_from`` the previous units a unit with changed boundaries now holds (its
rank is not comparable); ``is_new`` when the previous year has neither the unit nor a
predecessor; ``previous_rank_restated`` when the previous rank differs from the published one."""

RANKINGS_SCHEMA: dict[str, pl.DataType] = {
    "year": pl.Int64(),
    "level": pl.String(),
    "region_code": pl.String(),
    "rank": pl.Int64(),
    "tier": pl.String(),
    "parent_code": pl.String(),
    "rank_in_parent": pl.Int64(),
    "unit_type": pl.String(),
    "rank_in_type": pl.Int64(),
    **{k: v for k, v in RANK_CHANGE_SCHEMA.items() if k not in ("year", "region_code")},
}
"""One row per unit-year with an index score: the index rank (ties share it), the tier code
(NULL without tiers), the city and the rank within it, the unit's type that year (市辖区, 县级市
or 县, from the registry) and the rank among the units of that type (分类评价), all for
county-level units only (ties "min" among the ranked units), and the rank change columns
above."""

MISSING = "missing"
"""The ``method`` of an ``imputations`` row whose value stayed missing: the aggregation skipped
it and rescaled the weights of the others."""
CARRY_FORWARD = "carry_forward"
"""The ``method`` of a value carried forward from an earlier year of the same unit."""

IMPUTATIONS_SCHEMA: dict[str, pl.DataType] = {
    "year": pl.Int64(),
    "level": pl.String(),
    "region_code": pl.String(),
    "indicator": pl.String(),
    "value": pl.Float64(),
    "method": pl.String(),
    "source": pl.String(),
}
"""One row per indicator value the scores use that was not computed from the unit's own
statistics of that year: ``value`` the value scoring used (NULL when it stayed missing and the
aggregation skipped it), ``method`` the imputation method (``carry_forward``, ``group_median``,
…, or ``missing``), ``source`` where the value came from as ``key=value`` pairs joined by ``"; "``
(``from=2020``; ``from=2019; to=2021``; ``group=370100; n=4``, the group and its units with a
value; ``k=5``; NULL when missing or for a regression)."""

EVALUATIONS_SCHEMA: dict[str, pl.DataType] = {
    "year": pl.Int64(),
    "level": pl.String(),
    "region_code": pl.String(),
    "period_start": pl.Int64(),
    "period_end": pl.Int64(),
    "years_scored": pl.Int64(),
    "period_mean": pl.Float64(),
    "improvement": pl.Float64(),
    "period_rank": pl.Int64(),
    "period_tier": pl.String(),
    "advanced": pl.Boolean(),
    "advanced_rule": pl.String(),
}
"""One row per unit ranked in an edition year (``year``): its evaluation period, the mean index
over the years of the period it was scored in, the index change from the period's first year to
its last, the rank and tier on the methodology's measure, and whether it is an advanced unit
(先进市) with the rule it met (``tier:tier1``, ``improvement:2``)."""
