"""The data sets a build keeps, compactly, made into frames only when asked for.

Each kept data set holds its value columns one by one: a column a step left alone is the very
array of the data set before it, one with few changed cells is those cells on top of it (a
:class:`Patch`), and only a column that changed throughout is stored whole. The raw data set
reads the frame the build was given (a shallow copy, so later edits to that frame do not reach
it). So keeping every data set of a large panel costs little more than its normalised matrix.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from innovation_monitor.composite.dataset import CHUNK, Data, column_dtypes, float_column

#: a column changed in at most this share of its cells is kept as the changed cells
PATCH_SHARE = 0.25


@dataclass(frozen=True, eq=False)
class Patch:
    """A column: ``base`` with the cells ``rows`` set to ``values``."""

    base: Column
    rows: np.ndarray
    values: np.ndarray


@dataclass(frozen=True, eq=False)
class FrameColumn:
    """A column read from a frame when needed."""

    frame: pd.DataFrame
    name: str


Column = np.ndarray | Patch | FrameColumn


def materialise(column: Column) -> np.ndarray:
    """The values of a kept column (a new array unless it is kept whole)."""
    if isinstance(column, np.ndarray):
        return column
    if isinstance(column, FrameColumn):
        return float_column(column.frame[column.name])
    out = np.array(materialise(column.base))
    out[column.rows] = column.values
    return out


def changed_rows(before: Data, after: Data, codes: list[str], most: int) -> list[np.ndarray | None]:
    """For each of ``codes``, the rows whose value differs between two data sets with the same
    rows (NaN → NaN is no change), or None when more than ``most`` differ."""
    if before.X is after.X and before.codes == after.codes:  # the step changed nothing
        return [np.empty(0, dtype=np.intp) for _ in codes]
    out: list[np.ndarray | None] = []
    step = max(1, CHUNK // max(1, len(before)))
    for start in range(0, len(codes), step):
        chunk = codes[start : start + step]
        a, b = before.values(chunk), after.values(chunk)
        differ = a != b
        differ &= ~(np.isnan(a) & np.isnan(b))
        counts = np.count_nonzero(differ, axis=0)
        none = np.empty(0, dtype=np.intp)
        out += [
            (np.flatnonzero(differ[:, j]) if counts[j] else none) if counts[j] <= most else None
            for j in range(len(chunk))
        ]
    return out


@dataclass(frozen=True, eq=False)
class Kept:
    """One data set kept by a build: its other columns, column order and value columns."""

    frame: pd.DataFrame
    order: tuple[str, ...]
    columns: dict[str, Column]
    #: rows changed since the data set before it, for the columns compared with it
    changed: dict[str, np.ndarray] = field(default_factory=dict)

    @classmethod
    def raw(cls, data: Data) -> Kept:
        """The data set a build starts from: float columns are read from its frame (the
        shallow copy :meth:`Data.from_frame` made of the frame the build was given), the others
        from their converted values."""
        frame = data.frame
        dtypes = column_dtypes(frame)
        columns: dict[str, Column] = {
            code: FrameColumn(frame, code) if dtypes[code] == np.float64 else np.array(data.X[:, j])
            for j, code in enumerate(data.codes)
        }
        return cls(frame, data.order, columns)

    def after(self, before: Data, data: Data, *, share: bool = True) -> Kept:
        """The data set ``data`` that a step made from ``before`` (kept as this one).
        ``share``: whether it may keep views of ``data``'s matrix (not when the matrix is
        handed on, as the aggregated one becomes the results' scores)."""
        compared = (
            [c for c in data.codes if c in before.positions and c in self.columns]
            if data.frame is before.frame
            else []
        )
        columns: dict[str, Column] = {}
        changed: dict[str, np.ndarray] = {}
        if compared:
            found = changed_rows(before, data, compared, int(PATCH_SHARE * len(data)))
            for code, rows in zip(compared, found, strict=True):
                if rows is None:
                    continue
                if rows.size == 0:
                    columns[code] = self.columns[code]
                else:
                    columns[code] = Patch(
                        self.columns[code], rows, data.X[rows, data.positions[code]]
                    )
                changed[code] = rows
        whole = [c for c in data.codes if c not in columns]
        # mostly rewritten (normalised): share the step's matrix; else copy the few columns
        share = share and 2 * len(whole) >= len(data.codes)
        for code in whole:
            values = data.X[:, data.positions[code]]
            columns[code] = values if share else np.array(values)
        return Kept(data.frame, data.order, columns, changed)

    def column(self, name: str) -> np.ndarray:
        if name in self.columns:
            return materialise(self.columns[name])
        return self.frame[name].to_numpy()

    def to_frame(self) -> pd.DataFrame:
        values = {
            name: self.column(name) if name in self.columns else self.frame[name]
            for name in self.order
        }
        return pd.DataFrame(values, index=self.frame.index)


class Datasets(Mapping[str, pd.DataFrame]):
    """The data sets of a build by name, in order; each is made into a new frame when it is
    read, so the frames returned may be changed freely."""

    def __init__(self) -> None:
        self._kept: dict[str, Kept] = {}

    def add(self, name: str, kept: Kept) -> None:
        self._kept[name] = kept

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self._kept[name].to_frame()

    def __iter__(self) -> Iterator[str]:
        return iter(self._kept)

    def __len__(self) -> int:
        return len(self._kept)

    def __repr__(self) -> str:
        return f"Datasets({list(self._kept)})"
