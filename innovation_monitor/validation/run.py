"""Running a validation: the frames to check, the screen, then GX for what it could not clear.

Each check runs on the rows as given or on the expected (year, region, code) grid. The polars
screen (``screen``) clears the checks no row fails; the rest run in Great Expectations
(``suite``, imported only then), which reports their counts and offending rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd
import polars as pl

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
from innovation_monitor.validation.screen import clean_checks

if TYPE_CHECKING:
    from innovation_monitor.divisions import DivisionRegistry
    from innovation_monitor.framework import IndicatorSystem, MonitoringFramework


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
    """Screen every check on its frame and run the rest in GX, in the order of ``checks``."""
    outcomes: dict[str, CheckOutcome] = {}
    pending: dict[str, list[Check]] = {}
    for batch, frame in frames.items():
        batch_checks = [check for check in checks if check.batch == batch]
        clean = clean_checks(frame, batch_checks)
        for check in batch_checks:
            if check.name in clean:
                outcomes[check.name] = _passed(check)
            else:
                pending.setdefault(batch, []).append(check)
    if pending:
        from innovation_monitor.validation import suite  # GX takes seconds to import: only now

        outcomes.update(suite.evaluate(frames, pending, max_examples))
    return ValidationReport(
        subject_zh, subject_en, len(frames[ROWS]), [outcomes[check.name] for check in checks]
    )


def _passed(check: Check) -> CheckOutcome:
    """What GX returns for a check without an offending row: passed, nothing to show."""
    return CheckOutcome(
        name=check.name,
        category=check.category,
        description_zh=check.description_zh,
        description_en=check.description_en,
        success=True,
        unexpected_count=0,
        examples=[],
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
