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
one year (``{reference_period: YEAR}``) so that later years are measured against that year's
scale, or some years pooled (``{reference_periods: [YEAR, …]}``: fitted on those years, every
year transformed with them, scikit-learn's fit/transform — the frozen goalposts of a published
edition, under which the years it published keep their scores when a new year is added).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from innovation_monitor.composite.dataset import TIME, UNIT, Data, checked_at_the_edge, row_label
from innovation_monitor.composite.framework import Framework
from innovation_monitor.composite.normalisers import NORMALISERS, Goalposts, Normaliser
from innovation_monitor.composite.record import StepRecord, records_frame
from innovation_monitor.composite.spec import check_method, merged_spec, per_indicator_specs
from innovation_monitor.errors import DataError, FrameworkError


def _blocks(
    data: Data, goalposts: Any, where: str
) -> list[tuple[object, np.ndarray, np.ndarray, object]]:
    """``(period, rows to normalise, rows to fit on, period fitted on)`` for each block of the
    data set; pooled goalposts are one block over every row, with no period."""
    every = np.arange(len(data))
    if goalposts == "per_period":
        return [(t, rows, rows, t) for t, rows in data.periods]
    if goalposts == "pooled":
        return [(None, every, every, None)]
    if isinstance(goalposts, Mapping) and set(goalposts) == {"reference_period"}:
        if TIME not in data.frame.columns:
            raise FrameworkError(f"{where}: goalposts reference_period needs a '{TIME}' column")
        year = goalposts["reference_period"]
        ref = np.flatnonzero(data.frame[TIME].to_numpy() == year)
        if ref.size == 0:
            raise DataError(f"{where}: reference period {year!r} is not in the data's {TIME}")
        return [(t, rows, ref, year) for t, rows in data.periods]
    if isinstance(goalposts, Mapping) and set(goalposts) == {"reference_periods"}:
        ref = fit_rows(data, goalposts["reference_periods"], where)
        return [(None, every, ref, None)]
    raise FrameworkError(
        f"{where}: goalposts is {goalposts!r}; expected per_period, pooled, "
        "{reference_period: YEAR} or {reference_periods: [YEAR, …]}"
    )


def fit_rows(data: Data, periods: Any, where: str) -> np.ndarray:
    """The rows of ``periods`` (a list of periods, each in the data), which a step fits on."""
    if TIME not in data.frame.columns:
        raise FrameworkError(f"{where}: fitting on some periods needs a '{TIME}' column")
    if not isinstance(periods, list | tuple) or not periods:
        raise FrameworkError(
            f"{where}: periods to fit on must be a non-empty list, got {periods!r}"
        )
    times = data.frame[TIME].to_numpy()
    absent = [p for p in periods if not (times == p).any()]
    if absent:
        raise DataError(f"{where}: period(s) {absent} to fit on are not in the data's {TIME}")
    return np.flatnonzero(np.isin(times, list(periods)))


def _rows(rows: np.ndarray, n: int) -> np.ndarray | slice:
    """The sorted row positions ``rows`` of ``n`` rows, as a slice (no copy) when they are
    every row."""
    return slice(None) if rows.size == n and (n == 0 or rows[-1] == n - 1) else rows


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


@checked_at_the_edge
def normalise(
    data: Data,
    framework: Framework,
    *,
    method: str = "minmax",
    goalposts: Any = "per_period",
    indicators: Mapping[str, Any] | None = None,
    **params: Any,
) -> tuple[Data, StepRecord]:
    """Normalise every indicator (see the module docstring for methods and goalposts)."""
    where = "normalise"
    check_method(method, NORMALISERS, where)
    global_opts = NORMALISERS[method](params, where=f"{where} {{method: {method}}}").params
    codes = list(framework.indicators)
    overrides = per_indicator_specs(indicators, codes, where)
    blocks = _blocks(data, goalposts, where)
    out = np.array(data.X, order="F")
    units = data.frame[UNIT].to_numpy()
    rows_out: list[dict[str, Any]] = []
    notes: list[str] = []
    made: dict[tuple[str, str], Normaliser] = {}  # one per method and parameters
    for code in codes:
        node = framework[code]
        own_method, own = merged_spec(method, params, overrides.get(code))
        label = f"{where}: indicator {code!r}"
        normaliser = made.get((own_method, repr(own)))
        if normaliser is None:
            check_method(own_method, NORMALISERS, label)
            normaliser = NORMALISERS[own_method](own, where=f"{label} {{method: {own_method}}}")
            normaliser.check(label)
            made[(own_method, repr(own))] = normaliser
        raw = data.X[:, data.positions[code]]
        if normaliser.ratio and node.direction == -1:
            _refuse_non_positive(raw, data.frame, label, own_method)
        x = raw if normaliser.ratio else raw * node.direction
        result = out[:, data.positions[code]]
        result[:] = np.nan
        for period, rows, fit_rows, fit_period in blocks:
            fit, apply = _rows(fit_rows, len(x)), _rows(rows, len(x))
            normaliser.fit(x[fit], Goalposts(node, units[fit], fit_period))
            result[apply] = normaliser.transform(x[apply])
            why = normaliser.degenerate()
            if why:
                notes.append(f"{code}{'' if period is None else f' ({period})'}: {why} → NaN")
            row = {
                "iCode": code,
                "method": own_method,
                "direction": node.direction,
                **normaliser.params,
            }
            if period is not None:
                row[TIME] = period
            row.update(normaliser.fitted())
            rows_out.append(row)
    record = StepRecord(
        step="normalise",
        params={"method": method, "goalposts": goalposts, **global_opts, "indicators": overrides},
        summary=partial(records_frame, rows_out),
        notes=tuple(notes),
    )
    return Data(data.frame, data.codes, out, data.order), record
