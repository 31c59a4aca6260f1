"""The data of one annual monitoring report: what each section shows, in both languages.

Plain frozen dataclasses, filled by :mod:`innovation_monitor.reports.assembly` from the stored
tables and laid out by :mod:`innovation_monitor.reports.render`, so the HTML and the CSV show
the same values.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from innovation_monitor.reports.labels import SYNTHETIC_BANNER, Bilingual, label
from innovation_monitor.reports.views_insight import ProfileInsight


@dataclass(frozen=True)
class DataNotice:
    """What the data is and where it comes from; ``synthetic`` puts a banner on every page."""

    synthetic: bool
    notice_zh: str
    notice_en: str
    sources: list[str] = field(default_factory=list)

    @property
    def text(self) -> Bilingual:
        return Bilingual(self.notice_zh, self.notice_en)


@dataclass(frozen=True)
class Named:
    """Something shown by name and identified by code: a city or county, a tier."""

    code: str
    name: Bilingual


@dataclass(frozen=True)
class RankChange:
    """The unit's index rank against the previous ranked year, as stored in ``rankings``.

    ``previous_rank`` is re-ranked on this year's boundaries (see
    :mod:`innovation_monitor.scoring.rank_change`), so it can differ from the rank published
    for that year. ``change`` = previous rank - current rank, so
    a positive number is a climb; None when either rank is missing. ``predecessor`` is set when
    the unit took over a single unit of another code (e.g. 莱城区 → 莱芜区) and is compared with
    it. ``merged_from`` names the previous units whose territory a unit with changed boundaries
    now holds (济南市 and 莱芜市 for Jinan in 2019): such a unit is compared with the previous
    year re-scored on its current boundaries where the scoring did so (``restated``), else it
    is not comparable and has no change. ``is_new``: there is a previous year but the unit (or
    a predecessor) was not in it. ``previous_score`` and ``score_change`` (index points) are
    the stored ones, on this year's boundaries too.
    """

    previous_rank: int | None = None
    change: int | None = None
    predecessor: Named | None = None
    merged_from: tuple[Named, ...] = ()
    is_new: bool = False
    previous_score: float | None = None
    score_change: float | None = None

    @property
    def restated(self) -> bool:
        """A merged unit compared with its predecessors re-scored together (济南 with 莱芜)."""
        return bool(self.merged_from) and self.previous_rank is not None


@dataclass(frozen=True)
class NodeScore:
    """A unit's score and rank at one node (a pillar or an indicator); ``flagged`` marks a
    pillar score that rests mostly on imputed or missing values."""

    score: float | None
    rank: int | None
    flagged: bool = False


@dataclass(frozen=True)
class Estimate:
    """An indicator value the scores use that is not the unit's own figure of the year, as
    stored in ``imputations``: ``method`` (``carry_forward``, ``group_median``, …, or
    ``missing``), how it was obtained in words (method and source), and the value used (None
    when it stayed missing)."""

    method: str
    how: Bilingual
    value: float | None

    @property
    def missing(self) -> bool:
        return self.value is None


@dataclass(frozen=True)
class PillarFlag:
    """A pillar of a unit most of whose indicators (``estimated`` of ``total``, more than half)
    are imputed or missing that year."""

    code: str
    name: Bilingual
    estimated: int
    total: int


@dataclass(frozen=True)
class RankingRow:
    """One unit in the ranking table."""

    unit: Named
    parent: Named | None
    score: float | None
    rank: int | None
    change: RankChange
    tier: Named | None
    pillars: dict[str, NodeScore]
    rank_in_parent: int | None = None
    unit_type: str | None = None
    type_score: float | None = None
    rank_in_type: int | None = None
    tier_in_type: Named | None = None
    interval: tuple[int, int] | None = None  # 5 %–95 % rank interval (``rank_intervals``)


@dataclass(frozen=True)
class ParentGroup:
    """The counties of one city, in province rank order (with their rank within the city)."""

    parent: Named
    rows: tuple[RankingRow, ...]


@dataclass(frozen=True)
class TypeGroup:
    """The county-level units of one type (分类评价), by their rank within the type;
    ``own_weights``: the type has an index of its own (``type_score``), which ranks it."""

    name: Bilingual
    rows: tuple[RankingRow, ...]
    own_weights: bool = False


@dataclass(frozen=True)
class DepartedUnit:
    """A unit ranked in the previous year that has no ranking this year."""

    unit: Named
    previous_rank: int | None
    successors: tuple[Named, ...]
    """Units of this year that took over its territory; the unit itself if it still exists
    (it simply has no scores this year)."""

    @property
    def still_exists(self) -> bool:
        return any(s.code == self.unit.code for s in self.successors)


@dataclass(frozen=True)
class PillarView:
    """A pillar with its weight (as given and as a share of the index) and its leaders."""

    code: str
    name: Bilingual
    weight: float
    share: float
    leaders: tuple[tuple[Named, NodeScore], ...]


@dataclass(frozen=True)
class TargetView:
    """A plan target on an indicator, and how many of the units it applies to meet it."""

    id: str
    scope: Named
    year: int
    comparison: str
    value: float
    unit: str
    source_title: Bilingual
    source_quote_zh: str
    source_seed: str
    met: int
    assessed: int


@dataclass(frozen=True)
class IndicatorView:
    """One indicator: definition, methodology and this year's province picture."""

    code: str
    name: Bilingual
    pillar: str
    unit: str
    direction: int
    weight: float
    share_in_pillar: float
    share_in_index: float
    formula: str
    formula_text: Bilingual
    rationale: Bilingual
    best: float | None
    best_units: tuple[Named, ...]
    median: float | None
    n_values: int
    targets: tuple[TargetView, ...]


