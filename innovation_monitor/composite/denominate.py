"""Denomination: turn totals into ratios (per capita, per GDP, per area) so units of different
size compare. Each indicator with a ``denominator`` in the framework is divided by that column of
the data (times an optional scale factor, e.g. 10 000 for "per 10 000 people")."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from innovation_monitor.composite.dataset import (
    UNIT,
    Data,
    check_numeric,
    checked_at_the_edge,
    float_column,
)
from innovation_monitor.composite.framework import Framework
from innovation_monitor.composite.record import Changes, StepRecord
from innovation_monitor.composite.spec import per_indicator_specs, resolve_params
from innovation_monitor.errors import DataError


@checked_at_the_edge
def denominate(
    data: Data,
    framework: Framework,
    *,
    scale: float = 1.0,
    indicators: Mapping[str, Any] | None = None,
) -> tuple[Data, StepRecord]:
    """Divide indicators by their denominators.

    ``indicators: {CODE: {denominator: COLUMN or null, scale: S}}`` overrides the framework's
    denominator of one indicator (``null`` leaves it as it is) and the global ``scale``.
    """
    where = "denominate"
    codes = framework.indicators
    overrides = per_indicator_specs(indicators, codes, where)
    plan: dict[str, tuple[str, float]] = {}
    for code in codes:
        spec: dict[str, Any] = {"denominator": framework[code].denominator, "scale": scale}
        if code in overrides:
            spec = resolve_params(overrides[code], spec, f"{where}: indicator {code!r}")
        if spec["denominator"] is not None:
            plan[code] = (str(spec["denominator"]), float(spec["scale"]))
    denominator_columns = sorted({d for d, _ in plan.values()})
    for col in denominator_columns:
        if not data.has(col):
            users = [c for c, (d, _) in plan.items() if d == col]
            raise DataError(
                f"{where}: denominator column {col!r} (for {', '.join(users)}) is not in the data"
            )
    others = [c for c in denominator_columns if c in data.frame.columns]
    check_numeric(data.frame, others, what=f"{where}: denominators")
    divided = list(plan)
    out = data.values(divided)
    denominators = {
        col: data.column(col) if col in data.columns else float_column(data.frame[col])
        for col in denominator_columns
    }
    for i, (code, (col, factor)) in enumerate(plan.items()):
        denom = denominators[col]
        before = data.column(code)
        zero = (denom == 0) & ~np.isnan(before)
        if zero.any():
            unit = data.frame[UNIT].iloc[np.flatnonzero(zero)[0]]
            raise DataError(
                f"{where}: unit {unit!r} has denominator {col!r} = 0, so {code!r} cannot be "
                "divided by it; expected a non-zero value (or leave it missing)"
            )
        out[:, i] = before / denom * factor
    result = data.replaced(divided, out) if divided else data
    details = partial(
        pd.DataFrame,
        [{"iCode": c, "denominator": d, "scale": s} for c, (d, s) in plan.items()],
        columns=["iCode", "denominator", "scale"],
    )
    actions = {c: f"divided by {d}" + (f" x {s:g}" if s != 1 else "") for c, (d, s) in plan.items()}
    record = StepRecord(
        step="denominate",
        params={"scale": scale, "indicators": dict(overrides)},
        changes=Changes(data, result, tuple(divided), actions),
        summary=details,
    )
    return result, record
