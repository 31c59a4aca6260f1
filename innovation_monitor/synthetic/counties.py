"""From the 2016 territories to the cities and counties of each data year.

Cities of a year sum the territories they hold (Jinan holds Laiwu's from 2019). Counties share
out their territory's total, weighted by their own profile, after the territory's
development-zone share; real cells and outliers are then fixed with the siblings compensating,
so every total still holds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from innovation_monitor.divisions import Division, DivisionRegistry
from innovation_monitor.errors import DataError
from innovation_monitor.synthetic.calibration import YEARS
from innovation_monitor.synthetic.cells import OUTLIERS, REAL_SHARES, REAL_VALUES
from innovation_monitor.synthetic.model import SEED, expit, logit, seeded_noise, simulate_areas
from innovation_monitor.synthetic.profiles import (
    AREAS,
    COUNTY_INDUSTRY,
    COUNTY_POPULATION_GROWTH,
    COUNTY_PROFILES,
)


@dataclass(frozen=True)
class Share:
    """How a county's share of its territory's total of one variable is weighted.

    weight = base × econ_rel^econ × innovation_rel^innov × industry_rel^industry × noise,
    where ``base`` is the county's value of an earlier variable (or its population profile).
    ``cap_of``/``cap`` bound the county value by a multiple of another of its values (firms
    with R&D cannot outnumber firms), enforced by water-filling.
    """

    base: str | None
    econ: float = 0.0
    innov: float = 0.0
    industry: float = 0.0
    sigma: float = 0.03
    cap_of: str | None = None
    cap: float = 1.0


COUNTY_SHARES: Mapping[str, Share] = {
    "population": Share(None, sigma=0.004),
    "employed": Share("population", econ=0.1, sigma=0.01, cap_of="population", cap=0.8),
    "gdp": Share("population", econ=1.0, sigma=0.02),
    "tertiary_value_added": Share("gdp", industry=-0.5, sigma=0.02, cap_of="gdp", cap=0.85),
    "fiscal_expenditure": Share("population", econ=0.6, sigma=0.03),
    "fiscal_st_expenditure": Share(
        "fiscal_expenditure", innov=0.8, sigma=0.08, cap_of="fiscal_expenditure", cap=0.12
    ),
    "industrial_output": Share("gdp", industry=1.0, sigma=0.03),
    "large_firms_revenue": Share("industrial_output", sigma=0.01),
    "large_firms": Share("industrial_output", econ=-0.3, sigma=0.03),
    "large_firms_with_rd": Share(
        "large_firms", innov=0.35, sigma=0.04, cap_of="large_firms", cap=0.9
    ),
    "large_firms_with_rd_institution": Share(
        "large_firms_with_rd", innov=0.2, sigma=0.05, cap_of="large_firms_with_rd"
    ),
    "new_product_revenue": Share(
        "large_firms_revenue", innov=0.5, sigma=0.08, cap_of="large_firms_revenue", cap=0.6
    ),
    "hightech_output": Share(
        "industrial_output", innov=0.3, sigma=0.05, cap_of="industrial_output", cap=0.85
    ),
    "rd_expenditure": Share("gdp", innov=1.3, industry=0.4, sigma=0.08, cap_of="gdp", cap=0.08),
    "large_firms_rd_expenditure": Share(
        "rd_expenditure", industry=0.4, sigma=0.05, cap_of="rd_expenditure", cap=0.97
    ),
    "rd_personnel_fte": Share("rd_expenditure", econ=-0.3, sigma=0.05),
    "invention_patents_granted": Share("rd_expenditure", innov=0.5, sigma=0.08),
    "invention_patents_valid": Share("rd_expenditure", innov=0.6, sigma=0.04),
    "patent_applications": Share("population", econ=0.8, innov=1.0, sigma=0.06),
    "hightech_enterprises": Share("rd_expenditure", innov=0.3, sigma=0.05),
    "tech_smes": Share("hightech_enterprises", sigma=0.08),
    "specialised_smes": Share("large_firms", innov=0.6, sigma=0.06),
    "tech_contract_turnover": Share("rd_expenditure", innov=0.7, sigma=0.15),
    "incubators": Share("population", econ=0.5, innov=1.2, sigma=0.12),
    "innovation_platforms": Share("rd_expenditure", innov=0.3, sigma=0.06),
    "energy_consumption": Share("gdp", econ=-0.3, industry=0.7, sigma=0.05),
    "hightech_exports": Share("hightech_output", sigma=0.12),
    "broadband_users": Share("population", econ=0.3, sigma=0.02),
}
"""In dependency order: every base and cap variable comes before the variables using it."""


def _area_of_counties(registry: DivisionRegistry, year: int) -> dict[str, str]:
    """County code of ``year`` → area (the city of 2016 whose territory holds it)."""
    walk = registry.crosswalk(YEARS[0], year, "county")
    areas: dict[str, set[str]] = {}
    for from_code, to_code in walk.iter_rows():
        areas.setdefault(to_code, set()).add(registry.get(from_code).parent_code)
    result = {}
    for code, parents in areas.items():
        if len(parents) != 1:
            raise DataError(
                f"county {code} of {year} holds territory of several {YEARS[0]} cities "
                f"({', '.join(sorted(parents))}); the generator needs one"
            )
        result[code] = parents.pop()
    return result


def _cities_of_areas(registry: DivisionRegistry, year: int) -> dict[str, str]:
    """Area (2016 city code) → city code of ``year``."""
    walk = registry.crosswalk(YEARS[0], year, "city")
    result: dict[str, str] = {}
    for from_code, to_code in walk.iter_rows():
        if from_code in result:
            raise DataError(f"city {from_code} of {YEARS[0]} was split by {year}")
        result[from_code] = to_code
    return result


def _county_profile(
    registry: DivisionRegistry, division: Division, year: int
) -> tuple[float, float, float]:
    """The profile of a county, through its later code when it was renamed."""
    if division.code in COUNTY_PROFILES:
        return COUNTY_PROFILES[division.code]
    walk = registry.crosswalk(year, YEARS[-1], "county")
    targets = walk.filter(pl.col("from_code") == division.code)["to_code"].to_list()
    known = [code for code in targets if code in COUNTY_PROFILES]
    if len(known) != 1:
        raise DataError(
            f"no county profile for {division.code} ({division.name_zh}) in {year}: add it to "
            "COUNTY_PROFILES"
        )
    return COUNTY_PROFILES[known[0]]


def _fill(total: float, weights: np.ndarray, caps: np.ndarray) -> np.ndarray:
    """Share ``total`` in proportion to ``weights`` without exceeding ``caps`` (water-filling)."""
    result = np.zeros_like(weights)
    free = np.ones(len(weights), dtype=bool)
    remaining = total
    while True:
        share = remaining * weights[free] / weights[free].sum()
        over = share > caps[free]
        if not over.any():
            result[free] = share
            return result
        index = np.flatnonzero(free)[over]
        result[index] = caps[index]
        remaining -= caps[index].sum()
        free[index] = False
        if not free.any() or remaining < 0:
            raise DataError("county caps leave no room for the territory's total")


def _compensate(values: np.ndarray, index: int, new: float) -> None:
    """Set one county's value and rescale its siblings so that the total is unchanged."""
    others = np.arange(len(values)) != index
    rest = values[others].sum()
    remaining = rest - (new - values[index])
    if remaining <= 0:
        raise DataError("a fixed county value exceeds its territory's total")
    values[others] *= remaining / rest
    values[index] = new


