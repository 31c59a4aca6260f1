"""Imputation of missing indicator values, every filled cell flagged in the record.

Cross-sectional methods work within each period (a unit borrows from its peers that year):
``column_mean``, ``column_median``, ``group_mean`` / ``group_median`` (peers in the same
``group`` column, COINr's ``i_mean_grp``), ``knn`` (scikit-learn ``KNNImputer``) and
``iterative`` (``IterativeImputer``). Panel methods work along each unit's own series:
``carry_forward`` (last known value) and ``linear`` (interpolation between known years, no
extrapolation); both take ``limit``, the most consecutive missing periods filled in a row (the
rest of a longer gap stays missing; default: no limit), so a value is not carried or stretched
across years the unit did not report.
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
    "linear": {"limit": None},
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
        limit = opts["limit"]
        if limit is not None and (
            isinstance(limit, bool) or not isinstance(limit, int) or limit < 1
        ):
            raise FrameworkError(
                f"{where}: limit is {limit!r}; expected a whole number of periods >= 1 (or none)"
            )
        _impute_panel(out, codes, method, limit)
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


def _sklearn(impute_block: Callable[[np.ndarray, dict[str, Any]], np.ndarray]) -> Filler:
    """Run a scikit-learn imputer only on the columns with some data (it would drop the others,
    which stay missing), and only when something is missing; keep every known value."""

    def fill(block: np.ndarray, groups: np.ndarray | None, opts: dict[str, Any]) -> np.ndarray:
        out = block.copy()
        usable = ~np.all(np.isnan(block), axis=0)
        sub = block[:, usable]
        if sub.size and np.isnan(sub).any():
            out[:, usable] = np.where(np.isnan(sub), impute_block(sub, opts), sub)
        return out

    return fill


def _knn(sub: np.ndarray, opts: dict[str, Any]) -> np.ndarray:
    """KNN on min-max scaled columns (``scale``) so no indicator dominates the distance."""
    lo, hi = np.nanmin(sub, axis=0), np.nanmax(sub, axis=0)
    span = np.where(hi > lo, hi - lo, 1.0) if opts["scale"] else np.ones_like(lo)
    shift = lo if opts["scale"] else np.zeros_like(lo)
    imputer = KNNImputer(n_neighbors=int(opts["k"]))
    return imputer.fit_transform((sub - shift) / span) * span + shift


def _iterative(sub: np.ndarray, opts: dict[str, Any]) -> np.ndarray:
    """Chained regressions (MICE-style) with a fixed seed so builds reproduce."""
    imputer = IterativeImputer(max_iter=int(opts["max_iter"]), random_state=opts["random_state"])
    return imputer.fit_transform(sub)


_CROSS_SECTION: dict[str, Filler] = {
    "column_mean": _fill_with(np.mean),
    "column_median": _fill_with(np.median),
    "group_mean": _fill_with(np.mean),
    "group_median": _fill_with(np.median),
    "knn": _sklearn(_knn),
    "iterative": _sklearn(_iterative),
}


# ------------------------------------------------------------------------- panel methods


def _impute_panel(out: pd.DataFrame, codes: list[str], method: str, limit: int | None) -> None:
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
            filled = series.ffill(limit=limit)
        else:
            filled = series.interpolate(method="index", limit=limit, limit_area="inside")
        out.iloc[rows, columns] = filled.to_numpy()
