"""A data directory (or one file) → an :class:`IngestResult` of statistics, quarantine, sources.

Every cell of a table's data rows and value columns ends up in exactly one place: a statistic in
the canonical unit, or a quarantine row with the reason it is not one. The rules (which rows are
titles or notes, what a duplicate is, how level and year are found) are in ``docs/warehouse.md``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from innovation_monitor.divisions import LEVELS
from innovation_monitor.errors import DataError, IngestError
from innovation_monitor.ingest.cleaning import (
    CellProblem,
    cell_text,
    normalize_unit,
    parse_number,
    to_canonical,
    unit_factor,
)
from innovation_monitor.ingest.matching import RegionMatcher, match_header, region_text
from innovation_monitor.ingest.readers import (
    CSV_SUFFIXES,
    XLSX_SUFFIXES,
    LongTable,
    WideTable,
    only_first_filled,
    parse_grid,
    read_file,
)
from innovation_monitor.ingest.result import (
    QUARANTINE_SCHEMA,
    SOURCES_SCHEMA,
    STATISTICS_SCHEMA,
    IngestResult,
    frame,
)
from innovation_monitor.text import compact
from innovation_monitor.yaml_file import read_yaml

if TYPE_CHECKING:
    from innovation_monitor.divisions import DivisionRegistry
    from innovation_monitor.indicator_system import IndicatorSystem, Variable

MANIFEST_FILE = "dataset.yaml"
LAYOUTS = ("wide", "long")
_ENTRY_KEYS = frozenset({"path", "level", "year", "format", "sheet"})
_YEAR = re.compile(r"(?<!\d)(19\d{2}|20\d{2})(?!\d)")


@dataclass(frozen=True)
class FileEntry:
    """One file (or one sheet of a workbook) to ingest, with what is known about it up front."""

    path: Path
    source_file: str
    level: str | None = None
    year: int | None = None
    layout: str | None = None
    sheet: str | None = None


@dataclass(frozen=True)
class Manifest:
    """``dataset.yaml``: what the data set is and whether it is synthetic (shown in reports)."""

    name_zh: str | None = None
    name_en: str | None = None
    synthetic: bool = False
    notice_zh: str | None = None
    notice_en: str | None = None
    source: str | None = None
    files: tuple[FileEntry, ...] = ()

    def entries_for(self, source_file: str) -> list[FileEntry]:
        return [entry for entry in self.files if entry.source_file == source_file]


def _text(document: Mapping[str, Any], key: str, where: str) -> str | None:
    value = document.get(key)
    if value is not None and not isinstance(value, str):
        raise IngestError(f"{where}: {key} must be text, got {value!r}")
    return value


def read_manifest(data_dir: Path) -> Manifest:
    """The data directory's ``dataset.yaml``; a directory without one is real data, no notice."""
    path = data_dir / MANIFEST_FILE
    if not path.is_file():
        return Manifest()
    document = read_yaml(path, "data set manifest", IngestError)
    if not isinstance(document, dict):
        raise IngestError(f"{path}: expected a mapping (name_zh, name_en, synthetic, …)")
    synthetic = document.get("synthetic", False)
    if not isinstance(synthetic, bool):
        raise IngestError(f"{path}: synthetic must be true or false, got {synthetic!r}")
    raw_files = document.get("files") or []
    if not isinstance(raw_files, list):
        raise IngestError(f"{path}: files must be a list of {{path, level, year, format, sheet}}")
    return Manifest(
        name_zh=_text(document, "name_zh", str(path)),
        name_en=_text(document, "name_en", str(path)),
        synthetic=synthetic,
        notice_zh=_text(document, "notice_zh", str(path)),
        notice_en=_text(document, "notice_en", str(path)),
        source=_text(document, "source", str(path)),
        files=tuple(
            _entry(data_dir, raw, f"{path}: files[{i}]") for i, raw in enumerate(raw_files)
        ),
    )


