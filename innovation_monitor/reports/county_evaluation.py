"""The county results the province feeds into its comprehensive county evaluation
(县域科学发展综合评价): one table per year, CSV and Excel, in a stable column layout
(``docs/warehouse.md``, "County results for the comprehensive county evaluation").

Lays out the stored rankings and index scores; computes nothing. The header is row 1 of the CSV
and of the workbook's first sheet; the data notice (synthetic data, sources) is a sheet and a
text file of its own, so that the table reads straight into pandas, Excel or a database.
"""

import csv
import io
import re
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl

from innovation_monitor.divisions import DivisionRegistry
from innovation_monitor.framework import INDEX_CODE, MonitoringFramework

#: the columns, in order: (Chinese header, English header); never reorder or rename — add new
#: columns at the end, and say so in docs/warehouse.md
COLUMNS: tuple[tuple[str, str], ...] = (
    ("区划代码", "code"),
    ("县（市、区）", "name_zh"),
    ("County-level unit", "name_en"),
    ("所属设区市", "city"),
    ("类型", "type"),
    ("综合指数", "index"),
    ("类型内排名", "rank_in_type"),
    ("类型内单位数", "units_of_type"),
    ("全省排名", "rank_in_province"),
    ("全省单位数", "units_in_province"),
    ("梯队", "tier"),
)
HEADER = [f"{zh} {en}" for zh, en in COLUMNS]
FORMULA_STARTS = ("=", "+", "-", "@")


def county_evaluation_rows(
    rankings: pl.DataFrame,
    scores: pl.DataFrame,
    registry: DivisionRegistry,
    framework: MonitoringFramework,
    year: int,
) -> list[list[object]]:
    """The table's rows of ``year``, by rank in the province (unranked units last)."""
    ranked = rankings.filter(pl.col("year") == year)
    index = scores.filter(pl.col("year") == year, pl.col("node") == INDEX_CODE).select(
        "region_code", "score"
    )
    table = ranked.join(index, on="region_code", how="left")
    in_type = table.filter(pl.col("rank").is_not_null()).group_by("unit_type").len("n_type")
    table = table.join(in_type, on="unit_type", how="left")
    units = table.filter(pl.col("rank").is_not_null()).height
    tiers = {t.code: t.name_zh for t in framework.tiers}
    rows: list[list[object]] = []
    for row in table.sort("rank", "region_code", nulls_last=True).iter_rows(named=True):
        unit = registry.get(row["region_code"])
        city = registry.get(unit.parent_code) if unit.parent_code else None
        rows.append(
            [
                unit.code,
                unit.name_zh,
                unit.name_en,
                city.name_zh if city else "",
                row["unit_type"] or unit.type,
                None if row["score"] is None else round(float(row["score"]), 4),
                row["rank_in_type"],
                row["n_type"],
                row["rank"],
                units,
                tiers.get(row["tier"], "") if row["tier"] else "",
            ]
        )
    return rows


def as_text(value: object) -> object:
    """A text cell that a spreadsheet would read as a formula, written as text (prefixed ')."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


#: the time stamped into the workbook and its zip entries: fixed, so that the same figures give
#: the same bytes (a rerun of a published edition must reproduce its files)
FIXED_TIME = (2000, 1, 1, 0, 0, 0)


def _save_reproducibly(book: Any, path: Path) -> None:
    """Save ``book`` with fixed document times and zip entry times."""
    stamp = datetime(*FIXED_TIME).strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    buffer = io.BytesIO()
    book.save(buffer)
    with (
        zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            entry = zipfile.ZipInfo(item.filename, date_time=FIXED_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            data = source.read(item.filename)
            if item.filename == "docProps/core.xml":  # openpyxl stamps the save time here
                data = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", stamp, data)
            target.writestr(entry, data)


def write_county_evaluation(
    rows: list[list[object]], folder: Path, notice: list[str]
) -> list[Path]:
    """``county_evaluation.csv`` (UTF-8 with BOM, header in row 1), ``county_evaluation.xlsx``
    (the table, then a sheet 说明 Notice) and ``county_evaluation.notice.txt`` in ``folder``."""
    from openpyxl import Workbook  # only the workbook needs it

    folder.mkdir(parents=True, exist_ok=True)
    csv_path = folder / "county_evaluation.csv"
    with csv_path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows([["" if v is None else as_text(v) for v in row] for row in rows])
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "县域评价 County results"
    sheet.append(HEADER)
    for row in rows:
        sheet.append([as_text(v) for v in row])
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula
    notes = book.create_sheet("说明 Notice")
    for line in notice:
        notes.append([as_text(line)])
    xlsx_path = folder / "county_evaluation.xlsx"
    _save_reproducibly(book, xlsx_path)
    notice_path = folder / "county_evaluation.notice.txt"
    notice_path.write_text("\n".join(notice) + "\n", "utf-8")
    return [csv_path, xlsx_path, notice_path]
