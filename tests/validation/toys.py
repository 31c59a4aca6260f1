"""Builders for the validation tests: real :class:`Variable` objects in a toy system, a toy
registry of three cities with two counties each, clean statistics over two years and
quarantines of one cell, so that each test changes one thing and sees the check that names it
fail. Tests of the shipped framework (``test_blocking_checks.py``) use the ``system`` and
``registry`` fixtures of ``tests/conftest.py`` instead.
"""

from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from innovation_monitor.errors import DataError
from innovation_monitor.framework import Variable
from innovation_monitor.ingest.result import QUARANTINE_SCHEMA
from innovation_monitor.validation import CheckOutcome, ValidationReport, assess_statistics

YEARS = [2018, 2019]


def variable(code: str, unit: str, levels: tuple[str, ...], **extra: object) -> Variable:
    """A real :class:`Variable` with toy names; ``extra`` sets range, integer, at_most, …"""
    fields: dict = {
        "code": code,
        "name_zh": f"变量{code}",
        "name_en": f"Variable {code}",
        "aliases": (code,),
        "unit": unit,
        "units": {unit: 1.0},
        "kind": "extensive",
        "levels": levels,
        "range": None,
        "integer": False,
        **extra,
    }
    return Variable(**fields)


@dataclass(frozen=True)
class ToySystem:
    variables: dict[str, Variable]


BOTH = ("city", "county")
SYSTEM = ToySystem(
    {
        v.code: v
        for v in (
            variable("gdp", "万元", BOTH, range=(1e3, 5e8), county_sum=(0.6, 1.05)),
            variable(
                "large_firms", "个", BOTH, range=(0, 1e5), integer=True, county_sum=(0.6, 1.05)
            ),
            variable("firms_rd", "个", BOTH, integer=True, at_most=("large_firms",)),
            variable("urban_income", "元", ("city",), kind="intensive"),
            variable("broadband_users", "万户", ("county",), range=(0, 500)),
        )
    }
)
CITY_VARIABLES = ["gdp", "large_firms", "firms_rd", "urban_income"]
COUNTY_VARIABLES = ["gdp", "large_firms", "firms_rd", "broadband_users"]
# City value of each variable; each of a city's two counties holds 45 % of it (90 % together:
# a development zone reports the rest), county-only variables 50.
CITY_VALUES = {"gdp": 20000.0, "large_firms": 200.0, "firms_rd": 80.0, "urban_income": 25000.0}


@dataclass(frozen=True)
class ToyDivision:
    code: str
    name_zh: str
    name_en: str
    level: str
    parent_code: str
    first_year: int
    last_year: int | None = None


class ToyRegistry:
    """Jinan, Qingdao and Laiwu (371200, a unit up to data year 2018 only), two counties each."""

    divisions = (
        ToyDivision("370100", "济南市", "Jinan", "city", "370000", 1990),
        ToyDivision("370200", "青岛市", "Qingdao", "city", "370000", 1990),
        ToyDivision("371200", "莱芜市", "Laiwu", "city", "370000", 1992, 2018),
        ToyDivision("370102", "历下区", "Lixia", "county", "370100", 1990),
        ToyDivision("370103", "市中区", "Shizhong", "county", "370100", 1990),
        ToyDivision("370202", "市南区", "Shinan", "county", "370200", 1990),
        ToyDivision("370203", "市北区", "Shibei", "county", "370200", 1990),
        ToyDivision("371202", "莱城区", "Laicheng", "county", "371200", 1992, 2018),
        ToyDivision("371203", "钢城区", "Gangcheng", "county", "371200", 1992, 2018),
    )

    def valid_in(self, year: int, level: str | None = None) -> list[ToyDivision]:
        return [
            d
            for d in self.divisions
            if (level is None or d.level == level)
            and d.first_year <= year
            and (d.last_year is None or year <= d.last_year)
        ]

    def get(self, code: str) -> ToyDivision:
        for division in self.divisions:
            if division.code == code:
                return division
        raise DataError(f"unknown division code {code}")


REGISTRY = ToyRegistry()


def clean_statistics(years: list[int] = YEARS) -> pl.DataFrame:
    """Every unit of both levels valid in ``years`` with every variable of its level, each from
    its own source row; counties sum to 90 % of their city, values grow 10 % a year."""
    rows: list[dict[str, object]] = []
    for year in years:
        growth = 1.1 ** (year - years[0])
        for level, codes in (("city", CITY_VARIABLES), ("county", COUNTY_VARIABLES)):
            for division in REGISTRY.valid_in(year, level):
                for code in codes:
                    share = 0.45 if level == "county" else 1.0
                    base = CITY_VALUES[code] * share if code in CITY_VALUES else 50.0
                    integer = SYSTEM.variables[code].integer
                    value = round(base * growth) if integer else base * growth
                    rows.append(
                        {
                            "year": year,
                            "level": level,
                            "region_code": division.code,
                            "variable": code,
                            "value": float(value),
                            "unit": SYSTEM.variables[code].unit,
                            "source_file": f"{level}/{year}.csv",
                            "source_sheet": None,
                            "source_row": 100 + len(rows),
                            "source_column": code,
                            "raw_value": str(value),
                        }
                    )
    return pl.DataFrame(rows)


def no_quarantine() -> pl.DataFrame:
    return pl.DataFrame(schema=QUARANTINE_SCHEMA)


def quarantined(year: int | None, level: str | None, kind: str, **cell: object) -> pl.DataFrame:
    """A quarantine of one cell of ``kind``."""
    row = {
        "year": year,
        "level": level,
        "source_file": f"{level}/{year}.csv",
        "source_sheet": None,
        "source_row": 7,
        "source_column": "常住人口(万人)",
        "raw_value": "约85",
        "region_text": "370102 历下区",
        "variable_text": "常住人口(万人)",
        "reason": "not a number ('约85')",
        "kind": kind,
        **cell,
    }
    return pl.DataFrame([row], schema=QUARANTINE_SCHEMA)


def assess(
    statistics: pl.DataFrame,
    quarantine: pl.DataFrame | None = None,
    *,
    level: str = "city",
    years: list[int] = YEARS,
    system: ToySystem | None = None,
    **kwargs: object,
) -> ValidationReport:
    """``assess_statistics`` on the toy system (or ``system``) and registry."""
    return assess_statistics(
        statistics,
        no_quarantine() if quarantine is None else quarantine,
        system or SYSTEM,  # type: ignore[arg-type]
        REGISTRY,  # type: ignore[arg-type]
        level=level,
        years=years,
        **kwargs,  # type: ignore[arg-type]
    )


def failed(report: ValidationReport) -> set[str]:
    """Keys (``name@year``) of the failing checks."""
    return {check.key for check in report.failures}


def caught(check: CheckOutcome, **row: object) -> bool:
    """Whether one of the check's examples is the given row."""
    return any(all(example.get(k) == v for k, v in row.items()) for example in check.examples)


def set_value(
    region: str, year: int, code: str, value: float | None
) -> Callable[[pl.DataFrame], pl.DataFrame]:
    """A change that sets one cell's value."""

    def change(frame: pl.DataFrame) -> pl.DataFrame:
        cell = (
            (pl.col("region_code") == region)
            & (pl.col("year") == year)
            & (pl.col("variable") == code)
        )
        assert frame.filter(cell).height == 1
        return frame.with_columns(value=pl.when(cell).then(value).otherwise(pl.col("value")))

    return change
