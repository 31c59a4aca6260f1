"""The seeded generating model of the 2016 city territories (Jinan and Laiwu apart).

Every extensive variable of every territory and year is drawn around the territory's profile
(``profiles``) and scaled to the provincial calibration (``calibration``); cities and counties
of each data year are made from the territories in ``counties``.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping
from statistics import NormalDist

import numpy as np
from scipy.optimize import brentq

from innovation_monitor.synthetic.calibration import (
    CALIBRATION,
    PUBLISHED,
    RATIOS,
    YEARS,
    provincial_fte,
    provincial_series,
)
from innovation_monitor.synthetic.profiles import AREAS

SEED = 20_160_101
_STANDARD_NORMAL = NormalDist()


def seeded_noise(seed: int, *key: object, sigma: float) -> float:
    """A reproducible log-normal factor for one (unit, variable, year, …) key.

    Hashing the key (rather than drawing from one random stream) keeps every value independent
    of how many others are drawn, so adding a variable or a county changes nothing else.
    """
    digest = hashlib.blake2b(repr((seed, key)).encode(), digest_size=8).digest()
    uniform = (int.from_bytes(digest, "big") + 0.5) / 2**64
    return math.exp(sigma * _STANDARD_NORMAL.inv_cdf(uniform))


def _series(mapping: Mapping[int, float]) -> np.ndarray:
    return np.array([mapping[y] for y in YEARS], dtype=float)


def _to_total(values: np.ndarray, totals: np.ndarray) -> np.ndarray:
    """Scale the areas' values so that every year sums to the provincial total."""
    return values * (totals / values.sum(axis=0))


