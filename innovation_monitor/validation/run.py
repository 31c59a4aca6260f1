"""Running a validation: the frames to check, one ephemeral GX context, outcomes per check.

GX validates pandas frames here (its SQL datasource cannot read DuckDB tables), in one ephemeral
context per validation call shared by all its expectations. Each failing outcome lists a few
offending rows with their source file and row.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import great_expectations as gx
import numpy as np
import pandas as pd
import polars as pl
from great_expectations.data_context.types.base import (
    DataContextConfig,
    InMemoryStoreBackendDefaults,
    ProgressBarsConfig,
)

from innovation_monitor.errors import DataError, FrameworkError
from innovation_monitor.validation.outcomes import CheckOutcome, ValidationReport
from innovation_monitor.validation.rules import (
    GRID,
    INDICATOR_KEY,
    LEVEL_ZH,
    ROWS,
    STATISTICS_KEY,
    Check,
    checks_for_indicators,
    checks_for_statistics,
    expected_grid,
)

if TYPE_CHECKING:
    from great_expectations.core.expectation_validation_result import (
        ExpectationValidationResult,
    )
    from great_expectations.data_context import EphemeralDataContext

    from innovation_monitor.divisions import DivisionRegistry
    from innovation_monitor.framework import IndicatorSystem, MonitoringFramework

logging.getLogger("great_expectations").setLevel(logging.WARNING)

# Columns copied into a failing check's examples, when the frame has them.
EXAMPLE_COLUMNS = (
    "year",
    "region_code",
    "variable",
    "indicator",
    "value",
    "raw_value",
    "source_file",
    "source_sheet",
    "source_row",
    "source_column",
)


def validate_statistics(
    statistics: pl.DataFrame | pd.DataFrame,
    system: IndicatorSystem,
    registry: DivisionRegistry,
    *,
    level: str,
    years: Iterable[int],
    max_examples: int = 5,
) -> ValidationReport:
    """Validate long statistics of one level against the framework's variables and the registry.

    Rows of another level (when the frame has a ``level`` column) are left out, so the whole
    ``statistics`` table can be passed. Checks: no nulls, known variables, unique
    (year, region_code, variable), years among ``years``, region codes valid in their year, finite
    values, each variable's plausible range, counts whole and non-negative, and completeness: every
    unit valid in a year has every variable of the level.
    """
    wanted_years = _years(years)
    variables = [v for v in system.variables.values() if level in v.levels]
    if not variables:
        raise FrameworkError(f"indicators.yaml: no variable is collected at level {level!r}")
    frame = _prepare(statistics, STATISTICS_KEY, level=level, what="statistics")
    span = _span(wanted_years)
    level_zh = LEVEL_ZH.get(level, level)

    checks = checks_for_statistics(variables, registry, level, wanted_years, span)
    expected = expected_grid(registry, level, wanted_years, [v.code for v in variables], "variable")
    present = frame[list(STATISTICS_KEY)].drop_duplicates().assign(present=True)
    grid = expected.merge(present, on=list(STATISTICS_KEY), how="left")
    return run_checks(
        f"{level_zh}统计数据 {span}",
        f"{level} statistics {span}",
        {ROWS: frame, GRID: grid},
        checks,
        max_examples,
    )


def validate_indicators(
    indicator_values: pl.DataFrame | pd.DataFrame,
    framework: MonitoringFramework,
    *,
    level: str | None = None,
    years: Iterable[int] | None = None,
    registry: DivisionRegistry | None = None,
    max_missing_share: float = 0.2,
    max_examples: int = 5,
) -> ValidationReport:
    """Validate computed indicator values (long: year, region_code, indicator, value).

    Checks: no null keys, known indicators, unique (year, region_code, indicator), finite values
    where present, and per indicator a missing share (absent row or null value: a null value is
    allowed, e.g. after a zero denominator) of at most ``max_missing_share``. Units expected in
    a year are the registry's valid units when a ``registry`` is given (then region codes are
    checked too), else the units present that year.
    ``years`` defaults to the years in the frame, ``level`` to the framework's.
    """
    level = framework.level if level is None else level
    if not 0.0 <= max_missing_share <= 1.0:
        raise ValueError(f"max_missing_share must be within [0, 1], got {max_missing_share}")
    indicators = list(framework.indicators)
    if not indicators:
        raise FrameworkError(f"the {level} framework has no indicators")
    frame = _prepare(indicator_values, INDICATOR_KEY, level=level, what="indicator values")
    wanted_years = _years(frame["year"].dropna().unique() if years is None else years)
    span = _span(wanted_years)
    level_zh = LEVEL_ZH.get(level, level)

    checks = checks_for_indicators(
        indicators, registry, level, wanted_years, span, max_missing_share
    )
    codes = [i.code for i in indicators]
    if registry is not None:
        expected = expected_grid(registry, level, wanted_years, codes, "indicator")
    else:
        units = frame.loc[frame["year"].isin(wanted_years), ["year", "region_code"]]
        expected = units.drop_duplicates().merge(pd.DataFrame({"indicator": codes}), how="cross")
    values = frame[[*INDICATOR_KEY, "value"]].drop_duplicates(list(INDICATOR_KEY))
    grid = expected.merge(values, on=list(INDICATOR_KEY), how="left")
    return run_checks(
        f"{level_zh}指标值 {span}",
        f"{level} indicator values {span}",
        {ROWS: frame, GRID: grid},
        checks,
        max_examples,
    )


def run_checks(
    subject_zh: str,
    subject_en: str,
    frames: dict[str, pd.DataFrame],
    checks: list[Check],
    max_examples: int,
) -> ValidationReport:
    """Run every check on its frame in one GX context; outcomes keep the order of ``checks``."""
    by_name = {check.name: check for check in checks}
    context = _context()
    source = context.data_sources.add_pandas("innovation_monitor")
    outcomes: dict[str, CheckOutcome] = {}
    for batch, frame in frames.items():
        expectations = [check.expectation for check in checks if check.batch == batch]
        if not expectations:
            continue
        definition = source.add_dataframe_asset(batch).add_batch_definition_whole_dataframe(batch)
        suite = context.suites.add(gx.ExpectationSuite(name=batch, expectations=expectations))
        validation = context.validation_definitions.add(
            gx.ValidationDefinition(name=batch, data=definition, suite=suite)
        )
        result = validation.run(
            batch_parameters={"dataframe": frame},
            result_format={"result_format": "SUMMARY", "partial_unexpected_count": max_examples},
        )
        for item in result.results:
            config = item.expectation_config
            assert config is not None  # GX attaches its expectation to every result of a suite
            check = by_name[config.meta["check"]]
            outcomes[check.name] = _outcome(check, item, frame)
    return ValidationReport(
        subject_zh, subject_en, len(frames[ROWS]), [outcomes[check.name] for check in checks]
    )


def _years(years: Iterable[Any]) -> list[int]:
    wanted = sorted({int(year) for year in years})
    if not wanted:
        raise DataError("validation: no years to validate (the year list is empty)")
    return wanted


def _span(years: Sequence[int]) -> str:
    return str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"


def _prepare(
    data: pl.DataFrame | pd.DataFrame, key: Sequence[str], *, level: str, what: str
) -> pd.DataFrame:
    """A pandas copy with a fresh 0..n-1 index (GX reports offending rows by index)."""
    frame = data.to_pandas() if isinstance(data, pl.DataFrame) else data.copy()
    missing = [column for column in (*key, "value") if column not in frame.columns]
    if missing:
        raise DataError(
            f"{what}: missing column(s) {', '.join(missing)}; expected "
            f"{', '.join((*key, 'value'))}, got {', '.join(map(str, frame.columns))}"
        )
    if not pd.api.types.is_numeric_dtype(frame["value"]):
        raise DataError(f"{what}: column value must be numeric, got dtype {frame['value'].dtype}")
    if "level" in frame.columns:
        frame = frame[frame["level"] == level]
    return frame.reset_index(drop=True)


def _context() -> EphemeralDataContext:
    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(),
        progress_bars=ProgressBarsConfig(globally=False),
    )
    return gx.get_context(mode="ephemeral", project_config=config)


def _outcome(check: Check, item: ExpectationValidationResult, frame: pd.DataFrame) -> CheckOutcome:
    error = _exception_message(item.exception_info or {})
    found = item.result or {}
    columns = [column for column in EXAMPLE_COLUMNS if column in frame.columns]
    examples = [
        {column: _plain(frame.at[index, column]) for column in columns}
        for index in found.get("partial_unexpected_index_list") or []
    ]
    if check.annotate is not None:
        examples = [check.annotate(example) for example in examples]
    return CheckOutcome(
        name=check.name,
        category=check.category,
        description_zh=check.description_zh,
        description_en=check.description_en,
        success=bool(item.success) and error is None,
        unexpected_count=int(found.get("unexpected_count") or 0),
        examples=examples,
        error=error,
    )


def _exception_message(info: dict[str, Any]) -> str | None:
    """GX reports an error either flat or nested per failed metric; return the message(s)."""
    if "exception_message" in info:
        return str(info["exception_message"]) if info.get("raised_exception", True) else None
    messages = [str(v["exception_message"]) for v in info.values() if isinstance(v, dict)]
    return "; ".join(dict.fromkeys(messages)) or None


def _plain(value: Any) -> Any:
    """numpy/pandas scalars as plain Python (JSON- and metadata-friendly); missing as None."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, np.generic):
        return _plain(value.item())
    return value