def _entry(data_dir: Path, raw: object, where: str) -> FileEntry:
    if not isinstance(raw, dict) or not isinstance(raw.get("path"), str):
        raise IngestError(f"{where}: expected a mapping with a path (and level, year, format)")
    unknown = sorted(set(raw) - _ENTRY_KEYS)
    if unknown:
        raise IngestError(
            f"{where}: unknown key(s) {', '.join(unknown)}; "
            f"expected {', '.join(sorted(_ENTRY_KEYS))}"
        )
    level, year, layout, sheet = (raw.get(k) for k in ("level", "year", "format", "sheet"))
    if level is not None and level not in LEVELS:
        raise IngestError(f"{where}: level {level!r}; expected city or county")
    if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
        raise IngestError(f"{where}: year {year!r}; expected a 4-digit data year")
    if layout is not None and layout not in LAYOUTS:
        raise IngestError(f"{where}: format {layout!r}; expected wide or long")
    if sheet is not None and not isinstance(sheet, str | int):
        raise IngestError(f"{where}: sheet {sheet!r}; expected a sheet name")
    try:  # ../x.csv or /x.csv would read a file outside the data directory
        source_file = _source_file(data_dir / PurePosixPath(raw["path"]), data_dir)
    except IngestError as error:
        raise IngestError(f"{where}: {error}") from None
    path = data_dir / source_file
    if not path.is_file():
        raise IngestError(f"{where}: {source_file} does not exist in {data_dir}")
    return FileEntry(path, source_file, level, year, layout, None if sheet is None else str(sheet))


def level_from_path(source_file: str) -> str | None:
    """``city/…`` or ``county/…`` folder, else a city/county/市/县 token in the file name.

    县 wins over 市 in a name (县（市、区）tables name both); city and county together is unknown.
    """
    path = PurePosixPath(source_file)
    for folder in reversed(path.parts[:-1]):
        if folder.casefold() in LEVELS:
            return folder.casefold()
    tokens = set(re.split(r"[^a-z]+", path.stem.casefold()))
    english = [level for level in LEVELS if level in tokens]
    if len(english) == 1:
        return english[0]
    if english:
        return None
    if "县" in path.stem:
        return "county"
    return "city" if "市" in path.stem else None


def year_from_path(source_file: str) -> int | None:
    """The one 19xx/20xx year in the file name (None when there is none or several)."""
    years = set(_YEAR.findall(PurePosixPath(source_file).stem))
    return int(years.pop()) if len(years) == 1 else None


def parse_year(raw: object) -> int:
    """A year cell (2020, 2020.0, "2020", "2020年") as an int, or :class:`CellProblem`."""
    text = compact(cell_text(raw) or "").removesuffix("年")
    found = re.fullmatch(r"(\d{4})(\.0*)?", text)
    if isinstance(raw, bool) or found is None or not 1900 <= int(found[1]) <= 2100:
        raise CellProblem(f"invalid year ({cell_text(raw)!r}; expected a 4-digit data year)")
    return int(found[1])


@dataclass(frozen=True)
class _Origin:
    """Provenance of one cell, carried into the statistics or the quarantine."""

    source_file: str
    source_sheet: str | None
    source_row: int
    source_column: str | None
    raw_value: str | None
    region_text: str | None
    variable_text: str | None

    def where(self) -> str:
        sheet = f" sheet {self.source_sheet!r}" if self.source_sheet else ""
        return f"{self.source_file}{sheet} row {self.source_row} column {self.source_column!r}"

    def provenance(self) -> dict[str, object]:
        return {
            "source_file": self.source_file,
            "source_sheet": self.source_sheet,
            "source_row": self.source_row,
            "source_column": self.source_column,
            "raw_value": self.raw_value,
        }