@dataclass(frozen=True)
class ProfileCell:
    """One indicator of one unit: the value the scores use (its own figure, or the imputed one
    ``estimate`` explains), normalised score and rank, and target checks."""

    indicator: str
    value: float | None
    score: NodeScore
    targets_met: tuple[tuple[TargetView, bool | None], ...]
    """(target, met) for every target that applies to this unit; met is None without a value,
    and rests on the imputed value when there is an ``estimate``."""
    estimate: Estimate | None = None


@dataclass(frozen=True)
class UnitProfile:
    """A unit's indicator values and its index rank over the years up to the report year, and
    its pillars that rest mostly on imputed or missing values."""

    unit: Named
    rank: int | None
    cells: tuple[ProfileCell, ...]
    rank_history: tuple[tuple[int, int | None], ...]
    flagged: tuple[PillarFlag, ...] = ()
    insight: ProfileInsight = field(default_factory=ProfileInsight)

    @property
    def estimated(self) -> tuple[ProfileCell, ...]:
        """The cells whose value is imputed or missing, in indicator order (the notes)."""
        return tuple(c for c in self.cells if c.estimate is not None)


@dataclass(frozen=True)
class TierView:
    """One tier (梯队): its rule from the methodology and the units in it, best first."""

    code: str
    name: Bilingual
    rule: Bilingual
    members: tuple[Named, ...]


@dataclass(frozen=True)
class PeriodRow:
    """A unit on the evaluation period's ranking (``evaluations``); ``advanced_rule`` is the
    rule it met as an advanced unit, in words (None: not advanced)."""

    unit: Named
    rank: int | None
    mean: float | None
    improvement: float | None
    years_scored: int
    tier: Named | None
    advanced_rule: Bilingual | None


@dataclass(frozen=True)
class EvaluationView:
    """The edition's evaluation cycle (评价周期): its years, what it ranks on, how the advanced
    units (先进市) are chosen, in words, and the ranking with them marked."""

    start: int
    end: int
    measure: Bilingual
    advanced_name: Bilingual
    rules: Bilingual
    rows: tuple[PeriodRow, ...]

    @property
    def advanced(self) -> tuple[PeriodRow, ...]:
        return tuple(r for r in self.rows if r.advanced_rule is not None)


@dataclass(frozen=True)
class ProgressView:
    """A plan target and the progress towards it as of the report year, in words
    (:mod:`.target_text`): its year's value, the latest value, the gap (None once met), the
    year met since or projected; all None without any value. ``met``: in the latest year;
    ``met_in_year``: in the target's year (None before it is in the data)."""

    scope: Named
    target: Bilingual
    in_year: Bilingual | None
    latest: Bilingual | None
    gap: Bilingual | None
    reached: Bilingual | None
    met: bool | None
    met_in_year: bool | None = None


