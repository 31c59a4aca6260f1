"""Normalisation: bring indicators onto one scale, higher always better.

COINr's methods multiply each indicator by its direction first and then scale it: ``minmax``
(``range: [l, u]``), ``zscore`` (``mean``, ``sd``; sample sd), ``rank``, ``percentile_rank``,
``borda`` (ranks ascending, ties "min"), ``distance_to_max`` and ``fraction_of_max`` (which needs
a positive maximum after the direction step, else x / max would reverse the order or divide by
zero). Two methods use the raw value and handle direction themselves: ``distance_to_target``
(x / target, or target / x for direction −1, capped at 1, times ``scale`` — the 科技进步统计监测
convention with targets from the framework) and ``ratio_to_reference`` (value relative to a
reference unit such as the province, which scores ``scale``). These ratios need a positive target
or reference value and, for direction −1, positive values: zero has no ratio, and a negative one
would score below zero.

For a panel, ``goalposts`` says where the scaling parameters (min, max, mean, ranks, the
reference value) come from: each period's own data (``per_period``, COINr's per-coin default),
all periods together (``pooled``; the record then has one row per indicator, without ``Time``),
or one year (``{reference_period: YEAR}``) so that later years are measured against that year's
scale.
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
    row_label,
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
class _Goalposts:
    """The rows scaling parameters are fitted on, and their unit codes and period for messages."""

    units: np.ndarray
    period: object  # None when fitted on all periods (pooled) or on a cross-section

    def where(self) -> str:
        return "" if self.period is None else f" in {self.period}"


@dataclass(frozen=True)
class _Method:
    """A normaliser split into fitting (on the goalpost rows) and applying (to any rows)."""

    params: Mapping[str, Any]
    fit: Callable[[np.ndarray, _Goalposts, Mapping[str, Any], Node], Fitted]
    apply: Callable[[np.ndarray, Fitted, Mapping[str, Any], Node], np.ndarray]
    # a ratio to a positive target or reference value on the raw scale: direction −1 takes
    # reference / x instead of multiplying by the direction first (COINr's convention)
    ratio: bool = False


def _fit_range(x: np.ndarray, g: _Goalposts, p: Mapping[str, Any], node: Node) -> Fitted:
    present = x[~np.isnan(x)]
    if present.size == 0:
        return {"min": np.nan, "max": np.nan}
    return {"min": float(present.min()), "max": float(present.max())}


def _fit_positive_max(x: np.ndarray, g: _Goalposts, p: Mapping[str, Any], node: Node) -> Fitted:
    fitted = _fit_range(x, g, p, node)
    if fitted["max"] <= 0:
        raise DataError(
            f"normalise: fraction_of_max of {node.code!r}{g.where()} divides by its maximum, "
            f"which is {fitted['max']:g} after the direction step (x / max would reverse the "
            "order or divide by zero); choose another method for this indicator"
        )
    return fitted


def _fit_moments(x: np.ndarray, g: _Goalposts, p: Mapping[str, Any], node: Node) -> Fitted:
    present = x[~np.isnan(x)]
    sd = float(np.std(present, ddof=1)) if present.size > 1 else np.nan
    return {"mean": float(present.mean()) if present.size else np.nan, "sd": sd}


def _fit_sorted(x: np.ndarray, g: _Goalposts, p: Mapping[str, Any], node: Node) -> Fitted:
    return {"sorted": np.sort(x[~np.isnan(x)])}


def _fit_target(x: np.ndarray, g: _Goalposts, p: Mapping[str, Any], node: Node) -> Fitted:
    if node.target is None:
        raise FrameworkError(
            f"normalise: indicator {node.code!r} has no target; distance_to_target needs "
            "the framework's Target"
        )
    if not node.target > 0:
        raise FrameworkError(
            f"normalise: indicator {node.code!r} has target {node.target:g}; distance_to_target "
            "needs a positive target"
        )
    return {"target": node.target}


def _fit_reference(x: np.ndarray, g: _Goalposts, p: Mapping[str, Any], node: Node) -> Fitted:
    ref = str(p["unit"])
    hits = np.flatnonzero(g.units.astype(str) == ref)
    if hits.size == 0:
        raise DataError(f"normalise: reference unit {ref!r} is not in the data{g.where()}")
    if hits.size > 1:
        raise FrameworkError(
            f"normalise: reference unit {ref!r} has {hits.size} rows in the goalpost data; "
            "ratio_to_reference needs goalposts per_period or {reference_period: YEAR}"
        )
    value = float(x[hits[0]])
    if not value > 0:
        raise DataError(
            f"normalise: reference unit {ref!r} has {value:g} for {node.code!r}{g.where()}; "
            "ratio_to_reference needs a positive value"
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
    return x / f["max"]


def _directed_ratio(x: np.ndarray, ref: float, node: Node) -> np.ndarray:
    return x / ref if node.direction == 1 else ref / x


def _distance_to_target(x: np.ndarray, f: Fitted, p: Mapping[str, Any], node: Node) -> np.ndarray:
    ratio = _directed_ratio(x, f["target"], node)
    if p["cap"]:
        ratio = np.minimum(ratio, 1.0)  # NaN stays NaN
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
    "fraction_of_max": _Method({}, _fit_positive_max, _fraction_of_max),
    "distance_to_target": _Method(
        {"scale": 100.0, "cap": True}, _fit_target, _distance_to_target, ratio=True
    ),
    "ratio_to_reference": _Method(
        {"unit": REQUIRED, "scale": 100.0}, _fit_reference, _ratio_to_reference, ratio=True
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


def _blocks(
    data: pd.DataFrame, goalposts: Any, where: str
) -> list[tuple[object, np.ndarray, np.ndarray, object]]:
    """``(period, rows to normalise, rows to fit on, period fitted on)`` for each block of the
    data set; pooled goalposts are one block over every row, with no period."""
    every = np.arange(len(data))
    if goalposts == "per_period":
        return [(t, rows, rows, t) for t, rows in period_indices(data)]
    if goalposts == "pooled":
        return [(None, every, every, None)]
    if isinstance(goalposts, Mapping) and set(goalposts) == {"reference_period"}:
        if TIME not in data.columns:
            raise FrameworkError(f"{where}: goalposts reference_period needs a '{TIME}' column")
        year = goalposts["reference_period"]
        ref = np.flatnonzero(data[TIME].to_numpy() == year)
        if ref.size == 0:
            raise DataError(f"{where}: reference period {year!r} is not in the data's {TIME}")
        return [(t, rows, ref, year) for t, rows in period_indices(data)]
    raise FrameworkError(
        f"{where}: goalposts is {goalposts!r}; expected per_period, pooled or "
        "{reference_period: YEAR}"
    )


def _zero_spread(method: str, fitted: Fitted) -> str | None:
    """Why the goalposts turn every value into NaN (nothing to scale by), for the record."""
    if method in ("minmax", "distance_to_max") and fitted["min"] == fitted["max"]:
        return "zero range"
    if method == "zscore" and fitted["sd"] == 0:
        return "zero sd"
    return None


def _refuse_non_positive(x: np.ndarray, data: pd.DataFrame, label: str, method: str) -> None:
    """Direction −1 ratios divide by the value: zero has no ratio, and a negative value would
    score below zero however good it is."""
    bad = x <= 0
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise DataError(
            f"{label}: {row_label(data, row)} has {x[row]:g}; {method} with direction −1 "
            "divides by the value, which must be > 0"
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
    global_opts = resolve_params(params, METHODS[method].params, f"{where} {{method: {method}}}")
    codes = list(framework.indicators)
    check_data(data, codes, what=where)
    overrides = per_indicator_specs(indicators, codes, where)
    blocks = _blocks(data, goalposts, where)
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
        if spec.ratio and node.direction == -1:
            _refuse_non_positive(raw, before, label, own_method)
        x = raw if spec.ratio else raw * node.direction
        result = np.full_like(x, np.nan)
        for period, rows, fit_rows, fit_period in blocks:
            fitted = spec.fit(x[fit_rows], _Goalposts(units[fit_rows], fit_period), opts, node)
            result[rows] = spec.apply(x[rows], fitted, opts, node)
            why = _zero_spread(own_method, fitted)
            if why:
                notes.append(f"{code}{'' if period is None else f' ({period})'}: {why} → NaN")
            row = {"iCode": code, "method": own_method, "direction": node.direction, **opts}
            if period is not None:
                row[TIME] = period
            row.update({k: v for k, v in fitted.items() if k != "sorted"})
            rows_out.append(row)
        out[code] = result
    record = StepRecord(
        step="normalise",
        params={"method": method, "goalposts": goalposts, **global_opts, "indicators": overrides},
        details=pd.DataFrame(rows_out),
        notes=tuple(notes),
    )
    return out, record
