"""Checks on frames derived from the statistics: the quarantine, changes, county sums, parts.

Each builder turns the statistics (or the quarantine) into one polars frame over all years, with
a ``year`` column and the provenance of the cell the check is about; ``run`` splits it by year,
and each generator below gives the checks of one year on it, run as Great Expectations
expectations like every other check:

* the quarantine of a (year, level): problem cells block, declared gaps warn, total rows and
  development zones are counted (informational, never a failure);
* the change of a value on the same unit's previous year (a warning);
* the sum of a city's counties against the city total, for extensive variables (a warning);
* a part not above its whole (``at_most`` in ``indicators.yaml``, units converted; blocking).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import polars as pl

from innovation_monitor.ingest.result import DECLARED_GAP, DEVELOPMENT_ZONE, PROBLEM, TOTAL_ROW
from innovation_monitor.validation.outcomes import (
    BLOCKING,
    CONSISTENCY,
    PLAUSIBILITY,
    QUARANTINE,
    WARNING,
)
from innovation_monitor.validation.rules import LEVEL_ZH, Check, make_check, variable_text

if TYPE_CHECKING:
    from innovation_monitor.divisions import DivisionRegistry
    from innovation_monitor.framework import Variable

QUARANTINED = "quarantined"
CHANGES = "changes"
COUNTY_SUMS = "county_sums"
PARTS = "parts"
SMALL_COUNT = 10
"""Counts below this in both years are not compared with the previous year (1 → 3 is noise)."""


def quarantine_checks(level: str, year: int) -> list[Check]:
    """Problem cells block; declared gaps warn; total rows and development zones are counted
    (``mostly=0``: GX reports them and never fails)."""
    where = f"{year}年{LEVEL_ZH.get(level, level)}"
    cases: list[tuple[str, list[str], str, float, tuple[str, str]]] = [
        (
            "quarantine_problems",
            [PROBLEM],
            BLOCKING,
            1.0,
            (
                f"{where}表格中没有无法使用的单元格（非数字、未知地区或列、单位不符、重复）",
                f"no unusable cell in the {level} tables of {year} (not a number, unknown "
                "region or column, unit mismatch, duplicate)",
            ),
        ),
        (
            "quarantine_gaps",
            [DECLARED_GAP],
            WARNING,
            1.0,
            (
                f"{where}表格中没有标明缺失的单元格（“…”“—”、空白）",
                f"no cell of the {level} tables of {year} declared unavailable ('…', '—', empty)",
            ),
        ),
        (
            "quarantine_set_aside",
            [TOTAL_ROW, DEVELOPMENT_ZONE],
            WARNING,
            0.0,
            (
                f"{where}表格中的合计行和开发区行已单列（仅提示）",
                f"total rows and development zones of the {level} tables of {year} set aside "
                "(for information)",
            ),
        ),
    ]
    return [
        make_check(
            "ExpectColumnValuesToNotBeInSet",
            name,
            QUARANTINE,
            text,
            batch=QUARANTINED,
            severity=severity,
            year=year,
            column="kind",
            value_set=kinds,
            mostly=mostly,
        )
        for name, kinds, severity, mostly, text in cases
    ]


def quarantined_cells(quarantine: pl.DataFrame, level: str, years: Sequence[int]) -> pl.DataFrame:
    """The quarantine of ``level`` in ``years``; a cell whose year or level is unknown (a long
    file's unreadable year) counts in every year of the level, since it may belong to any."""
    cells = quarantine.filter(pl.col("level").is_null() | (pl.col("level") == level))
    dated = cells.filter(pl.col("year").is_in(list(years)))
    undated = cells.filter(pl.col("year").is_null()).drop("year")
    every_year = pl.DataFrame({"year": list(years)}, schema={"year": pl.Int64})
    return pl.concat([dated, undated.join(every_year, how="cross")], how="diagonal_relaxed")


def change_checks(variables: Sequence[Variable], year: int) -> list[Check]:
    """Each variable's factor of change on the previous year within its plausible bounds."""
    checks = []
    for variable in variables:
        low, high = variable.year_on_year
        zh, en = variable_text(variable)
        checks.append(
            make_check(
                "ExpectColumnValuesToBeBetween",
                f"year_on_year[{variable.code}]",
                PLAUSIBILITY,
                (
                    f"{zh}较上年变化在 {low:g}–{high:g} 倍之间",
                    f"{en} between {low:g} and {high:g} times the unit's previous year",
                ),
                batch=CHANGES,
                severity=WARNING,
                year=year,
                column="change",
                min_value=low,
                max_value=high,
                where=("variable", variable.code),
            )
        )
    return checks


def changes(rows: pl.DataFrame, variables: Sequence[Variable]) -> pl.DataFrame:
    """Each value with the same unit's value of the previous year and the factor between them
    (infinite from zero); counts small in both years are left out."""
    counts = [v.code for v in variables if v.integer]
    previous = rows.select(
        (pl.col("year") + 1).alias("year"),
        "region_code",
        "variable",
        pl.col("value").alias("previous_value"),
    )
    paired = rows.drop_nulls("value").join(
        previous.drop_nulls("previous_value"), on=["year", "region_code", "variable"]
    )
    value, before = pl.col("value"), pl.col("previous_value")
    small = pl.col("variable").is_in(counts) & (value < SMALL_COUNT) & (before < SMALL_COUNT)
    factor = (
        pl.when(before != 0).then(value / before).when(value == 0).then(1.0).otherwise(float("inf"))
    )
    return paired.filter(~small).with_columns(change=factor)


def county_sum_checks(variables: Sequence[Variable], year: int) -> list[Check]:
    """For each extensive variable of both levels: the counties' sum near their city's total."""
    checks = []
    for variable in variables:
        if variable.county_sum is None:
            continue
        low, high = variable.county_sum
        zh, en = variable_text(variable)
        checks.append(
            make_check(
                "ExpectColumnValuesToBeBetween",
                f"county_sum[{variable.code}]",
                CONSISTENCY,
                (
                    f"{zh}：各县（市、区）合计为全市的 {low:.0%}–{high:.0%}（开发区单独统计）",
                    f"{en}: the counties sum to {low:.0%}–{high:.0%} of their city's total "
                    "(development zones report apart)",
                ),
                batch=COUNTY_SUMS,
                severity=WARNING,
                year=year,
                column="share",
                min_value=low,
                max_value=high,
                where=("variable", variable.code),
            )
        )
    return checks


def county_sums(
    counties: pl.DataFrame,
    cities: pl.DataFrame,
    variables: Sequence[Variable],
    registry: DivisionRegistry,
    years: Sequence[int],
) -> pl.DataFrame:
    """Per (year, city, variable) with a value for every county of the city: the city total
    (``value``, with its cell), the counties' sum and that sum as a share of the total. A count
    is rounded once per county, so the share is first moved towards 1 by half a unit each."""
    summable = [v.code for v in variables if v.county_sum is not None]
    counts = [v.code for v in variables if v.integer]
    parents = pl.DataFrame(
        [
            (year, unit.code, unit.parent_code)
            for year in years
            for unit in registry.valid_in(year, "county")
        ],
        schema={"year": pl.Int64, "region_code": pl.String, "city": pl.String},
        orient="row",
    )
    expected = parents.group_by("year", "city").agg(pl.len().alias("expected"))
    sums = (
        counties.filter(pl.col("variable").is_in(summable))
        .drop_nulls("value")
        .join(parents, on=["year", "region_code"])
        .group_by("year", "city", "variable")
        .agg(
            pl.col("value").sum().alias("county_sum"),
            pl.col("region_code").n_unique().alias("counties"),
        )
        .join(expected, on=["year", "city"])
        .filter(pl.col("counties") == pl.col("expected"))
        .drop("expected")
        .rename({"city": "region_code"})
    )
    totals = cities.filter(pl.col("variable").is_in(summable)).drop_nulls("value")
    joined = totals.join(sums, on=["year", "region_code", "variable"])
    total, summed = pl.col("value"), pl.col("county_sum")
    slack = pl.when(pl.col("variable").is_in(counts)).then(pl.col("counties") / 2).otherwise(0.0)
    nearer = summed + (total - summed).clip(-slack, slack)
    share = pl.when(total != 0).then(nearer / total).when(nearer == 0).then(1.0)
    return joined.with_columns(share=share.otherwise(float("inf")))


def part_checks(
    variables: Sequence[Variable], known: dict[str, Variable], year: int
) -> list[Check]:
    """A part (firms with R&D) is not above its whole (firms), in the whole's unit converted."""
    checks = []
    for variable, whole in _pairs(variables, known):
        zh, en = variable_text(variable)
        whole_zh, whole_en = variable_text(whole)
        checks.append(
            make_check(
                "ExpectColumnPairValuesAToBeGreaterThanB",
                f"at_most[{variable.code}<={whole.code}]",
                CONSISTENCY,
                (f"{zh}不超过{whole_zh}", f"{en} is at most {whole_en}"),
                batch=PARTS,
                year=year,
                column_A="bound_value",
                column_B="value",
                or_equal=True,
                where=("pair", f"{variable.code}<={whole.code}"),
            )
        )
    return checks


def parts(
    rows: pl.DataFrame, variables: Sequence[Variable], known: dict[str, Variable]
) -> pl.DataFrame:
    """Each part's value with its whole's value of the same unit and year in the part's unit
    (``bound_value``)."""
    key = ["year", "region_code"]
    frames = [
        rows.filter(pl.col("variable") == variable.code)
        .drop_nulls("value")
        .join(
            rows.filter(pl.col("variable") == whole.code)
            .drop_nulls("value")
            .select(*key, (pl.col("value") * variable.scale_of(whole)).alias("bound_value")),
            on=key,
        )
        .with_columns(
            bound_variable=pl.lit(whole.code), pair=pl.lit(f"{variable.code}<={whole.code}")
        )
        for variable, whole in _pairs(variables, known)
    ]
    return pl.concat(frames) if frames else rows.clear()


def _pairs(
    variables: Sequence[Variable], known: dict[str, Variable]
) -> list[tuple[Variable, Variable]]:
    """(part, whole) for the ``at_most`` bounds collected at the same level as the part."""
    codes = {v.code for v in variables}
    return [(v, known[code]) for v in variables for code in v.at_most if code in codes]
