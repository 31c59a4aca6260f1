"""Spreadsheet files → grids of cells → wide or long tables with their header found.

Yearbook tables are messy: title rows above the header, a second header row holding the units,
footnotes (注：…, 资料来源：…) below the data, blank and merged cells, trailing empty columns.
This module knows nothing about regions or variables; it only finds the table in the grid and
keeps every cell's spreadsheet position (1-based row numbers as a spreadsheet program shows).
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from innovation_monitor.errors import IngestError
from innovation_monitor.ingest.cleaning import cell_text, is_blank, normalize_unit
from innovation_monitor.text import compact, fold

CSV_SUFFIXES = frozenset({".csv"})
XLSX_SUFFIXES = frozenset({".xlsx", ".xlsm"})

# Header spellings, compared after NFKC, casefold and whitespace removal.
REGION_CODE_HEADERS = frozenset(
    {
        "地区代码",
        "区划代码",
        "行政区划代码",
        "地区编码",
        "代码",
        "region_code",
        "regioncode",
        "code",
    }
)
COUNTY_NAME_HEADERS = frozenset(
    {"县(市、区)", "县(市,区)", "县(市区)", "县市区", "区县", "县区", "县(区)", "县(市)", "county"}
)
CITY_NAME_HEADERS = frozenset({"城市", "市", "地市", "设区市", "市别", "city"})
REGION_NAME_HEADERS = (
    frozenset({"地区", "地区名称", "区域", "名称", "region", "region_name", "name"})
    | COUNTY_NAME_HEADERS
    | CITY_NAME_HEADERS
)
# Columns that describe a row rather than hold a statistic; skipped, never quarantined.
INDEX_HEADERS = frozenset({"序号", "编号", "no", "no."})

LONG_HEADERS: dict[str, frozenset[str]] = {
    "region": frozenset({"region_code", "地区代码", "区划代码", "region", "地区"}),
    "year": frozenset({"year", "年份", "年度"}),
    "variable": frozenset({"variable", "指标", "指标名称", "变量"}),
    "value": frozenset({"value", "数值", "值"}),
    "unit": frozenset({"unit", "单位", "计量单位"}),
    "source": frozenset({"source", "来源", "数据来源"}),
}
LONG_REQUIRED = ("region", "year", "variable", "value")

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SNIFF_BYTES = 8192

_FOOTNOTE = re.compile(r"^(注|说明|资料来源|数据来源|备注|附注)|^(notes?|sources?)\s*:", re.I)
_TABLE_UNIT = re.compile(r"^(计量)?单位[:：]")


def header_key(value: object) -> str:
    """How headers are compared (:func:`innovation_monitor.text.fold`); "" for an empty cell."""
    text = cell_text(value)
    return fold(text) if text is not None else ""


@dataclass(frozen=True)
class Grid:
    """The cells of one sheet (or a CSV file); ``rows[i]`` is spreadsheet row ``i + 1``."""

    sheet: str | None
    rows: Sequence[tuple[object, ...]]


@dataclass(frozen=True)
class RawFile:
    """A file's grids, its type (csv/xlsx) and, for CSV, the text encoding that decoded it."""

    kind: str
    encoding: str | None
    grids: list[Grid]


def read_file(path: Path, sheet: str | None = None, *, label: str | None = None) -> RawFile:
    """Read a CSV or XLSX file into grids; ``label`` names the file in error messages."""
    name = label or str(path)
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        if sheet is not None:
            raise IngestError(f"{name}: a CSV file has no sheets (sheet {sheet!r} was asked for)")
        return read_csv(path, label=name)
    if suffix in XLSX_SUFFIXES:
        return read_xlsx(path, sheet, label=name)
    raise IngestError(f"{name}: unsupported file type {suffix!r}; expected .csv or .xlsx")


