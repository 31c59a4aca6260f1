"""Normalisation: bring indicators onto one scale, higher always better.

COINr's methods multiply each indicator by its direction first and then scale it: ``minmax``
(``range: [l, u]``), ``zscore`` (``mean``, ``sd``; sample sd), ``rank``, ``percentile_rank``,
``borda`` (ranks ascending, ties "min"), ``distance_to_max`` and ``fraction_of_max``. Two
methods use the raw value and handle direction themselves: ``distance_to_target`` (x / target,
or target / x for direction −1, capped at 1, times ``scale`` — the 科技进步统计监测 convention
with targets from the framework) and ``ratio_to_reference`` (value relative to a reference unit
such as the province, which scores ``scale``).

For a panel, ``goalposts`` says where the scaling parameters (min, max, mean, ranks, the
reference value) come from: each period's own data (``per_period``, COINr's per-coin default),
all periods together (``pooled``), or one year (``{reference_period: YEAR}``) so that later
years are measured against that year's scale.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from innovation_monitor.composite.dataset import (
    TIME,
    UNIT,
    check_data,
    numeric_frame,
    period_indices,
)
from innovation_monitor.composite.framework import Framework, Node
from innovation_monitor.composite.record import StepRecord
from innovation_monitor.composite.spec import (
    REQUIRED,
    check_method,
    merged_spec,
    per_indicator_specs,
    resolve_params,
)
from innovation_monitor.errors import DataError, FrameworkError

Fitted = dict[str, Any]


@dataclass(frozen=True)
class _Method:
    """A normaliser split into fitting (on the goalpost rows) and applying (to any rows)."""

    params: Mapping[str, Any]
    fit: Callable[[np.ndarray, np.ndarray, Mapping[str, Any], Node], Fitted]
    apply: Callable[[np.ndarray, Fitted, Mapping[str, Any], Node], np.ndarray]
    directional: bool = True  # multiply by direction before fitting (COINr's convention)


def _fit_range(x: np.ndarray, units: np.ndarray, p: Mapping[str, Any], node: Node) -> Fitted:
    present = x[~np.isnan(x)]
    if present.size == 0:
        return {"min": np.nan, "max": np.nan}
    return {"min": float(present.min()), "max": float(present.max())}


def _fit_moments(x: np.ndarray, units: np.ndarray, p: Mapping[str, Any], node: Node) -> Fitted:
    present = x[~np.isnan(x)]
    sd = float(np.std(present, ddof=1)) if present.size > 1 else np.nan
    return {"mean": float(present.mean()) if present.size else np.nan, "sd": sd}


def _fit_sorted(x: np.ndarray, units: np.ndarray, p: Mapping[str, Any], node: Node) -> Fitted:
    return {"sorted": np.sort(x[~np.isnan(x)])}


def _fit_target(x: np.ndarray, units: np.ndarray, p: Mapping[str, Any], node: Node) -> Fitted:
    if node.target is None:
        raise FrameworkError(
            f"normalise: indicator {node.code!r} has no target; distance_to_target needs "
            "the framework's Target"
        )
    if node.target == 0:
        raise FrameworkError(f"normalise: indicator {node.code!r} has target 0; expected non-zero")
    return {"target": node.target}


def _fit_reference(x: np.ndarray, units: np.ndarray, p: Mapping[str, Any], node: Node) -> Fitted:
    ref = str(p["unit"])
    hits = np.flatnonzero(units.astype(str) == ref)
    if hits.size == 0:
        raise DataError(f"normalise: reference unit {ref!r} is not in the data")
    if hits.size > 1:
        raise FrameworkError(
            f"normalise: reference unit {ref!r} has {hits.size} rows in the goalpost data; "
            "ratio_to_reference needs goalposts per_period or {reference_period: YEAR}"
        )
    value = float(x[hits[0]])
    if np.isnan(value) or value == 0:
        raise DataError(
            f"normalise: reference unit {ref!r} has {value} for {node.code!r}; expected a "
            "non-zero value"
        )
    return {"reference": value}


def _rank(x: np.ndarray, f: Fitted) -> np.ndarray:
    """Rank among the goalpost values, ties "min" (for x among them: R's rank, ties "min")."""
    out = np.searchsorted(f["sorted"], x, side="left").astype(float) + 1.0
    out[np.isnan(x)] = np.nan
    return out


def _minmax(x: np.ndarray, f: Fitted, p: Mapping[str, Any], node: Node) -> np.ndarray:
    low, high = p["range"]
    with np.errstate(divide="ignore", invalid="ignore"):
        return (x - f["min"]) / (f["max"] - f["min"]) * (high - low) + low


def _zscore(x: np.ndarray, f: Fitted, p: Mapping[str, Any], node: Node) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return (x - f["mean"]) / f["sd"] * p["sd"] + p["mean"]


def _percentile_rank(x: np.ndarray, f: Fitted, p: Mapping[str, Any], node: Node) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return (_rank(x, f) - 1.0) / (f["sorted"].size - 1)


def _distance_to_max(x: np.ndarray, f: Fitted, p: Mapping[str, Any], node: Node) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return 1 - (f["max"] - x) / (f["max"] - f["min"])


def _fraction_of_max(x: np.ndarray, f: Fitted, p: Mapping[str, Any], node: Node) -> np.ndarray:
    if f["max"] == 0:
        raise DataError(
            f"normalise: fraction_of_max of {node.code!r} divides by its maximum, which is 0 "
            "(after the direction step); choose another method for this indicator"
        )
    return x / f["max"]


def _directed_ratio(x: np.ndarray, ref: float, node: Node) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return x / ref if node.direction == 1 else ref / x


def _distance_to_target(x: np.ndarray, f: Fitted, p: Mapping[str, Any], node: Node) -> np.ndarray:
    ratio = _directed_ratio(x, f["target"], node)
    if p["cap"]:
        ratio = np.where(np.isnan(ratio), np.nan, np.minimum(ratio, 1.0))
    return ratio * p["scale"]


def _ratio_to_reference(x: np.ndarray, f: Fitted, p: Mapping[str, Any], node: Node) -> np.ndarray:
    return _directed_ratio(x, f["reference"], node) * p["scale"]


METHODS: dict[str, _Method] = {
    "minmax": _Method({"range": [0, 100]}, _fit_range, _minmax),
    "zscore": _Method({"mean": 0.0, "sd": 1.0}, _fit_moments, _zscore),
    "rank": _Method({}, _fit_sorted, lambda x, f, p, n: _rank(x, f)),
    "percentile_rank": _Method({}, _fit_sorted, _percentile_rank),
    "borda": _Method({}, _fit_sorted, lambda x, f, p, n: _rank(x, f) - 1.0),
    "distance_to_max": _Method({}, _fit_range, _distance_to_max),
    "fraction_of_max": _Method({}, _fit_range, _fraction_of_max),
    "distance_to_target": _Method(
        {"scale": 100.0, "cap": True}, _fit_target, _distance_to_target, directional=False
    ),
    "ratio_to_reference": _Method(
        {"unit": REQUIRED, "scale": 100.0}, _fit_reference, _ratio_to_reference, directional=False
    ),
}


def _check_values(method: str, params: Mapping[str, Any], where: str) -> None:
    if method == "minmax":
        rng = params["range"]
        if (
            not isinstance(rng, list | tuple)
            or len(rng) != 2
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in rng)
            or not rng[0] < rng[1]
        ):
            raise FrameworkError(
                f"{where}: range is {rng!r}; expected [lower, upper], lower < upper"
            )
    if method == "zscore" and not float(params["sd"]) > 0:
        raise FrameworkError(f"{where}: sd is {params['sd']!r}; expected a positive number")