def _to_mean(values: np.ndarray, weights: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """Scale ratios so that their ``weights``-weighted mean is ``mean`` every year."""
    return values * (mean / ((values * weights).sum(axis=0) / weights.sum(axis=0)))


def logit(p: np.ndarray | float) -> np.ndarray:
    """Log-odds: shares are shifted on this scale so that they stay within (0, 1)."""
    return np.log(p / (1 - np.asarray(p)))


def expit(x: np.ndarray) -> np.ndarray:
    """The inverse of :func:`logit`."""
    return 1 / (1 + np.exp(-x))


def _shares(rel: np.ndarray, weights: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """Shares in (0, 1) with ``weights``-weighted mean ``mean`` every year.

    ``rel`` sets each area's odds relative to the others. Working on log-odds keeps high shares
    below 100 % and lets them grow less than low ones, as real shares do.
    """
    base = logit(mean)[None, :] + np.log(rel)
    result = np.empty_like(base)
    for t in range(base.shape[1]):

        def gap(shift: float, t: int = t) -> float:
            shares = expit(base[:, t] + shift)
            return float((weights[:, t] * shares).sum() / weights[:, t].sum() - mean[t])

        result[:, t] = expit(base[:, t] + brentq(gap, -30.0, 30.0, xtol=1e-12))
    return result


def simulate_areas(seed: int = SEED) -> dict[str, np.ndarray]:
    """Every extensive variable (and urban income) per area × year, provincial totals met.

    Rows follow :data:`AREAS`, columns :data:`YEARS`. The economics: population and GDP grow
    along each city's own path (pre-2019 GDP carries each city's census revision); R&D follows
    GDP × R&D intensity; patents, high-tech enterprises and technology contracts follow R&D and
    the city's innovation strength; industrial variables follow the industry share; then every
    published or calibrated total is imposed.
    """
    years = np.array(YEARS)
    d = years - 2020
    codes = [a.code for a in AREAS]

    def attr(name: str) -> np.ndarray:
        return np.array([getattr(a, name) for a in AREAS], dtype=float)[:, None]

    def noise(variable: str, sigma: float, per_year: bool = True) -> np.ndarray:
        return np.array(
            [
                [
                    seeded_noise(seed, code, variable, y if per_year else 0, sigma=sigma)
                    for y in YEARS
                ]
                for code in codes
            ]
        )

    innovation = attr("innovation")
    out: dict[str, np.ndarray] = {}
    published = {p.variable: _series(provincial_series(p)) for p in PUBLISHED}

    population = attr("population") * (1 + attr("population_growth")) ** d
    out["population"] = _to_total(population * noise("population", 0.002), published["population"])
    gdp = attr("gdp") * (1 + attr("gdp_growth")) ** d
    gdp = gdp * np.where(years <= 2018, 1 + attr("revision"), 1.0) * noise("gdp", 0.01)
    out["gdp"] = _to_total(gdp * 10_000, published["gdp"])
    gdp_per_head = out["gdp"] / out["population"]
    rel_income = gdp_per_head / (out["gdp"].sum(axis=0) / out["population"].sum(axis=0))

    employment_rate = 0.55 * noise("employment_rate", 0.03, per_year=False) * (1 - 0.002 * d)
    out["employed"] = out["population"] * employment_rate * noise("employed", 0.005)

    intensity = attr("rd_intensity") * (1 + 0.03 * d) * noise("rd_intensity", 0.04)
    out["rd_expenditure"] = _to_total(out["gdp"] * intensity, published["rd_expenditure"])
    rd = out["rd_expenditure"]
    base_year = YEARS.index(2016)
    fte = attr("fte_2015") * rd / rd[:, [base_year]] * noise("fte", 0.03)
    out["rd_personnel_fte"] = _to_total(fte, _series(provincial_fte()))

    for variable, exponent, sigma in (
        ("invention_patents_granted", 0.6, 0.06),
        ("invention_patents_valid", 0.9, 0.03),
        ("hightech_enterprises", 1.1, 0.04),
        ("tech_contract_turnover", 1.2, 0.08),
    ):
        raw = rd * innovation**exponent * noise(variable, sigma)
        out[variable] = _to_total(raw, published[variable])

    ratio = _series(RATIOS["applications_per_invention_grant"])
    out["patent_applications"] = (
        out["invention_patents_granted"] * ratio * innovation**-0.2 * noise("applications", 0.05)
    )

    # Budgets did not drop with the 2019 GDP revision: the cities' total is 12.5 % of the
    # census-basis GDP of 2019, moved at 5 % a year; poorer cities spend more per yuan of GDP.
    budget_total = 0.125 * published["gdp"][YEARS.index(2019)] * 1.05 ** (years - 2019)
    budget = out["gdp"] * rel_income**-0.35 * noise("budget", 0.02)
    out["fiscal_expenditure"] = _to_total(budget, budget_total)
    st_share = _shares(
        innovation**0.7 * noise("st_share", 0.05),
        out["fiscal_expenditure"],
        _series(RATIOS["st_share_of_budget"]) / 100,
    )
    out["fiscal_st_expenditure"] = out["fiscal_expenditure"] * st_share

    industry = attr("industry") / 100
    io_ratio = _series(RATIOS["industrial_output_per_industry_va"])
    out["industrial_output"] = out["gdp"] * industry * io_ratio * noise("output", 0.03)
    out["large_firms_revenue"] = out["industrial_output"] * 0.97 * noise("revenue", 0.01)
    firms = out["industrial_output"] ** 0.8 * rel_income**-0.2 * noise("firms", 0.03)
    out["large_firms"] = _to_total(firms, _series(CALIBRATION["large_firms"]))

    def share(name: str, rel: np.ndarray, weights: np.ndarray) -> np.ndarray:
        return _shares(rel, weights, _series(RATIOS[name]) / 100)

    with_rd = share("firms_with_rd_share", innovation**0.35 * noise("with_rd", 0.04),
                    out["large_firms"])  # fmt: skip
    out["large_firms_with_rd"] = out["large_firms"] * with_rd
    with_inst = share("firms_with_institution_share", innovation**0.2 * noise("inst", 0.05),
                      out["large_firms_with_rd"])  # fmt: skip
    out["large_firms_with_rd_institution"] = out["large_firms_with_rd"] * with_inst
    new_products = share("new_product_share", innovation**0.5 * noise("new_products", 0.05),
                         out["large_firms_revenue"])  # fmt: skip
    out["new_product_revenue"] = out["large_firms_revenue"] * new_products
    tertiary = attr("tertiary") / 100
    business_rd = np.minimum(1.05 - 0.5 * tertiary, 0.92) * noise("business_rd", 0.03)
    out["large_firms_rd_expenditure"] = rd * business_rd
    hightech_rel = innovation**0.5 * industry**-0.3 * noise("hightech", 0.04)
    out["hightech_output"] = out["industrial_output"] * share(
        "hightech_share", hightech_rel, out["industrial_output"]
    )

    size = out["population"] ** 0.3 * out["gdp"] ** 0.7
    for variable, exponent, sigma in (
        ("tech_smes", 1.0, 0.05),
        ("specialised_smes", 0.5, 0.05),
        ("incubators", 1.2, 0.06),
        ("innovation_platforms", 1.3, 0.04),
    ):
        raw = size * innovation**exponent * noise(variable, sigma)
        out[variable] = _to_total(raw, _series(CALIBRATION[variable]))

    energy = out["gdp"] * attr("energy") * noise("energy", 0.02)
    out["energy_consumption"] = _to_total(energy, _series(CALIBRATION["energy_consumption"]))
    exports = out["gdp"] * attr("openness") * innovation**0.5 * noise("exports", 0.05)
    out["hightech_exports"] = _to_total(exports, _series(CALIBRATION["hightech_exports"]))
    tertiary_path = np.minimum(tertiary + 0.008 * d, 0.75) * noise("tertiary", 0.01)
    out["tertiary_value_added"] = out["gdp"] * tertiary_path
    broadband = _series(RATIOS["broadband_per_person"]) * rel_income**0.2
    out["broadband_users"] = out["population"] * broadband * noise("broadband", 0.02)
    out["higher_ed_students"] = attr("students") * 10_000 * 1.035**d * noise("students", 0.01)
    income = attr("urban_income") * (1 + 0.065 * d) * noise("income", 0.005)
    out["urban_income"] = _to_mean(income, out["population"], _series(RATIOS["urban_income"]))
    return out
