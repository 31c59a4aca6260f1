"""The composite engine applied to one level's panel of indicator values.

All years of a level are scored together so that the methodology's pooled goalposts make scores
comparable across years; ranks are within each year (ties "min", higher is better), which is how
the monitoring report ranks units and exactly how the engine's results rank them (the same
function). A reference unit of the methodology (the province) is scored with the panel, as the
yardstick of a ratio normalisation, but is neither ranked nor kept in the scores.

Scoring also says which values the scores rest on that are not the unit's own figure of that
year: every cell the build's impute steps filled (with the method and the source the engine
records) and every cell without a value of its own that stayed missing, which the aggregation
skipped, so that reports can flag them and a data-quality summary can count them. (A value of
its own that normalisation could not score, e.g. an indicator equal for every unit, is not
listed: nothing was imputed or missing.)
"""

import itertools
import json
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import polars as pl

from innovation_monitor.composite.build import Build, run_build
from innovation_monitor.composite.dataset import TIME, UNIT
from innovation_monitor.composite.framework import Framework
from innovation_monitor.composite.results import Results, rank_scores
from innovation_monitor.divisions import (
    DivisionRegistry,
    province_indicators,
    restated_indicators,
)
from innovation_monitor.divisions.registry import PROVINCE_CODE
from innovation_monitor.errors import FrameworkError
from innovation_monitor.framework import (
    INDEX_CODE,
    IndicatorSystem,
    MonitoringFramework,
    build_steps,
    imeta_table,
)
from innovation_monitor.framework.engine import fitted_on
from innovation_monitor.indicators import indicator_frame
from innovation_monitor.scoring.classified import type_index
from innovation_monitor.scoring.schemas import (
    IMPUTATIONS_SCHEMA,
    MISSING,
    PROVINCE_INDEX_SCHEMA,
    SCORES_SCHEMA,
)

#: the steps whose fitted parameters a build keeps (goalposts, treatment decisions)
FITTED_STEPS = ("treat", "normalise")


@dataclass(frozen=True)
class PanelScores:
    """What scoring a level's panel produced: ``scores`` (:data:`SCORES_SCHEMA` rows),
    ``imputations`` (:data:`IMPUTATIONS_SCHEMA` rows, one per indicator value of a scored
    unit-year that was imputed or left missing) and ``build``: the engine's iMeta, the steps as
    run and what the fitted steps decided (JSON texts), enough to replay and audit it."""

    scores: pl.DataFrame
    imputations: pl.DataFrame
    build: dict[str, str]
    type_scores: pl.DataFrame | None = None
    """:data:`TYPE_SCORES_SCHEMA` rows, when scored with the units' types (分类评价)."""


def score_panel(
    values: pl.DataFrame,
    framework: MonitoringFramework,
    *,
    fit_years: list[int] | None = None,
    types: Mapping[str, str] | None = None,
) -> PanelScores:
    """Scores of every unit-year at every node (the index, each pillar and each indicator's
    normalised score, with the unit's rank within its year) and the values they rest on that
    are not the unit's own (see the module docstring). With ``fit_years``, the pooled treatment
    and goalposts are fitted on those years only and every year is transformed with that fit
    (frozen goalposts). With ``types`` (unit code → type, :func:`~innovation_monitor.scoring.
    classified.unit_type_map`), the engine's data carry the type group columns and each unit's
    index among its type is scored too (:func:`~innovation_monitor.scoring.classified.
    type_index`)."""
    imeta = imeta_table(framework)
    steps = build_steps(framework)
    steps = steps if fit_years is None else fitted_on(steps, fit_years)
    spec = {
        "imeta": imeta.to_json(orient="records", force_ascii=False),
        "steps": json.dumps(steps, ensure_ascii=False),
    }
    if values.is_empty():
        empty = (pl.DataFrame(schema=SCORES_SCHEMA), pl.DataFrame(schema=IMPUTATIONS_SCHEMA))
        return PanelScores(*empty, {**spec, "fitted": "{}"})
    data = indicator_frame(values, framework, types)
    engine = Framework.from_imeta(imeta, source=f"indicators.yaml ({framework.level})")
    build = run_build(data, engine, steps)
    if build.results is None:
        raise FrameworkError(
            f"indicators.yaml methodology.{framework.level}: the steps never aggregate; "
            "add an aggregate step"
        )
    reference = list(framework.methodology.reference_units)
    units = build.results.scores
    if reference:  # scored with the units as their yardstick, never ranked among them
        units = units[~units[UNIT].astype(str).isin(reference)].reset_index(drop=True)
    ranks = rank_scores(units, [c for c in units.columns if c not in (UNIT, TIME)])
    scores = (
        _long(units, "score")
        .join(_long(ranks, "rank"), on=[UNIT, TIME, "node"], how="left")
        .select(
            pl.col(TIME).cast(pl.Int64).alias("year"),
            pl.lit(framework.level).alias("level"),
            pl.col(UNIT).cast(pl.String).alias("region_code"),
            "node",
            pl.col("score").cast(pl.Float64).fill_nan(None),
            pl.col("rank").cast(pl.Int64),
        )
        .sort("year", "node", "rank", "region_code", nulls_last=True)
        .select(list(SCORES_SCHEMA))
    )
    fitted = {
        record.step: json.loads(record.details.to_json(orient="records", force_ascii=False))
        for record in build.records
        if record.step in FITTED_STEPS
    }
    build_spec = {**spec, "fitted": json.dumps(fitted, ensure_ascii=False)}
    imputations = _imputations(data, build, build.results, framework)
    if reference:
        imputations = imputations.filter(~pl.col("region_code").is_in(reference))
    by_type = None if types is None else type_index(build, units, framework, types)
    return PanelScores(scores, imputations, build_spec, by_type)


