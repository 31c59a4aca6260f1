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

import warnings
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from innovation_monitor.composite.dataset import TIME, check_data, numeric_frame, period_indices
from innovation_monitor.composite.framework import Framework
from innovation_monitor.composite.record import StepRecord, changed_cells
from innovation_monitor.composite.spec import (
    check_method,
    merged_spec,
    per_indicator_specs,
    resolve_params,
)
from innovation_monitor.errors import FrameworkError

_TEST = {"skew": 2.0, "kurtosis": 3.5}
_PARAMS: dict[str, dict[str, Any]] = {
    "winsorise_then_log": {"winmax": 5, **_TEST},
    "boxcox": {"lambda": None, **_TEST},
    "none": {},
}
METHODS = tuple(_PARAMS)
PANEL_MODES = ("per_period", "pooled")


def _moment(statistic: Callable[..., Any], x: np.ndarray, minimum: int) -> float:
    """A bias-corrected sample moment of the non-missing values; NaN with too few values or
    identical ones (scipy warns about the latter; there is nothing to treat)."""
    v = x[~np.isnan(x)]
    if v.size < minimum:
        return float("nan")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return float(statistic(v, bias=False))


def skewness(x: np.ndarray) -> float:
    """Sample skewness as e1071 ``type = 2`` (Excel's SKEW); NaN with fewer than 3 values."""
    return _moment(stats.skew, x, 3)


def kurtosis(x: np.ndarray) -> float:
    """Sample excess kurtosis as e1071 ``type = 2`` (Excel's KURT); NaN with fewer than 4."""
    return _moment(stats.kurtosis, x, 4)


def passes(x: np.ndarray, skew: float, kurt: float) -> bool:
    """COINr's test: |skew| < ``skew`` OR kurtosis < ``kurt``. Undefined moments (too few or
    identical values) count as passing: there is nothing to treat."""
    sk, kt = skewness(x), kurtosis(x)
    if np.isnan(sk) or np.isnan(kt):
        return True
    return bool(abs(sk) < skew or kt < kurt)


def winsorise(
    x: np.ndarray, *, winmax: int | None, skew: float, kurtosis: float
) -> tuple[np.ndarray, bool]:
    """COINr's ``winsorise``: returns the winsorised column and whether it now passes.

    While failing: with skew >= 0 every value tied at the maximum takes the largest remaining
    value, else every value tied at the minimum the smallest remaining one. COINr counts
    ``len(latest high step) + len(latest low step)`` — not a running total — and goes on while
    that count is below ``winmax``; the quirk is copied so results agree with COINr.
    """
    x = x.copy()
    passing = passes(x, skew, kurtosis)
    imax = imin = np.array([], dtype=int)
    nwin = 0
    while not passing and (winmax is None or nwin < winmax):
        if skewness(x) >= 0:
            imax = np.flatnonzero(x == np.nanmax(x))
            x[imax] = np.nanmax(np.delete(x, imax))
        else:
            imin = np.flatnonzero(x == np.nanmin(x))
            x[imin] = np.nanmin(np.delete(x, imin))
        nwin = imax.size + imin.size
        passing = passes(x, skew, kurtosis)
    return x, passing


def log_ct(x: np.ndarray) -> np.ndarray:
    """COINr's ``log_CT``: ``log(x − min + 0.01·(max − min))``, whatever the sign of the skew."""
    lo, hi = np.nanmin(x), np.nanmax(x)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(x - lo + 0.01 * (hi - lo))


def boxcox(x: np.ndarray, lmbda: float | None) -> tuple[np.ndarray, float]:
    """Box-Cox of ``x − min + 1`` (COINr's positive shift); ``lmbda=None`` fits it by maximum
    likelihood (``scipy.stats.boxcox``). Returns the transformed column and the lambda used."""
    shifted = x - np.nanmin(x) + 1.0
    present = ~np.isnan(shifted)
    if lmbda is None:
        lmbda = float(stats.boxcox(shifted[present])[1])
    out = np.full_like(shifted, np.nan)
    out[present] = stats.boxcox(shifted[present], lmbda=lmbda)
    return out, float(lmbda)


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
    check_method(method, METHODS, where)
    if panel not in PANEL_MODES:
        raise FrameworkError(f"{where}: panel is {panel!r}; expected one of {list(PANEL_MODES)}")
    global_opts = resolve_params(params, _PARAMS[method], f"{where} {{method: {method}}}")
    codes = list(framework.indicators)
    check_data(data, codes, what=where)
    overrides = per_indicator_specs(indicators, codes, where)
    specs = {}
    for code in codes:
        own_method, own_params = merged_spec(method, params, overrides.get(code))
        check_method(own_method, METHODS, f"{where}: indicator {code!r}")
        specs[code] = (
            own_method,
            resolve_params(own_params, _PARAMS[own_method], f"{where}: indicator {code!r}"),
        )
    before = numeric_frame(data, codes)
    out = before.copy()
    blocks = [(None, np.arange(len(out)))] if panel == "pooled" else list(period_indices(out))
    rows_out: list[dict[str, Any]] = []
    labels: dict[str, np.ndarray] = {}
    for code in codes:
        own_method, opts = specs[code]
        column = before[code].to_numpy(dtype=float)
        treated_column = column.copy()
        labels[code] = np.full(len(column), "", dtype=object)
        for period, rows in blocks:
            treated, info = _treat_column(column[rows], own_method, opts)
            treated_column[rows] = treated
            labels[code][rows] = info["treatment"]
            info.update({"iCode": code, "method": own_method})
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


def _treat_column(x: np.ndarray, method: str, opts: dict[str, Any]) -> tuple[np.ndarray, dict]:
    """Treat one column; return it with a summary row for the record."""
    info: dict[str, Any] = {
        "skew_before": skewness(x),
        "kurtosis_before": kurtosis(x),
        "treatment": "none",
        "winsorised": 0,
        "lambda": np.nan,
    }
    if method == "none":
        info.update(
            passed_before=None,
            skew_after=info["skew_before"],
            kurtosis_after=info["kurtosis_before"],
            passed_after=None,
        )
        return x, info
    skew, kurt = float(opts["skew"]), float(opts["kurtosis"])
    passed = passes(x, skew, kurt)
    info["passed_before"] = passed
    result = x
    if not passed and method == "winsorise_then_log":
        winmax = None if opts["winmax"] is None else int(opts["winmax"])
        wins, ok = winsorise(x, winmax=winmax, skew=skew, kurtosis=kurt)
        if ok:
            result = wins
            info["treatment"] = "winsorised"
            info["winsorised"] = int(np.sum((wins != x) & ~np.isnan(x)))
        else:
            result = log_ct(x)
            info["treatment"] = "log"
    elif not passed and method == "boxcox":
        lmbda = None if opts["lambda"] is None else float(opts["lambda"])
        result, info["lambda"] = boxcox(x, lmbda)
        info["treatment"] = "boxcox"
    info.update(
        skew_after=skewness(result),
        kurtosis_after=kurtosis(result),
        passed_after=passes(result, skew, kurt),
    )
    return result, info
