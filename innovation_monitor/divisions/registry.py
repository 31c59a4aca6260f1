"""Shandong's prefecture-level cities and county-level units, data year 2014 on (or another
province's, or the whole country's, from a registry file of the same columns).

Statistics are published per administrative unit, and units change: counties become districts,
Laiwu city was folded into Jinan, Penglai and Changdao merged. The registry tells which units
exist in each DATA year (the year the statistics describe), matches the names and codes found
in yearbooks to units, and maps every unit of one year to the units holding its territory in a
later year (the crosswalk ``restatement`` sums along). The rules and every exception are in
``docs/divisions.md``.

Another registry file (``innovation-monitor run --registry FILE``) follows the same rules with
its own codes: a city's parent is its province (``XX0000``, the city's first two digits), a
registry starts in the first data year any of its units has, and Shandong's late-year change
applies only to a registry that holds Shandong's units.
"""

from __future__ import annotations

import csv
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from innovation_monitor.divisions.late_year import LATE_YEAR_CHANGES as LATE_YEAR_CHANGES
from innovation_monitor.divisions.late_year import late_changes
from innovation_monitor.divisions.names import NAME_SUFFIX, code_in, short_name
from innovation_monitor.errors import DataError
from innovation_monitor.text import compact

DIVISIONS_FILE = Path(__file__).with_name("divisions.csv")
PROVINCE_CODE = "370000"
PROVINCE_LEVEL = "province"
"""The level of the province's own statistics (a 全省 row of a city table): the reference of
the cities' index when the data give it, never a unit that is validated, ranked or scored."""


def statistics_levels(level: str) -> tuple[str, ...]:
    """The statistics a level is scored from: the cities' with the province's own rows."""
    return (level, PROVINCE_LEVEL) if level == "city" else (level,)


PROVINCE_NAMES = ("山东省", "山东")
COVERAGE_START = 2014
"""First data year the registry describes; earlier units are not in it."""

LEVELS = ("city", "county")
_TYPES = {"city": ("地级市",), "county": ("市辖区", "县级市", "县")}
_COLUMNS = (
    "code",
    "name_zh",
    "name_en",
    "level",
    "type",
    "parent_code",
    "first_year",
    "last_year",
    "successor_codes",
    "former_names",
    "note",
)


@dataclass(frozen=True)
class Division:
    """One city or county-level unit over the data years it existed with this code."""

    code: str
    name_zh: str
    name_en: str
    level: str
    type: str
    parent_code: str
    first_year: int
    last_year: int | None
    successor_codes: tuple[str, ...]
    former_names: tuple[str, ...]

    def exists_in(self, year: int) -> bool:
        """Whether the unit is a statistical unit in data year ``year``."""
        return self.first_year <= year and (self.last_year is None or year <= self.last_year)


def _check_level(level: str | None) -> None:
    if level is not None and level not in LEVELS:
        raise DataError(f"unknown division level {level!r}; expected one of {', '.join(LEVELS)}")


def _check_year(year: int, start: int = COVERAGE_START) -> None:
    if year < start:
        raise DataError(
            f"data year {year} is before {start}: the division registry covers data "
            f"years {start} on"
        )


