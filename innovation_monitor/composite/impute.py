"""Imputation of missing indicator values, every filled cell flagged in the record.

Cross-sectional methods work within each period (a unit borrows from its peers that year):
``column_mean``, ``column_median``, ``group_mean`` / ``group_median`` (peers in the same
``group`` column, COINr's ``i_mean_grp``), ``knn`` (scikit-learn ``KNNImputer``) and
``iterative`` (``IterativeImputer``). Panel methods work along each unit's own series:
``carry_forward`` (last known value) and ``linear`` (interpolation between known years, no
extrapolation); both take ``limit``, the most consecutive missing periods filled in a row (the
rest of a longer gap stays missing; default: no limit), so a value is not carried or stretched
across years the unit did not report.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from innovation_monitor.composite.dataset import check_data, numeric_frame
from innovation_monitor.composite.framework import Framework
from innovation_monitor.composite.imputers import IMPUTERS
from innovation_monitor.composite.record import StepRecord, changed_cells
from innovation_monitor.composite.spec import check_method


def impute(
    data: pd.DataFrame, framework: Framework, *, method: str, **params: Any
) -> tuple[pd.DataFrame, StepRecord]:
    """Fill missing indicator values with ``method`` (see the module docstring)."""
    where = "impute"
    check_method(method, IMPUTERS, where)
    imputer = IMPUTERS[method](params, where=f"{where} {{method: {method}}}")
    codes = list(framework.indicators)
    check_data(data, codes, what=where)
    before = numeric_frame(data, codes)
    out = imputer.transform(before, codes)
    cells = changed_cells(before, out, codes, f"imputed ({method})")
    details = pd.DataFrame(
        {
            "iCode": codes,
            "missing_before": before[codes].isna().sum().to_numpy(),
            "imputed": cells["iCode"].value_counts().reindex(codes, fill_value=0).to_numpy(),
            "missing_after": out[codes].isna().sum().to_numpy(),
        }
    )
    record = StepRecord(
        step="impute", params={"method": method, **imputer.params}, cells=cells, details=details
    )
    return out, record
