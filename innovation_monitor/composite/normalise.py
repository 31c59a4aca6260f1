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

from collections.abc import Iterator, Mapping
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from innovation_monitor.composite.dataset import TIME, UNIT, Data, checked_at_the_edge, row_label
from innovation_monitor.composite.framework import Framework
from innovation_monitor.composite.normalisers import NORMALISERS, Block, Fit, Normaliser
from innovation_monitor.composite.record import StepRecord, records_frame
from innovation_monitor.composite.spec import check_method, merged_spec, per_indicator_specs
from innovation_monitor.composite.tree import Node
from innovation_monitor.errors import DataError, FrameworkError

#: cells scaled at once: many columns of a small data set, one of a large one (whose
#: temporaries then stay the size of a column, as when every column was scaled on its own)
CELLS = 1 << 16


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


def _runs(
    codes: list[str],
    method: str,
    params: Mapping[str, Any],
    overrides: Mapping[str, Any],
    where: str,
) -> Iterator[tuple[Normaliser, str, list[str]]]:
    """The indicators in order, in runs that one normaliser scales together (with the name of
    its method): consecutive indicators with the same method and parameters when the method
    scales many columns at once (``columnwise``), else one indicator each. A run is yielded
    before the next indicator's method is made, so that errors come in indicator order."""
    made: dict[tuple[str, str], Normaliser] = {}
    run: list[str] = []
    key = ("", "")
    for code in codes:
        own_method, own = merged_spec(method, params, overrides.get(code))
        previous, key = key, (own_method, repr(own))
        if run and (key != previous or not made[previous].columnwise):
            yield made[previous], previous[0], run
            run = []
        if key not in made:
            label = f"{where}: indicator {code!r}"
            check_method(own_method, NORMALISERS, label)
            normaliser = NORMALISERS[own_method](own, where=f"{label} {{method: {own_method}}}")
            normaliser.check(label)
            made[key] = normaliser
        run.append(code)
    if run:
        yield made[key], key[0], run


def _summary(
    fitted: list[tuple[str, Normaliser, list[Node], list[Fit]]], periods: list[object]
) -> pd.DataFrame:
    """The record's summary (made when read): a row per indicator and period, with its method,
    direction, parameters and fitted goalposts."""
    rows: list[dict[str, Any]] = []
    for own_method, normaliser, nodes, fits in fitted:
        for i, fit in enumerate(fits):
            node, period = nodes[i // len(periods)], periods[i % len(periods)]
            row = {
                "iCode": node.code,
                "method": own_method,
                "direction": node.direction,
                **normaliser.params,
            }
            if period is not None:
                row[TIME] = period
            row.update(fit.params)
            rows.append(row)
    return records_frame(rows)


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
    n = len(data)
    periods, blocks = [], []
    for period, rows, fit_rows, fit_period in _blocks(data, goalposts, where):
        periods.append(period)
        blocks.append(Block(_rows(rows, n), _rows(fit_rows, n), fit_period))
    columns: dict[str, np.ndarray] = {}  # the indicators; other columns stay as they are
    units = data.frame[UNIT].to_numpy()
    fitted: list[tuple[str, Normaliser, list[Node], list[Fit]]] = []
    notes: list[str] = []
    step = max(1, CELLS // max(1, n))  # columns scaled at once
    runs = _runs(codes, method, params, overrides, where)
    for normaliser, own_method, members in (
        (normaliser, own_method, run[start : start + step])
        for normaliser, own_method, run in runs
        for start in range(0, len(run), step)
    ):
        nodes = [framework[code] for code in members]
        raw = data.values(members)
        if normaliser.ratio:
            for j, node in enumerate(nodes):
                if node.direction == -1:
                    label = f"{where}: indicator {node.code!r}"
                    _refuse_non_positive(raw[:, j], data.frame, label, own_method)
            x = raw
        else:
            x = raw * np.array([node.direction for node in nodes])
        scaled, fits = normaliser.normalise_columns(x, blocks, nodes, units)
        columns.update(zip(members, scaled.T, strict=True))  # each run's columns: no copy
        for i, fit in enumerate(fits):
            if fit.degenerate:
                period = periods[i % len(periods)]
                where_fit = "" if period is None else f" ({period})"
                notes.append(f"{nodes[i // len(periods)].code}{where_fit}: {fit.degenerate} → NaN")
        fitted.append((own_method, normaliser, nodes, fits))
    record = StepRecord(
        step="normalise",
        params={"method": method, "goalposts": goalposts, **global_opts, "indicators": overrides},
        summary=partial(_summary, fitted, periods),
        notes=tuple(notes),
    )
    return data.with_columns(columns), record