class DivisionRegistry:
    """All units of the CSV, with lookups by code, name and data year."""

    def __init__(self, divisions: Iterable[Division], source: str = "divisions") -> None:
        self._by_code: dict[str, Division] = {}
        for division in sorted(divisions, key=lambda d: d.code):
            if division.code in self._by_code:
                raise DataError(f"{source}: code {division.code} appears twice")
            self._by_code[division.code] = division
        _validate(self._by_code, source)
        self.source = source
        self.start = min((d.first_year for d in self._by_code.values()), default=COVERAGE_START)
        """The first data year the registry describes (2014 for the bundled one)."""
        self._late = late_changes(self._by_code)
        # name -> (priority, unit): full names first, then older names, then short forms
        self._names: dict[str, list[tuple[int, Division]]] = {}
        for division in self._by_code.values():
            self._index(division.name_zh, 0, division)
            for former in division.former_names:
                self._index(former, 1, division)
            for name in (division.name_zh, *division.former_names):
                short = short_name(name)
                if short is not None:
                    self._index(short, 2, division)

    def _index(self, name: str, priority: int, division: Division) -> None:
        self._names.setdefault(compact(name), []).append((priority, division))

    @classmethod
    def load(cls, path: Path | None = None) -> DivisionRegistry:
        """The registry in ``path`` (default: the bundled CSV), parsed once per file version."""
        file = Path(path) if path is not None else DIVISIONS_FILE
        try:
            stat = file.stat()
        except OSError as exc:
            raise DataError(f"division registry {file} cannot be read: {exc.strerror}") from exc
        return _load_cached(file.resolve(), stat.st_mtime_ns, stat.st_size)

    def all(self) -> list[Division]:
        """Every unit of any data year, by code."""
        return list(self._by_code.values())

    def get(self, code: str) -> Division:
        """The unit with this 6-digit code (any data year)."""
        try:
            return self._by_code[code]
        except KeyError:
            raise DataError(
                f"unknown division code {code!r}: not a city or county-level unit of the "
                f"registry {Path(self.source).name} (data year {self.start} on)"
            ) from None

    def valid_in(self, year: int, level: str | None = None) -> list[Division]:
        """Units that are statistical units in data year ``year``, by code."""
        _check_year(year, self.start)
        _check_level(level)
        return [
            d
            for d in self._by_code.values()
            if d.exists_in(year) and (level is None or d.level == level)
        ]

    def in_force_at_year_end(self, year: int, level: str | None = None) -> list[Division]:
        """Units in force on 31 December of ``year``, as GB/T 2260 year-end code lists show.

        Equal to :meth:`valid_in` except in the years of :data:`LATE_YEAR_CHANGES`.
        """
        codes = {d.code for d in self.valid_in(year, level)}
        for change in self._late:
            if change.year == year:
                codes -= set(change.abolished)
                codes |= {c for c in change.created if level in (None, self.get(c).level)}
        return [self._by_code[code] for code in sorted(codes)]

    def candidates(
        self, text: str, year: int, level: str | None = None, parent: str | None = None
    ) -> list[Division]:
        """Every unit of data year ``year`` that ``text`` may denote, best kind of match only.

        A code matches its unit. Names match in this order, the first kind that hits wins:
        the current full name, an older name of the same territory (former_names), then a
        short form without 市/区/县. ``parent`` (a city code or name) keeps the units of that
        city; "济南市市中区"-style names carry their own parent.
        """
        _check_year(year, self.start)
        _check_level(level)
        parent_code: str | None = None
        if parent is not None:
            parent_unit = self.match(parent, year, level="city")
            if parent_unit is None:
                return []
            parent_code = parent_unit.code
        key = compact(text)
        code = code_in(key)
        if code is not None:
            division = self._by_code.get(code)
            if division is None or not self._fits(division, year, level, parent_code):
                return []
            return [division]
        for prefix in PROVINCE_NAMES:
            if key.startswith(prefix) and len(key) > len(prefix):
                key = key[len(prefix) :]
                break
        found = self._by_name(key, year, level, parent_code)
        if found or parent_code is not None or level == "city":
            return found
        for city in self.valid_in(year, "city"):
            for city_name in (city.name_zh, short_name(city.name_zh)):
                if city_name and key.startswith(city_name) and len(key) > len(city_name):
                    found = self._by_name(key[len(city_name) :], year, "county", city.code)
                    if found:
                        return found
        return []

    def match(
        self, text: str, year: int, level: str | None = None, parent: str | None = None
    ) -> Division | None:
        """The one unit of data year ``year`` that ``text`` denotes, else None.

        None when nothing matches and when the text is ambiguous (市中区 without a parent,
        东营 without a level): :meth:`candidates` lists the competitors. An old name of a unit
        that was merged into a larger one (莱芜市 after 2018, 蓬莱市 after 2019) matches nothing.
        """
        found = self.candidates(text, year, level, parent)
        return found[0] if len(found) == 1 else None

    def _fits(self, d: Division, year: int, level: str | None, parent_code: str | None) -> bool:
        return (
            d.exists_in(year)
            and (level is None or d.level == level)
            and (parent_code is None or d.parent_code == parent_code)
        )

    def _by_name(
        self, key: str, year: int, level: str | None, parent_code: str | None
    ) -> list[Division]:
        hits = [
            (priority, d)
            for priority, d in self._names.get(key, [])
            if self._fits(d, year, level, parent_code)
        ]
        if not hits:
            return []
        best = min(priority for priority, _ in hits)
        return sorted({d for priority, d in hits if priority == best}, key=lambda d: d.code)

    def _successors_in(self, division: Division, year: int) -> set[str]:
        if division.exists_in(year):
            return {division.code}
        found: set[str] = set()
        for code in division.successor_codes:
            found |= self._successors_in(self._by_code[code], year)
        return found

    def crosswalk(self, from_year: int, to_year: int, level: str) -> pl.DataFrame:
        """Map every unit of ``from_year`` to the unit(s) of ``to_year`` holding its territory.

        Successor links are followed through intermediate years (蓬莱市 2016 -> 蓬莱区 2023).
        Only forward: a merged unit cannot be split back into its parts.
        """
        _check_year(from_year, self.start)
        _check_level(level)
        if to_year < from_year:
            raise DataError(
                f"crosswalk from data year {from_year} to the earlier year {to_year}: "
                "boundaries can only be restated forward (merged units cannot be split)"
            )
        pairs = [
            (d.code, to_code)
            for d in self.valid_in(from_year, level)
            for to_code in sorted(self._successors_in(d, to_year))
        ]
        return pl.DataFrame(
            pairs, schema={"from_code": pl.String, "to_code": pl.String}, orient="row"
        )

    def to_frame(self) -> pl.DataFrame:
        """Every unit with the warehouse ``divisions`` columns."""
        units = self.all()
        return pl.DataFrame(
            {
                "code": [d.code for d in units],
                "name_zh": [d.name_zh for d in units],
                "name_en": [d.name_en for d in units],
                "level": [d.level for d in units],
                "type": [d.type for d in units],
                "parent_code": [d.parent_code for d in units],
                "valid_from": [d.first_year for d in units],
                "valid_to": [d.last_year for d in units],
                "successor_codes": [list(d.successor_codes) for d in units],
            },
            schema={
                "code": pl.String,
                "name_zh": pl.String,
                "name_en": pl.String,
                "level": pl.String,
                "type": pl.String,
                "parent_code": pl.String,
                "valid_from": pl.Int64,
                "valid_to": pl.Int64,
                "successor_codes": pl.List(pl.String),
            },
        )