@dataclass(frozen=True)
class _Candidate:
    """A clean value waiting for the duplicate check."""

    year: int
    level: str
    region_code: str
    variable: str
    value: float
    unit: str
    origin: _Origin

    @property
    def key(self) -> tuple[int, str, str, str]:
        return (self.year, self.level, self.region_code, self.variable)


@dataclass
class _Collected:
    candidates: list[_Candidate] = field(default_factory=list)
    quarantine: list[dict[str, object]] = field(default_factory=list)
    sources: list[dict[str, object]] = field(default_factory=list)
    slices: set[tuple[int, str]] = field(default_factory=set)

    def reject(self, year: int | None, level: str | None, origin: _Origin, reason: str) -> None:
        self.quarantine.append(_quarantine_row(year, level, origin, reason))


def _quarantine_row(
    year: int | None, level: str | None, origin: _Origin, reason: str
) -> dict[str, object]:
    return {
        "year": year,
        "level": level,
        **origin.provenance(),
        "region_text": origin.region_text,
        "variable_text": origin.variable_text,
        "reason": reason,
    }


@dataclass(frozen=True)
class _StatedUnit:
    """A unit stated apart from the header (unit row, long-file unit column) and where it is,
    so that a header bracket that disagrees with it can be named in the quarantine reason."""

    unit: str | None
    origin: str


@dataclass(frozen=True)
class _Column:
    """A value column resolved once per table: its variable and unit factor, or its problem."""

    variable: Variable | None
    factor: Decimal
    problem: str | None


