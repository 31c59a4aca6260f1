"""The indicator system as typed, frozen objects: what ``indicators.yaml`` defines.

Framework-as-data for the rest of the system: :class:`Variable` for ingestion and validation,
:class:`MonitoringFramework` for indicator computation and (through
:mod:`innovation_monitor.framework.engine`) the scoring engine, and :class:`Target` /
:class:`Baseline` for the real plan figures. The objects check their own invariants (unique
codes, indicators under known pillars, safe formulas); the file-level checks live in
:mod:`innovation_monitor.framework.load`.
"""

from __future__ import annotations

import functools
import math
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from innovation_monitor.divisions.registry import PROVINCE_CODE
from innovation_monitor.errors import DataError, FrameworkError
from innovation_monitor.framework.formulas import Formula
from innovation_monitor.framework.unit_types import UnitTypes
from innovation_monitor.text import fold

INDEX_CODE = "Index"
DEFAULT_YEAR_ON_YEAR = (0.2, 5.0)
"""Plausible factor of change on the previous year: a value read in a unit ten times too small
or too large (千元 for 万元) falls outside, real growth of small counts and new firms inside."""
DEFAULT_COUNTY_SUM = (0.6, 1.05)
"""Plausible sum of a city's counties as a share of the city total: development zones report
apart from the counties (the sum may fall well short), rounding lets it exceed a little."""
UNIT_MEASURES: dict[str, tuple[str, float]] = {
    "万元": ("元", 1.0e4),
    "元": ("元", 1.0),
    "万人": ("人", 1.0e4),
    "人": ("人", 1.0),
    "人年": ("人", 1.0),  # a full-time equivalent is at most one person
    "万户": ("户", 1.0e4),
    "件": ("件", 1.0),
    "个": ("个", 1.0),
    "家": ("个", 1.0),
    "万吨标准煤": ("吨标准煤", 1.0e4),
    "%": ("%", 1.0),
}
"""Each canonical unit as (what it counts, how many of that): which variables can be compared,
e.g. R&D person-years (人年) with employed persons (万人 = 10 000 人)."""
_COMPARISONS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
}


@dataclass(frozen=True)
class Variable:
    """One yearbook statistic, stored in its canonical ``unit``."""

    code: str
    name_zh: str
    name_en: str
    aliases: tuple[str, ...]
    unit: str
    units: dict[str, float] = field(hash=False)
    kind: str
    levels: tuple[str, ...]
    range: tuple[float, float] | None
    integer: bool
    ranges: dict[str, tuple[float, float]] = field(default_factory=dict, hash=False)
    """Plausible range per level; :attr:`range` is their envelope."""
    at_most: tuple[str, ...] = ()
    """Variables this one cannot exceed (a part of them), compared in a common unit."""
    year_on_year: tuple[float, float] = DEFAULT_YEAR_ON_YEAR
    """Plausible factor of change on the same unit's previous year."""
    county_sum: tuple[float, float] | None = None
    """Plausible sum of a city's counties as a share of its total (extensive variables of both
    levels); None: not compared."""

    def factor(self, unit: str) -> float:
        """Factor that converts a value in ``unit`` into the canonical unit."""
        try:
            return self.units[unit]
        except KeyError:
            raise DataError(
                f"variable {self.code} ({self.name_zh}): unit {unit!r} is not accepted; "
                f"expected one of {sorted(self.units)}"
            ) from None

    def range_for(self, level: str) -> tuple[float, float] | None:
        """Plausible range at ``level`` (city magnitudes differ from county ones)."""
        return self.ranges.get(level, self.range)

    @property
    def is_share(self) -> bool:
        """A percentage of a whole: within 0–100 by definition."""
        return self.unit == "%"

    def scale_of(self, other: Variable) -> float:
        """Factor converting a value of ``other`` into this variable's unit, so that the two can
        be compared (万人 into 人年: 10 000); FrameworkError if they count different things."""
        mine, theirs = UNIT_MEASURES.get(self.unit), UNIT_MEASURES.get(other.unit)
        if mine is None or theirs is None or mine[0] != theirs[0]:
            raise FrameworkError(
                f"variable {self.code} ({self.unit}) cannot be compared with {other.code} "
                f"({other.unit}): the units count different things"
            )
        return theirs[1] / mine[1]


@dataclass(frozen=True)
class Pillar:
    """A pillar (创新资源, 企业创新, ...): an aggregate of indicators under the index."""

    code: str
    name_zh: str
    name_en: str
    weight: float


