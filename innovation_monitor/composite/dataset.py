"""Conventions and checks shared by every step for the data frames they pass along.

A data set is a pandas frame with a unit code column ``uCode``, optionally a ``Time`` column
(a panel: one row per unit and period), any other unit columns (groups, denominators) and one
numeric column per indicator or aggregate. Steps touch only the framework's columns and carry
everything else through unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np
import pandas as pd

from innovation_monitor.errors import DataError

UNIT = "uCode"
TIME = "Time"


def id_columns(data: pd.DataFrame) -> list[str]:
    """``uCode`` plus ``Time`` when the data set has one."""
    return [UNIT, TIME] if TIME in data.columns else [UNIT]


def period_indices(data: pd.DataFrame) -> Iterator[tuple[object, np.ndarray]]:
    """Row positions of each period (one period holding every row for a cross-section).

    Cross-sectional methods (group means, min-max, ...) work within a period, as COINr does
    for each coin of a purse.
    """
    if TIME not in data.columns:
        yield None, np.arange(len(data))
        return
    times = data[TIME].to_numpy()
    for t in pd.unique(times):
        yield t, np.flatnonzero(times == t)


def row_label(data: pd.DataFrame, row: int) -> str:
    """``unit 'U1' in 2021`` (no period for a cross-section): how messages name a row, so the
    user can find it in the data."""
    unit = f"unit {str(data[UNIT].iloc[row])!r}"
    return f"{unit} in {data[TIME].iloc[row]}" if TIME in data.columns else unit


def check_data(data: pd.DataFrame, columns: Iterable[str], *, what: str = "data") -> None:
    """Raise one :class:`DataError` for the first problem: no ``uCode``, a row without
    ``Time`` in a panel, duplicate units, a framework column absent from the data, or a column
    that is not numeric."""
    if UNIT not in data.columns:
        raise DataError(f"{what}: no '{UNIT}' column (the unit code)")
    if TIME in data.columns and data[TIME].isna().any():
        unit = data.loc[data[TIME].isna(), UNIT].iloc[0]
        raise DataError(f"{what}: unit {unit!r} has no '{TIME}'; every row of a panel needs one")
    key = pd.factorize(data[UNIT])[0].astype(np.int64)
    if TIME in data.columns:
        times, levels = pd.factorize(data[TIME])
        key = key * (len(levels) + 1) + times
    dup = pd.Series(key).duplicated(keep=False).to_numpy()
    if dup.any():
        per = "unit and period" if TIME in data.columns else "unit"
        raise DataError(
            f"{what}: {row_label(data, int(np.flatnonzero(dup)[0]))} appears more than once; "
            f"expected one row per {per}"
        )
    cols = list(columns)
    absent = [c for c in cols if c not in data.columns]
    if absent:
        raise DataError(
            f"{what}: indicator {absent[0]!r} is in the framework but not in the data columns"
        )
    dtypes = data.dtypes
    for col in cols:
        dtype = dtypes[col]
        if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype):
            continue
        series = data[col]
        if pd.api.types.is_bool_dtype(dtype):
            raise DataError(f"{what}: column {col!r} is boolean; expected numbers")
        bad = series.notna() & pd.to_numeric(series, errors="coerce").isna()
        if bad.any():
            row = bad.to_numpy().nonzero()[0][0]
            raise DataError(
                f"{what}: column {col!r} is not numeric: {row_label(data, row)} has "
                f"{series.iloc[row]!r}; expected a number"
            )


def numeric_frame(data: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """A copy of ``data`` with ``columns`` as float64 (after :func:`check_data`)."""
    out = data.copy()
    dtypes = out.dtypes
    convert = [c for c in columns if dtypes[c] != np.float64]
    if convert:
        out[convert] = out[convert].apply(pd.to_numeric, errors="raise").astype("float64")
    return out
