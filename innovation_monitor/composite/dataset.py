"""Conventions and checks shared by every step for the data sets they pass along.

A data set is a pandas frame with a unit code column ``uCode``, optionally a ``Time`` column
(a panel: one row per unit and period), any other unit columns (groups, denominators) and one
numeric column per indicator or aggregate. Steps touch only the framework's columns and carry
everything else through unchanged.

A frame is checked once, where it enters the engine (:func:`run_build`, or a step function
called directly, see :func:`checked_at_the_edge`), and turned into :class:`Data`: the
framework's columns as float columns, the other columns alongside. Inside a build the steps
hand each other :class:`Data` and never check, convert or copy a whole frame again.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from innovation_monitor.composite.columns import CHUNK, Column, fill, materialise, read_only
from innovation_monitor.errors import DataError

UNIT = "uCode"
TIME = "Time"


def id_columns(data: pd.DataFrame) -> list[str]:
    """``uCode`` plus ``Time`` when the data set has one."""
    return [UNIT, TIME] if TIME in data.columns else [UNIT]


def period_indices(data: pd.DataFrame) -> list[tuple[object, np.ndarray]]:
    """Row positions of each period (one period holding every row for a cross-section).

    Cross-sectional methods (group means, min-max, ...) work within a period, as COINr does
    for each coin of a purse.
    """
    if TIME not in data.columns:
        return [(None, np.arange(len(data)))]
    codes, periods = pd.factorize(data[TIME].to_numpy(), sort=False)
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(periods) + 1))
    return [(t, order[bounds[i] : bounds[i + 1]]) for i, t in enumerate(periods)]


def row_label(data: pd.DataFrame, row: int) -> str:
    """``unit 'U1' in 2021`` (no period for a cross-section): how messages name a row, so the
    user can find it in the data."""
    unit = f"unit {str(data[UNIT].iloc[row])!r}"
    return f"{unit} in {data[TIME].iloc[row]}" if TIME in data.columns else unit


def column_dtypes(data: pd.DataFrame) -> dict[Any, Any]:
    """The dtype of each column by name (read as lists: iterating a frame's columns one by one
    is slow when their names are pandas strings)."""
    return dict(zip(data.columns.tolist(), data.dtypes.tolist(), strict=True))


def check_data(data: pd.DataFrame, columns: Iterable[str], *, what: str = "data") -> None:
    """Raise one :class:`DataError` for the first problem: no ``uCode``, a row without
    ``Time`` in a panel, duplicate units, a framework column absent from the data, or a column
    that is not numeric."""
    if UNIT not in data.columns:
        raise DataError(f"{what}: no '{UNIT}' column (the unit code)")
    panel = TIME in data.columns
    if panel and data[TIME].isna().any():
        unit = data.loc[data[TIME].isna(), UNIT].iloc[0]
        raise DataError(f"{what}: unit {unit!r} has no '{TIME}'; every row of a panel needs one")
    units = data[UNIT]
    if panel and data[TIME].nunique() > 1:  # units repeat over the periods: look at the pairs
        key = pd.factorize(units)[0].astype(np.int64)
        times, levels = pd.factorize(data[TIME])
        dup = pd.Series(key * (len(levels) + 1) + times).duplicated(keep=False).to_numpy()
    elif units.is_unique:
        dup = np.zeros(0, dtype=bool)
    else:  # a cross-section, or a panel of one period
        dup = units.duplicated(keep=False).to_numpy()
    if dup.any():
        per = "unit and period" if panel else "unit"
        raise DataError(
            f"{what}: {row_label(data, int(np.flatnonzero(dup)[0]))} appears more than "
            f"once; expected one row per {per}"
        )
    cols = list(columns)
    dtypes = column_dtypes(data)
    absent = [c for c in cols if c not in dtypes]
    if absent:
        raise DataError(
            f"{what}: indicator {absent[0]!r} is in the framework but not in the data columns"
        )
    check_numeric(data, cols, what=what, dtypes=dtypes)


def _is_number(dtype: Any) -> bool:
    """A numeric dtype other than boolean (a numpy one told by its kind, which is quicker)."""
    if isinstance(dtype, np.dtype):
        return dtype.kind in "iufc"
    return pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)


def check_numeric(
    data: pd.DataFrame,
    columns: Iterable[str],
    *,
    what: str,
    dtypes: Mapping[Any, Any] | None = None,
) -> None:
    """A :class:`DataError` naming the first value of ``columns`` that is not a number
    (``dtypes``: :func:`column_dtypes` of ``data``, when the caller has them)."""
    dtypes = column_dtypes(data) if dtypes is None else dtypes
    for col in columns:
        dtype = dtypes[col]
        if _is_number(dtype):
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


def float_column(series: pd.Series) -> np.ndarray:
    """A checked numeric column as float64 values (a read-only view when it already is)."""
    if series.dtype == np.float64:
        return series.to_numpy()
    return pd.to_numeric(series, errors="raise").to_numpy(dtype=np.float64, na_value=np.nan)


def _positions(data: pd.DataFrame, names: Sequence[str]) -> list[int] | np.ndarray:
    """The positions of the columns ``names`` (looked up in a dict: pandas' own lookup is slow
    for string column names; with repeated column names pandas' lookup refuses, as before)."""
    columns = data.columns.tolist()
    position = {name: j for j, name in enumerate(columns)}
    if len(position) < len(columns):
        return data.columns.get_indexer(names)
    return [position[name] for name in names]


def column_arrays(data: pd.DataFrame, positions: Iterable[int]) -> list[Any]:
    """The arrays a frame stores for its columns at ``positions``, as they are (a numpy or an
    extension array each; only to be read). pandas' public ways to read a column, ``data[name]``
    and ``iloc``, build a Series or a frame for each, which on a frame of many blocks (as
    ``read_csv`` makes) is most of the time of reading it; ``_get_column_array``, pandas' own
    accessor, is not."""
    return [data._get_column_array(j) for j in positions]


def _float_array(array: Any, frame: pd.DataFrame, name: str) -> np.ndarray:
    """The array a frame stores for its checked column ``name`` (:func:`column_arrays`) as
    float64 values: the array itself when it is float64 already, else converted."""
    if isinstance(array, np.ndarray) and array.dtype.kind in "iufc":
        return array if array.dtype == np.float64 else array.astype(np.float64)
    if pd.api.types.is_numeric_dtype(array.dtype):  # nullable, Arrow: missing becomes NaN
        return array.to_numpy(dtype=np.float64, na_value=np.nan)
    return float_column(frame[name])  # numbers written as text


def missing_counts(values: np.ndarray) -> np.ndarray:
    """The number of NaN in each column of a matrix."""
    step = max(1, CHUNK // max(1, len(values)))
    return np.concatenate(
        [np.isnan(values[:, j : j + step]).sum(axis=0) for j in range(0, values.shape[1], step)]
        or [np.zeros(0, dtype=np.int64)]
    )


def _frozen(columns: Mapping[str, Column]) -> dict[str, Column]:
    """Columns as a data set takes them in: every array made read-only (a view)."""
    return {c: read_only(v) if isinstance(v, np.ndarray) else v for c, v in columns.items()}


@dataclass(frozen=True, eq=False)
class Data:
    """A checked data set as the steps of a build pass it along.

    ``columns`` holds the value columns (the framework's indicators, then any aggregates) as
    float64, each stored as :mod:`~innovation_monitor.composite.columns` says and never written
    to: a step that changes values makes new columns and hands on the others as they are, so the
    data sets of a build share what did not change. ``frame`` holds the other columns (ids,
    groups, denominators, names), rows aligned (it may also hold stale copies of value columns:
    ``columns`` is what counts); ``order`` is the column order of the frame the data set is
    shown as.
    """

    frame: pd.DataFrame
    columns: Mapping[str, Column]
    order: tuple[str, ...]

    @classmethod
    def from_frame(cls, data: pd.DataFrame, codes: Iterable[str]) -> Data:
        """The framework columns ``codes`` of a checked frame (see :func:`check_data`): the
        float columns are the frame's own arrays (not copied), the others converted. The frame
        itself is shared as a shallow copy, so editing it later does not reach the data set."""
        codes = tuple(codes)
        frame = data.copy(deep=False)
        arrays = column_arrays(frame, _positions(frame, codes))
        columns = {
            code: _float_array(array, frame, code)
            for code, array in zip(codes, arrays, strict=True)
        }
        return cls(frame, _frozen(columns), tuple(frame.columns))

    def __len__(self) -> int:
        return len(self.frame)

    @cached_property
    def codes(self) -> tuple[str, ...]:
        """The value columns, in order."""
        return tuple(self.columns)

    @cached_property
    def periods(self) -> list[tuple[object, np.ndarray]]:
        """:func:`period_indices` of the data set, worked out once."""
        return period_indices(self.frame)

    def values(self, codes: Sequence[str]) -> np.ndarray:
        """The value columns ``codes`` as a new matrix, one column each, in Fortran order (as a
        frame's ``to_numpy`` gives them, so that sums along rows add in the same order)."""
        out = np.empty((len(self), len(codes)), order="F")
        for j, code in enumerate(codes):
            fill(out[:, j], self.columns[code])
        return out

    def column(self, name: str) -> np.ndarray:
        """A value column, or another column of the frame, as a numpy array (only to be read)."""
        if name in self.columns:
            return materialise(self.columns[name])
        return self.frame[name].to_numpy()

    def has(self, name: str) -> bool:
        return name in self.columns or name in self.frame.columns

    def indicator_frame(self, codes: Sequence[str]) -> pd.DataFrame:
        """The columns ``codes`` as a frame of floats (for the functions that take one)."""
        return pd.DataFrame(self.values(codes), columns=list(codes), index=self.frame.index)

    def with_columns(self, columns: Mapping[str, Column]) -> Data:
        """The data set with these value columns set, each code not yet present appended."""
        order = self.order + tuple(c for c in columns if c not in self.order)
        return Data(self.frame, {**self.columns, **_frozen(columns)}, order)

    def replaced(self, codes: Sequence[str], values: np.ndarray) -> Data:
        """The data set with the columns ``codes`` set to the columns of the matrix ``values``
        (taken over, not copied), each code not yet present appended."""
        return self.with_columns({code: values[:, j] for j, code in enumerate(codes)})

    def subset(self, rows: np.ndarray, drop: Sequence[str] = ()) -> Data:
        """The rows ``rows`` (positions, in order) without the value columns ``drop``. The
        frame's stale copies of the value columns that stay are left out (fewer columns to
        take rows of)."""
        gone = set(drop)
        columns = {c: self.column(c)[rows] for c in self.codes if c not in gone}
        others = [j for j, name in enumerate(self.frame.columns.tolist()) if name not in columns]
        return Data(
            self.frame.take(others, axis=1).take(rows).reset_index(drop=True),
            _frozen(columns),
            tuple(c for c in self.order if c not in gone),
        )

    def to_frame(self) -> pd.DataFrame:
        """The data set as a frame: the other columns and the value columns, in ``order``."""
        columns = {
            name: self.column(name) if name in self.columns else self.frame[name]
            for name in self.order
        }
        return pd.DataFrame(columns, index=self.frame.index)


Step = TypeVar("Step", bound=Callable[..., tuple[Any, Any]])


def checked_at_the_edge(step: Step) -> Step:
    """Let a step function take a plain frame: check it and turn it into :class:`Data` once,
    run the step, and give its data set back as a frame (and its record with every changed cell
    in it). Inside a build the step is handed :class:`Data`, and none of that happens."""

    @functools.wraps(step)
    def run(data: pd.DataFrame | Data, framework: Any, /, **params: Any) -> tuple[Any, Any]:
        if isinstance(data, Data):
            return step(data, framework, **params)
        check_data(data, framework.indicators, what=step.__name__)
        out, record = step(Data.from_frame(data, framework.indicators), framework, **params)
        return (out.to_frame() if isinstance(out, Data) else out), record.settled()

    return run  # type: ignore[return-value]
