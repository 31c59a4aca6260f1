"""What a build step did, kept beside the data set it produced.

Every step returns ``(data set, StepRecord)``. The record is the audit trail a reviewer needs:
every changed cell with its old and new value (imputed, winsorised, log-transformed,
denominated), a per-indicator/per-unit summary, and what was dropped.

The changed cells are not copied out as a table while a build runs: a step names the columns it
changed and why (:class:`Changes`), and the table is made from the data sets before and after
the step whenever ``record.cells`` is read. A step that can say where each new value came from
(the imputers: the year carried from, the peer group and its size) adds a ``source`` column.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property, partial
from typing import Any, Protocol

import numpy as np
import pandas as pd

from innovation_monitor.composite.columns import Patch, changed_rows
from innovation_monitor.composite.dataset import TIME, UNIT, Data
from innovation_monitor.errors import FrameworkError

CELL_COLUMNS = (UNIT, TIME, "iCode", "action", "before", "after")

#: why a cell changed: one label, or labels made from the old and new values of the changed
#: cells (e.g. "winsorised (high)" where the value went down)
Action = str | Callable[[np.ndarray, np.ndarray], np.ndarray]
#: the action of one column: for every row, or per block of rows (one per period)
ColumnAction = Action | Sequence[tuple[np.ndarray, Action]]


class Columns(Protocol):
    """A data set whose columns can be read one at a time (:class:`~.dataset.Data`, or one
    read through a cache of its columns)."""

    @property
    def frame(self) -> pd.DataFrame: ...

    def column(self, name: str) -> np.ndarray: ...


#: where the new value of each changed cell came from, from the data set before the step, the
#: column (``iCode``) of each changed cell and its row: one text (or None) per cell
Sources = Callable[[Columns, np.ndarray, np.ndarray], np.ndarray]


@dataclass(frozen=True)
class Changes:
    """The cells of ``codes`` that differ between the data sets ``before`` and ``after`` (same
    rows), each with its action; NaN → NaN is no change. ``sources``, when given, says where
    each new value came from (the table's ``source`` column)."""

    before: Data
    after: Data
    codes: tuple[str, ...]
    actions: Mapping[str, ColumnAction]
    sources: Sources | None = None

    def rows(self, code: str, read: _Read) -> np.ndarray:
        """Positions of the changed cells of one column: none when the step handed on the
        column it was given, the patched cells when it patched that column, else found by
        comparing the values."""
        old, new = self.before.columns[code], self.after.columns[code]
        if new is old:
            return np.empty(0, dtype=np.intp)
        if isinstance(new, Patch) and new.base is old:
            return new.rows
        return changed_rows(read.column(code), self.after.column(code))

    def table(self) -> pd.DataFrame:
        """One row per changed cell, grouped by indicator in ``codes`` order."""
        pieces: list[tuple[str, np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
        read = _Read(self.before, {})
        for code in self.codes:
            rows = self.rows(code, read)
            if rows.size:
                old, new = read.column(code), self.after.column(code)
                labels = _labels(self.actions[code], rows, old, new, len(old))
                pieces.append((code, rows, labels, old[rows], new[rows]))
        extra = ("source",) if self.sources is not None else ()
        if not pieces:
            return empty_cells(extra)
        rows = np.concatenate([p[1] for p in pieces])
        frame = self.before.frame
        times = frame[TIME].to_numpy() if TIME in frame.columns else np.full(len(frame), np.nan)
        codes = np.repeat(
            np.asarray([p[0] for p in pieces], dtype=object), [p[1].size for p in pieces]
        )
        table = pd.DataFrame(
            {
                UNIT: frame[UNIT].to_numpy()[rows],
                TIME: times[rows],
                "iCode": codes,
                "action": np.concatenate([p[2] for p in pieces]),
                "before": np.concatenate([p[3] for p in pieces]),
                "after": np.concatenate([p[4] for p in pieces]),
            }
        )
        if self.sources is not None:
            table["source"] = self.sources(read, codes, rows)
        return table


@dataclass(frozen=True)
class _Read:
    """A data set whose columns are read once (a patched column is made anew on each
    reading)."""

    data: Columns
    columns: dict[str, np.ndarray]

    @property
    def frame(self) -> pd.DataFrame:
        return self.data.frame

    def column(self, name: str) -> np.ndarray:
        if name not in self.columns:
            self.columns[name] = self.data.column(name)
        return self.columns[name]


def _labels(
    action: ColumnAction, rows: np.ndarray, old: np.ndarray, new: np.ndarray, n: int
) -> np.ndarray:
    """The action of each changed cell ``rows`` of one column."""
    if isinstance(action, str) or callable(action):
        return _apply(action, old[rows], new[rows])
    block_of = np.empty(n, dtype=np.int64)
    for b, (block_rows, _) in enumerate(action):
        block_of[block_rows] = b
    labels = np.empty(rows.size, dtype=object)
    blocks = block_of[rows]
    for b, (_, label) in enumerate(action):
        here = blocks == b
        if here.any():
            labels[here] = _apply(label, old[rows[here]], new[rows[here]])
    return labels


def _apply(action: Action, old: np.ndarray, new: np.ndarray) -> np.ndarray:
    if isinstance(action, str):
        return np.full(old.size, action, dtype=object)
    return np.asarray(action(old, new), dtype=object)


@dataclass(frozen=True)
class StepRecord:
    """The trace of one step.

    ``cells`` has one row per changed cell (``uCode, Time, iCode, action, before, after``,
    and ``source`` for a step that says where new values came from; ``Time`` is missing for a
    cross-section); ``details`` is the step's summary table (made
    from ``summary`` when first read);
    ``tables`` holds further named outputs (e.g. ``"topsis"``); ``dropped_units`` holds uCodes,
    or ``(uCode, Time)`` pairs for a panel, where single unit-years can go.
    """

    step: str
    params: Mapping[str, Any]
    changes: Changes | pd.DataFrame | None = None
    #: the summary table, or how to make it (made when ``details`` is first read)
    summary: pd.DataFrame | Callable[[], pd.DataFrame] = field(default_factory=pd.DataFrame)
    dropped_units: tuple[str | tuple[str, Any], ...] = ()
    dropped_indicators: tuple[str, ...] = ()
    tables: Mapping[str, pd.DataFrame] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    cells_kept: bool = True

    @cached_property
    def details(self) -> pd.DataFrame:
        """The step's summary table."""
        return self.summary if isinstance(self.summary, pd.DataFrame) else self.summary()

    @property
    def cells(self) -> pd.DataFrame:
        """Every changed cell (made from the data sets before and after on each reading while
        a build keeps them; see :func:`~.build.run_build`'s ``keep``)."""
        if not self.cells_kept:
            raise FrameworkError(
                f"{self.step}: the build kept no changed cells; run it with keep=True to see them"
            )
        if self.changes is None:
            return empty_cells()
        if isinstance(self.changes, pd.DataFrame):
            return self.changes
        return self.changes.table()

    def settled(self) -> StepRecord:
        """The record with its changed cells made into a table now, so that it no longer
        holds on to the data sets (for a step called on its own)."""
        if isinstance(self.changes, Changes):
            return replace(self, changes=self.changes.table())
        return self

    def without_cells(self) -> StepRecord:
        """The record without its changed cells (a build that keeps no data sets)."""
        return replace(self, changes=None, cells_kept=False)


def columns_frame(columns: Mapping[str, Any]) -> Callable[[], pd.DataFrame]:
    """A summary made when read: the frame of these columns."""
    return partial(pd.DataFrame, dict(columns))


def records_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """The frame ``pd.DataFrame(rows)`` makes of summary rows, column by column when every
    row has the same keys (much quicker)."""
    keys = list(rows[0]) if rows else []
    if not rows or any(list(row) != keys for row in rows):
        return pd.DataFrame(rows)
    return pd.DataFrame({key: [row[key] for row in rows] for key in keys})


def empty_cells(extra: tuple[str, ...] = ()) -> pd.DataFrame:
    """A changed-cells table without rows (``extra``: further columns, e.g. ``source``)."""
    return pd.DataFrame({c: pd.Series(dtype=object) for c in (*CELL_COLUMNS, *extra)})
