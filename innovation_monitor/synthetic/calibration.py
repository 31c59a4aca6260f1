"""What the synthetic sample is calibrated to: published figures and assumed magnitudes.

The published figures live in ``published_figures.csv`` beside this module, one figure a row
with the release it comes from, so that a figure can be checked or updated without reading
code. Its ``use`` column says what the generator does with a row:

* ``provincial_total``: the cities are scaled to sum to it (:data:`PUBLISHED`);
* ``provincial_mean``: the cities' population-weighted mean is scaled to it (:data:`RATIOS`);
* ``fte_model``: the inputs of the R&D FTE model (:func:`provincial_fte`);
* ``area_profile``: a 2016 city territory's level (:data:`AREA_FIGURES`, read by ``profiles``).

Magnitudes without a published figure (:data:`CALIBRATION`, most of :data:`RATIOS`) are
assumptions of this generator and stay here as code.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from innovation_monitor.errors import DataError

YEARS: tuple[int, ...] = tuple(range(2016, 2024))
FIGURES_FILE = Path(__file__).with_name("published_figures.csv")
PROVINCE = "370000"
CHINA = "100000"


@dataclass(frozen=True)
class Figure:
    """One row of ``published_figures.csv``: a figure as released, with its source."""

    use: str
    variable: str
    region_code: str
    year: int
    value: float
    unit: str
    step: float  # rounding step of the release, in ``unit``
    source: str


@dataclass(frozen=True)
class Published:
    """A provincial total as officially published, in the unit and rounding of the release.

    Years without a figure are interpolated geometrically between published years (or
    extrapolated at the average growth of the nearest published years).
    """

    variable: str
    unit: str
    values: Mapping[int, float]
    step: float
    """Rounding step of the release in ``unit`` (0.1 for 1566.1亿元; 1000 for "1.9万件")."""
    source: str


def _read_figures(path: Path) -> tuple[Figure, ...]:
    """Every row of the published-figures file, in file order."""
    with path.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    figures = []
    for line, row in enumerate(rows, start=2):
        try:
            figures.append(
                Figure(
                    use=row["use"],
                    variable=row["variable"],
                    region_code=row["region_code"],
                    year=int(row["year"]),
                    value=float(row["value"]),
                    unit=row["unit"],
                    step=float(row["step"]),
                    source=row["source"],
                )
            )
        except (KeyError, TypeError, ValueError) as error:
            raise DataError(f"{path}, line {line}: not a published figure ({error})") from error
    return tuple(figures)


def _published(figures: Sequence[Figure]) -> tuple[Published, ...]:
    """The provincial totals, one per variable in file order; unit, step and source must agree."""
    by_variable: dict[str, list[Figure]] = {}
    for figure in figures:
        if figure.use == "provincial_total":
            by_variable.setdefault(figure.variable, []).append(figure)
    totals = []
    for variable, rows in by_variable.items():
        described = {(f.unit, f.step, f.source) for f in rows}
        if len(described) != 1:
            raise DataError(
                f"{FIGURES_FILE}: the provincial totals of {variable} disagree on unit, step or "
                "source"
            )
        unit, step, source = described.pop()
        totals.append(Published(variable, unit, {f.year: f.value for f in rows}, step, source))
    return tuple(totals)


def _figure_series(use: str, variable: str, region_code: str) -> dict[int, float]:
    return {
        f.year: f.value
        for f in FIGURES
        if (f.use, f.variable, f.region_code) == (use, variable, region_code)
    }


FIGURES: tuple[Figure, ...] = _read_figures(FIGURES_FILE)
PUBLISHED: tuple[Published, ...] = _published(FIGURES)
FTE_2015 = _figure_series("fte_model", "rd_personnel_fte", PROVINCE)[2015]
"""Shandong R&D personnel FTE 2015 (人年), the latest provincial FTE figure used."""
RD_EXPENDITURE_2015 = _figure_series("fte_model", "rd_expenditure", PROVINCE)[2015]
"""Shandong R&D expenditure 2015 (亿元)."""
NATIONAL_RD_PER_FTE: Mapping[int, tuple[float, float]] = {
    year: (rd, _figure_series("fte_model", "rd_personnel_fte", CHINA)[year])
    for year, rd in _figure_series("fte_model", "rd_expenditure", CHINA).items()
}
"""China's R&D expenditure (亿元) and R&D personnel FTE (万人年). Shandong's FTE is modelled
from its 2015 figure, its R&D expenditure and the national trend of expenditure per FTE (no
later provincial FTE figure is embedded)."""
AREA_FIGURES: Mapping[tuple[str, str], float] = {
    (f.variable, f.region_code): f.value for f in FIGURES if f.use == "area_profile"
}
"""(variable, 2016 city code) → the territory's published level: population 2020 (万人),
GDP 2020 (亿元), R&D FTE 2015 (人年)."""


def _by_year(values: Iterable[float]) -> dict[int, float]:
    return dict(zip(YEARS, map(float, values), strict=True))


CALIBRATION: Mapping[str, Mapping[int, float]] = {
    # Approximate provincial magnitudes (canonical units) for variables without an embedded
    # published figure. They set plausible levels only; nothing is checked against them.
    "large_firms": _by_year((38000, 37500, 29000, 27800, 29700, 32200, 35500, 38000)),
    "tech_smes": _by_year((2500, 4800, 6900, 9600, 18000, 23500, 32000, 40000)),
    # counts include municipal-level lists, as Jiaozhou's 723 does
    "specialised_smes": _by_year((6000, 8000, 10500, 14000, 19000, 24000, 30000, 36000)),
    # all levels of incubators, as Jiaozhou's "各级孵化器 12 家" counts them
    "incubators": _by_year((350, 420, 480, 540, 600, 660, 720, 780)),
    "innovation_platforms": _by_year((3800, 4200, 4600, 5000, 5500, 6100, 6800, 7500)),
    "energy_consumption": _by_year((38700, 38700, 40600, 41400, 41800, 43000, 43800, 45000)),
    "hightech_exports": _by_year((9.0e6, 1.0e7, 1.1e7, 1.15e7, 1.25e7, 1.5e7, 1.65e7, 1.6e7)),
}
RATIOS: Mapping[str, Mapping[int, float]] = {
    # provincial mean ratios that shape derived variables
    "industrial_output_per_industry_va": _by_year((5.0, 4.9, 4.6, 3.7, 3.6, 3.8, 3.8, 3.7)),
    # 高新技术产业产值占比 (%), approximately as the provincial bulletins report it
    "hightech_share": _by_year((33.8, 35.0, 36.9, 40.1, 45.1, 46.8, 48.3, 51.4)),
    "firms_with_rd_share": _by_year((18, 20, 22, 25, 30, 35, 40, 44)),
    "firms_with_institution_share": _by_year((55, 56, 57, 58, 60, 61, 62, 63)),
    "new_product_share": _by_year((13, 14, 15, 16, 17, 19, 20, 22)),
    "applications_per_invention_grant": _by_year(np.linspace(11.0, 7.7, len(YEARS))),
    "broadband_per_person": _by_year(np.linspace(0.23, 0.42, len(YEARS))),
    # 科学技术支出 as % of the cities' budgets: an assumed steady rise
    "st_share_of_budget": _by_year(np.linspace(2.0, 2.6, len(YEARS))),
    # 城镇居民人均可支配收入 (元): published, in the figures file
    "urban_income": _figure_series("provincial_mean", "urban_income", PROVINCE),
}


def published_total(variable: str) -> Published:
    """The published provincial total of ``variable``."""
    return next(p for p in PUBLISHED if p.variable == variable)


def provincial_series(published: Published) -> dict[int, float]:
    """The published totals in the canonical unit of the sample, with gaps filled."""
    factor = {"亿元": 10_000.0}.get(published.unit, 1.0)
    known = {y: v * factor for y, v in published.values.items()}
    years = sorted(known)
    series: dict[int, float] = {}
    for year in YEARS:
        if year in known:
            series[year] = known[year]
            continue
        before = [y for y in years if y < year]
        after = [y for y in years if y > year]
        if before and after:
            y0, y1 = before[-1], after[0]
            w = (year - y0) / (y1 - y0)
            series[year] = known[y0] ** (1 - w) * known[y1] ** w
        else:
            ends = years[:4] if after else years[-4:]
            growth = (known[ends[-1]] / known[ends[0]]) ** (1 / (ends[-1] - ends[0]))
            anchor = ends[0] if after else ends[-1]
            series[year] = known[anchor] * growth ** (year - anchor)
    return series


def provincial_fte() -> dict[int, float]:
    """Shandong's R&D FTE: the 2015 figure moved with R&D expenditure per national FTE cost."""
    rd = provincial_series(published_total("rd_expenditure"))
    cost_2015 = NATIONAL_RD_PER_FTE[2015][0] / NATIONAL_RD_PER_FTE[2015][1]
    return {
        year: FTE_2015
        * (rd[year] / 10_000 / RD_EXPENDITURE_2015)
        * cost_2015
        / (NATIONAL_RD_PER_FTE[year][0] / NATIONAL_RD_PER_FTE[year][1])
        for year in YEARS
    }