class _Ingest:
    """One ingest run: shared matching caches and the rows collected so far."""

    def __init__(
        self,
        system: IndicatorSystem,
        registry: DivisionRegistry,
        manifest: Manifest,
        years: Iterable[int] | None,
    ) -> None:
        self.system = system
        self.registry = registry
        self.regions = RegionMatcher(registry)
        self.manifest = manifest
        self.years = None if years is None else frozenset(int(year) for year in years)
        self.known_units = frozenset(u for v in system.variables.values() for u in v.units)
        self.collected = _Collected()
        self._columns: dict[tuple[str, str | None, str], _Column] = {}

    # ------------------------------------------------------------------------------ files

    def file(self, entry: FileEntry) -> None:
        """Read one file entry and collect its cells; records it in the sources log."""
        entry = replace(entry, level=entry.level or level_from_path(entry.source_file))
        raw = read_file(entry.path, entry.sheet, label=entry.source_file)
        tables = []
        for grid in raw.grids:
            table = parse_grid(
                grid, layout=entry.layout, level=entry.level, known_units=self.known_units
            )
            if table is not None:
                tables.append(table)
        if not tables:
            expected = (
                "the long layout header region_code, year, variable, value"
                if entry.layout == "long"
                else "a header row with a region column (地区代码, 区划代码, 地区, 城市, "
                "县（市、区）, region_code, region) or the long layout header "
                "region_code, year, variable, value"
            )
            raise IngestError(f"{entry.source_file}: no table found; expected {expected}")
        slices: set[tuple[int | None, str | None]] = set()
        layouts = []
        for table in tables:
            if isinstance(table, WideTable):
                slices |= self.wide(table, entry)
                layouts.append("wide")
            else:
                slices |= self.long(table, entry)
                layouts.append("long")
        if not slices:
            return  # nothing in the selected years
        keyed = {(y, lv) for y, lv in slices if y is not None and lv is not None}
        file_format = "/".join(
            ["+".join(sorted(set(layouts))), raw.kind, *([raw.encoding] if raw.encoding else [])]
        )
        digest = hashlib.sha256(entry.path.read_bytes()).hexdigest()
        for year, level in sorted(keyed) or [(None, None)]:
            self.collected.sources.append(
                {
                    "source_file": entry.source_file,
                    "sha256": digest,
                    "level": level,
                    "year": year,
                    "format": file_format,
                    "synthetic": self.manifest.synthetic,
                    "notice_zh": self.manifest.notice_zh,
                    "notice_en": self.manifest.notice_en,
                    "loaded_at": None,
                }
            )
        self.collected.slices |= keyed

    # ------------------------------------------------------------------------------ wide

    def wide(self, table: WideTable, entry: FileEntry) -> set[tuple[int | None, str | None]]:
        """One row per region: every value cell becomes a statistic or a quarantine row."""
        level = entry.level
        year = entry.year or year_from_path(entry.source_file)
        where = entry.source_file + (f" sheet {table.sheet!r}" if table.sheet else "")
        if level is None:
            raise IngestError(
                f"{where}: cannot tell whether this wide table holds city or county data; "
                "expected a city/ or county/ folder, a city/county/市/县 token in the file name, "
                f"or a files: entry with level in {MANIFEST_FILE}"
            )
        if year is None:
            raise IngestError(
                f"{where}: cannot tell the data year of this wide table; expected exactly one "
                f"4-digit year (19xx/20xx) in the file name or a files: entry with year in "
                f"{MANIFEST_FILE}"
            )
        if self.years is not None and year not in self.years:
            return set()
        try:
            self.registry.valid_in(year, level)
        except DataError as error:
            raise IngestError(f"{where}: {error}") from None
        columns = [
            (
                column,
                self.column(
                    column.header,
                    level,
                    _StatedUnit(column.unit, f"unit row (row {table.header_row + 1})"),
                    column.table_unit,
                ),
            )
            for column in table.columns
        ]
        value_columns = {column.index for column in table.columns}
        city: str | None = None  # the last city row of a county table settles 市中区-like names
        for row in table.rows:
            code, name = row.get(table.code_column), row.get(table.name_column)
            parent = region_text(row.get(table.parent_column)) or city
            found = self.regions.match(code, name, year, level, parent)
            if found.city is not None:
                city = found.city.code
            if found.division is None and only_first_filled(row.cells) and 0 not in value_columns:
                continue  # a note line below the table: no value in it
            texts = [text for text in (cell_text(code), cell_text(name)) if text]
            region = " ".join(text.strip() for text in texts) or None
            for column, resolved in columns:
                raw = row.get(column.index)
                origin = _Origin(
                    entry.source_file,
                    table.sheet,
                    row.number,
                    column.label,
                    cell_text(raw),
                    region,
                    column.header or None,
                )
                if found.division is None:
                    self.collected.reject(year, level, origin, found.reason)
                    continue
                self.value(year, level, found.division.code, resolved, raw, origin)
        return {(year, level)}

    # ------------------------------------------------------------------------------ long

    def long(self, table: LongTable, entry: FileEntry) -> set[tuple[int | None, str | None]]:
        """One value per row: region_code, year, variable, value[, unit]."""
        positions = table.positions
        slices: set[tuple[int | None, str | None]] = set()
        for row in table.rows:
            if only_first_filled(row.cells):
                continue  # a note line below the table
            region_raw = row.get(positions["region"])
            variable_raw = row.get(positions["variable"])
            raw = row.get(positions["value"])
            origin = _Origin(
                entry.source_file,
                table.sheet,
                row.number,
                table.labels["value"],
                cell_text(raw),
                cell_text(region_raw),
                cell_text(variable_raw),
            )
            try:
                year = parse_year(row.get(positions["year"]))
            except CellProblem as problem:
                self.collected.reject(None, entry.level, origin, str(problem))
                slices.add((None, entry.level))
                continue
            if self.years is not None and year not in self.years:
                continue
            found = self.regions.match(region_raw, None, year, entry.level)
            level = found.division.level if found.division else _guess_level(region_raw, entry)
            slices.add((year, level))
            if found.division is None:
                self.collected.reject(year, level, origin, found.reason)
                continue
            unit = cell_text(row.get(positions["unit"])) if "unit" in positions else None
            stated = _StatedUnit(unit, f"{table.labels.get('unit', 'unit')} column")
            resolved = self.column(cell_text(variable_raw) or "", level, stated)
            self.value(year, level, found.division.code, resolved, raw, origin)
        return slices

    # ------------------------------------------------------------------------------ cells

    def column(
        self,
        header: str,
        level: str,
        stated: _StatedUnit,
        default_unit: str | None = None,
    ) -> _Column:
        """Resolve a header, the unit stated for it apart from the header and the table's
        default unit (``单位：`` above a wide table) for ``level``, once per spelling."""
        key = (header, level, stated, default_unit)
        if key not in self._columns:
            self._columns[key] = self._resolve(header, level, stated, default_unit)
        return self._columns[key]

    def _resolve(
        self, header: str, level: str, stated: _StatedUnit, default_unit: str | None
    ) -> _Column:
        if not header.strip():
            return _Column(None, Decimal(1), "unknown column (no header)")
        variable, header_unit = match_header(self.system, header)
        if variable is None:
            return _Column(
                None,
                Decimal(1),
                f"unknown column ({header.strip()!r} is no variable code, name or alias in "
                "indicators.yaml)",
            )
        if level not in variable.levels:
            return _Column(
                variable,
                Decimal(1),
                f"variable not collected at this level ({variable.code} is collected for "
                f"{', '.join(variable.levels)} units, not {level})",
            )
        apart = normalize_unit(stated.unit)
        try:
            factor = unit_factor(variable, header_unit or apart or default_unit)
            if header_unit and apart and unit_factor(variable, apart) != factor:
                raise CellProblem(
                    f"conflicting units ({header.strip()!r} states {header_unit!r} but the "
                    f"{stated.origin} states {apart!r}; state one unit)"
                )
        except CellProblem as problem:
            return _Column(variable, Decimal(1), str(problem))
        return _Column(variable, factor, None)

    def value(
        self,
        year: int,
        level: str,
        region_code: str,
        column: _Column,
        raw: object,
        origin: _Origin,
    ) -> None:
        """A cell of a known region: a candidate statistic, or quarantined with its reason."""
        variable = column.variable
        try:
            if column.problem is not None or variable is None:
                raise CellProblem(column.problem or "unknown column")
            number = parse_number(raw)
            value = to_canonical(number, column.factor, variable, variable.range_for(level))
        except CellProblem as problem:
            self.collected.reject(year, level, origin, str(problem))
            return
        self.collected.candidates.append(
            _Candidate(year, level, region_code, variable.code, value, variable.unit, origin)
        )

    # ------------------------------------------------------------------------------ result

    def result(self) -> IngestResult:
        """Resolve duplicates and assemble the frames (``loaded_at`` is now, UTC)."""
        kept, rejected = resolve_duplicates(self.collected.candidates)
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        statistics = [
            {
                "year": c.year,
                "level": c.level,
                "region_code": c.region_code,
                "variable": c.variable,
                "value": c.value,
                "unit": c.unit,
                **c.origin.provenance(),
            }
            for c in kept
        ]
        sources = {}
        for row in self.collected.sources:  # several sheets of one workbook: one row per slice
            sources.setdefault((row["source_file"], row["year"], row["level"]), row)
        return IngestResult(
            statistics=frame(statistics, STATISTICS_SCHEMA),
            quarantine=frame(self.collected.quarantine + rejected, QUARANTINE_SCHEMA),
            sources=frame([{**row, "loaded_at": now} for row in sources.values()], SOURCES_SCHEMA),
            slices=frozenset(self.collected.slices),
        )