def _long(table: pd.DataFrame, name: str) -> pl.DataFrame:
    """A wide engine table (``uCode, Time``, one column per node) as one row per node."""
    nodes = [c for c in table.columns if c not in (UNIT, TIME)]
    return pl.from_pandas(table).unpivot(
        index=[UNIT, TIME], on=nodes, variable_name="node", value_name=name
    )


def _imputations(
    data: pd.DataFrame, build: Build, results: Results, framework: MonitoringFramework
) -> pl.DataFrame:
    """The ``imputations`` rows of a build of ``data``: the cells its impute steps filled
    (value, method, source) and the cells without a value of their own still missing where the
    aggregation read them, for the unit-years and indicators the results hold (a cell screened
    out later is not used, so not listed). Cells are matched by position, not by joins."""
    scores = results.scores
    if scores.empty:  # every unit-year screened out
        return pl.DataFrame(schema=IMPUTATIONS_SCHEMA)
    codes = list(build.framework.indicators)
    units = scores[UNIT].to_numpy(dtype=object)
    times = scores[TIME].to_numpy(dtype=np.int64)
    # a unit-year as one number, so that cells are matched with one index lookup
    unit_index, first, span = pd.Index(pd.unique(units)), times.min(), np.ptp(times) + 1

    def keys(frame: pd.DataFrame) -> np.ndarray:
        unit = unit_index.get_indexer(frame[UNIT])
        time = frame[TIME].to_numpy(dtype=np.int64) - first
        return np.where((unit >= 0) & (time >= 0) & (time < span), unit * span + time, -1)

    scored = pd.Index(keys(scores))

    def rows(frame: pd.DataFrame) -> np.ndarray:
        """The results row of each row of ``frame`` (-1: not scored)."""
        return scored.get_indexer(keys(frame))

    at = rows(data)
    kept = at >= 0
    missing = np.zeros((len(scores), len(codes)), dtype=bool)
    missing[at[kept]] = np.isnan(data[codes].to_numpy(dtype=np.float64)[kept])
    missing &= np.isnan(scores[codes].to_numpy(dtype=np.float64))
    r, c = np.nonzero(missing)
    found = [(r, c, np.full(r.size, np.nan), np.full(r.size, MISSING), np.full(r.size, None))]
    for record in build.records:
        cells = record.cells if record.step == "impute" else None
        if cells is None or cells.empty:
            continue
        r = rows(cells)
        c = pd.Index(codes).get_indexer(cells["iCode"])
        use = (r >= 0) & (c >= 0)
        use[use] = ~missing[r[use], c[use]]
        found.append(
            (
                r[use],
                c[use],
                cells["after"].to_numpy(dtype=np.float64)[use],
                np.full(int(use.sum()), record.params["method"]),
                cells["source"].to_numpy(dtype=object)[use],
            )
        )
    r, c, value, method, source = (np.concatenate(parts) for parts in zip(*found, strict=True))
    # year, unit, then the framework's indicator order
    position = {ind.code: i for i, ind in enumerate(framework.indicators)}
    unit_order = pd.factorize(units, sort=True)[0]
    order = np.lexsort((np.asarray([position[code] for code in codes])[c], unit_order[r], times[r]))
    r, c = r[order], c[order]
    return pl.DataFrame(
        {
            "year": times[r],
            "level": np.full(r.size, framework.level),
            "region_code": units[r].tolist(),
            "indicator": np.asarray(codes, dtype=object)[c].tolist(),
            "value": value[order],
            "method": method[order].tolist(),
            "source": source[order].tolist(),
        },
        schema=IMPUTATIONS_SCHEMA,
    ).with_columns(pl.col("value").fill_nan(None))