@dataclass(frozen=True)
class Indicator:
    """One indicator: a formula over variables, with direction, weight and pillar."""

    code: str
    name_zh: str
    name_en: str
    formula: str
    unit: str
    direction: int
    weight: float
    pillar: str
    rationale_zh: str
    rationale_en: str
    target: str | None = None
    """Id of the target on this indicator whose value is the iMeta ``Target``."""
    target_value: float | None = None
    expression: Formula = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        try:
            parsed = Formula.parse(self.formula)
        except FrameworkError as err:
            raise FrameworkError(f"indicator {self.code}: {err}") from None
        object.__setattr__(self, "expression", parsed)

    @property
    def variables(self) -> frozenset[str]:
        """Variable codes the formula reads."""
        return self.expression.variables


@dataclass(frozen=True)
class Tier:
    """A band of the ranking (第一梯队 ...). At most one bound; none = takes the rest."""

    code: str
    name_zh: str
    name_en: str
    max_rank: int | None = None
    max_rank_share: float | None = None
    min_score: float | None = None

    @property
    def bound(self) -> str | None:
        """Which bound the tier uses, or None for the catch-all last tier."""
        for name in ("max_rank", "max_rank_share", "min_score"):
            if getattr(self, name) is not None:
                return name
        return None

    def admits(self, rank: int, n_units: int, score: float | None = None) -> bool:
        """Whether a unit ranked ``rank`` of ``n_units`` (with ``score``) falls in this tier."""
        if self.max_rank is not None:
            return rank <= self.max_rank
        if self.max_rank_share is not None:
            return rank <= math.ceil(self.max_rank_share * n_units - 1e-9)
        if self.min_score is not None:
            return score is not None and not math.isnan(score) and score >= self.min_score
        return True


@dataclass(frozen=True)
class AdvancedRule:
    """One way to be an advanced unit (先进市) of an evaluation period: in ``tier`` on the
    period's ranking, or among the ``top`` largest improvements over the period."""

    rule: str  # "tier" or "improvement"
    tier: str | None = None
    top: int | None = None

    @property
    def code(self) -> str:
        return f"tier:{self.tier}" if self.rule == "tier" else f"improvement:{self.top}"


@dataclass(frozen=True)
class Evaluation:
    """The evaluation cycle (评价周期): ``period`` years ranked together on their mean index
    (``rank_on: mean``) or on its change over the period (``improvement``), which the period's
    tiers and the advanced units (at most ``advanced_max``) are decided on."""

    period: int
    rank_on: str = "mean"
    advanced_rules: tuple[AdvancedRule, ...] = ()
    advanced_max: int | None = None


@dataclass(frozen=True)
class Methodology:
    """Scoring-engine build steps (``[{step: {params}}]``), the tiers of the ranking, and how a
    new edition treats the years an earlier one published: ``edition_goalposts`` ``pooled``
    (fit the pooled steps on every data year: earlier years are re-estimated) or ``frozen``
    (fit them on the latest published edition's years and transform the new years with that
    fit, so the published years keep their scores)."""

    steps: tuple[Mapping[str, Any], ...] = ()
    tiers: tuple[Tier, ...] = ()
    edition_goalposts: str = "pooled"
    reference: str | None = None
    """``province``: the province joins the panel as the reference unit (see
    :attr:`reference_units`)."""
    evaluation: Evaluation | None = None
    """The evaluation cycle, if the level has one."""
    types: UnitTypes | None = None
    """The unit types ranked, tiered and imputed together (分类评价), if the level has them."""
    province_base_year: int | None = None
    """The base year (= 100) of the province's own index, if the level shows it."""
    uncertainty: Mapping[str, Any] | None = None
    """The uncertainty analysis spec of the level's ranks (checked when it is run)."""

    @property
    def reference_units(self) -> tuple[str, ...]:
        """Units scored with the panel as its reference (the province, 370000) but never ranked,
        tiered or stored as units."""
        return (PROVINCE_CODE,) if self.reference == "province" else ()

    def tier_for(self, rank: int, n_units: int, score: float | None = None) -> Tier:
        """The first tier (best first) that admits the unit."""
        for tier in self.tiers:
            if tier.admits(rank, n_units, score):
                return tier
        raise FrameworkError(
            f"no tier admits rank {rank} of {n_units} (score {score}); the last tier must have "
            "no bound"
        )