def _guess_level(region_raw: object, entry: FileEntry) -> str | None:
    """Level of an unmatched long-file row: the file's, else a code's shape (…00 is a city)."""
    if entry.level is not None:
        return entry.level
    text = region_text(region_raw) or ""
    if re.fullmatch(r"37\d{4}", text) and text != "370000":
        return "city" if text.endswith("00") else "county"
    return None


def resolve_duplicates(
    candidates: list[_Candidate],
) -> tuple[list[_Candidate], list[dict[str, object]]]:
    """One value per (year, level, region, variable).

    Identical copies keep the first and quarantine the rest; conflicting copies are all
    quarantined (none is trusted over another).
    """
    groups: dict[tuple[int, str, str, str], list[_Candidate]] = {}
    for candidate in candidates:
        groups.setdefault(candidate.key, []).append(candidate)
    kept: list[_Candidate] = []
    rejected: list[dict[str, object]] = []
    for (year, level, code, variable), copies in groups.items():
        first = copies[0]
        if len(copies) == 1:
            kept.append(first)
        elif all(c.value == first.value for c in copies):
            kept.append(first)
            for copy in copies[1:]:
                reason = f"duplicate (identical to {first.origin.where()}; that copy is kept)"
                rejected.append(_quarantine_row(year, level, copy.origin, reason))
        else:
            values = ", ".join(f"{c.value:g} at {c.origin.where()}" for c in copies)
            reason = (
                f"duplicate ({len(copies)} conflicting values for {code} {variable} in {year}: "
                f"{values}; none kept)"
            )
            rejected.extend(_quarantine_row(year, level, c.origin, reason) for c in copies)
    return kept, rejected


