"""What-if: the smallest change of one raw statistic of a unit that moves it up one rank, or into
the next tier, everything else fixed — found by re-scoring, and proved by re-scoring.

The unit's statistic (by default the variable an indicator's formula reads first, its
numerator) is multiplied by a factor; the level is scored again from the changed statistics the
way the scoring stage scores it (the province reference recomputed from the summed statistics,
pooled goalposts refitted, so "everything else fixed" means every other figure, not every other
score). The factor grows geometrically until the goal is met, then bisection narrows it to
``tolerance``. The answer is checked twice: re-scored with the factor found, the unit meets the
goal; with a change 1 % smaller, it does not. A goal the statistic cannot reach within
``max_factor`` (or by going down to zero) is an error that says so.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from innovation_monitor.divisions import DivisionRegistry
from innovation_monitor.errors import DataError
from innovation_monitor.framework import INDEX_CODE, IndicatorSystem, MonitoringFramework
from innovation_monitor.indicators import compute_indicators
from innovation_monitor.scoring.classified import unit_type_map
from innovation_monitor.scoring.panel import score_panel, scores_each_year_alone, with_reference
from innovation_monitor.scoring.tiers import assign_tiers

RANK, TIER = "rank", "tier"


@dataclass(frozen=True)
class Standing:
    """A unit's index score, rank and tier in one scoring."""

    score: float
    rank: int
    tier: str | None


@dataclass(frozen=True)
class WhatIf:
    """The answer: the statistic's value now and the value that meets the goal, the factor
    between them, and the unit's standing now, with that value and with a change 1 % smaller."""

    region_code: str
    year: int
    indicator: str
    variable: str
    goal: str
    value: float
    needed: float
    factor: float
    now: Standing
    after: Standing
    short: Standing

    @property
    def change(self) -> float:
        """The change of the statistic, as a share of its value (0.12 = +12 %)."""
        return self.factor - 1.0


def default_variable(framework: MonitoringFramework, indicator: str) -> str:
    """The variable the indicator's formula reads first (its numerator, as written)."""
    ind = framework.indicator(indicator)
    found = {v: m.start() for v in ind.variables if (m := re.search(rf"\b{v}\b", ind.formula))}
    return min(found, key=found.__getitem__)


def what_if(
    statistics: pl.DataFrame,
    system: IndicatorSystem,
    registry: DivisionRegistry,
    framework: MonitoringFramework,
    *,
    region_code: str,
    year: int,
    indicator: str,
    goal: str = RANK,
    variable: str | None = None,
    tolerance: float = 1e-4,
    max_factor: float = 100.0,
) -> WhatIf:
    """The smallest change of ``variable`` of ``region_code`` in ``year`` that meets ``goal``
    (``rank``: up one rank at least; ``tier``: into a better tier), see the module docstring.
    ``statistics`` are the level's statistics of every year the scoring pools."""
    name = variable or default_variable(framework, indicator)
    if name not in framework.indicator(indicator).variables:
        raise DataError(f"indicator {indicator} does not read variable {name!r}")
    if goal not in (RANK, TIER):
        raise DataError(f"goal {goal!r}: expected {RANK} or {TIER}")
    pooled = (
        statistics
        if not scores_each_year_alone(framework)
        else statistics.filter(pl.col("year") == year)
    )
    cell = (
        (pl.col("year") == year)
        & (pl.col("region_code") == region_code)
        & (pl.col("variable") == name)
    )
    found = pooled.filter(cell)
    if found.is_empty() or found["value"][0] is None:
        raise DataError(f"{region_code} has no value of {name} in {year} to change")
    value = float(found["value"][0])

    def standing(factor: float) -> Standing:
        changed = pooled.with_columns(
            pl.when(cell).then(pl.col("value") * factor).otherwise(pl.col("value")).alias("value")
        )
        return _standing(changed, system, registry, framework, region_code, year)

    now = standing(1.0)
    meets = _goal(now, goal, framework)
    up = standing(1.01).score >= now.score  # which way the statistic raises the index
    factor = _search(standing, meets, up, tolerance, max_factor, f"{region_code} {year} {name}")
    short = 1.0 + 0.99 * (factor - 1.0)
    return WhatIf(
        region_code,
        year,
        indicator,
        name,
        goal,
        value,
        value * factor,
        factor,
        now,
        standing(factor),
        standing(short),
    )


def _goal(now: Standing, goal: str, framework: MonitoringFramework) -> Callable[[Standing], bool]:
    """Whether a standing meets the goal, from ``now``."""
    if goal == RANK:
        if now.rank == 1:
            raise DataError("the unit is first already: no rank above it")
        return lambda s: s.rank < now.rank
    codes = [t.code for t in framework.tiers]
    if not codes or now.tier is None:
        raise DataError(f"the {framework.level} methodology has no tiers")
    if now.tier == codes[0]:
        raise DataError("the unit is in the first tier already")
    place = codes.index(now.tier)
    return lambda s: s.tier is not None and codes.index(s.tier) < place


def _search(
    standing: Callable[[float], Standing],
    meets: Callable[[Standing], bool],
    up: bool,
    tolerance: float,
    max_factor: float,
    what: str,
) -> float:
    """The smallest factor (largest, going down) meeting the goal, within ``tolerance``."""
    inside, outside = 1.0, None
    step = 0.01
    while outside is None:
        trial = 1.0 + step if up else max(0.0, 1.0 - step)
        if meets(standing(trial)):
            outside = trial
        elif (up and trial >= max_factor) or (not up and trial == 0.0):
            limit = f"× {max_factor:g}" if up else "down to 0"
            raise DataError(f"{what}: no change up to {limit} meets the goal")
        else:
            inside, step = trial, step * 2
    while abs(outside - inside) > tolerance * max(1.0, abs(inside)):
        middle = (inside + outside) / 2
        if meets(standing(middle)):
            outside = middle
        else:
            inside = middle
    return outside


def _standing(
    statistics: pl.DataFrame,
    system: IndicatorSystem,
    registry: DivisionRegistry,
    framework: MonitoringFramework,
    region_code: str,
    year: int,
) -> Standing:
    """The unit's index score, rank and tier when the level is scored from ``statistics``."""
    values = with_reference(
        compute_indicators(statistics, framework), statistics, system, framework
    )
    types = unit_type_map(framework, registry, values["region_code"].unique().to_list())
    scores = score_panel(values, framework, types=types).scores
    index = scores.filter(
        pl.col("node") == INDEX_CODE, pl.col("year") == year, pl.col("region_code") == region_code
    )
    if index.is_empty() or index["rank"][0] is None:
        raise DataError(f"{region_code} has no index rank in {year}")
    tiers = assign_tiers(scores.filter(pl.col("year") == year), framework)
    tier = tiers.filter(pl.col("region_code") == region_code)["tier"]
    return Standing(float(index["score"][0]), int(index["rank"][0]), tier[0] if len(tier) else None)