@dataclass(frozen=True, eq=False)
class MonitoringFramework:
    """The indicator tree of one level (city or county), with its methodology."""

    level: str
    name_zh: str
    name_en: str
    pillars: list[Pillar]
    indicators: list[Indicator]
    methodology: Methodology = field(default_factory=Methodology)
    index_name_zh: str = "综合指数"
    index_name_en: str = "Composite index"

    def __post_init__(self) -> None:
        pillar_codes = [p.code for p in self.pillars]
        codes = [INDEX_CODE, *pillar_codes, *(i.code for i in self.indicators)]
        twice = sorted({c for c in codes if codes.count(c) > 1})
        if twice:
            raise FrameworkError(
                f"framework {self.level}: code(s) {twice} used more than once (the index is "
                f"{INDEX_CODE!r}; pillar and indicator codes must all differ)"
            )
        for ind in self.indicators:
            if ind.pillar not in pillar_codes:
                raise FrameworkError(
                    f"framework {self.level}: indicator {ind.code} is under pillar "
                    f"{ind.pillar!r}, which is not one of {pillar_codes}"
                )
        empty = [p for p in pillar_codes if not any(i.pillar == p for i in self.indicators)]
        if empty:
            raise FrameworkError(f"framework {self.level}: pillar(s) {empty} have no indicator")

    @property
    def tiers(self) -> list[Tier]:
        """Tiers of the ranking, best first."""
        return list(self.methodology.tiers)

    @property
    def variables(self) -> frozenset[str]:
        """Every variable code some indicator reads."""
        return frozenset().union(*(i.variables for i in self.indicators))

    def find_indicator(self, text: str) -> Indicator:
        """The indicator a person asks for by code or name (Chinese or English); DataError
        listing the level's indicators."""
        for ind in self.indicators:
            if text.strip() in (ind.code, ind.name_zh, ind.name_en):
                return ind
        listed = ", ".join(f"{i.code} ({i.name_zh})" for i in self.indicators)
        raise DataError(
            f"indicator {text!r} is not in the {self.level} framework of indicators.yaml; "
            f"expected one of {listed} / 该层级指标体系中没有此指标"
        )

    def indicator(self, code: str) -> Indicator:
        """The indicator ``code``; FrameworkError naming the framework if unknown."""
        for ind in self.indicators:
            if ind.code == code:
                return ind
        raise FrameworkError(f"framework {self.level} has no indicator {code!r}")

    def indicators_of(self, pillar: str) -> list[Indicator]:
        """The indicators of one pillar, in file order."""
        return [i for i in self.indicators if i.pillar == pillar]


@dataclass(frozen=True)
class Source:
    """Where a plan figure comes from: the document and the sentence that states it."""

    title_zh: str
    title_en: str
    seed: str
    """File name in ``../shared/seeds``."""
    quote_zh: str


@dataclass(frozen=True)
class PlanValue:
    """A figure from a plan for one scope (the province, a city or a county) and year."""

    id: str
    scope_code: str
    scope_name_zh: str
    scope_name_en: str
    level: str
    """``province``, ``city`` or ``county``."""
    indicator: str | None
    variable: str | None
    year: int
    value: float
    unit: str
    canonical_value: float
    """``value`` in the indicator's unit, or in the variable's canonical unit."""
    source: Source
    note: str | None = None

    @property
    def measure(self) -> str:
        """The indicator or variable code the figure is about."""
        return self.indicator if self.indicator is not None else str(self.variable)


@dataclass(frozen=True)
class Baseline(PlanValue):
    """An observed value a plan starts from (e.g. Jiaozhou 2020)."""


@dataclass(frozen=True)
class Target(PlanValue):
    """A plan target: the actual value must satisfy ``actual <comparison> value``."""

    comparison: str = ">="

    def is_met(self, actual: float | None) -> bool:
        """Whether ``actual`` (in the canonical unit) meets the target; missing → False."""
        if actual is None or math.isnan(actual):
            return False
        return _COMPARISONS[self.comparison](actual, self.canonical_value)


SHANDONG = ("山东省", "Shandong")
"""The region of a framework file without ``region`` (zh, en)."""


@dataclass(frozen=True, eq=False)
class IndicatorSystem:
    """Everything ``indicators.yaml`` defines."""

    path: Path
    variables: dict[str, Variable]
    frameworks: dict[str, MonitoringFramework]
    targets: list[Target]
    baselines: list[Baseline] = field(default_factory=list)
    #: the region monitored, as report titles name it (``region`` in the framework file)
    region: tuple[str, str] = SHANDONG

    def target(self, target_id: str) -> Target:
        """The target with id ``target_id``."""
        for tgt in self.targets:
            if tgt.id == target_id:
                return tgt
        raise FrameworkError(f"{self.path}: no target with id {target_id!r}")

    @functools.cached_property
    def _spellings(self) -> dict[str, Variable]:
        """Normalised code, name and aliases → variable (unique: checked on load)."""
        return {
            fold(spelling): var
            for var in self.variables.values()
            for spelling in (var.code, var.name_zh, *var.aliases)
        }

    def match_variable(self, text: str) -> Variable | None:
        """The variable whose code, name or alias a yearbook header names (after
        :func:`innovation_monitor.text.fold`), or None."""
        return self._spellings.get(fold(text))
