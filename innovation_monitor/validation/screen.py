"""Which checks certainly pass: each check's predicate as a polars expression, one pass per frame.

Great Expectations costs tens of milliseconds per expectation (a pandas query per row condition,
a metric graph per check), and on usable data nearly every check finds nothing. The screen
evaluates all checks of a frame in one polars ``select`` and clears those without an offending
row: they pass with nothing to report. Only the others run in GX, which reports their counts,
examples and messages, so a report is the same as if GX had run every check.

The screen errs one way only: a row it cannot rule out counts as offending (nulls, an
expectation, row condition or column type it does not know), which sends the check to GX. The
frames hold null, never NaN, for a missing value (``run`` reads them so), as GX sees both.
"""

from collections.abc import Iterable, Sequence
from typing import Any

import polars as pl

from innovation_monitor.validation.rules import Check


def clean_checks(frame: pl.DataFrame, checks: Sequence[Check]) -> set[str]:
    """Names of the ``checks`` that no row of ``frame`` fails (each also passes in GX)."""
    offending = {
        check.name: predicate
        for check in checks
        if (predicate := offending_rows(check, frame.schema)) is not None
    }
    if not offending:
        return set()
    try:
        found = frame.select(
            predicate.fill_null(True).any().alias(name) for name, predicate in offending.items()
        ).row(0, named=True)
    except pl.exceptions.PolarsError:
        return set()
    return {name for name, hit in found.items() if hit is False}


def offending_rows(check: Check, schema: pl.Schema) -> pl.Expr | None:
    """Rows that may fail ``check`` (a superset of GX's unexpected rows); None if unknown."""
    kwargs = {key: value for key, value in check.kwargs.items() if key != "mostly"}
    if check.expectation == "ExpectCompoundColumnsToBeUnique":
        columns = kwargs.pop("column_list", [])
        if kwargs or not columns or any(column not in schema for column in columns):
            return None
        offending = pl.struct(columns).is_duplicated()
    elif check.expectation == "ExpectColumnPairValuesAToBeGreaterThanB":
        a, b = kwargs.pop("column_A", None), kwargs.pop("column_B", None)
        or_equal = kwargs.pop("or_equal", False)
        if kwargs or any(c not in schema or not schema[c].is_numeric() for c in (a, b)):
            return None
        offending = ~(pl.col(a) >= pl.col(b) if or_equal else pl.col(a) > pl.col(b))
    else:
        column = kwargs.pop("column", None)
        if column not in schema:
            return None
        predicate = _column_predicate(check.expectation, pl.col(column), schema[column], kwargs)
        if predicate is None:
            return None
        offending = predicate
    if check.where is not None:
        column, wanted = check.where
        if column not in schema or not _comparable(schema[column], [wanted]):
            return None
        offending = offending & (pl.col(column) == wanted).fill_null(True)
    return offending


def _column_predicate(
    expectation: str, value: pl.Expr, dtype: pl.DataType, kwargs: dict[str, Any]
) -> pl.Expr | None:
    """The offending values of one column for the column expectations the checks use."""
    present = value.is_not_null()
    if expectation == "ExpectColumnValuesToNotBeNull" and not kwargs:
        return value.is_null() | value.is_nan() if dtype.is_float() else value.is_null()
    if expectation == "ExpectColumnValuesToBeInSet" and set(kwargs) == {"value_set"}:
        allowed = list(kwargs["value_set"])
        return present & ~value.is_in(allowed) if _comparable(dtype, allowed) else None
    if expectation == "ExpectColumnValuesToNotBeInSet" and set(kwargs) == {"value_set"}:
        barred = list(kwargs["value_set"])
        return present & value.is_in(barred) if _comparable(dtype, barred) else None
    if not dtype.is_numeric():
        return None
    if expectation == "ExpectColumnValuesToBeBetween" and set(kwargs) <= {"min_value", "max_value"}:
        low, high = kwargs.get("min_value"), kwargs.get("max_value")
        bounds = [bound for bound in (low, high) if bound is not None]
        if not bounds or not _comparable(pl.Float64(), bounds):
            return None
        if low is not None and high is not None and low > high:
            return None  # GX reports this as an error
        inside = pl.lit(True)
        if low is not None:
            inside = inside & (value >= low)
        if high is not None:
            inside = inside & (value <= high)
        return present & ~inside
    if expectation == "ExpectColumnValuesToBeWholeNumbers" and not kwargs:
        number = value.cast(pl.Float64)
        return present & ~(number.is_finite() & (number % 1.0 == 0.0))
    return None


def _comparable(dtype: pl.DataType, values: Iterable[Any]) -> bool:
    """True if pandas and polars compare ``values`` with this column alike (same kind)."""
    items = list(values)
    if any(isinstance(item, bool) for item in items):
        return False
    if dtype.is_integer():
        return all(isinstance(item, int) for item in items)
    if dtype.is_float():
        return all(isinstance(item, int | float) for item in items)
    if dtype == pl.String:
        return all(isinstance(item, str) for item in items)
    return False
