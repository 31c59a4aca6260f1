"""Which checks a validation runs on one data year, generated from the framework and the registry.

Expectations are never hand-listed, so a new variable or a boundary change is validated without
code changes. Every expectation is tagged with a check name that carries the variable it guards
(``range[gdp]``) and with its data year, so that outcomes are stored per (year, level). The
checks on the rows as given and on the expected grid are here; those on derived frames
(quarantine, change on the previous year, county sums, bounded parts) are in ``consistency``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import polars as pl

from innovation_monitor.errors import DataError
from innovation_monitor.validation.outcomes import (
    BLOCKING,
    COMPLETENESS,
    INTEGRITY,
    PLAUSIBILITY,
    WARNING,
)

if TYPE_CHECKING:
    from innovation_monitor.divisions import DivisionRegistry
    from innovation_monitor.framework import Indicator, Variable

STATISTICS_KEY = ("year", "region_code", "variable")
INDICATOR_KEY = ("year", "region_code", "indicator")
LEVEL_ZH = {"city": "市级", "county": "县级"}
# The frames a check can run on, each per data year: the rows as given, the expected
# (year, region, code) grid, and the derived frames of ``consistency``.
ROWS = "rows"
GRID = "grid"
Frames = dict[tuple[str, int | None], pl.DataFrame]
"""A validation's frames by (batch, data year)."""


@dataclass(frozen=True)
class Check:
    """One expectation to run on one year's frame, with the text its outcome will carry.

    The expectation is named, not built: Great Expectations is imported only when a check has
    rows to report (``screen`` clears the others without it).
    """

    name: str
    category: str
    description_zh: str
    description_en: str
    batch: str  # which frame: ROWS, GRID or a derived frame of ``consistency``
    expectation: str  # a GX expectation class name, e.g. "ExpectColumnValuesToBeBetween"
    kwargs: dict[str, Any] = field(default_factory=dict)
    where: tuple[str, Any] | None = None  # only the rows where this column equals this value
    annotate: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    severity: str = BLOCKING
    year: int | None = None

    @property
    def columns(self) -> set[str]:
        """Every column the expectation reads."""
        named = {self.kwargs.get(key) for key in ("column", "column_A", "column_B")}
        columns = {column for column in named if column is not None}
        columns.update(self.kwargs.get("column_list", []))
        if self.where is not None:
            columns.add(self.where[0])
        return columns


def make_check(
    expectation: str,
    name: str,
    category: str,
    text: tuple[str, str],
    *,
    batch: str = ROWS,
    where: tuple[str, Any] | None = None,
    annotate: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
    severity: str = BLOCKING,
    year: int | None = None,
    **kwargs: Any,
) -> Check:
    """A check of the GX expectation named ``expectation`` with its keyword arguments."""
    return Check(
        name,
        category,
        text[0],
        text[1],
        batch,
        expectation,
        kwargs,
        where,
        annotate,
        severity,
        year,
    )


def checks_for_statistics(
    variables: Sequence[Variable], registry: DivisionRegistry, level: str, year: int
) -> list[Check]:
    """Keys, known variables, finite values, then each variable's range, share, counts and
    completeness (a warning: scoring imputes gaps), all for ``year``."""
    level_zh = LEVEL_ZH.get(level, level)
    checks = _key_checks(STATISTICS_KEY, year, registry, level)
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
        checks.extend(_variable_checks(variable, level))
    return [_in_year(check, year) for check in checks]


def checks_for_indicators(
    indicators: Sequence[Indicator],
    registry: DivisionRegistry | None,
    level: str,
    year: int,
    max_missing_share: float,
) -> list[Check]:
    """Keys, known indicators, finite values, then each indicator's share of missing values in
    ``year`` (blocking: an indicator missing for many units cannot be scored fairly)."""
    level_zh = LEVEL_ZH.get(level, level)
    checks = _key_checks(INDICATOR_KEY, year, registry, level, value_required=False)
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
    checks.extend(
        make_check(
            "ExpectColumnValuesToNotBeNull",
            f"missing_share[{indicator.code}]",
            COMPLETENESS,
            (
                f"{indicator.name_zh}：当年缺失比例不超过 {max_missing_share:.0%}",
                f"{indicator.name_en}: at most {max_missing_share:.0%} of units missing",
            ),
            batch=GRID,
            column="value",
            mostly=1.0 - max_missing_share,
            where=("indicator", indicator.code),
        )
        for indicator in indicators
    )
    return [_in_year(check, year) for check in checks]


def variable_text(variable: Variable) -> tuple[str, str]:
    """A variable's name with its unit, in Chinese and English."""
    return (
        f"{variable.name_zh}（{variable.unit}）",
        f"{variable.name_en} ({variable.unit})",
    )


def _in_year(check: Check, year: int) -> Check:
    return replace(check, year=year)


def _variable_checks(variable: Variable, level: str) -> list[Check]:
    """Plausible range, share within 0–100, whole non-negative counts, completeness."""
    is_variable = ("variable", variable.code)
    zh, en = variable_text(variable)
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
    if variable.is_share:
        checks.append(
            make_check(
                "ExpectColumnValuesToBeBetween",
                f"share[{variable.code}]",
                PLAUSIBILITY,
                (f"{zh}为比重，应在 0–100 之间", f"{en} is a share: within 0–100"),
                column="value",
                min_value=0,
                max_value=100,
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
                f"当年每个有效的{level_zh}单位都有{variable.name_zh}数据",
                f"every {level} unit valid in the year has {variable.name_en}",
            ),
            batch=GRID,
            severity=WARNING,
            column="present",  # null where the grid's (year, unit, variable) has no row
            where=is_variable,
        )
    )
    return checks


def _key_checks(
    key: Sequence[str],
    year: int,
    registry: DivisionRegistry | None,
    level: str,
    *,
    value_required: bool = True,
) -> list[Check]:
    """Checks shared by statistics and indicator values: nulls, unique key, region codes."""
    key_text = f"({', '.join(key)})"
    columns = [column for column in key if column != "year"]
    checks = [
        make_check(
            "ExpectColumnValuesToNotBeNull",
            f"not_null[{column}]",
            INTEGRITY,
            (f"{column} 列无空值", f"no null values in column {column}"),
            column=column,
        )
        for column in ([*columns, "value"] if value_required else columns)
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
    if registry is None:
        return checks
    level_zh = LEVEL_ZH.get(level, level)
    checks.append(
        make_check(
            "ExpectColumnValuesToBeInSet",
            "region_valid",
            INTEGRITY,
            (
                f"{year}年的地区代码均为当年有效的{level_zh}单位",
                f"region codes of {year} are {level} units valid in {year}",
            ),
            annotate=_registry_note(registry),
            column="region_code",
            value_set=[division.code for division in registry.valid_in(year, level)],
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
