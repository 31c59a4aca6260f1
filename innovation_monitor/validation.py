"""Data validation with Great Expectations, for the pipeline's asset checks.

Expectations are generated from the framework (``indicators.yaml``) and the division registry,
never hand-listed, so a new variable or a boundary change is validated without code changes.
Every expectation is tagged with a check name that carries the variable (``range[gdp]``) or year
(``region_valid[2019]``) it guards, and its outcome lists a few offending rows with their source
file and row, so a failing asset check tells the user exactly what to fix.

GX validates pandas frames here (its SQL datasource cannot read DuckDB tables), in one ephemeral
context per validation call shared by all its expectations.
"""

from __future__ import annotations

import logging
import math
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
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
from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import ColumnMapExpectation
from great_expectations.expectations.metrics.map_metric_provider import (
    ColumnMapMetricProvider,
    column_condition_partial,
)
from great_expectations.expectations.row_conditions import Column

from innovation_monitor.errors import DataError, FrameworkError

if TYPE_CHECKING:
    from great_expectations.core.expectation_validation_result import (
        ExpectationValidationResult,
    )
    from great_expectations.data_context import EphemeralDataContext
    from great_expectations.expectations.expectation import Expectation

    from innovation_monitor.divisions import DivisionRegistry
    from innovation_monitor.indicator_system import (
        IndicatorSystem,
        MonitoringFramework,
        Variable,
    )

logging.getLogger("great_expectations").setLevel(logging.WARNING)

INTEGRITY = "integrity"
PLAUSIBILITY = "plausibility"
COMPLETENESS = "completeness"

STATISTICS_KEY = ("year", "region_code", "variable")
INDICATOR_KEY = ("year", "region_code", "indicator")
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
LEVEL_ZH = {"city": "市级", "county": "县级"}
_ROWS = "rows"
_GRID = "grid"


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


@dataclass(frozen=True)
class CheckOutcome:
    """The result of one expectation, with enough detail to find the offending rows."""

    name: str
    category: str  # INTEGRITY | PLAUSIBILITY | COMPLETENESS
    description_zh: str
    description_en: str
    success: bool
    unexpected_count: int
    examples: list[dict[str, Any]]
    error: str | None = None  # the exception GX raised while evaluating, if any

    @property
    def description(self) -> str:
        return f"{self.description_zh} / {self.description_en}"

    def example_lines(self) -> list[str]:
        """One line per example, e.g. ``2020 370102 gdp value=-5.0 (city/2020.csv row 7)``."""
        return [_format_example(example) for example in self.examples]


@dataclass(frozen=True)
class ValidationReport:
    """All check outcomes of one validation call; ``success`` only if every check passed."""

    subject_zh: str
    subject_en: str
    rows: int
    checks: list[CheckOutcome]

    @property
    def success(self) -> bool:
        return all(check.success for check in self.checks)

    @property
    def failures(self) -> list[CheckOutcome]:
        return [check for check in self.checks if not check.success]

    def check(self, name: str) -> CheckOutcome:
        """The outcome of the check called ``name`` (e.g. ``"range[gdp]"``)."""
        for outcome in self.checks:
            if outcome.name == name:
                return outcome
        raise KeyError(f"no check named {name!r}; checks: {', '.join(self.names())}")

    def names(self) -> list[str]:
        return [check.name for check in self.checks]

    def only(self, *categories: str) -> ValidationReport:
        """The checks of some categories, so that e.g. completeness can be a warning-only check."""
        return replace(self, checks=[c for c in self.checks if c.category in categories])

    def to_metadata(self) -> dict[str, str | int | float]:
        """Flat metadata for a Dagster asset check: counts plus each failure's rows."""
        metadata: dict[str, str | int | float] = {
            "rows": self.rows,
            "checks": len(self.checks),
            "checks_failed": len(self.failures),
            "failed_checks": ", ".join(check.name for check in self.failures),
        }
        for check in self.failures:
            metadata[f"{check.name}.description"] = check.description
            metadata[f"{check.name}.unexpected_count"] = check.unexpected_count
            metadata[f"{check.name}.examples"] = "; ".join(check.example_lines())
            if check.error:
                metadata[f"{check.name}.error"] = check.error
        return metadata

    def summary(self) -> str:
        """A short bilingual text: the verdict, then every failing check with its example rows."""
        total, failed = len(self.checks), len(self.failures)
        lines = [
            f"{self.subject_zh}：{total} 项检查，{failed} 项未通过 / "
            f"{self.subject_en}: {failed} of {total} checks failed ({self.rows} rows)"
        ]
        for check in self.failures:
            lines.append(f"✗ {check.name}: {check.description} — {check.unexpected_count} 行/rows")
            if check.error:
                lines.append(f"    error: {check.error}")
            lines.extend(f"    {line}" for line in check.example_lines())
        return "\n".join(lines)


@dataclass(frozen=True)
class _Check:
    """One expectation to run, with the name and bilingual text its outcome will carry."""

    name: str
    category: str
    description_zh: str
    description_en: str
    batch: str  # _ROWS: the frame as given; _GRID: the expected (year, region, code) grid
    expectation: Expectation
    annotate: Callable[[dict[str, Any]], dict[str, Any]] | None = None


