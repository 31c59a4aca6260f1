"""What a build step did, kept beside the data set it produced.

Every step returns ``(frame, StepRecord)``. The record is the audit trail a reviewer needs:
every changed cell with its old and new value (imputed, winsorised, log-transformed,
denominated), a per-indicator/per-unit summary, and what was dropped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from innovation_monitor.composite.dataset import TIME, UNIT

CELL_COLUMNS = (UNIT, TIME, "iCode", "action", "before", "after")


@dataclass(frozen=True)
class StepRecord:
    """The trace of one step.

    ``cells`` has one row per changed cell (``uCode, Time, iCode, action, before, after``;
    ``Time`` is missing for a cross-section); ``details`` is the step's summary table;
    ``tables`` holds further named outputs (e.g. ``"topsis"``); ``dropped_units`` holds uCodes,
    or ``(uCode, Time)`` pairs for a panel, where single unit-years can go.
    """

    step: str
    params: Mapping[str, Any]
    cells: pd.DataFrame = field(default_factory=lambda: empty_cells())
    details: pd.DataFrame = field(default_factory=pd.DataFrame)
    dropped_units: tuple[str | tuple[str, Any], ...] = ()
    dropped_indicators: tuple[str, ...] = ()
    tables: Mapping[str, pd.DataFrame] = field(default_factory=dict)
    notes: tuple[str, ...] = ()


def empty_cells() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in CELL_COLUMNS})


def changed_cells(
    before: pd.DataFrame,
    after: pd.DataFrame,
    columns: list[str] | tuple[str, ...],
    action: str | Mapping[str, str | np.ndarray],
) -> pd.DataFrame:
    """Long table of the cells of ``columns`` whose value differs between two aligned frames.

    ``action`` names what happened: one label, or per column a label or an array of labels
    (one per row). NaN → NaN is no change.
    """
    cols = list(columns)
    if not cols:
        return empty_cells()
    old = before[cols].to_numpy(dtype=float)
    new = after[cols].to_numpy(dtype=float)
    differ = ~((old == new) | (np.isnan(old) & np.isnan(new)))
    col_idx, rows = np.nonzero(differ.T)  # column-major: cells grouped by indicator
    if rows.size == 0:
        return empty_cells()
    if isinstance(action, str):
        labels = np.full(rows.size, action, dtype=object)
    else:
        matrix = np.column_stack(
            [np.broadcast_to(np.asarray(action[c], dtype=object), len(before)) for c in cols]
        )
        labels = matrix[rows, col_idx]
    times = before[TIME].to_numpy() if TIME in before.columns else np.full(len(before), np.nan)
    return pd.DataFrame(
        {
            UNIT: before[UNIT].to_numpy()[rows],
            TIME: times[rows],
            "iCode": np.asarray(cols, dtype=object)[col_idx],
            "action": labels,
            "before": old[rows, col_idx],
            "after": new[rows, col_idx],
        }
    )