def _apply_city_adjustments(areas: dict[str, np.ndarray], registry: DivisionRegistry) -> None:
    """Real city shares and city outliers: scale the areas that make up the city.

    A real share calibrates the city's whole path (its log-odds shifted by what makes the real
    year exact), so the series stays smooth around the real figure; an outlier touches its one
    year only.
    """
    index = {a.code: i for i, a in enumerate(AREAS)}

    def rows_of(code: str, year: int) -> list[int]:
        mapping = _cities_of_areas(registry, year)
        return [index[area] for area, city in mapping.items() if city == code]

    for real in (r for r in REAL_SHARES if r.level == "city"):
        t = YEARS.index(real.year)
        rows = rows_of(real.region_code, real.year)
        numerator = areas[real.numerator][rows, :]
        share = numerator.sum(axis=0) / areas[real.denominator][rows, :].sum(axis=0)
        shift = logit(real.percent / 100) - logit(share[t])
        areas[real.numerator][rows, :] = numerator * (expit(logit(share) + shift) / share)
    for outlier in (o for o in OUTLIERS if o.level == "city"):
        t = YEARS.index(outlier.year)
        areas[outlier.variable][rows_of(outlier.region_code, outlier.year), t] *= outlier.factor


def _county_values(
    areas: dict[str, np.ndarray], registry: DivisionRegistry, seed: int
) -> dict[tuple[str, int, str], float]:
    """Share every area's total out to its counties (minus the development-zone share)."""
    values: dict[tuple[str, int, str], float] = {}
    for t, year in enumerate(YEARS):
        area_of = _area_of_counties(registry, year)
        for a, area in enumerate(AREAS):
            counties = [
                d for d in registry.valid_in(year, "county") if area_of[d.code] == area.code
            ]
            values.update(_share_out(areas, a, t, year, counties, registry, seed))
    return values