def _check(
    expectation_type: type[Expectation],
    name: str,
    category: str,
    text: tuple[str, str],
    *,
    batch: str = _ROWS,
    annotate: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
    **kwargs: Any,
) -> _Check:
    expectation = expectation_type(meta={"check": name}, **kwargs)
    return _Check(name, category, text[0], text[1], batch, expectation, annotate)


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

    checks = _key_checks(STATISTICS_KEY, wanted_years, registry, level, value_required=True)
    checks.append(
        _check(
            gx.expectations.ExpectColumnValuesToBeInSet,
            "variable_known",
            INTEGRITY,
            (
                f"变量代码均为{level_zh}采集的变量",
                f"variables are those collected at {level} level",
            ),
            column="variable",
            value_set=[v.code for v in variables],
        )
    )
    checks.append(_finite_check())
    for variable in variables:
        checks.extend(_variable_checks(variable, level, span))
    expected = _expected_grid(
        registry, level, wanted_years, [v.code for v in variables], "variable"
    )
    present = frame[list(STATISTICS_KEY)].drop_duplicates().assign(present=True)
    grid = expected.merge(present, on=list(STATISTICS_KEY), how="left")
    return _run(
        f"{level_zh}统计数据 {span}",
        f"{level} statistics {span}",
        {_ROWS: frame, _GRID: grid},
        checks,
        max_examples,
    )


