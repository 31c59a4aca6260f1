"""Helpers for the analyst notebooks (``notebooks/``): unit names as a frame, a level re-scored
with a variant of the framework (other weights, normalisation, aggregation) from the stored
indicator values, and those ranks set beside the stored ranks and their uncertainty intervals.

Re-scoring works as the scoring stage scores the draft (pooled goalposts, the province as the
reference unit from the summed city statistics, the unit types), so re-scoring with the shipped
framework gives the stored scores again; only the variant's methodology differs.
"""

import copy
from collections.abc import Mapping, Sequence
from typing import Any

import duckdb
import polars as pl
import yaml

from innovation_monitor import warehouse
from innovation_monitor.divisions import DivisionRegistry
from innovation_monitor.errors import FrameworkError
from innovation_monitor.framework import INDEX_CODE, IndicatorSystem
from innovation_monitor.scoring.panel import PanelScores


def unit_names(registry: DivisionRegistry) -> pl.DataFrame:
    """``region_code``, ``name_zh``, ``name_en`` of every unit of the registry (to join)."""
    return registry.to_frame().select(pl.col("code").alias("region_code"), "name_zh", "name_en")


def rescore(
    con: duckdb.DuckDBPyConnection,
    system: IndicatorSystem,
    registry: DivisionRegistry,
    level: str,
) -> PanelScores:
    """The level's stored indicator values (every data year) scored again with ``system``'s
    framework and methodology, as the scoring stage scores the draft (see the module
    docstring); nothing is written."""
    # the engine: scipy, scikit-learn
    from innovation_monitor.scoring.classified import unit_type_map
    from innovation_monitor.scoring.panel import score_panel, with_reference

    framework = system.frameworks[level]
    values = warehouse.read(con, "indicator_values", level=level)
    if framework.methodology.reference is not None:
        statistics = warehouse.read(con, "statistics", level=level)
        values = with_reference(values, statistics, system, framework)
    types = unit_type_map(framework, registry, values["region_code"].unique().to_list())
    return score_panel(values, framework, types=types)


def edited_document(
    document: Mapping[str, Any],
    level: str,
    *,
    weights: Mapping[str, float] | None = None,
    steps: Sequence[Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """A deep copy of a parsed ``indicators.yaml`` with new ``weights`` (pillar or indicator
    code → weight) in ``frameworks.<level>`` and/or new ``methodology.<level>.steps``; the
    original is not changed. A code that is no pillar or indicator of the level is an error."""
    edited: dict[str, Any] = copy.deepcopy(dict(document))
    remaining = dict(weights or {})
    for pillar in edited["frameworks"][level]["pillars"]:
        for node in (pillar, *pillar["indicators"]):
            if node["code"] in remaining:
                node["weight"] = remaining.pop(node["code"])
    if remaining:
        raise FrameworkError(
            f"frameworks.{level}: no pillar or indicator {', '.join(sorted(remaining))}"
        )
    if steps is not None:
        edited["methodology"][level]["steps"] = [dict(step) for step in steps]
    return edited


def _mapping_get(node: yaml.Node | None, key: str) -> yaml.Node | None:
    """The value node of ``key`` in a YAML mapping node (None if absent or not a mapping)."""
    if not isinstance(node, yaml.MappingNode):
        return None
    return next((v for k, v in node.value if k.value == key), None)


def edited_weights_text(text: str, level: str, weights: Mapping[str, float]) -> str:
    """The text of ``indicators.yaml`` with the ``weight`` of each pillar or indicator code of
    ``frameworks.<level>`` in ``weights`` replaced in place, every other character (comments,
    layout) kept: a change to propose as an edited copy of the file. A code that is no pillar
    or indicator of the level, or has no written weight, is an error."""
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    pillars = _mapping_get(_mapping_get(_mapping_get(root, "frameworks"), level), "pillars")
    if not isinstance(pillars, yaml.SequenceNode):
        raise FrameworkError(f"frameworks.{level}.pillars: not found")
    spans: list[tuple[int, int, str]] = []
    for pillar in pillars.value:
        children = _mapping_get(pillar, "indicators")
        nodes = [pillar, *(children.value if isinstance(children, yaml.SequenceNode) else [])]
        for node in nodes:
            code, weight = _mapping_get(node, "code"), _mapping_get(node, "weight")
            if code is not None and code.value in weights and weight is not None:
                spans.append((weight.start_mark.index, weight.end_mark.index, code.value))
    missing = set(weights) - {found for _, _, found in spans}
    if missing:
        raise FrameworkError(
            f"frameworks.{level}: no pillar or indicator with a weight {', '.join(sorted(missing))}"
        )
    for start, end, name in sorted(spans, reverse=True):
        text = text[:start] + repr(float(weights[name])) + text[end:]
    return text


def rank_comparison(
    stored: pl.DataFrame,
    variant: pl.DataFrame,
    intervals: pl.DataFrame,
    year: int,
) -> pl.DataFrame:
    """Per unit of ``year``: the stored index rank and score (``scores`` rows), the variant's
    (``variant``: scores rows of a re-scoring), the shift (stored rank − variant rank, positive
    = the variant ranks it higher), the stored 5–95 % rank interval (``rank_intervals`` rows)
    and whether the variant's rank lies inside it; best variant rank first."""

    def index(frame: pl.DataFrame, suffix: str) -> pl.DataFrame:
        return frame.filter(pl.col("year") == year, pl.col("node") == INDEX_CODE).select(
            "region_code",
            pl.col("score").alias(f"score_{suffix}"),
            pl.col("rank").alias(f"rank_{suffix}"),
        )

    bounds = intervals.filter(pl.col("year") == year).select("region_code", "q05", "q95")
    return (
        index(stored, "stored")
        .join(index(variant, "variant"), on="region_code", how="full", coalesce=True)
        .join(bounds, on="region_code", how="left")
        .with_columns(
            shift=pl.col("rank_stored") - pl.col("rank_variant"),
            inside=pl.col("rank_variant").is_between(pl.col("q05"), pl.col("q95")),
        )
        .sort("rank_variant", "region_code", nulls_last=True)
    )
