"""``explain``: one unit-year's index traced from the stored tables and the framework.

Everything shown is read: the scores, ranks, imputations, indicator values, statistics with
their provenance, quarantined cells and check outcomes the run stored, and the weights, formulas
and methodology of ``indicators.yaml``; nothing is scored again. The stored scores are those of
the warehouse's draft for a data year (the pooled scores of the last run), or with ``edition``
those of one edition: a published edition's frozen rows (:func:`editions.edition_rows`), so its
explanation does not change when later data are loaded and scored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import polars as pl

from innovation_monitor import editions, warehouse
from innovation_monitor.divisions import LEVELS, Division, DivisionRegistry, find_unit
from innovation_monitor.errors import DataError
from innovation_monitor.explain.contributions import (
    Weights,
    below_threshold,
    decompose,
    indicator_panel,
    weights_used,
)
from innovation_monitor.explain.model import Explanation, IndicatorPart, PillarPart
from innovation_monitor.explain.provenance import UnitCells, failed_checks, unit_quarantine
from innovation_monitor.explain.words import words
from innovation_monitor.framework import (
    INDEX_CODE,
    Indicator,
    IndicatorSystem,
    MonitoringFramework,
    load_indicator_system,
)
from innovation_monitor.framework.engine import INDEX, PILLARS, aggregations
from innovation_monitor.reports.labels import LANGS, Bilingual
from innovation_monitor.reports.methodology import formula_text
from innovation_monitor.reports.quality import read_estimates
from innovation_monitor.reports.step_words import step_sentence
from innovation_monitor.reports.views import Estimate, Named
from innovation_monitor.scoring.schemas import CARRY_FORWARD

if TYPE_CHECKING:
    pass

_CODE = re.compile(r"[a-z][a-z0-9_]*")


def _named(division: Division) -> Named:
    return Named(division.code, Bilingual(division.name_zh, division.name_en))


@dataclass(frozen=True)
class _Store:
    """The stored rows explained: the draft's, or one edition's (the one place that picks)."""

    con: duckdb.DuckDBPyConnection
    level: str
    edition: int | None

    def rows(self, table: str, years: list[int] | None = None) -> pl.DataFrame:
        if self.edition is None:
            return warehouse.read(self.con, table, years=years, level=self.level)
        return editions.edition_rows(
            self.con, table, level=self.level, edition=self.edition, years=years
        )


def _formula_variables(indicator: Indicator) -> list[str]:
    """The variables of a formula in the order it names them."""
    found = dict.fromkeys(_CODE.findall(indicator.formula))
    return [code for code in found if code in indicator.variables]


def _carried_from(source: str | None) -> int | None:
    """The year a carried-forward value comes from (``from=2021``)."""
    for part in (source or "").split("; "):
        key, _, value = part.partition("=")
        if key == "from" and value.isdigit():
            return int(value)
    return None


def explain(
    con: duckdb.DuckDBPyConnection,
    system: IndicatorSystem,
    registry: DivisionRegistry,
    *,
    level: str | None = None,
    year: int | None = None,
    edition: int | None = None,
    region: str,
    indicator: str | None = None,
) -> Explanation:
    """How the stored index of ``region`` (a code or name; its level is inferred when
    ``level`` is None) in data year ``year`` was produced, down to the yearbook cells, as the
    draft holds it or, with ``edition``, as that edition does (``year`` then defaults to the
    edition year); ``indicator`` (a code or name) narrows the text to that indicator's chain.
    DataError for an unknown level or edition, a year without scores, a region that is no
    unit of the level that year or has no scores, and an indicator not in the framework."""
    if level is not None and level not in LEVELS:
        raise DataError(f"unknown level {level!r}; expected one of {', '.join(LEVELS)}")
    year = edition if year is None else year
    if year is None:
        raise DataError("explain needs a data year or an edition (--year or --edition)")
    division = find_unit(registry, region, year, level)
    resolved = division.level
    framework = system.frameworks[resolved]
    status = None if edition is None else editions.edition_status(con, resolved, edition)
    published = None if edition is None else editions.Edition.read(con, resolved, edition)
    store = _Store(con, resolved, edition)
    rankings = store.rows("rankings", [year])
    if rankings.is_empty():
        years = store.rows("rankings")["year"].unique().to_list()
        raise DataError(
            f"the warehouse has no {resolved} scores for {year}; years scored: "
            f"{', '.join(map(str, sorted(years))) or 'none (run the pipeline)'} / "
            f"{year}年未评分"
        )
    focus = None if indicator is None else framework.find_indicator(indicator)
    scores = store.rows("scores", [year]).filter(pl.col("region_code") == division.code)
    ranking = rankings.filter(pl.col("region_code") == division.code)
    if scores.is_empty() or ranking.is_empty():
        raise DataError(
            f"{division.code} {division.name_zh} has no {resolved} scores in {year}; the "
            f"warehouse scores {rankings.height} {resolved} units that year / 该地区该年无评分"
        )
    by_node = {r["node"]: (r["score"], r["rank"]) for r in scores.iter_rows(named=True)}
    screened = [i.code for i in framework.indicators if i.code not in by_node]
    weights = weights_used(
        framework, screened, lambda: indicator_panel(store.rows("scores"), framework)
    )
    stored = _read_unit(store, system, registry, division, year, by_node)
    index_score, index_rank = by_node.get(INDEX_CODE, (None, None))
    pillars = _pillars(framework, system, stored, weights)
    split = decompose(
        [p.score for p in pillars],
        [p.weight for p in pillars],
        index_score,
        aggregations(framework)[INDEX],
        weights.problem,
    )
    pillars = [
        _with_index_share(p, share, contribution)
        for p, share, contribution in zip(pillars, split.shares, split.contributions, strict=True)
    ]
    ranked = ranking.row(0, named=True)
    tiers = {t.code: Bilingual(t.name_zh, t.name_en) for t in framework.tiers}
    sources = store.rows("sources", [year])
    checks = store.rows("validation_results", [year])
    variables = None if focus is None else _formula_variables(focus)
    return Explanation(
        level=resolved,
        year=year,
        edition=edition,
        status=status,
        edition_years=tuple(published.data_years) if published else (),
        unit=_named(division),
        parent=_named(registry.get(division.parent_code)) if resolved == "county" else None,
        index_name=Bilingual(framework.index_name_zh, framework.index_name_en),
        score=index_score,
        rank=index_rank,
        ranked=rankings.filter(pl.col("rank").is_not_null()).height,
        rank_in_parent=ranked["rank_in_parent"],
        tier=tiers.get(ranked["tier"]) if ranked["tier"] else None,
        pillars=tuple(pillars),
        steps=tuple(
            Bilingual(*(step_sentence(step, lang).replace("**", "") for lang in LANGS))
            for step in framework.methodology.steps
        ),
        checks=failed_checks(checks, division, year, system, registry, variables),
        synthetic=bool(sources["synthetic"].any()),
        note=split.note,
        indicator=None if focus is None else focus.code,
    )


def explain_file(
    warehouse_path: Path | str,
    *,
    indicators_file: Path | str | None = None,
    level: str | None = None,
    year: int | None = None,
    edition: int | None = None,
    region: str,
    indicator: str | None = None,
) -> Explanation:
    """:func:`explain` on a warehouse file, opened read-only (the ``explain`` command)."""
    system = load_indicator_system(Path(indicators_file) if indicators_file else None)
    registry = DivisionRegistry.load()
    with warehouse.connect(warehouse_path, read_only=True) as con:
        return explain(
            con,
            system,
            registry,
            level=level,
            year=year,
            edition=edition,
            region=region,
            indicator=indicator,
        )


@dataclass(frozen=True)
class _Stored:
    """What the warehouse holds for one unit-year below the index."""

    year: int
    by_node: dict[str, tuple[float | None, int | None]]
    values: dict[str, float | None]
    estimates: dict[tuple[str, str], Estimate]
    carried: dict[str, int]
    """Indicator → the year its carried-forward value comes from."""
    cells: UnitCells
    code: str


def _read_unit(
    store: _Store,
    system: IndicatorSystem,
    registry: DivisionRegistry,
    division: Division,
    year: int,
    by_node: dict[str, tuple[float | None, int | None]],
) -> _Stored:
    """The unit's indicator values, imputations, statistics and quarantined cells of the year
    (and of the years its carried-forward values come from)."""
    mine = pl.col("region_code") == division.code
    values = {
        r["indicator"]: r["value"]
        for r in store.rows("indicator_values", [year]).filter(mine).iter_rows(named=True)
    }
    imputed = store.rows("imputations", [year]).filter(mine)
    carried = {
        r["indicator"]: year_from
        for r in imputed.filter(pl.col("method") == CARRY_FORWARD).iter_rows(named=True)
        if (year_from := _carried_from(r["source"])) is not None
    }
    years = sorted({year, *carried.values()})
    quarantine = store.rows("quarantine", years)
    cells = UnitCells(
        system,
        store.rows("statistics", years).filter(mine),
        unit_quarantine(quarantine, division, system, registry),
    )
    estimates = read_estimates(
        imputed,
        year,
        lambda code: _named(registry.get(code)),
        system.frameworks[division.level].methodology.types,
    )
    return _Stored(year, by_node, values, estimates, carried, cells, division.code)


def _indicator_part(
    indicator: Indicator, system: IndicatorSystem, stored: _Stored, weights: Weights
) -> IndicatorPart:
    """One indicator traced: formula, cells (and those of the year carried from), own value,
    estimate, normalised score and the weight the aggregation used."""
    variables = _formula_variables(indicator)
    score, rank = stored.by_node.get(indicator.code, (None, None))
    carried_year = stored.carried.get(indicator.code)
    return IndicatorPart(
        code=indicator.code,
        name=Bilingual(indicator.name_zh, indicator.name_en),
        unit=indicator.unit,
        direction=indicator.direction,
        formula=formula_text(indicator, system, units=True),
        cells=stored.cells.cells(variables, stored.year),
        value=stored.values.get(indicator.code),
        estimate=stored.estimates.get((stored.code, indicator.code)),
        score=score,
        rank=rank,
        weight=weights.by_node.get(indicator.code, indicator.weight),
        screened_out=indicator.code not in stored.by_node,
        carried_year=carried_year,
        carried_cells=() if carried_year is None else stored.cells.cells(variables, carried_year),
    )


def _pillars(
    framework: MonitoringFramework, system: IndicatorSystem, stored: _Stored, weights: Weights
) -> list[PillarPart]:
    """Every pillar with its indicators and their contributions to its stored score."""
    aggregation = aggregations(framework)[PILLARS]
    pillars = []
    for pillar in framework.pillars:
        parts = [
            _indicator_part(ind, system, stored, weights)
            for ind in framework.indicators_of(pillar.code)
        ]
        used = [p for p in parts if not p.screened_out]
        scores = [p.score for p in used]
        score, rank = stored.by_node.get(pillar.code, (None, None))
        split = decompose(scores, [p.weight for p in used], score, aggregation, weights.problem)
        note = split.note
        present = sum(s is not None for s in scores)
        if score is None and below_threshold(scores, aggregation.threshold):
            note = (
                words("none_present", total=len(used))
                if present == 0 or aggregation.threshold is None
                else words(
                    "below_threshold",
                    total=len(used),
                    present=present,
                    needed=f"{aggregation.threshold * 100:g}%",
                )
            )
        parts_of = zip(split.shares, split.contributions, strict=True)
        shared = dict(zip((p.code for p in used), parts_of, strict=True))
        pillars.append(
            PillarPart(
                code=pillar.code,
                name=Bilingual(pillar.name_zh, pillar.name_en),
                weight=weights.by_node.get(pillar.code, pillar.weight),
                score=score,
                rank=rank,
                indicators=tuple(
                    replace(p, share=shared[p.code][0], contribution=shared[p.code][1])
                    if p.code in shared
                    else p
                    for p in parts
                ),
                threshold=aggregation.threshold,
                note=note,
            )
        )
    return pillars


def _with_index_share(
    pillar: PillarPart, share: float | None, contribution: float | None
) -> PillarPart:
    """The pillar with its share of the index weight and its contribution to the index, and
    each indicator's contribution carried through to the index."""
    parts = tuple(
        replace(
            part,
            index_contribution=None
            if share is None or part.contribution is None
            else part.contribution * share,
        )
        for part in pillar.indicators
    )
    return replace(pillar, share=share, contribution=contribution, indicators=parts)
