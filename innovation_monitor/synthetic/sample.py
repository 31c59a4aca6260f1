"""The sample as its files write it: which files, in which units, every value rounded.

:func:`build_sample` turns the unrounded simulation into the text of every cell, exactly as a
yearbook prints it, and the statistics an ingest must compute back from that text.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import polars as pl

from innovation_monitor.divisions import LEVELS, DivisionRegistry
from innovation_monitor.errors import DataError
from innovation_monitor.framework import IndicatorSystem, Variable
from innovation_monitor.synthetic.calibration import YEARS
from innovation_monitor.synthetic.cells import GAPS, REAL_SHARES
from innovation_monitor.synthetic.counties import COUNTY_SHARES, simulate
from innovation_monitor.synthetic.model import SEED

NOTICE = "合成样例数据（非真实统计）SYNTHETIC SAMPLE DATA — not official statistics"
"""The title row of every file."""
DECIMALS: Mapping[str, int] = {"亿元": 2, "万人": 2, "万吨标准煤": 2, "万户": 2, "万人年": 2}
"""Decimals written per unit (others: whole numbers), as yearbooks print them."""


@dataclass(frozen=True)
class FileSpec:
    """How one yearbook file of the sample is written: its share of real-world mess."""

    level: str
    year: int
    format: str = "csv"
    encoding: str = "utf-8-sig"
    codes: bool = True
    short_names: bool = False
    aliases: bool = False
    full_width_brackets: bool = False
    units: Mapping[str, str] = field(default_factory=dict)
    thousands: bool = False
    full_width_digits: int = 0
    numeric_codes: bool = False
    long_variables: tuple[str, ...] = ()

    @property
    def path(self) -> str:
        return f"{self.level}/{self.year}.{self.format}"

    @property
    def long_path(self) -> str:
        return f"long/{self.level}_{self.year}.csv"

    @property
    def sheet(self) -> str | None:
        return f"{self.year}年" if self.format == "xlsx" else None

    def unit(self, variable: Variable) -> str:
        return self.units.get(variable.code, variable.unit)


_YI = "亿元"
FILE_SPECS: tuple[FileSpec, ...] = (
    FileSpec("city", 2016, units={"gdp": _YI, "rd_expenditure": _YI}),
    FileSpec("county", 2016, encoding="gbk", full_width_brackets=True),
    FileSpec("city", 2017, encoding="gbk", aliases=True, thousands=True),
    FileSpec("county", 2017, full_width_digits=6, units={"population": "人"}),
    FileSpec("city", 2018, encoding="utf-8", codes=False, short_names=True,
             units={"gdp": _YI, "tech_contract_turnover": _YI}),
    FileSpec("county", 2018, encoding="gbk", aliases=True, full_width_brackets=True),
    FileSpec("city", 2019, units={"large_firms_revenue": _YI, "industrial_output": _YI}),
    FileSpec("county", 2019, thousands=True),
    FileSpec("city", 2020, encoding="gbk", full_width_brackets=True, units={"gdp": _YI}),
    FileSpec("county", 2020, aliases=True, units={"rd_expenditure": _YI}),
    FileSpec("city", 2021, encoding="utf-8", long_variables=("hightech_exports",),
             units={"hightech_exports": _YI}),
    FileSpec("county", 2021, encoding="gbk", thousands=True, full_width_digits=4),
    FileSpec("city", 2022, format="xlsx", units={"gdp": _YI}),
    FileSpec("county", 2022, aliases=True, units={"gdp": _YI, "fiscal_expenditure": _YI}),
    FileSpec("city", 2023, format="xlsx", full_width_brackets=True,
             units={"gdp": _YI, "rd_expenditure": _YI}),
    FileSpec("county", 2023, format="xlsx", numeric_codes=True, units={"gdp": _YI}),
)  # fmt: skip


@dataclass(frozen=True)
class Sample:
    """The generated sample: what every file says and what ingesting it must give."""

    seed: int
    cells: Mapping[tuple[str, int, str, str], str]
    """(level, year, region_code, variable) → the number as written in its file's unit (plain
    digits; thousand separators and full-width digits are added when writing) or a placeholder."""
    statistics: pl.DataFrame
    """level, year, region_code, variable, value: every number in the canonical unit, exactly as
    an ingest computes it from the written text; placeholders are absent."""


def file_spec(level: str, year: int) -> FileSpec:
    """The one file of ``level`` and ``year``: its units decide how every cell is rounded."""
    return next(s for s in FILE_SPECS if (s.level, s.year) == (level, year))


def level_variables(system: IndicatorSystem, level: str) -> list[Variable]:
    """The variables a file of ``level`` holds, in ``indicators.yaml`` order."""
    return [v for v in system.variables.values() if level in v.levels]


def _factor(variable: Variable, unit: str) -> Decimal:
    return Decimal(repr(float(variable.units.get(unit, 1.0 if unit == variable.unit else 0))))


def _text(value: float, variable: Variable, unit: str) -> str:
    """The number written in ``unit`` with the decimals a yearbook uses for it."""
    number = Decimal(repr(value)) / _factor(variable, unit)
    return f"{number:.{DECIMALS.get(unit, 0)}f}"


def _canonical(text: str, variable: Variable, unit: str) -> float:
    """What an ingest makes of ``text``: Decimal arithmetic, then one conversion to float."""
    return float(Decimal(text) * _factor(variable, unit))


def _whole_numbers(values: Sequence[float]) -> list[int]:
    """Round counts so that they still add up to their rounded total (largest remainders)."""
    floors = [math.floor(v) for v in values]
    missing = round(sum(values)) - sum(floors)
    order = sorted(range(len(values)), key=lambda i: (floors[i] - values[i], i))
    for i in order[:missing]:
        floors[i] += 1
    return floors


def build_sample(registry: DivisionRegistry, system: IndicatorSystem, seed: int = SEED) -> Sample:
    """Simulate, round every value as its file writes it, then place gaps and real shares."""
    known = set(COUNTY_SHARES) | {"urban_income", "higher_ed_students"}
    unknown = [code for code in system.variables if code not in known]
    if unknown:
        raise DataError(
            f"indicators.yaml has variable(s) {', '.join(unknown)} that the sample generator "
            "cannot simulate; add them to innovation_monitor/synthetic/ (model.py, counties.py)"
        )
    values = simulate(registry, seed)
    cells: dict[tuple[str, int, str, str], str] = {}
    for level in LEVELS:
        variables = level_variables(system, level)
        for year in YEARS:
            spec = file_spec(level, year)
            codes = [d.code for d in registry.valid_in(year, level)]
            for variable in variables:
                column: Sequence[float] = [
                    values[level][(code, year, variable.code)] for code in codes
                ]
                if variable.integer:
                    column = _whole_numbers(column)
                for code, value in zip(codes, column, strict=True):
                    cells[(level, year, code, variable.code)] = _text(
                        value, variable, spec.unit(variable)
                    )
    for real in REAL_SHARES:
        spec = file_spec(real.level, real.year)
        numerator = system.variables[real.numerator]
        denominator = system.variables[real.denominator]
        den_key = (real.level, real.year, real.region_code, real.denominator)
        den = _canonical(cells[den_key], denominator, spec.unit(denominator))
        cells[(real.level, real.year, real.region_code, real.numerator)] = _text(
            real.percent / 100 * den, numerator, spec.unit(numerator)
        )
    for gap in GAPS:
        cells[(gap.level, gap.year, gap.region_code, gap.variable)] = gap.placeholder
    placeholders = {gap.placeholder for gap in GAPS}
    rows = []
    for (level, year, code, name), text in cells.items():
        if text not in placeholders:
            unit = file_spec(level, year).unit(system.variables[name])
            rows.append((level, year, code, name, _canonical(text, system.variables[name], unit)))
    statistics = pl.DataFrame(
        rows,
        schema={
            "level": pl.String,
            "year": pl.Int64,
            "region_code": pl.String,
            "variable": pl.String,
            "value": pl.Float64,
        },
        orient="row",
    )
    return Sample(seed, cells, statistics)
