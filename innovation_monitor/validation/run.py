"""Running a validation: the frames of each data year, the screen, then GX for what it could not
clear.

``assess_statistics`` is the one entry point for statistics, used by ``innovation-monitor
validate`` and by the pipeline alike, so that a run refuses exactly what ``validate`` fails.
Every check runs once per data year on one of that year's frames (the rows as given, the
expected (year, region, code) grid, or a frame of ``consistency``), so each outcome carries its
year. The polars screen (``screen``) clears the checks no row fails; the rest run in Great
Expectations (``suite``, imported only then), which reports their counts and offending rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import polars as pl

from innovation_monitor.errors import DataError, FrameworkError
from innovation_monitor.validation import consistency
from innovation_monitor.validation.outcomes import (
    COMPLETENESS,
    QUARANTINE,
    CheckOutcome,
    ValidationReport,
)
from innovation_monitor.validation.rules import (
    GRID,
    INDICATOR_KEY,
    LEVEL_ZH,
    ROWS,
    STATISTICS_KEY,
    Check,
    Frames,
    checks_for_indicators,
    checks_for_statistics,
)
from innovation_monitor.validation.screen import clean_checks

if TYPE_CHECKING:
    import pandas as pd

    from innovation_monitor.divisions import DivisionRegistry
    from innovation_monitor.framework import IndicatorSystem, MonitoringFramework

QUARANTINE_COLUMNS = ("year", "level", "kind")


def assess_statistics(
    statistics: pl.DataFrame | pd.DataFrame,
    quarantine: pl.DataFrame,
    system: IndicatorSystem,
    registry: DivisionRegistry,
    *,
    level: str,
    years: Iterable[int],
    accept_quarantine: bool = False,
    max_examples: int = 5,
) -> ValidationReport:
    """Every statistics check of ``level`` for each of ``years``.

    ``statistics`` may hold both levels and other years: only rows of ``level`` in ``years`` are
    checked, the previous year's rows are compared with (change on the previous year), and at
    county level the city rows give the totals the counties must add up to. Blocking: keys,
    known variables, region codes valid in the year, finite values, plausible ranges, shares
    within 0–100, whole non-negative counts, parts not above their whole, and problem cells in
    the ``quarantine`` of (year, level). Warnings: declared gaps, completeness, change on the
    previous year, county sums. ``accept_quarantine`` lets failing quarantine checks through,
    recorded as accepted.
    """
    wanted = _years(years)
    variables = [v for v in system.variables.values() if level in v.levels]
    if not variables:
        raise FrameworkError(f"indicators.yaml: no variable is collected at level {level!r}")
    context = sorted({*wanted, *(year - 1 for year in wanted)})  # the previous years: changes
    everything = _polars(statistics, STATISTICS_KEY, what="statistics")
    everything = everything.filter(pl.col("year").is_in(context))
    rows = _of_level(everything, level)
    codes = [v.code for v in variables]
    present = rows.select(*STATISTICS_KEY).unique().with_columns(present=pl.lit(True))
    grid = _expected(registry, level, wanted, codes, "variable").join(
        present, on=list(STATISTICS_KEY), how="left"
    )
    derived = {
        ROWS: rows,
        GRID: grid,
        consistency.QUARANTINED: consistency.quarantined_cells(
            _polars(quarantine, QUARANTINE_COLUMNS, what="quarantine", numeric=False), level, wanted
        ),
        consistency.CHANGES: consistency.changes(rows, variables),
        consistency.PARTS: consistency.parts(rows, variables, system.variables),
    }
    checks: list[Check] = []
    for year in wanted:
        checks += checks_for_statistics(variables, registry, level, year)
        checks += consistency.quarantine_checks(level, year)
        checks += consistency.part_checks(variables, system.variables, year)
        checks += consistency.change_checks(variables, year)
    if level == "county" and "level" in everything.columns:
        cities = _of_level(everything, "city")
        derived[consistency.COUNTY_SUMS] = consistency.county_sums(
            rows, cities, variables, registry, wanted
        )
        checks += [c for year in wanted for c in consistency.county_sum_checks(variables, year)]
    span, level_zh = _span(wanted), LEVEL_ZH.get(level, level)
    report = run_checks(
        f"{level_zh}统计数据 {span}",
        f"{level} statistics {span}",
        _by_year(derived, wanted),
        checks,
        max_examples,
    )
    return report.accepting(QUARANTINE) if accept_quarantine else report


def validate_indicators(
    indicator_values: pl.DataFrame | pd.DataFrame,
    framework: MonitoringFramework,
    *,
    level: str | None = None,
    years: Iterable[int] | None = None,
    registry: DivisionRegistry | None = None,
    max_missing_share: float = 0.2,
    max_examples: int = 5,
    accept_missing: bool = False,
) -> ValidationReport:
    """Validate computed indicator values (long: year, region_code, indicator, value), per year.

    Checks: no null keys, known indicators, unique (year, region_code, indicator), finite values
    where present, and per indicator and year a missing share (absent row or null value: a null
    value is allowed, e.g. after a zero denominator) of at most ``max_missing_share``, all
    blocking. Units expected in a year are the registry's valid units when a ``registry`` is
    given (then region codes are checked too), else the units present that year.
    ``years`` defaults to the years in the frame, ``level`` to the framework's.
    ``accept_missing`` accepts failing missing shares (the override that lets quarantined cells
    be left out and imputed; the failures stay recorded).
    """
    level = framework.level if level is None else level
    if not 0.0 <= max_missing_share <= 1.0:
        raise ValueError(f"max_missing_share must be within [0, 1], got {max_missing_share}")
    indicators = list(framework.indicators)
    if not indicators:
        raise FrameworkError(f"the {level} framework has no indicators")
    rows = _of_level(_polars(indicator_values, INDICATOR_KEY, what="indicator values"), level)
    wanted = _years(rows["year"].unique().to_list() if years is None else years)
    codes = [i.code for i in indicators]
    if registry is not None:
        expected = _expected(registry, level, wanted, codes, "indicator")
    else:
        units = rows.filter(pl.col("year").is_in(wanted)).select("year", "region_code").unique()
        expected = units.join(pl.DataFrame({"indicator": codes}), how="cross")
    values = rows.select(*INDICATOR_KEY, "value").unique(list(INDICATOR_KEY), keep="first")
    grid = expected.join(values, on=list(INDICATOR_KEY), how="left")
    checks = [
        check
        for year in wanted
        for check in checks_for_indicators(indicators, registry, level, year, max_missing_share)
    ]
    span, level_zh = _span(wanted), LEVEL_ZH.get(level, level)
    report = run_checks(
        f"{level_zh}指标值 {span}",
        f"{level} indicator values {span}",
        _by_year({ROWS: rows, GRID: grid}, wanted),
        checks,
        max_examples,
    )
    return report.accepting(COMPLETENESS) if accept_missing else report


def run_checks(
    subject_zh: str,
    subject_en: str,
    frames: Frames,
    checks: list[Check],
    max_examples: int,
) -> ValidationReport:
    """Screen every check on its (batch, year) frame and run the rest in GX, in the order of
    ``checks``."""
    outcomes: dict[tuple[str, int | None], CheckOutcome] = {}
    pending: dict[tuple[str, int | None], list[Check]] = {}
    grouped: dict[tuple[str, int | None], list[Check]] = {}
    for check in checks:
        grouped.setdefault((check.batch, check.year), []).append(check)
    for where, batch_checks in grouped.items():
        clean = clean_checks(frames[where], batch_checks)
        for check in batch_checks:
            if check.name in clean:
                outcomes[check.name, check.year] = _passed(check)
            else:
                pending.setdefault(where, []).append(check)
    if pending:
        from innovation_monitor.validation import suite  # GX takes seconds to import: only now

        outcomes.update(suite.evaluate(frames, pending, max_examples))
    rows = sum(frame.height for (batch, _), frame in frames.items() if batch == ROWS)
    return ValidationReport(
        subject_zh, subject_en, rows, [outcomes[check.name, check.year] for check in checks]
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
        severity=check.severity,
        year=check.year,
    )


def _expected(
    registry: DivisionRegistry, level: str, years: Sequence[int], codes: Sequence[str], column: str
) -> pl.DataFrame:
    """Every (year, unit valid that year, code): what a complete data set holds."""
    units = pl.DataFrame(
        [(year, d.code) for year in years for d in registry.valid_in(year, level)],
        schema={"year": pl.Int64, "region_code": pl.String},
        orient="row",
    )
    return units.join(pl.DataFrame({column: list(codes)}, schema={column: pl.String}), how="cross")


def _by_year(frames: Mapping[str, pl.DataFrame], years: Sequence[int]) -> Frames:
    """Each frame split into one per data year (empty where a year has no row)."""
    split: Frames = {}
    for batch, frame in frames.items():
        parts = frame.partition_by("year", as_dict=True) if frame.height else {}
        for year in years:
            split[batch, year] = parts.get((year,), frame.clear())
    return split


def _of_level(frame: pl.DataFrame, level: str) -> pl.DataFrame:
    return frame.filter(pl.col("level") == level) if "level" in frame.columns else frame


def _years(years: Iterable[Any]) -> list[int]:
    wanted = sorted({int(year) for year in years})
    if not wanted:
        raise DataError("validation: no years to validate (the year list is empty)")
    return wanted


def _span(years: Sequence[int]) -> str:
    return str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"


def _polars(
    data: pl.DataFrame | pd.DataFrame, key: Sequence[str], *, what: str, numeric: bool = True
) -> pl.DataFrame:
    """A polars frame with the ``key`` columns (and a numeric ``value``), a whole-number
    ``year`` and null, never NaN, for a missing number (the screen and GX then agree)."""
    required = [*key, "value"] if numeric else list(key)
    columns = [str(column) for column in data.columns]
    missing = [column for column in required if column not in columns]
    if missing:
        raise DataError(
            f"{what}: missing column(s) {', '.join(missing)}; expected "
            f"{', '.join(required)}, got {', '.join(columns)}"
        )
    try:
        frame = data if isinstance(data, pl.DataFrame) else pl.from_pandas(data, nan_to_null=True)
    except (pl.exceptions.PolarsError, TypeError, ValueError) as err:
        raise DataError(f"{what}: cannot be read as a table ({err})") from None
    if numeric and not frame.schema["value"].is_numeric():
        raise DataError(f"{what}: column value must be numeric, got {frame.schema['value']}")
    undated = frame.filter(pl.col("year").is_null()).height if numeric else 0
    if undated:
        raise DataError(f"{what}: {undated} row(s) without a year; every value has a data year")
    if numeric:
        frame = frame.with_columns(pl.col("value").cast(pl.Float64))
    floats = [name for name, dtype in frame.schema.items() if dtype.is_float()]
    return frame.with_columns(pl.col(floats).fill_nan(None), pl.col("year").cast(pl.Int64))
