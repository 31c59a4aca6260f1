"""Fixtures for the ingestion tests: helpers that write a tiny yearbook file into ``tmp_path``
(the tests read it with ``toy_system`` and the division registry of ``tests/conftest.py``)."""

from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

WriteCsv = Callable[..., Path]


@pytest.fixture
def write_csv(tmp_path: Path) -> WriteCsv:
    """``write_csv("city/2020.csv", lines, encoding="gbk")`` → the file under ``tmp_path``."""

    def write(relative: str, lines: list[str], encoding: str = "utf-8") -> Path:
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
        return path

    return write


@pytest.fixture
def write_xlsx(tmp_path: Path) -> Callable[..., Path]:
    """``write_xlsx("city/2020.xlsx", {"A1": "地区", …}, merged=["A1:A2"])``."""

    def write(
        relative: str,
        cells: dict[str, object],
        merged: tuple[str, ...] = (),
        sheet: str = "Sheet1",
    ) -> Path:
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        workbook = openpyxl.Workbook()
        worksheet = workbook.active
        worksheet.title = sheet
        for ref, value in cells.items():
            worksheet[ref] = value
        for ref in merged:
            worksheet.merge_cells(ref)
        workbook.save(path)
        return path

    return write