@functools.lru_cache(maxsize=8)
def _load_cached(path: Path, mtime_ns: int, size: int) -> DivisionRegistry:
    """Parse once per (file, version): ``load`` is called by every asset and command."""
    return DivisionRegistry(_read_csv(path), source=str(path))


def _read_csv(path: Path) -> list[Division]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        absent = [c for c in _COLUMNS if c not in (reader.fieldnames or [])]
        if absent:
            raise DataError(
                f"{path}: missing column(s) {', '.join(absent)}; expected {', '.join(_COLUMNS)}"
            )
        rows = list(reader)
    years = [int(r["first_year"]) for r in rows if re.fullmatch(r"\d{4}", r["first_year"] or "")]
    start = min(years, default=COVERAGE_START)
    return [_parse_row(path, number, row, start) for number, row in enumerate(rows, start=2)]


def _parse_row(path: Path, number: int, row: dict[str, str], start: int) -> Division:
    def fail(column: str, expected: str) -> DataError:
        return DataError(f"{path}: row {number}, column {column} = {row[column]!r}; {expected}")

    cell = {column: (row[column] or "").strip() for column in _COLUMNS}
    if not re.fullmatch(r"[1-9]\d{5}", cell["code"]) or cell["code"].endswith("0000"):
        raise fail("code", "expected the 6-digit code of a city or county (GB/T 2260)")
    if 71 <= int(cell["code"][4:]) <= 79:
        raise fail("code", "codes ending 71-79 are development zones, not units")
    if cell["level"] not in LEVELS:
        raise fail("level", f"expected one of {', '.join(LEVELS)}")
    if cell["type"] not in _TYPES[cell["level"]]:
        raise fail("type", f"expected one of {', '.join(_TYPES[cell['level']])}")
    if not cell["name_zh"].endswith(NAME_SUFFIX[cell["type"]]):
        raise fail("name_zh", f"a {cell['type']} name ends with {NAME_SUFFIX[cell['type']]}")
    if not cell["name_en"]:
        raise fail("name_en", "expected the English name (see english_name)")
    for column in ("first_year", "last_year"):
        if not re.fullmatch(r"\d{4}", cell[column]) and (column, cell[column]) != ("last_year", ""):
            raise fail(column, "expected a 4-digit year (last_year: empty while the unit exists)")
    first = int(cell["first_year"])
    last = int(cell["last_year"]) if cell["last_year"] else None
    if first > start and not cell["note"]:
        raise fail("note", "a unit created after the registry starts needs the official change")
    if last is not None and last < first:
        raise fail("last_year", f"expected a year not before first_year {first}")
    return Division(
        code=cell["code"],
        name_zh=cell["name_zh"],
        name_en=cell["name_en"],
        level=cell["level"],
        type=cell["type"],
        parent_code=cell["parent_code"],
        first_year=first,
        last_year=last,
        successor_codes=tuple(s.strip() for s in cell["successor_codes"].split(";") if s.strip()),
        former_names=tuple(s.strip() for s in cell["former_names"].split(";") if s.strip()),
    )