def _goalpost_rows(
    data: pd.DataFrame, goalposts: Any, where: str
) -> list[tuple[object, np.ndarray, np.ndarray]]:
    """``(period, rows to normalise, rows to fit on)`` for each block of the data set."""
    if goalposts == "per_period":
        return [(t, rows, rows) for t, rows in period_indices(data)]
    if goalposts == "pooled":
        every = np.arange(len(data))
        return [(t, rows, every) for t, rows in period_indices(data)]
    if isinstance(goalposts, Mapping) and set(goalposts) == {"reference_period"}:
        if TIME not in data.columns:
            raise FrameworkError(f"{where}: goalposts reference_period needs a '{TIME}' column")
        year = goalposts["reference_period"]
        ref = np.flatnonzero(data[TIME].to_numpy() == year)
        if ref.size == 0:
            raise DataError(f"{where}: reference period {year!r} is not in the data's {TIME}")
        return [(t, rows, ref) for t, rows in period_indices(data)]
    raise FrameworkError(
        f"{where}: goalposts is {goalposts!r}; expected per_period, pooled or "
        "{reference_period: YEAR}"
    )


def normalise(
    data: pd.DataFrame,
    framework: Framework,
    *,
    method: str = "minmax",
    goalposts: Any = "per_period",
    indicators: Mapping[str, Any] | None = None,
    **params: Any,
) -> tuple[pd.DataFrame, StepRecord]:
    """Normalise every indicator (see the module docstring for methods and goalposts)."""
    where = "normalise"
    check_method(method, METHODS, where)
    resolve_params(params, METHODS[method].params, f"{where} {{method: {method}}}")
    codes = list(framework.indicators)
    check_data(data, codes, what=where)
    overrides = per_indicator_specs(indicators, codes, where)
    blocks = _goalpost_rows(data, goalposts, where)
    before = numeric_frame(data, codes)
    out = before.copy()
    units = before[UNIT].to_numpy()
    rows_out: list[dict[str, Any]] = []
    notes: list[str] = []
    for code in codes:
        node = framework[code]
        own_method, own = merged_spec(method, params, overrides.get(code))
        label = f"{where}: indicator {code!r}"
        check_method(own_method, METHODS, label)
        spec = METHODS[own_method]
        opts = resolve_params(own, spec.params, f"{label} {{method: {own_method}}}")
        _check_values(own_method, opts, label)
        raw = before[code].to_numpy(dtype=float)
        x = raw * node.direction if spec.directional else raw
        result = np.full_like(x, np.nan)
        for period, rows, fit_rows in blocks:
            fitted = spec.fit(x[fit_rows], units[fit_rows], opts, node)
            result[rows] = spec.apply(x[rows], fitted, opts, node)
            if own_method in ("minmax", "distance_to_max") and fitted["min"] == fitted["max"]:
                notes.append(f"{code}{'' if period is None else f' ({period})'}: zero range → NaN")
            row = {"iCode": code, "method": own_method, "direction": node.direction, **opts}
            if TIME in before.columns:
                row[TIME] = period
            row.update({k: v for k, v in fitted.items() if k != "sorted"})
            rows_out.append(row)
        out[code] = result
    record = StepRecord(
        step="normalise",
        params={"method": method, "goalposts": goalposts, **params, "indicators": overrides},
        details=pd.DataFrame(rows_out),
        notes=tuple(notes),
    )
    return out, record
