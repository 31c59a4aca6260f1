"""Table headers → variables, and region codes/names → units of the division registry.

Matching never guesses: a header is a variable only by its code, Chinese name or a listed alias
(:meth:`IndicatorSystem.match_variable`);
a region is a unit only if the registry says so for that data year. When a match fails the
reason says *why* (unknown, ambiguous, not a unit in that year, a total row), because that
reason is what a data provider reads in the quarantine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from innovation_monitor.errors import DataError
from innovation_monitor.ingest.cleaning import cell_text, is_blank, split_unit
from innovation_monitor.ingest.result import (
    DEVELOPMENT_ZONE,
    PROBLEM,
    TOTAL_ROW,
    QuarantineKind,
)
from innovation_monitor.text import compact

if TYPE_CHECKING:
    from innovation_monitor.divisions import Division, DivisionRegistry
    from innovation_monitor.framework import IndicatorSystem, Variable

PROVINCE_NAMES = frozenset(
    {"全省", "全省合计", "全省总计", "山东省", "山东", "山东省合计", "370000"}
)
"""The province's own row of a city table: its statistics are kept apart (level ``province``)
as the reference of the cities' index; in a county table it is a total row."""
TOTAL_NAMES = frozenset({"合计", "总计"})
"""Summary rows that may be the province or a subtotal: no unit (their cells go to the
quarantine)."""

YEARS_SEARCHED = 30
"""How far from the data year to look for a unit to explain why a name is not valid then."""

DEVELOPMENT_ZONE_WORDS = (
    "开发区",  # 经济技术开发区, 高新技术产业开发区, 经济开发区, 旅游开发区
    "高新区",
    "新区",  # 国家级新区 (青岛西海岸新区) and city new areas: no unit of the registry
    "保税区",
    "保税港区",
    "度假区",
    "园区",  # 工业园区, 产业园区, 科技园区
    "示范区",
    "起步区",
    "试验区",
    "自贸区",
    "管理区",
    "景区",
    "功能区",
)
"""Words of development-zone names. A name is only tested for them once the registry has no unit
for it, so a real county-level unit is never taken for a zone."""
_ZONE_CODE = re.compile(r"37\d{2}7\d")
"""The statistical division codes the NBS gives development zones (370171 济南高新区): 7x in the
county digits, which no county-level unit of Shandong has (the registry is asked first)."""


def match_header(system: IndicatorSystem, header: str) -> tuple[Variable | None, str | None]:
    """The variable a column header names and the unit it states (``地区生产总值(亿元)``).

    The whole header is tried first, so an alias with brackets (``地区生产总值(GDP)``) is not
    mistaken for a unit; then the name before a trailing bracket.
    """
    whole = system.match_variable(header)
    if whole is not None:
        return whole, None
    name, unit = split_unit(header)
    if unit is None:
        return None, None
    return system.match_variable(name), unit


def region_text(raw: object) -> str | None:
    """A region code or name cell as text: 370102 (a number in Excel) or 370102.0 → ``370102``."""
    if is_blank(raw):
        return None
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = compact(cell_text(raw) or "")
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]
    return text or None


def _is_development_zone(text: str | None) -> bool:
    """``text`` (a name or a code) is a development zone's, by :data:`DEVELOPMENT_ZONE_WORDS`
    or the NBS zone code pattern."""
    return text is not None and (
        any(word in text for word in DEVELOPMENT_ZONE_WORDS) or bool(_ZONE_CODE.fullmatch(text))
    )


@dataclass(frozen=True)
class RegionMatch:
    """A unit, or the reason there is none and its quarantine ``kind``; ``city`` is set when a
    county table names a city."""

    division: Division | None
    reason: str = ""
    city: Division | None = None
    kind: QuarantineKind = PROBLEM
    province: bool = False  # the province's own row of a city table


