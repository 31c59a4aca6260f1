"""Imputation of missing indicator values, every filled cell flagged in the record.

Cross-sectional methods work within each period (a unit borrows from its peers that year):
``column_mean``, ``column_median``, ``group_mean`` / ``group_median`` (peers in the same
``group`` column, COINr's ``i_mean_grp``), ``knn`` (scikit-learn ``KNNImputer``) and
``iterative`` (``IterativeImputer``). Panel methods work along each unit's own series:
``carry_forward`` (last known value) and ``linear`` (interpolation between known years, no
extrapolation); both take ``limit``, the most consecutive missing periods filled in a row (the
rest of a longer gap stays missing; default: no limit), so a value is not carried or stretched
across years the unit did not report.

The record's cells say where each filled value came from (``source``): ``from=2020`` (carried
from that period), ``from=2019; to=2021`` (interpolated between them), ``group=east; n=3`` (the
statistic of the 3 units of group ``east`` with a value that period; ``n=15`` for all units),
``k=5`` (nearest neighbours) and None for ``iterative``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from innovation_monitor.composite.columns import Column, column_chunks, revised
from innovation_monitor.composite.dataset import Data, checked_at_the_edge, missing_counts
from innovation_monitor.composite.framework import Framework
from innovation_monitor.composite.imputers import IMPUTERS
from innovation_monitor.composite.record import Changes, StepRecord, columns_frame
from innovation_monitor.composite.spec import check_method


@checked_at_the_edge
def impute(
    data: Data, framework: Framework, *, method: str, **params: Any
) -> tuple[Data, StepRecord]:
    """Fill missing indicator values with ``method`` (see the module docstring)."""
    where = "impute"
    check_method(method, IMPUTERS, where)
    named = f"{where} {{method: {method}}}"
    imputer = IMPUTERS[method](params, where=named)
    codes = list(framework.indicators)
    # a method filling each column on its own reads a few columns at a time
    chunks = column_chunks(codes, len(data)) if imputer.columnwise else [codes]
    columns: dict[str, Column] = {}
    before_counts, after_counts = [], []
    for chunk in chunks:
        before = data.values(chunk)
        filled = imputer.transform(data, before)
        before_counts.append(missing_counts(before))
        after_counts.append(missing_counts(filled))
        bases = [data.columns[code] for code in chunk]
        columns.update(zip(chunk, revised(bases, before, filled), strict=True))
    none = np.zeros(0, dtype=np.int64)  # for a framework without indicators
    missing_before = np.concatenate([*before_counts, none])
    missing_after = np.concatenate([*after_counts, none])
    result = data.with_columns(columns)
    details = columns_frame(
        {
            "iCode": codes,
            "missing_before": missing_before,
            "imputed": missing_before - missing_after,  # an imputer only fills gaps
            "missing_after": missing_after,
        }
    )
    record = StepRecord(
        step="impute",
        params={"method": method, **imputer.params},
        changes=Changes(
            data,
            result,
            tuple(codes),
            dict.fromkeys(codes, f"imputed ({method})"),
            # from an imputer of its own: the one above holds the rows' series order
            sources=IMPUTERS[method](params, where=named).sources,
        ),
        summary=details,
    )
    return result, record
