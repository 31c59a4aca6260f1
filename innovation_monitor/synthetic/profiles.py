"""The profiles the model draws around: each 2016 city territory and each county.

A profile holds a unit's levels and tendencies. The published levels of a territory
(population, GDP, R&D FTE) come from ``published_figures.csv``; everything else here is an
assumption of this generator, approximate and documented in ``data/sample/README.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from innovation_monitor.synthetic.calibration import AREA_FIGURES


@dataclass(frozen=True)
class AreaProfile:
    """A city's territory as of 2016 (Laiwu separately): the unit the model simulates.

    Levels are 2020 values. ``population`` for Jinan and Laiwu splits the census figure of
    today's Jinan (9,202,432) between the two territories.
    """

    code: str
    population: float  # 万人, 2020 (the 2020 census by city, from the figures file)
    population_growth: float  # per year
    gdp: float  # 亿元, 2020 (city statistical bulletins, rounded, from the figures file)
    gdp_growth: float  # nominal, per year
    revision: float  # how far pre-2019 GDP exceeded the census-revised level
    rd_intensity: float  # %, 2020, approximate
    innovation: float  # latent innovation strength, 1 = provincial average
    industry: float  # secondary sector share of GDP, %
    tertiary: float  # tertiary sector share of GDP, %
    energy: float  # energy intensity relative to the province
    openness: float  # export orientation relative to the province
    urban_income: float  # 元, 2020, approximate
    students: float  # 万人 in higher education, 2020, approximate
    fte_2015: float  # R&D FTE 2015 (《山东统计年鉴2016》 18-18, from the figures file)
    dev_zone_share: float  # share of activity in separately reported development zones


_AREA_TABLE = """
code      pop+   gdp+   rev   rd%  innov  ind  ter  energy  open  income  stud  zone
370100   0.012  0.075  0.02  2.75   1.65   32   63    0.65   0.7   56000  72.0  0.04
370200   0.013  0.070  0.03  2.40   1.65   35   63    0.60   2.0   60000  42.0   0.0
370300   0.002  0.045  0.18  2.60   1.25   48   47    1.90   0.8   47000  13.0  0.03
370400  -0.001  0.050  0.20  1.90   0.70   42   47    1.70   0.4   38000   4.5  0.03
370500   0.003  0.040  0.30  2.35   1.00   52   40    1.90   1.0   51000   5.5  0.06
370600     0.0  0.070  0.05  2.55   1.25   42   50    0.90   1.8   52000  20.0  0.10
370700   0.002  0.060  0.10  2.55   1.25   40   51    1.00   1.0   45000  18.0  0.07
370800  -0.001  0.050  0.20  2.05   0.85   38   50    1.10   0.5   40000  15.0  0.04
370900  -0.002  0.045  0.30  2.10   0.85   38   52    1.00   0.4   42500  16.0  0.04
371000   0.003  0.060  0.15  2.40   1.05   38   52    0.80   2.2   50000  10.0  0.12
371100   0.001  0.065  0.10  1.75   0.75   45   46    1.90   0.8   39500   7.0  0.05
371200  -0.002  0.045  0.10  1.80   0.75   45   48    2.00   0.5   42000   2.5  0.03
371300   0.003  0.065  0.05  1.65   0.75   37   54    0.90   0.8   41500   9.0  0.05
371400  -0.001  0.055  0.05  1.80   0.70   39   48    1.00   0.4   33500   6.0  0.04
371500  -0.002  0.045  0.25  1.55   0.65   39   48    1.60   0.4   33000   7.0  0.05
371600     0.0  0.040  0.20  1.95   0.80   40   50    2.40   0.7   41000   6.0  0.04
371700  -0.001  0.080  0.05  1.35   0.60   40   49    0.80   0.4   32500   6.5  0.04
"""
"""The assumed AreaProfile fields of each 2016 city (Jinan without Laiwu), in the order of
:data:`_TABLE_FIELDS`."""
_TABLE_FIELDS = (
    "population_growth",
    "gdp_growth",
    "revision",
    "rd_intensity",
    "innovation",
    "industry",
    "tertiary",
    "energy",
    "openness",
    "urban_income",
    "students",
    "dev_zone_share",
)


def _area(line: str) -> AreaProfile:
    """One row of the table joined with the territory's published levels."""
    code, *numbers = line.split()
    assumed = dict(zip(_TABLE_FIELDS, map(float, numbers), strict=True))
    return AreaProfile(
        code=code,
        population=AREA_FIGURES[("population", code)],
        gdp=AREA_FIGURES[("gdp", code)],
        fte_2015=AREA_FIGURES[("rd_personnel_fte", code)],
        **assumed,
    )