def _read_bytes(path: Path, name: str, limit: int = -1) -> bytes:
    """The file's bytes (the first ``limit`` ones); an unreadable or empty file is one error
    naming it."""
    try:
        with path.open("rb") as file:
            data = file.read(limit)
    except OSError as error:
        raise IngestError(f"{name}: cannot be read ({error.strerror or error})") from None
    if not data.strip():
        raise IngestError(f"{name}: the file is empty")
    return data


def _workbook_kind(data: bytes) -> str | None:
    """What a spreadsheet's first bytes say it is: "xlsx" (a zip archive), "xls" (the old
    binary format, also used by encrypted workbooks), or None."""
    if data.startswith(_ZIP_MAGIC):
        return "xlsx"
    return "xls" if data.startswith(_OLE_MAGIC) else None


def decode(data: bytes, *, label: str) -> tuple[str, str]:
    """Text and encoding: UTF-8 (a BOM is honoured and removed) first, then GB18030 (⊃ GBK)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "utf-8-sig":
            return text, "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
        return text, encoding
    raise IngestError(f"{label}: cannot decode the file as UTF-8 or GB18030/GBK")


def read_csv(path: Path, *, label: str | None = None) -> RawFile:
    """A CSV file as one grid; empty fields become None.

    Tab-separated when more of the first lines hold a tab than a comma (yearbook exports).
    """
    name = label or str(path)
    data = _read_bytes(path, name)
    kind = _workbook_kind(data)
    if kind is not None:
        raise IngestError(
            f"{name}: an Excel workbook ({kind}) under a .csv name; save it as .xlsx"
            + (" (Excel: File → Save As → .xlsx)" if kind == "xls" else " or rename it")
        )
    if b"\x00" in data[:_SNIFF_BYTES]:
        raise IngestError(f"{name}: a binary file, not CSV text (it holds NUL bytes)")
    text, encoding = decode(data, label=name)
    lines = [line for line in text.splitlines()[:20] if line.strip()]
    tabbed = sum("\t" in line for line in lines) > sum("," in line for line in lines)
    delimiter = "\t" if tabbed else ","
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise IngestError(f"{name}: not a readable CSV file ({error})") from None
    rows = [tuple(None if field == "" else field for field in record) for record in records]
    return RawFile("csv", encoding, [Grid(None, rows)])


def read_xlsx(path: Path, sheet: str | None = None, *, label: str | None = None) -> RawFile:
    """An XLSX workbook (read-only, cached formula values): the named sheet or every sheet."""
    # openpyxl loads on demand: CSV-only runs, the warehouse and the report command never need it
    import openpyxl

    name = label or str(path)
    kind = _workbook_kind(_read_bytes(path, name, len(_OLE_MAGIC)))
    if kind == "xls":
        raise IngestError(
            f"{name}: an Excel 97–2003 (.xls) or password-protected workbook, not .xlsx; "
            "save it unprotected as .xlsx"
        )
    if kind is None:
        raise IngestError(
            f"{name}: not an XLSX workbook (an .xlsx file is a zip archive and this one is "
            "not; a CSV or text file renamed .xlsx? then name it .csv)"
        )
    try:
        with warnings.catch_warnings():  # e.g. "no stylesheet": about looks, not the figures
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
            try:
                titles = _titles(workbook, sheet, name)
                grids = [_sheet_grid(workbook, title) for title in titles]
            finally:
                workbook.close()
    except IngestError:
        raise
    except Exception as error:  # a damaged archive fails in zipfile, zlib, the XML parser or
        # openpyxl with any of a dozen exception types; each means the same to the user
        detail = f"{type(error).__name__}: {error}"
        raise IngestError(
            f"{name}: not a readable XLSX workbook, damaged or incomplete ({detail[:160]})"
        ) from None
    return RawFile("xlsx", None, grids)


def _titles(workbook: Any, sheet: str | None, name: str) -> list[str]:
    """The sheets to read: the one asked for, else every sheet."""
    if sheet is None:
        return list(workbook.sheetnames)
    if sheet not in workbook.sheetnames:
        raise IngestError(
            f"{name}: no sheet {sheet!r}; the workbook has {', '.join(workbook.sheetnames)}"
        )
    return [sheet]


def _sheet_grid(workbook: Any, title: str) -> Grid:
    worksheet = workbook[title]
    worksheet.reset_dimensions()  # some writers store a wrong used range
    return Grid(title, [tuple(row) for row in worksheet.iter_rows(values_only=True)])


@dataclass(frozen=True)
class Column:
    """One data column of a wide table: position, label for provenance, header text and units.

    ``unit`` is the column's own cell of the unit row; ``table_unit`` the title row's ``单位：``
    that applies to every column without a unit of its own (a header bracket may override it).
    """

    index: int
    label: str
    header: str
    unit: str | None
    table_unit: str | None


@dataclass(frozen=True)
class Row:
    """One data row: its 1-based spreadsheet row number and its cells."""

    number: int
    cells: tuple[object, ...]

    def get(self, index: int | None) -> object:
        if index is None or index >= len(self.cells):
            return None
        return self.cells[index]


@dataclass(frozen=True)
class WideTable:
    """One row per region; ``columns`` are every non-region column that has a header or data."""

    sheet: str | None
    header_row: int
    code_column: int | None
    name_column: int | None
    parent_column: int | None
    columns: list[Column]
    rows: list[Row]


@dataclass(frozen=True)
class LongTable:
    """One row per (region, year, variable) value; ``positions`` maps a role to its column."""

    sheet: str | None
    header_row: int
    positions: dict[str, int]
    labels: dict[str, str]
    rows: list[Row]


def is_footnote(cells: tuple[object, ...]) -> bool:
    """A note below the table: its first filled cell starts with 注/说明/资料来源/数据来源/…."""
    first = next((cell for cell in cells if not is_blank(cell)), None)
    if not isinstance(first, str):
        return False
    return bool(_FOOTNOTE.match(compact(first)))


def only_first_filled(cells: tuple[object, ...]) -> bool:
    """Just the first cell has content: a footnote line, unless that cell names a region."""
    return bool(cells) and not is_blank(cells[0]) and all(is_blank(c) for c in cells[1:])


def _long_positions(keys: list[str]) -> dict[str, int] | None:
    positions: dict[str, int] = {}
    for role, names in LONG_HEADERS.items():
        found = [i for i, key in enumerate(keys) if key in names]
        if found:
            positions[role] = found[0]
    return positions if all(role in positions for role in LONG_REQUIRED) else None


def _region_columns(
    keys: list[str], level: str | None
) -> tuple[int | None, int | None, int | None]:
    """Columns of the region code, the region name and (in county tables) the parent city."""
    codes = [i for i, key in enumerate(keys) if key in REGION_CODE_HEADERS]
    names = [i for i, key in enumerate(keys) if key in REGION_NAME_HEADERS]
    by_level = {"county": COUNTY_NAME_HEADERS, "city": CITY_NAME_HEADERS}
    preferred: Collection[str] = by_level.get(level or "", frozenset())
    names.sort(key=lambda i: keys[i] not in preferred)
    name = names[0] if names else None
    parents = [i for i in names if i != name and keys[i] in CITY_NAME_HEADERS]
    parent = parents[0] if level == "county" and parents else None
    return (codes[0] if codes else None), name, parent


def _unit_row(
    cells: tuple[object, ...], region_columns: set[int], known_units: Collection[str]
) -> dict[int, str] | None:
    """The units under a header row, or None if this row is not a row of units."""
    filled = [(i, cell) for i, cell in enumerate(cells) if not is_blank(cell)]
    if not filled or any(i in region_columns for i, _ in filled):
        return None
    units: dict[int, str] = {}
    for i, cell in filled:
        text = cell_text(cell) or ""
        unit = normalize_unit(text)
        bracketed = compact(text)[:1] in "([【〔" or bool(_TABLE_UNIT.match(compact(text)))
        if isinstance(cell, int | float) or unit is None or not (bracketed or unit in known_units):
            return None
        units[i] = unit
    return units


def _table_unit(title_rows: Sequence[tuple[object, ...]]) -> str | None:
    """A table-wide unit stated above the header (``单位：万元``)."""
    for cells in title_rows:
        for cell in cells:
            if isinstance(cell, str) and _TABLE_UNIT.match(compact(cell)):
                return normalize_unit(cell)
    return None


def _width(rows: Sequence[tuple[object, ...]]) -> int:
    """Columns up to the last one holding anything (trailing blank columns are dropped)."""
    width = 0
    for cells in rows:
        for i in range(len(cells) - 1, -1, -1):
            if not is_blank(cells[i]):
                width = max(width, i + 1)
                break
    return width


def _body(grid: Grid, start: int, width: int) -> list[Row]:
    """Rows below the header, without blank rows and footnote rows (注：…, 资料来源：…)."""
    rows = []
    for n in range(start, len(grid.rows)):
        cells = grid.rows[n]
        if all(map(is_blank, cells)) or is_footnote(cells):
            continue
        rows.append(Row(n + 1, _pad(cells, width)))
    return rows


def _pad(cells: tuple[object, ...], width: int) -> tuple[object, ...]:
    return (tuple(cells) + (None,) * width)[:width]


def parse_grid(
    grid: Grid,
    *,
    layout: str | None = None,
    level: str | None = None,
    known_units: Collection[str] = (),
) -> WideTable | LongTable | None:
    """Find the header row and build the table; None when the grid has no table at all.

    The header is the first row with a region code/name column header (or the long layout's
    ``region_code, year, variable, value``). ``layout`` forces "wide" or "long"; ``level`` picks
    the region name column when a table has several (a county table may also name its city).
    """
    for position, raw_cells in enumerate(grid.rows):
        keys = [header_key(cell) for cell in raw_cells]
        long_positions = _long_positions(keys) if layout != "wide" else None
        if long_positions is not None:
            return LongTable(
                grid.sheet,
                position + 1,
                long_positions,
                {role: cell_text(raw_cells[i]) or role for role, i in long_positions.items()},
                _body(grid, position + 1, len(raw_cells)),
            )
        code_column, name_column, parent_column = _region_columns(keys, level)
        if layout != "long" and (code_column is not None or name_column is not None):
            return _wide(grid, position, (code_column, name_column, parent_column), known_units)
    return None


def _wide(
    grid: Grid,
    position: int,
    region: tuple[int | None, int | None, int | None],
    known_units: Collection[str],
) -> WideTable:
    width = _width(grid.rows[position:])
    header = _pad(grid.rows[position], width)
    region_columns = {i for i in region if i is not None}
    body_start = position + 1
    units: dict[int, str] = {}
    unit_labels: dict[int, str] = {}
    if body_start < len(grid.rows):
        below = _pad(grid.rows[body_start], width)
        found = _unit_row(below, region_columns, known_units)
        if found is not None:
            units = found
            unit_labels = {i: (cell_text(below[i]) or "").strip() for i in found}
            body_start += 1
    table_unit = _table_unit(grid.rows[:position])
    keys = [header_key(cell) for cell in header]
    rows = _body(grid, body_start, width)
    descriptors = INDEX_HEADERS | REGION_NAME_HEADERS | REGION_CODE_HEADERS
    columns = []
    for i in range(width):
        if i in region_columns or keys[i] in descriptors:
            continue
        text = (cell_text(header[i]) or "").strip()
        if not text and all(is_blank(row.cells[i]) for row in rows):
            continue
        if text:
            label = text
        else:
            from openpyxl.utils import get_column_letter  # on demand, as in read_xlsx

            label = f"column {get_column_letter(i + 1)}"
        if i in unit_labels:
            label = f"{label} / {unit_labels[i]}" if text else unit_labels[i]
        columns.append(Column(i, label, text, units.get(i), table_unit))
    return WideTable(grid.sheet, position + 1, *region, columns, rows)
