"""A :class:`MonitoringFramework` handed to the composite engine.

The engine (:mod:`innovation_monitor.composite`) knows nothing of ``indicators.yaml``: it reads a
COINr ``iMeta`` table and a list of build steps. This module is the one place that translates the
framework into both, so scoring and reports describe the same methodology.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from innovation_monitor.framework.model import INDEX_CODE, MonitoringFramework

if TYPE_CHECKING:
    import pandas as pd

IMETA_COLUMNS = (
    "Level",
    "iCode",
    "iName",
    "iName_zh",
    "iName_en",
    "Direction",
    "Weight",
    "Parent",
    "Type",
    "Unit",
    "Denominator",
    "Target",
)


def build_steps(framework: MonitoringFramework) -> list[dict[str, Any]]:
    """The methodology as scoring-engine build steps (a fresh copy, safe to modify)."""
    return [copy.deepcopy(dict(step)) for step in framework.methodology.steps]


def fitted_on(steps: list[dict[str, Any]], periods: list[int]) -> list[dict[str, Any]]:
    """The steps with their pooled treatment and goalposts fitted on ``periods`` only, every
    period transformed with that fit (a published edition's frozen goalposts)."""
    out = copy.deepcopy(steps)
    for step in out:
        for name, params in step.items():
            if name == "treat" and params.get("panel") == "pooled":
                params["fit_periods"] = list(periods)
            if name == "normalise" and params.get("goalposts") == "pooled":
                params["goalposts"] = {"reference_periods": list(periods)}
    return out


def imeta_table(framework: MonitoringFramework) -> pd.DataFrame:
    """The framework as a COINr ``iMeta`` table for the scoring engine.

    Level 1 rows are the indicators (Type ``Indicator``), level 2 the pillars and level 3
    the index ``Index`` (Type ``Aggregate``, no parent). ``iName`` is Chinese (the
    reports' first language); ``iName_zh``/``iName_en`` carry both. ``Denominator`` is empty
    because every formula is already a ratio; ``Target`` is the value of the indicator's
    referenced plan target, if any.
    """
    import numpy as np  # here, not at the top: loading the framework needs no pandas
    import pandas as pd

    rows: list[dict[str, Any]] = [
        {
            "Level": 1,
            "iCode": i.code,
            "iName": i.name_zh,
            "iName_zh": i.name_zh,
            "iName_en": i.name_en,
            "Direction": i.direction,
            "Weight": float(i.weight),
            "Parent": i.pillar,
            "Type": "Indicator",
            "Unit": i.unit,
            "Denominator": None,
            "Target": np.nan if i.target_value is None else float(i.target_value),
        }
        for i in framework.indicators
    ]
    rows += [
        {
            "Level": 2,
            "iCode": p.code,
            "iName": p.name_zh,
            "iName_zh": p.name_zh,
            "iName_en": p.name_en,
            "Direction": 1,
            "Weight": float(p.weight),
            "Parent": INDEX_CODE,
            "Type": "Aggregate",
            "Unit": "Score",
            "Denominator": None,
            "Target": np.nan,
        }
        for p in framework.pillars
    ]
    rows.append(
        {
            "Level": 3,
            "iCode": INDEX_CODE,
            "iName": framework.index_name_zh,
            "iName_zh": framework.index_name_zh,
            "iName_en": framework.index_name_en,
            "Direction": 1,
            "Weight": 1.0,
            "Parent": None,
            "Type": "Aggregate",
            "Unit": "Score",
            "Denominator": None,
            "Target": np.nan,
        }
    )
    frame = pd.DataFrame(rows, columns=list(IMETA_COLUMNS))
    frame["Parent"] = frame["Parent"].astype(object)
    frame["Denominator"] = frame["Denominator"].astype(object)
    return frame


ARITHMETIC = "arithmetic"
TOLERANCE = 1e-9
"""Largest difference (relative to scores of order one to a hundred) between the stored score
and the sum of its contributions that still counts as the same number (float rounding)."""
PILLARS, INDEX = 2, 3
"""The aggregation levels of a monitoring framework: pillars from indicators, the index from
pillars."""


@dataclass(frozen=True)
class Aggregation:
    """How one level was aggregated: the method and the share of children that must have a
    score (``dat_thresh``; None: any one)."""

    method: str
    threshold: float | None

    @property
    def additive(self) -> bool:
        return self.method == ARITHMETIC


def _at_level(value: Any, level: int, default: Any) -> Any:
    """A step parameter for one level: one value for all, or ``{level: value}``."""
    if isinstance(value, Mapping):
        return next((v for k, v in value.items() if str(k) == str(level)), default)
    return default if value is None else value


def aggregations(framework: MonitoringFramework) -> dict[int, Aggregation]:
    """The pillar and index levels as the last ``aggregate`` step of the methodology made them
    (a build's results come from its last aggregate step)."""
    params: Mapping[str, Any] = {}
    for step in framework.methodology.steps:
        ((name, given),) = step.items()
        if name == "aggregate":
            params = given or {}
    return {
        level: Aggregation(
            str(_at_level(params.get("method"), level, ARITHMETIC)),
            _at_level(params.get("dat_thresh"), level, None),
        )
        for level in (PILLARS, INDEX)
    }
