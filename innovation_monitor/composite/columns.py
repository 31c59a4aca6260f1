"""How a data set holds its value columns, so that the data sets of a build share what they have
in common.

A step hands on every column it left alone as the very column it was given, a column it changed
in few cells (imputed gaps, winsorised extremes) as those cells over the column before (a
:class:`Patch`), and only a column it changed throughout (normalised, aggregated, logged) as a
new array; the raw data set's float columns are the arrays of the frame the build was given. A
column is made whole only while a step reads it (:func:`materialise`, :func:`fill`), so a panel
passes through its steps at little more than the size of its normalised values, and keeping
every data set of a build costs about as much.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

#: a column changed in at most this share of its cells is kept as the changed cells
PATCH_SHARE = 0.25
#: cells a step reads at once when it works through the columns a few at a time
CHUNK = 1 << 22


@dataclass(frozen=True, eq=False)
class Patch:
    """A column: ``base`` with the cells ``rows`` set to ``values``."""

    base: Column
    rows: np.ndarray
    values: np.ndarray

    def __len__(self) -> int:
        return len(self.base)


Column = np.ndarray | Patch


def read_only(values: np.ndarray) -> np.ndarray:
    """``values`` as a column no one can write to (a read-only view; the array itself when it
    is read-only already, so that an unchanged column stays the same object)."""
    if not values.flags.writeable:
        return values
    view = values.view()
    view.flags.writeable = False
    return view


def fill(out: np.ndarray, column: Column) -> None:
    """Write the values of ``column`` into ``out`` (a vector of its length)."""
    if isinstance(column, Patch):
        fill(out, column.base)
        out[column.rows] = column.values
    else:
        out[...] = column


def materialise(column: Column) -> np.ndarray:
    """The values of a column: the array itself when it is kept whole, else a new one."""
    if isinstance(column, np.ndarray):
        return column
    out = np.empty(len(column))
    fill(out, column)
    return out


def _differ(old: np.ndarray, new: np.ndarray) -> np.ndarray:
    """Where two arrays of the same shape differ (NaN → NaN is no change)."""
    return ~((old == new) | (np.isnan(old) & np.isnan(new)))


def changed_rows(old: np.ndarray, new: np.ndarray) -> np.ndarray:
    """The positions where two columns differ (NaN → NaN is no change)."""
    return np.flatnonzero(_differ(old, new))


def revised(bases: Sequence[Column], old: np.ndarray, new: np.ndarray) -> list[Column]:
    """The columns of the matrix ``new`` as a step hands them on, ``old`` holding the values of
    ``bases``, the columns they were made from: a base itself where nothing changed, the
    changed cells over it where few did, else the new column (a view of ``new`` when most of
    its columns are new, else a copy, so that the matrix is not kept for a few of them)."""
    differ = _differ(old, new)
    counts = np.count_nonzero(differ, axis=0)
    whole = counts > PATCH_SHARE * len(new)
    share = 2 * np.count_nonzero(whole) >= len(bases)
    out: list[Column] = []
    for j, base in enumerate(bases):
        if whole[j]:
            out.append(read_only(new[:, j] if share else np.array(new[:, j])))
        elif counts[j]:
            rows = np.flatnonzero(differ[:, j])
            out.append(Patch(base, rows, new[rows, j]))
        else:
            out.append(base)
    return out


def column_chunks(codes: Sequence[str], rows: int) -> Iterator[list[str]]:
    """``codes`` in consecutive runs of about :data:`CHUNK` cells (at least one code each), for
    a step that reads its columns a few at a time."""
    step = max(1, CHUNK // max(1, rows))
    for start in range(0, len(codes), step):
        yield list(codes[start : start + step])