class RegionMatcher:
    """Resolve region cells through :meth:`DivisionRegistry.match`, explaining every failure."""

    def __init__(self, registry: DivisionRegistry) -> None:
        self.registry = registry
        self._lookup = lru_cache(maxsize=None)(self._lookup_uncached)
        self._explain = lru_cache(maxsize=None)(self._explain_uncached)

    def match(
        self,
        code: object,
        name: object,
        year: int,
        level: str | None,
        parent: str | None = None,
    ) -> RegionMatch:
        """The unit of ``level`` in data ``year`` given by a code and/or a name cell.

        The code decides when given; a name that denotes another unit is a conflict. ``parent``
        (a city code or name) only settles names that are ambiguous without it (市中区).
        """
        code_text, name_text = region_text(code), region_text(name)
        if code_text is None and name_text is None:
            return RegionMatch(None, "no region (neither a region code nor a name in this row)")
        if code_text in PROVINCE_NAMES or name_text in PROVINCE_NAMES:
            return RegionMatch(
                None, "province total row", kind=TOTAL_ROW, province=level in ("city", None)
            )
        if code_text in TOTAL_NAMES or name_text in TOTAL_NAMES:
            return RegionMatch(None, "total row", kind=TOTAL_ROW)
        try:
            if code_text is not None:
                division = self._lookup(code_text, year, level, None)
                if division is None:
                    return self._explain(code_text, year, level, name_text)
                named = self._lookup(name_text, year, level, parent) if name_text else None
                if named is not None and named.code != division.code:
                    return RegionMatch(
                        None,
                        f"region code and name disagree ({code_text} is {division.name_zh} "
                        f"but {name_text!r} is {named.code} {named.name_zh})",
                    )
                return RegionMatch(division)
            assert name_text is not None
            division = self._lookup(name_text, year, level, parent)
            if division is None:
                return self._explain(name_text, year, level, None)
            return RegionMatch(division)
        except DataError as error:  # e.g. a year the registry does not cover
            return RegionMatch(None, f"year outside the division registry ({error})")

    def _lookup_uncached(
        self, text: str, year: int, level: str | None, parent: str | None
    ) -> Division | None:
        found = self.registry.match(text, year, level)
        if found is None and parent is not None:
            found = self.registry.match(text, year, level, parent=parent)
        return found

    def _explain_uncached(
        self, text: str, year: int, level: str | None, name: str | None
    ) -> RegionMatch:
        """Why ``text`` (the row's code, else its ``name``) is no unit of ``level`` in ``year``:
        the most specific reason found.

        In a city table a former city comes before a county-level unit of the same name: 莱芜
        in 2019 means the abolished 莱芜市, not the 莱芜区 that took over part of it. A
        development zone is recognised by its code or its name once nothing else explains it.
        """
        registry = self.registry
        kind = f"{level}-level unit" if level else "unit"
        other_level = {"city": "county", "county": "city"}.get(level or "")
        other = registry.match(text, year, other_level) if other_level else None
        if other is not None and other.level == "city":
            return RegionMatch(
                None,
                f"city row in a county table ({other.code} {other.name_zh}: a subtotal, "
                "not a county-level unit)",
                city=other,
                kind=TOTAL_ROW,
            )
        former = self._former(text, year, level)
        if other is not None and former is not None:
            return RegionMatch(
                None,
                f"region not valid in {year} ({text!r} is not a {kind} then: "
                f"{lifetime(registry, former)}; in {year} {text!r} names the county-level "
                f"unit {other.code} {other.name_zh})",
            )
        if other is not None:
            return RegionMatch(
                None, f"county-level unit in a city table ({other.code} {other.name_zh})"
            )
        rivals = registry.candidates(text, year, level)
        if len(rivals) > 1:
            listed = ", ".join(f"{d.code} {d.name_zh}" for d in rivals)
            return RegionMatch(
                None,
                f"ambiguous region ({text!r} may be {listed} in {year}; "
                "give the region code or the city)",
            )
        if former is not None:
            return RegionMatch(
                None,
                f"region not valid in {year} ({text!r} is not a {kind} then: "
                f"{lifetime(registry, former)})",
            )
        if _is_development_zone(text) or _is_development_zone(name):
            return _development_zone(name or text, level)
        return RegionMatch(
            None, f"unknown region ({text!r}: no {kind} of Shandong has this code or name)"
        )

    def _former(self, text: str, year: int, level: str | None) -> Division | None:
        """The unit of ``level`` that ``text`` denotes in the data year nearest ``year``."""
        nearby = range(year - YEARS_SEARCHED, year + YEARS_SEARCHED + 1)
        for when in sorted(nearby, key=lambda other_year: abs(other_year - year)):
            try:
                found = self.registry.match(text, when, level)
            except DataError:  # a year the registry does not cover
                continue
            if found is not None:
                return found
        return None


def _development_zone(text: str, level: str | None) -> RegionMatch:
    """The quarantine of a development-zone row: its figures are already in its host units'."""
    words = {
        "city": ("city", "市级", "所在市"),
        "county": ("county(ies)", "县级", "所在县（市、区）"),
    }
    host_en, level_zh, host_zh = words.get(level or "", ("unit(s)", "", "所在行政区"))
    kind = f"{level}-level unit" if level else "unit"
    return RegionMatch(
        None,
        f"development zone, not a {kind} of the division registry ({text!r}: its figures "
        f"belong to its host {host_en}) / 开发区不是{level_zh}行政单元，其数据计入{host_zh}",
        kind=DEVELOPMENT_ZONE,
    )


def lifetime(registry: DivisionRegistry, division: Division) -> str:
    """``371200 莱芜市 existed in data years 2014–2018, succeeded by 370100 济南市``."""
    last = division.last_year if division.last_year is not None else "today"
    text = f"{division.code} {division.name_zh} existed in data years {division.first_year}–{last}"
    if division.successor_codes:
        names = [f"{code} {registry.get(code).name_zh}" for code in division.successor_codes]
        text += f", succeeded by {', '.join(names)}"
    return text
