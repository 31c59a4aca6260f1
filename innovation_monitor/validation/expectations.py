"""The custom Great Expectations expectation for counts: values must be whole numbers.

Counts are stored as DOUBLE in the warehouse and GX has no whole-number check built in, so the
project defines one: a row-wise metric provider and the expectation that uses it. Defining the
classes registers them with GX.
"""

from typing import Any

import numpy as np
import pandas as pd
from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import ColumnMapExpectation
from great_expectations.expectations.metrics.map_metric_provider import (
    ColumnMapMetricProvider,
    column_condition_partial,
)


class ColumnValuesWholeNumber(ColumnMapMetricProvider):
    """Row-wise metric: the value is a whole number (inf and fractions are not)."""

    condition_metric_name = "column_values.whole_number"

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column: pd.Series, **kwargs: Any) -> pd.Series:
        return np.mod(column.astype("float64"), 1.0) == 0.0


class ExpectColumnValuesToBeWholeNumbers(ColumnMapExpectation):
    """Expect whole numbers: counts are stored as DOUBLE, and GX has no such check built in."""

    map_metric = "column_values.whole_number"
    success_keys = ("mostly",)
