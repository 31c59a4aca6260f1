"""Edits of a copy of the bundled sample, the way a data provider's slip would look.

Every yearbook CSV of the sample has title rows, a header row starting with 地区代码, one row per
unit and footnotes; files are UTF-8 with a BOM or GB18030. These helpers change one cell, one
header or one row and write the file back in its own encoding, so a case reads like the mistake it
stands for.
"""

import csv
import io
from pathlib import Path

ENCODINGS = ("utf-8-sig", "gb18030")


def read_rows(path: Path) -> tuple[list[list[str]], str]:
    """The file's rows and its encoding."""
    data = path.read_bytes()
    for encoding in ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return list(csv.reader(io.StringIO(text))), encoding
    raise ValueError(f"{path}: neither UTF-8 nor GB18030")


def write_rows(path: Path, rows: list[list[str]], encoding: str) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))


def header_index(rows: list[list[str]]) -> int:
    return next(i for i, row in enumerate(rows) if row and row[0] == "地区代码")


def column_index(rows: list[list[str]], header: str) -> int:
    """The column whose header starts with ``header`` (e.g. ``地区生产总值``)."""
    names = rows[header_index(rows)]
    return next(i for i, name in enumerate(names) if name.startswith(header))


def row_index(rows: list[list[str]], code: str) -> int:
    return next(i for i, row in enumerate(rows) if row and row[0] == code)


def set_cell(path: Path, code: str, header: str, text: str) -> int:
    """Write ``text`` into the cell of unit ``code`` under ``header``; returns its 1-based row."""
    rows, encoding = read_rows(path)
    row, column = row_index(rows, code), column_index(rows, header)
    rows[row][column] = text
    write_rows(path, rows, encoding)
    return row + 1


def get_cell(path: Path, code: str, header: str) -> str:
    rows, _ = read_rows(path)
    return rows[row_index(rows, code)][column_index(rows, header)]


def rename_header(path: Path, old: str, new: str) -> None:
    """Replace the header that starts with ``old`` by ``new``."""
    rows, encoding = read_rows(path)
    rows[header_index(rows)][column_index(rows, old)] = new
    write_rows(path, rows, encoding)


def add_row(path: Path, cells: list[str], after_code: str) -> None:
    rows, encoding = read_rows(path)
    width = len(rows[header_index(rows)])
    rows.insert(row_index(rows, after_code) + 1, (cells + [""] * width)[:width])
    write_rows(path, rows, encoding)


def keep_rows(path: Path, codes: set[str]) -> None:
    """Keep only the data rows of ``codes`` (titles, header and footnotes stay)."""
    rows, encoding = read_rows(path)
    start = header_index(rows) + 1
    body = [row for row in rows[start:] if not (row and row[0].isdigit()) or row[0] in codes]
    write_rows(path, rows[:start] + body, encoding)


def drop_column(path: Path, header: str) -> None:
    rows, encoding = read_rows(path)
    column = column_index(rows, header)
    start = header_index(rows)
    for row in rows[start:]:
        if len(row) > column and (row is rows[start] or (row and row[0].isdigit())):
            del row[column]
    write_rows(path, rows, encoding)
