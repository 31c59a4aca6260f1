"""Outlier treatment, so a few extreme values do not flatten everyone else after min-max.

``winsorise_then_log`` is COINr's default and copies it exactly: an indicator passes when
|skewness| < ``skew`` or kurtosis < ``kurtosis`` (e1071 type-2 estimators, excess kurtosis);
a failing one is winsorised one extreme at a time, on the side of the skew, while COINr's count
of winsorised points stays below ``winmax``; if it still fails, the winsorised values are
discarded and the *untreated* column is log-transformed with ``log(x − min + 0.01·(max − min))``.
``boxcox`` Box-Cox-transforms failing indicators instead (``lambda`` given, or fitted by maximum
likelihood); ``none`` leaves the data alone. Per-indicator overrides go in ``indicators``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from innovation_monitor.composite.dataset import TIME, check_data, numeric_frame, period_indices
from innovation_monitor.composite.framework import Framework
from innovation_monitor.composite.record import StepRecord, changed_cells
from innovation_monitor.composite.spec import check_method, merged_spec, per_indicator_specs
from innovation_monitor.composite.treatments import TREATMENTS, Treatment, kurtosis, skewness
from innovation_monitor.errors import FrameworkError

PANEL_MODES = ("per_period", "pooled")


def treat(
    data: pd.DataFrame,
    framework: Framework,
    *,
    method: str = "winsorise_then_log",
    panel: str = "per_period",
    indicators: Mapping[str, Any] | None = None,
    **params: Any,
) -> tuple[pd.DataFrame, StepRecord]:
    """Treat outliers indicator by indicator (see the module docstring).

    For a panel, ``panel: per_period`` treats each period on its own (as COINr treats each
    coin); ``pooled`` tests and treats all periods of an indicator together, so one
    transformation applies to every year.
    """
    where = "treat"
    check_method(method, TREATMENTS, where)
    if panel not in PANEL_MODES:
        raise FrameworkError(f"{where}: panel is {panel!r}; expected one of {list(PANEL_MODES)}")
    global_opts = TREATMENTS[method](params, where=f"{where} {{method: {method}}}").params
    codes = list(framework.indicators)
    check_data(data, codes, what=where)
    overrides = per_indicator_specs(indicators, codes, where)
    treatments: dict[str, Treatment] = {}
    for code in codes:
        own_method, own_params = merged_spec(method, params, overrides.get(code))
        label = f"{where}: indicator {code!r}"
        check_method(own_method, TREATMENTS, label)
        treatments[code] = TREATMENTS[own_method](own_params, where=label)
    before = numeric_frame(data, codes)
    out = before.copy()
    blocks = [(None, np.arange(len(out)))] if panel == "pooled" else list(period_indices(out))
    rows_out: list[dict[str, Any]] = []
    labels: dict[str, np.ndarray] = {}
    for code in codes:
        treatment = treatments[code]
        column = before[code].to_numpy(dtype=float)
        treated_column = column.copy()
        labels[code] = np.full(len(column), "", dtype=object)
        for period, rows in blocks:
            treated, info = _treat_column(treatment, column[rows])
            treated_column[rows] = treated
            labels[code][rows] = info["treatment"]
            info.update({"iCode": code, "method": treatment.name})
            if TIME in out.columns and panel == "per_period":
                info[TIME] = period
            rows_out.append(info)
        out[code] = treated_column
    cells = changed_cells(before, out, codes, labels)
    winsorised = cells["action"] == "winsorised"
    cells.loc[winsorised, "action"] = np.where(
        cells.loc[winsorised, "after"] < cells.loc[winsorised, "before"],
        "winsorised (high)",
        "winsorised (low)",
    )
    first = ["iCode", TIME] if any(TIME in r for r in rows_out) else ["iCode"]
    details = pd.DataFrame(rows_out)
    details = details[first + [c for c in details.columns if c not in first]]
    record = StepRecord(
        step="treat",
        params={"method": method, "panel": panel, **global_opts, "indicators": dict(overrides)},
        cells=cells,
        details=details,
    )
    return out, record


def _treat_column(treatment: Treatment, x: np.ndarray) -> tuple[np.ndarray, dict[str, Any]]:
    """Treat one column; return it with a summary row for the record."""
    skew_before, kurtosis_before = skewness(x), kurtosis(x)
    result = treatment.fit_transform(x)
    return result, {
        "skew_before": skew_before,
        "kurtosis_before": kurtosis_before,
        "treatment": treatment.treatment_,
        "winsorised": treatment.winsorised_,
        "lambda": treatment.lambda_,
        "passed_before": treatment.passed_,
        "skew_after": skewness(result),
        "kurtosis_after": kurtosis(result),
        "passed_after": treatment.test(result),
    }