def with_reference(
    values: pl.DataFrame,
    statistics: pl.DataFrame,
    system: IndicatorSystem,
    framework: MonitoringFramework,
) -> pl.DataFrame:
    """``values`` and the methodology's reference unit's: the province's indicators from the
    sum of its cities' ``statistics`` (``reference: province``); ``values`` alone without one."""
    if framework.methodology.reference != "province":
        return values
    province = province_indicators(statistics, system)
    return pl.concat([values, province.select(values.columns)]) if province.height else values


def province_index(values: pl.DataFrame, framework: MonitoringFramework) -> pl.DataFrame:
    """The province's own index against its base year (:data:`PROVINCE_INDEX_SCHEMA`), every
    node of every year: its indicators (``values`` with the reference unit's, see
    :func:`with_reference`) each in % of the province's base-year value (higher-is-worse ones
    inverted), weighted and aggregated with the methodology's own weight and aggregate steps;
    empty without ``province_index`` in the methodology or when the data lack its base year."""
    base = framework.methodology.province_base_year
    if base is None:
        return pl.DataFrame(schema=PROVINCE_INDEX_SCHEMA)
    own = values.filter(pl.col("region_code") == PROVINCE_CODE)
    if base not in set(own["year"].to_list()):  # the caller says so (no base, no index)
        return pl.DataFrame(schema=PROVINCE_INDEX_SCHEMA)
    normalise = {
        "normalise": {
            "method": "ratio_to_reference",
            "unit": PROVINCE_CODE,
            "scale": 100,
            "goalposts": {"reference_period": base},
        }
    }
    steps = [normalise] + [s for s in build_steps(framework) if {"weight", "aggregate"} & set(s)]
    engine = Framework.from_imeta(
        imeta_table(framework), source=f"indicators.yaml ({framework.level})"
    )
    results = run_build(indicator_frame(own, framework), engine, steps, keep=False).results
    if results is None:
        raise FrameworkError(
            f"indicators.yaml methodology.{framework.level}: the steps never aggregate; "
            "add an aggregate step"
        )
    return (
        _long(results.scores, "score")
        .select(
            pl.col(TIME).cast(pl.Int64).alias("year"),
            pl.lit(framework.level).alias("level"),
            pl.lit(base, pl.Int64).alias("base_year"),
            "node",
            pl.col("score").cast(pl.Float64).fill_nan(None),
        )
        .sort("year", "node")
        .select(list(PROVINCE_INDEX_SCHEMA))
    )


def scores_each_year_alone(framework: MonitoringFramework) -> bool:
    """Whether a year's scores depend on that year's data only (no pooled treatment or
    goalposts), so that one year can be scored again on its own."""
    for step in build_steps(framework):
        ((name, params),) = step.items()
        if name == "treat" and params.get("panel", "per_period") != "per_period":
            return False
        if name == "normalise" and params.get("goalposts", "per_period") != "per_period":
            return False
    return True


def restated_previous_scores(
    statistics: pl.DataFrame,
    system: IndicatorSystem,
    registry: DivisionRegistry,
    framework: MonitoringFramework,
    years: list[int],
) -> dict[int, dict[str, float]]:
    """For each year whose boundaries changed since the year before: the year before re-scored
    on the new boundaries from restated statistics (Jinan with Laiwu's 2018 figures), index
    score by unit — what a merged unit's change is measured against. Only for a methodology that
    scores each year on its own (else empty: the pooled scores of one restated year alone would
    not compare)."""
    level = framework.level
    if not scores_each_year_alone(framework):
        return {}
    out: dict[int, dict[str, float]] = {}
    for previous, year in itertools.pairwise(years):
        walk = registry.crosswalk(previous, year, level)
        if all(old == new for old, new in walk.iter_rows()):
            continue
        before = statistics.filter(pl.col("year") == previous)
        values = restated_indicators(before, system, registry, to_year=year, level=level)
        values = with_reference(values, before, system, framework)
        index = score_panel(values, framework).scores.filter(pl.col("node") == INDEX_CODE)
        out[year] = {
            code: score
            for code, score in index.select("region_code", "score").iter_rows()
            if score is not None
        }
    return out