# ---------------------------------------------------------------------------------- public API


def _source_file(path: Path, data_dir: Path) -> str:
    """``path`` relative to ``data_dir``; a path outside it (``..``, absolute) is refused."""
    try:
        return path.resolve().relative_to(data_dir.resolve()).as_posix()
    except ValueError:
        raise IngestError(
            f"{path} is not inside the data directory {data_dir}; provenance is recorded "
            "relative to it"
        ) from None


def ingest_file(
    path: Path | str,
    system: IndicatorSystem,
    registry: DivisionRegistry,
    *,
    data_dir: Path | str,
    level: str | None = None,
    year: int | None = None,
) -> IngestResult:
    """Ingest one file of ``data_dir`` (a relative ``path`` is taken relative to ``data_dir``).

    ``level`` and ``year`` override ``dataset.yaml`` and the path conventions.
    """
    data_dir = Path(data_dir)
    path = Path(path) if Path(path).is_absolute() else data_dir / path
    if level is not None and level not in LEVELS:
        raise IngestError(f"{path}: level {level!r}; expected city or county")
    if not path.is_file():
        raise IngestError(f"{path} does not exist")
    manifest = read_manifest(data_dir)
    source_file = _source_file(path, data_dir)
    entries = manifest.entries_for(source_file) or [FileEntry(path, source_file)]
    run = _Ingest(system, registry, manifest, None)
    for entry in entries:
        run.file(replace(entry, level=level or entry.level, year=year or entry.year))
    return run.result()


def discover(data_dir: Path, manifest: Manifest) -> list[FileEntry]:
    """The manifest's entries, then every other .csv/.xlsx under ``data_dir`` by its path."""
    listed = {entry.source_file for entry in manifest.files}
    found = [
        FileEntry(path, source_file)
        for path in sorted(data_dir.rglob("*"))
        if path.is_file()
        and path.suffix.lower() in CSV_SUFFIXES | XLSX_SUFFIXES
        and not any(part.startswith((".", "~$")) for part in path.relative_to(data_dir).parts)
        and (source_file := path.relative_to(data_dir).as_posix()) not in listed
    ]
    return [*manifest.files, *found]


def ingest_directory(
    data_dir: Path | str,
    system: IndicatorSystem,
    registry: DivisionRegistry,
    years: Iterable[int] | None = None,
) -> IngestResult:
    """Ingest every statistics file of a data directory, optionally only some data years."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise IngestError(f"data directory {data_dir} does not exist")
    manifest = read_manifest(data_dir)
    run = _Ingest(system, registry, manifest, years)
    for entry in discover(data_dir, manifest):
        run.file(entry)
    return run.result()