def _variable_checks(variable: Variable, level: str, span: str) -> list[_Check]:
    """Plausible range, whole non-negative counts and completeness of one variable."""
    is_variable = Column("variable") == variable.code
    zh, en = f"{variable.name_zh}（{variable.unit}）", f"{variable.name_en} ({variable.unit})"
    checks = []
    plausible = variable.range_for(level)
    if plausible is not None:
        low, high = plausible
        checks.append(
            _check(
                gx.expectations.ExpectColumnValuesToBeBetween,
                f"range[{variable.code}]",
                PLAUSIBILITY,
                (
                    f"{zh}在合理范围 [{low:g}, {high:g}] 内",
                    f"{en} within the plausible range [{low:g}, {high:g}]",
                ),
                column="value",
                min_value=low,
                max_value=high,
                row_condition=is_variable,
            )
        )
    if variable.integer:
        checks.append(
            _check(
                ExpectColumnValuesToBeWholeNumbers,
                f"count_whole[{variable.code}]",
                PLAUSIBILITY,
                (f"{zh}为计数，应为整数", f"{en} is a count: whole numbers only"),
                column="value",
                row_condition=is_variable,
            )
        )
        checks.append(
            _check(
                gx.expectations.ExpectColumnValuesToBeBetween,
                f"count_nonnegative[{variable.code}]",
                PLAUSIBILITY,
                (f"{zh}为计数，不得为负", f"{en} is a count: not negative"),
                column="value",
                min_value=0,
                row_condition=is_variable,
            )
        )
    level_zh = LEVEL_ZH.get(level, level)
    checks.append(
        _check(
            gx.expectations.ExpectColumnValuesToNotBeNull,
            f"complete[{variable.code}]",
            COMPLETENESS,
            (
                f"{span}年每个当年有效的{level_zh}单位都有{variable.name_zh}数据",
                f"every {level} unit valid in {span} has {variable.name_en}",
            ),
            batch=_GRID,
            column="present",  # null where the grid's (year, unit, variable) has no row
            row_condition=is_variable,
        )
    )
    return checks


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

    checks = _key_checks(INDICATOR_KEY, wanted_years, registry, level, value_required=False)
    checks.append(
        _check(
            gx.expectations.ExpectColumnValuesToBeInSet,
            "indicator_known",
            INTEGRITY,
            (f"指标代码均属于{level_zh}监测框架", f"indicators belong to the {level} framework"),
            column="indicator",
            value_set=[i.code for i in indicators],
        )
    )
    checks.append(_finite_check())
    for indicator in indicators:
        checks.append(
            _check(
                gx.expectations.ExpectColumnValuesToNotBeNull,
                f"missing_share[{indicator.code}]",
                COMPLETENESS,
                (
                    f"{indicator.name_zh}：{span}年缺失比例不超过 {max_missing_share:.0%}",
                    f"{indicator.name_en}: at most {max_missing_share:.0%} missing in {span}",
                ),
                batch=_GRID,
                column="value",
                mostly=1.0 - max_missing_share,
                row_condition=Column("indicator") == indicator.code,
            )
        )
    codes = [i.code for i in indicators]
    if registry is not None:
        expected = _expected_grid(registry, level, wanted_years, codes, "indicator")
    else:
        units = frame.loc[frame["year"].isin(wanted_years), ["year", "region_code"]]
        expected = units.drop_duplicates().merge(pd.DataFrame({"indicator": codes}), how="cross")
    values = frame[[*INDICATOR_KEY, "value"]].drop_duplicates(list(INDICATOR_KEY))
    grid = expected.merge(values, on=list(INDICATOR_KEY), how="left")
    return _run(
        f"{level_zh}指标值 {span}",
        f"{level} indicator values {span}",
        {_ROWS: frame, _GRID: grid},
        checks,
        max_examples,
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


def _key_checks(
    key: Sequence[str],
    years: Sequence[int],
    registry: DivisionRegistry | None,
    level: str,
    *,
    value_required: bool,
) -> list[_Check]:
    """Checks shared by statistics and indicator values: nulls, unique key, years, region codes."""
    key_text = f"({', '.join(key)})"
    listed = ", ".join(map(str, years))
    checks = [
        _check(
            gx.expectations.ExpectColumnValuesToNotBeNull,
            f"not_null[{column}]",
            INTEGRITY,
            (f"{column} 列无空值", f"no null values in column {column}"),
            column=column,
        )
        for column in ((*key, "value") if value_required else key)
    ]
    checks.append(
        _check(
            gx.expectations.ExpectCompoundColumnsToBeUnique,
            "unique_key",
            INTEGRITY,
            (f"{key_text} 唯一，无重复行", f"{key_text} is unique: no duplicate rows"),
            column_list=list(key),
        )
    )
    checks.append(
        _check(
            gx.expectations.ExpectColumnValuesToBeInSet,
            "year_in_requested",
            INTEGRITY,
            (
                f"年份均为所请求的年份（{listed}）",
                f"years are among the requested years ({listed})",
            ),
            column="year",
            value_set=list(years),
        )
    )
    if registry is None:
        return checks
    level_zh = LEVEL_ZH.get(level, level)
    annotate = _registry_note(registry)
    for year in years:
        checks.append(
            _check(
                gx.expectations.ExpectColumnValuesToBeInSet,
                f"region_valid[{year}]",
                INTEGRITY,
                (
                    f"{year}年的地区代码均为当年有效的{level_zh}单位",
                    f"region codes of {year} are {level} units valid in {year}",
                ),
                annotate=annotate,
                column="region_code",
                value_set=[division.code for division in registry.valid_in(year, level)],
                row_condition=Column("year") == year,
            )
        )
    return checks


def _finite_check() -> _Check:
    """Infinite values (e.g. a ratio over zero) pass no range and break every aggregate."""
    return _check(
        gx.expectations.ExpectColumnValuesToBeBetween,
        "finite",
        PLAUSIBILITY,
        ("数值均为有限数（非无穷大）", "values are finite (no infinity)"),
        column="value",
        min_value=-sys.float_info.max,
        max_value=sys.float_info.max,
    )


def _registry_note(registry: DivisionRegistry) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """Explain an invalid region code: unknown, or the years in which the unit did exist."""

    def annotate(example: dict[str, Any]) -> dict[str, Any]:
        code = example.get("region_code")
        try:
            division = registry.get(str(code))
        except DataError:
            return {**example, "note": "代码不存在 / unknown code"}
        last = "今" if division.last_year is None else division.last_year
        last_en = "now" if division.last_year is None else division.last_year
        return {
            **example,
            "note": (
                f"{division.name_zh}仅在 {division.first_year}–{last} 年有效 / "
                f"{division.name_en} is a unit only in {division.first_year}–{last_en}"
            ),
        }

    return annotate


def _expected_grid(
    registry: DivisionRegistry,
    level: str,
    years: Sequence[int],
    codes: Sequence[str],
    code_column: str,
) -> pd.DataFrame:
    """Every (year, unit valid that year, code): what a complete data set holds."""
    units = pd.DataFrame(
        [(year, d.code) for year in years for d in registry.valid_in(year, level)],
        columns=["year", "region_code"],
    )
    return units.merge(pd.DataFrame({code_column: list(codes)}), how="cross")


def _context() -> EphemeralDataContext:
    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(),
        progress_bars=ProgressBarsConfig(globally=False),
    )
    return gx.get_context(mode="ephemeral", project_config=config)


def _run(
    subject_zh: str,
    subject_en: str,
    frames: dict[str, pd.DataFrame],
    checks: list[_Check],
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
            check = by_name[item.expectation_config.meta["check"]]
            outcomes[check.name] = _outcome(check, item, frame)
    return ValidationReport(
        subject_zh, subject_en, len(frames[_ROWS]), [outcomes[check.name] for check in checks]
    )


def _outcome(check: _Check, item: ExpectationValidationResult, frame: pd.DataFrame) -> CheckOutcome:
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


def _format_example(example: dict[str, Any]) -> str:
    head = " ".join(
        str(example[column])
        for column in ("year", "region_code", "variable", "indicator")
        if example.get(column) is not None
    )
    parts = [head or "?"]
    if "value" in example:
        parts.append(f"value={example['value']}")
    if example.get("raw_value") not in (None, ""):
        parts.append(f"raw={example['raw_value']!r}")
    if example.get("source_file"):
        where = str(example["source_file"])
        for column, label in (("source_sheet", "sheet"), ("source_row", "row")):
            if example.get(column) is not None:
                where += f" {label} {example[column]}"
        if example.get("source_column"):
            where += f" column {example['source_column']}"
        parts.append(f"({where})")
    if example.get("note"):
        parts.append(f"[{example['note']}]")
    return " ".join(parts)
