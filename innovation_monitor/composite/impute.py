"""Imputation of missing indicator values, every filled cell flagged in the record.

Cross-sectional methods work within each period (a unit borrows from its peers that year):
``column_mean``, ``column_median``, ``group_mean`` / ``group_median`` (peers in the same
``group`` column, COINr's ``i_mean_grp``), ``knn`` (scikit-learn ``KNNImputer``) and
``iterative`` (``IterativeImputer``). Panel methods work along each unit's own series:
``carry_forward`` (last known value) and ``linear`` (interpolation between known years, no
extrapolation).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from sklearn.experimental import enable_iterative_imputer  # noqa: F401  (registers the class)
from sklearn.impute import IterativeImputer, KNNImputer

from innovation_monitor.composite.dataset import (
    TIME,
    UNIT,
    check_data,
    numeric_frame,
    period_indices,
)
from innovation_monitor.composite.framework import Framework
from innovation_monitor.composite.record import StepRecord, changed_cells
from innovation_monitor.composite.spec import REQUIRED, check_method, resolve_params
from innovation_monitor.errors import DataError, FrameworkError

_PARAMS: dict[str, dict[str, Any]] = {
    "column_mean": {},
    "column_median": {},
    "group_mean": {"group": REQUIRED},
    "group_median": {"group": REQUIRED},
    "knn": {"k": 5, "scale": True},
    "iterative": {"max_iter": 10, "random_state": 0},
    "carry_forward": {"limit": None},
    "linear": {},
}
PANEL_METHODS = ("carry_forward", "linear")
METHODS = tuple(_PARAMS)


def impute(
    data: pd.DataFrame, framework: Framework, *, method: str, **params: Any
) -> tuple[pd.DataFrame, StepRecord]:
    """Fill missing indicator values with ``method`` (see the module docstring)."""
    where = "impute"
    check_method(method, METHODS, where)
    opts = resolve_params(params, _PARAMS[method], f"{where} {{method: {method}}}")
    codes = list(framework.indicators)
    check_data(data, codes, what=where)
    before = numeric_frame(data, codes)
    out = before.copy()
    if method in PANEL_METHODS:
        if TIME not in data.columns:
            raise FrameworkError(
                f"{where}: method {method!r} imputes along time and needs a '{TIME}' column"
            )
        _impute_panel(out, codes, method, opts)
    else:
        group = opts.get("group")
        if group is not None and group not in data.columns:
            raise DataError(f"{where}: group column {group!r} is not in the data")
        fill = _CROSS_SECTION[method]
        for _, rows in period_indices(out):
            block = out.iloc[rows][codes].to_numpy(dtype=float)
            groups = data[group].iloc[rows].to_numpy() if group is not None else None
            out.iloc[rows, [out.columns.get_loc(c) for c in codes]] = fill(block, groups, opts)
    cells = changed_cells(before, out, codes, f"imputed ({method})")
    details = pd.DataFrame(
        {
            "iCode": codes,
            "missing_before": before[codes].isna().sum().to_numpy(),
            "imputed": cells["iCode"].value_counts().reindex(codes, fill_value=0).to_numpy(),
            "missing_after": out[codes].isna().sum().to_numpy(),
        }
    )
    record = StepRecord(
        step="impute", params={"method": method, **opts}, cells=cells, details=details
    )
    return out, record


# ------------------------------------------------------------------------- cross-section methods

Filler = Callable[[np.ndarray, np.ndarray | None, dict[str, Any]], np.ndarray]


def _fill_with(stat: Callable[[np.ndarray], np.ndarray]) -> Filler:
    """Fill each column's gaps with ``stat`` over the rows of the same group (or all rows)."""

    def fill(block: np.ndarray, groups: np.ndarray | None, opts: dict[str, Any]) -> np.ndarray:
        out = block.copy()
        if groups is None:
            masks = [np.ones(len(block), dtype=bool)]
        else:
            keys = pd.Series(groups)
            masks = [(keys == g).to_numpy() for g in keys.dropna().unique()]
        for mask in masks:
            sub = block[mask]
            present = ~np.isnan(sub)
            with np.errstate(all="ignore"):
                values = np.array(
                    [
                        stat(sub[present[:, j], j]) if present[:, j].any() else np.nan
                        for j in range(sub.shape[1])
                    ]
                )
            gaps = np.isnan(sub)
            filled = np.where(gaps, values[np.newaxis, :], sub)
            out[mask] = filled
        return out

    return fill


def _knn(block: np.ndarray, groups: np.ndarray | None, opts: dict[str, Any]) -> np.ndarray:
    """KNN on min-max scaled columns (``scale``) so no indicator dominates the distance."""
    out = block.copy()
    usable = ~np.all(np.isnan(block), axis=0)
    sub = block[:, usable]
    if sub.size == 0 or not np.isnan(sub).any():
        return out
    lo, hi = np.nanmin(sub, axis=0), np.nanmax(sub, axis=0)
    span = np.where(hi > lo, hi - lo, 1.0) if opts["scale"] else np.ones_like(lo)
    shift = lo if opts["scale"] else np.zeros_like(lo)
    imputer = KNNImputer(n_neighbors=int(opts["k"]))
    filled = imputer.fit_transform((sub - shift) / span) * span + shift
    out[:, usable] = np.where(np.isnan(sub), filled, sub)
    return out


def _iterative(block: np.ndarray, groups: np.ndarray | None, opts: dict[str, Any]) -> np.ndarray:
    """Chained regressions (MICE-style) with a fixed seed so builds reproduce."""
    out = block.copy()
    usable = ~np.all(np.isnan(block), axis=0)
    sub = block[:, usable]
    if sub.size == 0 or not np.isnan(sub).any():
        return out
    imputer = IterativeImputer(max_iter=int(opts["max_iter"]), random_state=opts["random_state"])
    filled = imputer.fit_transform(sub)
    out[:, usable] = np.where(np.isnan(sub), filled, sub)
    return out


_CROSS_SECTION: dict[str, Filler] = {
    "column_mean": _fill_with(np.mean),
    "column_median": _fill_with(np.median),
    "group_mean": _fill_with(np.mean),
    "group_median": _fill_with(np.median),
    "knn": _knn,
    "iterative": _iterative,
}


# ------------------------------------------------------------------------- panel methods


def _impute_panel(out: pd.DataFrame, codes: list[str], method: str, opts: dict[str, Any]) -> None:
    """Fill each unit's series in time order, in place."""
    times = pd.to_numeric(out[TIME], errors="coerce")
    if times.isna().any():
        raise DataError(f"impute: '{TIME}' must be numeric (years) for method {method!r}")
    units = out[UNIT].to_numpy()
    years = times.to_numpy()
    columns = [out.columns.get_loc(c) for c in codes]
    for unit in pd.unique(units):
        rows = np.flatnonzero(units == unit)
        rows = rows[np.argsort(years[rows], kind="stable")]
        series = out.iloc[rows][codes].copy()
        series.index = years[rows]
        if method == "carry_forward":
            filled = series.ffill(limit=opts["limit"])
        else:
            filled = series.interpolate(method="index", limit_area="inside")
        out.iloc[rows, columns] = filled.to_numpy()
