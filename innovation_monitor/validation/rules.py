"""Which checks a validation runs, generated from the framework and the division registry.

Expectations are never hand-listed, so a new variable or a boundary change is validated without
code changes. Every expectation is tagged with a check name that carries the variable
(``range[gdp]``) or year (``region_valid[2019]``) it guards.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from innovation_monitor.errors import DataError
from innovation_monitor.validation.outcomes import COMPLETENESS, INTEGRITY, PLAUSIBILITY

if TYPE_CHECKING:
    from innovation_monitor.divisions import DivisionRegistry
    from innovation_monitor.framework import Indicator, Variable

STATISTICS_KEY = ("year", "region_code", "variable")
INDICATOR_KEY = ("year", "region_code", "indicator")
LEVEL_ZH = {"city": "市级", "county": "县级"}
# The two frames a check can run on: the rows as given, or the expected (year, region, code) grid.
ROWS = "rows"
GRID = "grid"


@dataclass(frozen=True)
class Check:
    """One expectation to run, with the name and bilingual text its outcome will carry.

    The expectation is named, not built: Great Expectations is imported only when a check has
    rows to report (``screen`` clears the others without it).
    """

    name: str
    category: str
    description_zh: str
    description_en: str
    batch: str  # ROWS: the frame as given; GRID: the expected (year, region, code) grid
    expectation: str  # a GX expectation class name, e.g. "ExpectColumnValuesToBeBetween"
    kwargs: dict[str, Any] = field(default_factory=dict)
    where: tuple[str, Any] | None = None  # only the rows where this column equals this value
    annotate: Callable[[dict[str, Any]], dict[str, Any]] | None = None


def make_check(
    expectation: str,
    name: str,
    category: str,
    text: tuple[str, str],
    *,
    batch: str = ROWS,
    where: tuple[str, Any] | None = None,
    annotate: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
    **kwargs: Any,
) -> Check:
    """A check of the GX expectation named ``expectation`` with its keyword arguments."""
    return Check(name, category, text[0], text[1], batch, expectation, kwargs, where, annotate)


def checks_for_statistics(
    variables: Sequence[Variable],
    registry: DivisionRegistry,
    level: str,
    years: Sequence[int],
    span: str,
) -> list[Check]:
    """Keys, known variables, finite values, then each variable's range, counts, completeness."""
    level_zh = LEVEL_ZH.get(level, level)
    checks = _key_checks(STATISTICS_KEY, years, registry, level, value_required=True)
    checks.append(
        make_check(
            "ExpectColumnValuesToBeInSet",
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
    return checks


def checks_for_indicators(
    indicators: Sequence[Indicator],
    registry: DivisionRegistry | None,
    level: str,
    years: Sequence[int],
    span: str,
    max_missing_share: float,
) -> list[Check]:
    """Keys, known indicators, finite values, then each indicator's share of missing values."""
    level_zh = LEVEL_ZH.get(level, level)
    checks = _key_checks(INDICATOR_KEY, years, registry, level, value_required=False)
    checks.append(
        make_check(
            "ExpectColumnValuesToBeInSet",
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
            make_check(
                "ExpectColumnValuesToNotBeNull",
                f"missing_share[{indicator.code}]",
                COMPLETENESS,
                (
                    f"{indicator.name_zh}：{span}年缺失比例不超过 {max_missing_share:.0%}",
                    f"{indicator.name_en}: at most {max_missing_share:.0%} missing in {span}",
                ),
                batch=GRID,
                column="value",
                mostly=1.0 - max_missing_share,
                where=("indicator", indicator.code),
            )
        )
    return checks


def expected_grid(
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


def _variable_checks(variable: Variable, level: str, span: str) -> list[Check]:
    """Plausible range, whole non-negative counts and completeness of one variable."""
    is_variable = ("variable", variable.code)
    zh, en = f"{variable.name_zh}（{variable.unit}）", f"{variable.name_en} ({variable.unit})"
    checks = []
    plausible = variable.range_for(level)
    if plausible is not None:
        low, high = plausible
        checks.append(
            make_check(
                "ExpectColumnValuesToBeBetween",
                f"range[{variable.code}]",
                PLAUSIBILITY,
                (
                    f"{zh}在合理范围 [{low:g}, {high:g}] 内",
                    f"{en} within the plausible range [{low:g}, {high:g}]",
                ),
                column="value",
                min_value=low,
                max_value=high,
                where=is_variable,
            )
        )
    if variable.integer:
        checks.append(
            make_check(
                "ExpectColumnValuesToBeWholeNumbers",
                f"count_whole[{variable.code}]",
                PLAUSIBILITY,
                (f"{zh}为计数，应为整数", f"{en} is a count: whole numbers only"),
                column="value",
                where=is_variable,
            )
        )
        checks.append(
            make_check(
                "ExpectColumnValuesToBeBetween",
                f"count_nonnegative[{variable.code}]",
                PLAUSIBILITY,
                (f"{zh}为计数，不得为负", f"{en} is a count: not negative"),
                column="value",
                min_value=0,
                where=is_variable,
            )
        )
    level_zh = LEVEL_ZH.get(level, level)
    checks.append(
        make_check(
            "ExpectColumnValuesToNotBeNull",
            f"complete[{variable.code}]",
            COMPLETENESS,
            (
                f"{span}年每个当年有效的{level_zh}单位都有{variable.name_zh}数据",
                f"every {level} unit valid in {span} has {variable.name_en}",
            ),
            batch=GRID,
            column="present",  # null where the grid's (year, unit, variable) has no row
            where=is_variable,
        )
    )
    return checks


def _key_checks(
    key: Sequence[str],
    years: Sequence[int],
    registry: DivisionRegistry | None,
    level: str,
    *,
    value_required: bool,
) -> list[Check]:
    """Checks shared by statistics and indicator values: nulls, unique key, years, region codes."""
    key_text = f"({', '.join(key)})"
    listed = ", ".join(map(str, years))
    checks = [
        make_check(
            "ExpectColumnValuesToNotBeNull",
            f"not_null[{column}]",
            INTEGRITY,
            (f"{column} 列无空值", f"no null values in column {column}"),
            column=column,
        )
        for column in ((*key, "value") if value_required else key)
    ]
    checks.append(
        make_check(
            "ExpectCompoundColumnsToBeUnique",
            "unique_key",
            INTEGRITY,
            (f"{key_text} 唯一，无重复行", f"{key_text} is unique: no duplicate rows"),
            column_list=list(key),
        )
    )
    checks.append(
        make_check(
            "ExpectColumnValuesToBeInSet",
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
            make_check(
                "ExpectColumnValuesToBeInSet",
                f"region_valid[{year}]",
                INTEGRITY,
                (
                    f"{year}年的地区代码均为当年有效的{level_zh}单位",
                    f"region codes of {year} are {level} units valid in {year}",
                ),
                annotate=annotate,
                column="region_code",
                value_set=[division.code for division in registry.valid_in(year, level)],
                where=("year", year),
            )
        )
    return checks


def _finite_check() -> Check:
    """Infinite values (e.g. a ratio over zero) pass no range and break every aggregate."""
    return make_check(
        "ExpectColumnValuesToBeBetween",
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