@dataclass(frozen=True)
class ProvinceIndexView:
    """The province's own index and pillars in % of a base year, the report year last."""

    name: Bilingual
    base_year: int
    years: tuple[int, ...]
    rows: tuple[tuple[Bilingual, tuple[float | None, ...]], ...]
    latest: float | None
    """The index in the report year."""


@dataclass(frozen=True)
class StepView:
    """One scoring-engine build step explained in both languages, with its raw parameters."""

    step: str
    name: Bilingual
    description: Bilingual
    parameters: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class SourceView:
    """A document the report relies on (data sources and plan documents)."""

    title: Bilingual
    detail: str


@dataclass(frozen=True)
class IndicatorQuality:
    """How many of the year's ranked units have their own figure of an indicator, and how many
    values were carried forward, imputed otherwise, or left missing."""

    code: str
    name: Bilingual
    own: int
    carried: int
    imputed: int
    missing: int


@dataclass(frozen=True)
class CheckView:
    """A validation check shown in the report: what it checks, how many rows failed it and some
    of them, in words (file, row, column)."""

    description: Bilingual
    count: int
    examples: tuple[Bilingual, ...]


@dataclass(frozen=True)
class ExcludedCell:
    """A quarantined cell left out of the computation after the user accepted the quarantine."""

    file: str
    row: int | None
    column: str
    raw: str
    reason: str


@dataclass(frozen=True)
class DataQuality:
    """The data-quality section: imputed and missing values per indicator that year, units
    whose pillars rest mostly on them, failing warnings, checks the user accepted and the cells
    that were excluded because of them."""

    indicators: tuple[IndicatorQuality, ...] = ()
    flagged: tuple[tuple[Named, tuple[PillarFlag, ...]], ...] = ()
    warnings: tuple[CheckView, ...] = ()
    accepted: tuple[CheckView, ...] = ()
    excluded: tuple[ExcludedCell, ...] = ()

    @property
    def totals(self) -> IndicatorQuality:
        """The counts over every indicator."""
        rows = self.indicators
        return IndicatorQuality(
            "",
            label("total"),
            sum(r.own for r in rows),
            sum(r.carried for r in rows),
            sum(r.imputed for r in rows),
            sum(r.missing for r in rows),
        )

    @property
    def estimated(self) -> int:
        """Values carried forward, imputed otherwise or missing, over every indicator."""
        totals = self.totals
        return totals.carried + totals.imputed + totals.missing

    @property
    def overridden(self) -> bool:
        """The user let a failing blocking check through (``--accept-quarantine``)."""
        return bool(self.accepted)


@dataclass(frozen=True)
class MonitoringReport:
    """Everything one (year, level) report shows, in both languages."""

    year: int
    level: str
    level_name: Bilingual
    title: Bilingual
    framework_name: Bilingual
    index_name: Bilingual
    notice: DataNotice
    previous_year: int | None
    reranked: bool
    """Some previous rank differs from the published one because boundaries changed; the
    report says so next to the comparison year."""
    rows: tuple[RankingRow, ...]
    groups: tuple[ParentGroup, ...]
    departed: tuple[DepartedUnit, ...]
    top: tuple[RankingRow, ...]
    climbers: tuple[RankingRow, ...]
    risers: tuple[RankingRow, ...]
    fallers: tuple[RankingRow, ...]
    pillars: tuple[PillarView, ...]
    indicators: tuple[IndicatorView, ...]
    profiles: tuple[UnitProfile, ...]
    tiers: tuple[TierView, ...]
    steps: tuple[StepView, ...]
    sources: tuple[SourceView, ...]
    quality: DataQuality = field(default_factory=DataQuality)
    type_groups: tuple[TypeGroup, ...] = ()
    evaluation: EvaluationView | None = None
    progress: tuple[ProgressView, ...] = ()
    province_index: ProvinceIndexView | None = None

    @property
    def banner(self) -> Bilingual | None:
        """The synthetic-data warning, or None for real statistics."""
        return SYNTHETIC_BANNER if self.notice.synthetic else None

    @property
    def has_tiers(self) -> bool:
        return bool(self.tiers)

    @property
    def has_previous(self) -> bool:
        return self.previous_year is not None

    @property
    def reranked_note(self) -> Bilingual:
        """How previous ranks were restated: merged units re-scored together, or counted once."""
        restated = any(r.change.restated for r in self.rows)
        return label("reranked_rescored" if restated else "reranked")