def _validate(units: dict[str, Division], source: str) -> None:
    """Cross-row rules: parents, successor chains, late-year changes, unique names."""
    for d in units.values():
        where = f"{source}: unit {d.code} {d.name_zh}"
        if d.level == "city":
            province = f"{d.code[:2]}0000"
            if d.parent_code != province or not d.code.endswith("00"):
                raise DataError(f"{where}: a city has a code ending 00 and parent {province}")
        else:
            parent = units.get(d.parent_code)
            if parent is None or parent.level != "city":
                raise DataError(f"{where}: parent_code {d.parent_code!r} is not a city of the CSV")
            if d.code[:4] != parent.code[:4]:
                raise DataError(
                    f"{where}: a county's code starts with its parent's {parent.code[:4]}"
                )
            outlived = parent.last_year is not None and (
                d.last_year is None or d.last_year > parent.last_year
            )
            if parent.first_year > d.first_year or outlived:
                raise DataError(f"{where}: parent {parent.code} does not exist in all its years")
        if (d.last_year is None) != (not d.successor_codes):
            raise DataError(f"{where}: a unit has successor_codes exactly when it has last_year")
        if d.last_year is None:
            continue
        for code in d.successor_codes:
            successor = units.get(code)
            if successor is None or successor.level != d.level:
                raise DataError(f"{where}: successor {code} is not a {d.level} of the CSV")
            if not successor.exists_in(d.last_year + 1):
                raise DataError(
                    f"{where}: successor {code} does not exist in data year {d.last_year + 1}"
                )
    for change in late_changes(units):
        for code in change.abolished:
            if code not in units or units[code].last_year != change.year:
                raise DataError(
                    f"{source}: late-year change of {change.effective}: {code} must have "
                    f"last_year {change.year}"
                )
        for code in change.created:
            if code not in units or units[code].first_year != change.year + 1:
                raise DataError(
                    f"{source}: late-year change of {change.effective}: {code} must have "
                    f"first_year {change.year + 1}"
                )
    seen: dict[tuple[str, str, int], str] = {}
    years = [y for d in units.values() for y in (d.first_year, d.last_year or 0) if y]
    for year in range(min(years, default=COVERAGE_START), max(years, default=0) + 1):
        for d in units.values():
            if d.exists_in(year):
                key = (d.name_zh, d.parent_code, year)
                if key in seen:
                    raise DataError(
                        f"{source}: {seen[key]} and {d.code} are both {d.name_zh} under "
                        f"{d.parent_code} in {year}; names must be unique within a parent"
                    )
                seen[key] = d.code