AREAS: tuple[AreaProfile, ...] = tuple(map(_area, _AREA_TABLE.strip().splitlines()[1:]))


COUNTY_PROFILES: Mapping[str, tuple[float, float, float]] = {
    # code: (population 2020 in 万人 — an estimate, see README for how close it is to the
    # census; GDP per head relative to the city; innovation strength relative to the city)
    "370102": (80, 2.5, 1.6), "370103": (72, 1.2, 1.2), "370104": (60, 1.1, 1.0),
    "370105": (72, 0.9, 0.9), "370112": (125, 1.4, 1.5), "370113": (60, 0.7, 0.8),
    "370114": (107, 1.0, 1.0), "370115": (53, 0.7, 0.7), "370124": (33, 0.6, 0.6),
    "370126": (53, 0.4, 0.5), "370116": (99, 0.8, 0.9), "370117": (28, 1.1, 1.0),
    "370202": (51, 2.2, 1.3), "370203": (100, 0.9, 0.9), "370211": (190, 1.5, 1.3),
    "370212": (55, 1.7, 2.0), "370213": (70, 0.7, 0.8), "370214": (110, 1.1, 1.1),
    "370215": (135, 0.9, 0.8), "370281": (100, 1.1, 0.9), "370283": (120, 0.5, 0.5),
    "370285": (72, 0.55, 0.5),
    "370302": (70, 0.8, 0.8), "370303": (95, 1.4, 1.5), "370304": (45, 0.9, 0.9),
    "370305": (65, 1.5, 1.3), "370306": (40, 1.0, 1.0), "370321": (50, 1.2, 1.1),
    "370322": (36, 0.6, 0.6), "370323": (55, 0.6, 0.6),
    "370402": (60, 0.9, 0.9), "370403": (50, 1.0, 1.1), "370404": (40, 0.7, 0.7),
    "370405": (30, 0.8, 0.7), "370406": (45, 0.5, 0.6), "370481": (160, 1.3, 1.3),
    "370502": (85, 1.2, 1.3), "370503": (25, 0.9, 0.8), "370505": (25, 1.0, 0.9),
    "370522": (28, 0.7, 0.7), "370523": (52, 1.1, 1.2),
    "370602": (90, 0.9, 1.1), "370611": (35, 1.2, 1.2), "370612": (43, 0.9, 0.9),
    "370613": (45, 1.2, 1.4), "370614": (45, 1.1, 0.9), "370684": (41, 1.1, 0.9),
    "370634": (4.2, 1.2, 0.7), "370681": (74, 1.7, 1.3), "370682": (82, 0.6, 0.6),
    "370683": (82, 0.9, 0.8), "370685": (56, 1.0, 0.9), "370686": (55, 0.5, 0.5),
    "370687": (60, 0.6, 0.6),
    "370702": (50, 0.8, 1.0), "370703": (40, 0.8, 0.8), "370704": (55, 0.9, 0.9),
    "370705": (60, 1.4, 1.4), "370724": (85, 0.6, 0.6), "370725": (60, 0.7, 0.7),
    "370781": (95, 1.0, 0.9), "370782": (110, 1.1, 1.1), "370783": (115, 1.4, 1.3),
    "370784": (90, 0.7, 0.7), "370785": (90, 1.1, 1.2), "370786": (58, 1.0, 0.9),
    "370811": (130, 1.1, 1.3), "370812": (66, 1.3, 1.1), "370826": (63, 0.8, 0.7),
    "370827": (45, 0.6, 0.6), "370828": (60, 0.7, 0.7), "370829": (80, 0.6, 0.6),
    "370830": (70, 0.7, 0.7), "370831": (55, 0.5, 0.5), "370832": (75, 0.7, 0.7),
    "370881": (64, 0.9, 1.0), "370883": (115, 1.4, 1.2),
    "370902": (80, 1.3, 1.4), "370911": (95, 0.9, 0.9), "370921": (76, 0.7, 0.7),
    "370923": (75, 0.7, 0.6), "370982": (130, 1.0, 0.9), "370983": (95, 1.1, 1.0),
    "371002": (90, 1.1, 1.3), "371003": (55, 1.0, 1.0), "371082": (70, 1.2, 1.1),
    "371083": (55, 0.8, 0.7),
    "371102": (115, 1.1, 1.2), "371103": (45, 1.4, 1.0), "371121": (48, 0.7, 0.7),
    "371122": (95, 0.6, 0.6),
    "371302": (150, 1.4, 1.5), "371311": (70, 1.2, 1.1), "371312": (70, 0.9, 0.9),
    "371321": (80, 0.6, 0.6), "371322": (88, 0.7, 0.7), "371323": (105, 0.8, 0.8),
    "371324": (125, 0.6, 0.6), "371325": (85, 0.8, 0.8), "371326": (90, 0.6, 0.6),
    "371327": (90, 0.7, 0.7), "371328": (50, 0.7, 0.6), "371329": (65, 0.9, 0.9),
    "371402": (70, 1.2, 1.4), "371403": (50, 0.8, 0.8), "371422": (40, 0.8, 0.8),
    "371423": (30, 0.9, 0.8), "371424": (50, 1.0, 0.9), "371425": (60, 1.3, 1.2),
    "371426": (45, 0.8, 0.8), "371427": (50, 0.7, 0.7), "371428": (37, 0.8, 0.8),
    "371481": (63, 0.8, 0.8), "371482": (50, 1.0, 1.1),
    "371502": (120, 1.1, 1.3), "371503": (53, 1.2, 1.0), "371521": (75, 0.8, 0.8),
    "371522": (95, 0.7, 0.7), "371524": (40, 0.9, 1.0), "371525": (75, 0.7, 0.7),
    "371526": (45, 1.0, 0.9), "371581": (75, 0.8, 0.8),
    "371602": (70, 1.1, 1.2), "371603": (35, 0.7, 0.7), "371621": (60, 0.6, 0.7),
    "371622": (45, 0.7, 0.7), "371623": (45, 0.9, 0.8), "371625": (50, 1.2, 1.1),
    "371681": (80, 1.5, 1.3),
    "371702": (140, 1.1, 1.3), "371703": (60, 0.8, 0.8), "371721": (140, 1.0, 0.9),
    "371722": (110, 0.9, 0.9), "371723": (63, 0.8, 0.8), "371724": (90, 1.0, 0.9),
    "371725": (105, 0.9, 0.9), "371726": (80, 0.7, 0.7), "371728": (75, 1.1, 1.0),
}  # fmt: skip
COUNTY_INDUSTRY: Mapping[str, float] = {
    # industrial weight relative to the city where it differs clearly from 1 (service centres)
    "370102": 0.2, "370103": 0.3, "370104": 0.5, "370105": 0.7, "370202": 0.15,
    "370203": 0.4, "370212": 0.5, "370213": 0.6, "370303": 0.9, "370502": 0.8,
    "370602": 0.6, "370705": 0.4, "370811": 0.9, "370902": 0.5, "371002": 0.8,
    "371102": 0.8, "371302": 0.6, "371402": 0.7, "371502": 0.8, "371602": 0.8,
    "371702": 0.8, "370634": 0.3,
}  # fmt: skip
COUNTY_POPULATION_GROWTH = {"市辖区": 0.009, "县级市": 0.001, "县": -0.004}
"""Urbanisation: districts grow, counties shrink (per year, before the city-level scaling)."""
