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
previous rank and score are those of the previous year re-scored from restated statistics,
where the methodology scores each year on its own, else none: not comparable); ``is_new`` when
the previous year has neither the unit nor a predecessor; ``previous_rank_restated`` when the
previous rank differs from the published one."""

TYPE_SCORES_SCHEMA: dict[str, pl.DataType] = {
    "year": pl.Int64(),
    "level": pl.String(),
    "region_code": pl.String(),
    "unit_type": pl.String(),
    "type_score": pl.Float64(),
    "rank_in_type": pl.Int64(),
}
"""One row per unit-year of a level evaluated by type (分类评价): the unit's type, its index
among its type (the common index, or with the type's own weights) and its rank among the units
of that type and year (ties "min")."""

RANKINGS_SCHEMA: dict[str, pl.DataType] = {
    "year": pl.Int64(),
    "level": pl.String(),
    "region_code": pl.String(),
    "rank": pl.Int64(),
    "tier": pl.String(),
    "parent_code": pl.String(),
    "rank_in_parent": pl.Int64(),
    "unit_type": pl.String(),
    "type_score": pl.Float64(),
    "rank_in_type": pl.Int64(),
    "tier_in_type": pl.String(),
    **{k: v for k, v in RANK_CHANGE_SCHEMA.items() if k not in ("year", "region_code")},
}
"""One row per unit-year with an index score: the index rank (ties share it), the tier code
(NULL without tiers), the city and the rank within it (ties "min" among the ranked units), for
county-level units only; for a level evaluated by type (分类评价, ``methodology.<level>.types``)
the unit's type (市辖区, 县级市 or 县 from the registry, or its functional type), its index
among its type, rank and tier among the units of its type (:data:`TYPE_SCORES_SCHEMA`); and
the rank change columns above."""

PROVINCE_INDEX_SCHEMA: dict[str, pl.DataType] = {
    "year": pl.Int64(),
    "level": pl.String(),
    "base_year": pl.Int64(),
    "node": pl.String(),
    "score": pl.Float64(),
}
"""The province's own index against a base year (全省综合科技创新水平指数): one row per year and
node (the index, each pillar, each indicator), ``score`` in % of the base year's (= 100),
higher-is-worse indicators inverted; for a level whose methodology has ``province_index``."""

CONTRIBUTIONS_SCHEMA: dict[str, pl.DataType] = {
    "year": pl.Int64(),
    "level": pl.String(),
    "region_code": pl.String(),
    "indicator": pl.String(),
    "pillar": pl.String(),
    "contribution": pl.Float64(),
}
"""One row per indicator with a score of a unit-year: its part of the unit's index in index
points (pillar share × indicator share × normalised score); a unit-year's parts add up to its
index (arithmetic methodologies only)."""

DRIVERS_SCHEMA: dict[str, pl.DataType] = {
    "year": pl.Int64(),
    "level": pl.String(),
    "region_code": pl.String(),
    "previous_year": pl.Int64(),
    "indicator": pl.String(),
    "pillar": pl.String(),
    "contribution": pl.Float64(),
    "previous_contribution": pl.Float64(),
    "change": pl.Float64(),
}
"""Drivers of change: one row per indicator of a unit-year compared with its previous year (its
own or its predecessor's): the indicator's contribution then and now (0 when it had no score)
and the difference; a unit-year's changes add up to ``rankings.score_change``."""

STRENGTHS_SCHEMA: dict[str, pl.DataType] = {
    "year": pl.Int64(),
    "level": pl.String(),
    "region_code": pl.String(),
    "kind": pl.String(),
    "position": pl.Int64(),
    "indicator": pl.String(),
    "indicator_rank": pl.Int64(),
    "index_rank": pl.Int64(),
    "units": pl.Int64(),
}
"""Strengths and weaknesses (优势与短板): one row per listed indicator of a unit-year; ``kind``
``strength`` or ``weakness``, ``position`` 1 = the strongest (weakest) one, the unit's rank on
the indicator and on the index among ``units`` ranked units that year."""

COHERENCE_SCHEMA: dict[str, pl.DataType] = {
    "year": pl.Int64(),
    "level": pl.String(),
    "node": pl.String(),
    "parent": pl.String(),
    "measure": pl.String(),
    "value": pl.Float64(),
    "flag": pl.String(),
}
"""The statistical coherence audit of a level's year (as the JRC audits the GII): per indicator
its correlation with its pillar and with the index, its importance (share of the pillar's
squared correlations) beside its nominal weight share; per pillar its correlation with the
index, Cronbach's alpha and the share of variance of its first principal component. ``flag``
``negative`` / ``weak`` for an indicator that correlates negatively or weakly with its pillar."""

RANK_INTERVALS_SCHEMA: dict[str, pl.DataType] = {
    "year": pl.Int64(),
    "level": pl.String(),
    "region_code": pl.String(),
    "nominal": pl.Int64(),
    "mean": pl.Float64(),
    "median": pl.Float64(),
    "q05": pl.Float64(),
    "q95": pl.Float64(),
    "mean_abs_shift": pl.Float64(),
    "best": pl.Int64(),
    "worst": pl.Int64(),
}
"""Rank uncertainty (排名区间): one row per ranked unit-year, over the replications of the
methodology's ``uncertainty`` spec: the rank as published (``nominal``), the mean and median
rank, the 5th and 95th percentile rank (linear interpolation), the mean absolute shift from the
nominal rank and the best and worst rank any replication gave."""

SENSITIVITY_SCHEMA: dict[str, pl.DataType] = {
    "year": pl.Int64(),
    "level": pl.String(),
    "input": pl.String(),
    "s1": pl.Float64(),
    "s1_conf": pl.Float64(),
    "st": pl.Float64(),
    "st_conf": pl.Float64(),
}
"""Which methodological choice the ranks are most sensitive to: one row per uncertain input of
the spec (a level's weights, a step's alternatives), for the edition year, with its first-order
and total Sobol indices on the mean absolute rank shift and their 95 % confidence half-widths."""

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