def _share_out(
    areas: dict[str, np.ndarray],
    a: int,
    t: int,
    year: int,
    counties: Sequence[Division],
    registry: DivisionRegistry,
    seed: int,
) -> dict[tuple[str, int, str], float]:
    """One territory in one year: its counties' values of every variable, in rule order."""
    area = AREAS[a]
    profiles = [_county_profile(registry, d, year) for d in counties]
    codes = [d.code for d in counties]
    econ = np.array([p[1] for p in profiles])
    innov = np.array([p[2] for p in profiles])
    industry = np.array([COUNTY_INDUSTRY.get(c, 1.0) for c in codes])
    growth = np.array([COUNTY_POPULATION_GROWTH[d.type] for d in counties])
    population = np.array([p[0] for p in profiles]) * (1 + growth) ** (year - 2020)
    kept = 1 - area.dev_zone_share
    county: dict[str, np.ndarray] = {}
    for variable, rule in COUNTY_SHARES.items():
        base = population if rule.base is None else county[rule.base]
        noise = np.array([seeded_noise(seed, c, variable, year, sigma=rule.sigma) for c in codes])
        weights = base * econ**rule.econ * innov**rule.innov * industry**rule.industry * noise
        caps = (
            county[rule.cap_of] * rule.cap
            if rule.cap_of is not None
            else np.full(len(codes), np.inf)
        )
        county[variable] = _fill(areas[variable][a, t] * kept, weights, caps)
        _fix_cells(county, variable, codes, year)
    income = (
        areas["urban_income"][a, t]
        * econ**0.3
        * np.array([seeded_noise(seed, c, "urban_income", year, sigma=0.01) for c in codes])
    )
    county["urban_income"] = (
        income
        * areas["urban_income"][a, t]
        / ((income * county["population"]).sum() / county["population"].sum())
    )
    return {
        (code, year, variable): float(column[i])
        for variable, column in county.items()
        for i, code in enumerate(codes)
    }


def _fix_cells(
    county: dict[str, np.ndarray], variable: str, codes: Sequence[str], year: int
) -> None:
    """Real values, real shares and outliers of this county variable, siblings compensating."""
    for real in REAL_VALUES:
        if (real.level, real.year, real.variable) == ("county", year, variable) and (
            real.region_code in codes
        ):
            i = codes.index(real.region_code)
            rule = COUNTY_SHARES[variable]
            if rule.cap_of is not None and real.value > rule.cap * county[rule.cap_of][i]:
                _compensate(county[rule.cap_of], i, real.value / rule.cap)
            _compensate(county[variable], i, real.value)
    for ratio in REAL_SHARES:
        if (ratio.level, ratio.year, ratio.numerator) == ("county", year, variable) and (
            ratio.region_code in codes
        ):
            i = codes.index(ratio.region_code)
            _compensate(county[variable], i, ratio.percent / 100 * county[ratio.denominator][i])
    for outlier in OUTLIERS:
        if (outlier.level, outlier.year, outlier.variable) == ("county", year, variable) and (
            outlier.region_code in codes
        ):
            i = codes.index(outlier.region_code)
            # at most half the territory, whatever the seed drew for the county
            new = min(county[variable][i] * outlier.factor, 0.5 * county[variable].sum())
            _compensate(county[variable], i, new)


def simulate(
    registry: DivisionRegistry, seed: int = SEED
) -> dict[str, dict[tuple[str, int, str], float]]:
    """Unrounded values of every city and county of every year: level → (code, year, var)."""
    areas = simulate_areas(seed)
    _apply_city_adjustments(areas, registry)
    city: dict[tuple[str, int, str], float] = {}
    for t, year in enumerate(YEARS):
        mapping = _cities_of_areas(registry, year)
        for division in registry.valid_in(year, "city"):
            rows = [i for i, a in enumerate(AREAS) if mapping[a.code] == division.code]
            weights = areas["population"][rows, t]
            for variable, matrix in areas.items():
                if variable == "urban_income":
                    value = (matrix[rows, t] * weights).sum() / weights.sum()
                else:
                    value = matrix[rows, t].sum()
                city[(division.code, year, variable)] = float(value)
    return {"city": city, "county": _county_values(areas, registry, seed)}
