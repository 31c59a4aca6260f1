"""Computing indicator values from statistics with a framework's formulas.

Statistics arrive long (``year, level, region_code, variable, value``, values in canonical units,
as in the warehouse's ``statistics`` table); indicators leave long (``year, level, region_code,
indicator, value``, as in ``indicator_values``), one row per (year, region, indicator) of the
framework's level.

Missing data never drops a row: if a region lacks a variable in a year (or the variable is not in
the statistics at all), every indicator that reads it is null for that region and year. The
scoring engine then imputes or skips it — a visible gap, not a silently shorter ranking. Any
non-finite result (division by zero, e.g. a high-tech share where industrial output is 0) is also
null.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import polars as pl

from innovation_monitor.errors import DataError
from innovation_monitor.framework import MonitoringFramework

if TYPE_CHECKING:  # pandas is imported where the engine's frame is made, not at start-up
    import pandas as pd

STATISTICS_COLUMNS = ("year", "level", "region_code", "variable", "value")
PARENT_COLUMN = "parent_code"
TYPE_COLUMN = "unit_type"
"""The unit's type (分类评价: 市辖区, 县级市, 县 or a functional type), when scoring knows it."""
CITY_TYPE_COLUMN = "city_type"
"""The unit's city and type together (``370100/县``): the units of one type in one city."""
RESULT_SCHEMA = {
    "year": pl.Int64,
    "level": pl.String,
    "region_code": pl.String,
    "indicator": pl.String,
    "value": pl.Float64,
}


def compute_indicators(statistics: pl.DataFrame, framework: MonitoringFramework) -> pl.DataFrame:
    """Evaluate every indicator of ``framework`` for every (year, region) of its level.

    Rows of ``statistics`` at other levels are ignored. Duplicate (year, region, variable) rows
    raise :class:`DataError`: a value must be unambiguous before it is scored. The result is
    sorted by year, region and the framework's indicator order.
    """
    missing = [c for c in STATISTICS_COLUMNS if c not in statistics.columns]
    if missing:
        raise DataError(
            f"statistics: column(s) {missing} are missing; expected {list(STATISTICS_COLUMNS)}"
        )
    try:
        stats = statistics.select(
            pl.col("year").cast(pl.Int64),
            pl.col("level").cast(pl.String),
            pl.col("region_code").cast(pl.String),
            pl.col("variable").cast(pl.String),
            pl.col("value").cast(pl.Float64),
        ).filter(pl.col("level") == framework.level)
    except pl.exceptions.InvalidOperationError as err:
        raise DataError(f"statistics: year or value is not numeric ({err})") from None
    keys = ["year", "region_code"]
    duplicated = stats.filter(pl.struct([*keys, "variable"]).is_duplicated())
    if duplicated.height:
        first = duplicated.row(0, named=True)
        raise DataError(
            f"statistics: {duplicated.height} rows repeat a (year, region_code, variable); e.g. "
            f"{first['variable']} of {first['region_code']} in {first['year']} appears more than "
            "once; expected one value each"
        )

    if not stats.height:
        return pl.DataFrame(schema=RESULT_SCHEMA)
    wide = stats.pivot(on="variable", index=keys, values="value").sort(keys)
    nan_column = np.full(wide.height, np.nan)
    columns = {
        code: (wide[code].to_numpy() if code in wide.columns else nan_column)
        for code in framework.variables
    }
    units = wide.select(keys)
    frames = []
    for order, indicator in enumerate(framework.indicators):
        values = indicator.expression.evaluate(columns)
        frames.append(
            units.with_columns(
                pl.lit(order).alias("_order"),
                pl.lit(indicator.code).alias("indicator"),
                pl.Series("value", np.where(np.isfinite(values), values, np.nan)),
            )
        )
    return (
        pl.concat(frames)
        .with_columns(pl.col("value").fill_nan(None), pl.lit(framework.level).alias("level"))
        .sort(["year", "region_code", "_order"])
        .select(list(RESULT_SCHEMA))
    )


def parent_code(region_code: str, level: str) -> str:
    """The parent of a unit read from its GB/T 2260 code, whose prefix encodes the hierarchy:
    a county's city is its first four digits + ``00`` (370281 胶州市 → 370200 青岛市), a city's
    parent is the province (370200 → 370000)."""
    return region_code[:4] + "00" if level == "county" else region_code[:2] + "0000"


def indicator_frame(
    values: pl.DataFrame,
    framework: MonitoringFramework,
    types: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Long indicator values → the scoring engine's data frame: ``uCode, Time``, the group column
    ``parent_code`` (see :func:`parent_code`; the county methodology imputes within each city),
    with ``types`` (unit code → type) the group columns ``unit_type`` and ``city_type``, and one
    column per indicator in framework order (missing values NaN), for the framework's level."""
    needed = ["year", "level", "region_code", "indicator", "value"]
    missing = [c for c in needed if c not in values.columns]
    if missing:
        raise DataError(f"indicator values: column(s) {missing} are missing; expected {needed}")
    codes = [i.code for i in framework.indicators]
    at_level = values.filter(pl.col("level") == framework.level)
    unknown = sorted(set(at_level["indicator"].unique().to_list()) - set(codes))
    if unknown:
        raise DataError(
            f"indicator values: indicator(s) {unknown} are not in the {framework.level} framework"
        )
    import pandas as pd

    frame = (
        at_level.select(
            pl.col("region_code").cast(pl.String).alias("uCode"),
            pl.col("year").cast(pl.Int64).alias("Time"),
            pl.col("indicator").cast(pl.String),
            pl.col("value").cast(pl.Float64),
        )
        .pivot(on="indicator", index=["uCode", "Time"], values="value")
        .sort(["Time", "uCode"])
        .to_pandas()
        if at_level.height
        else pd.DataFrame({"uCode": pd.Series(dtype=object), "Time": pd.Series(dtype="int64")})
    )
    frame[PARENT_COLUMN] = [parent_code(str(c), framework.level) for c in frame["uCode"]]
    groups = [PARENT_COLUMN]
    if types is not None:
        frame[TYPE_COLUMN] = [types.get(str(c)) for c in frame["uCode"]]
        frame[CITY_TYPE_COLUMN] = [
            None if t is None else f"{p}/{t}"
            for p, t in zip(frame[PARENT_COLUMN], frame[TYPE_COLUMN], strict=True)
        ]
        groups += [TYPE_COLUMN, CITY_TYPE_COLUMN]
    for code in codes:
        if code not in frame.columns:
            frame[code] = np.nan
    return frame[["uCode", "Time", *groups, *codes]].astype(dict.fromkeys(codes, float))
