"""Long tables: one value per row (region_code, year, variable, value[, unit])."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from innovation_monitor.divisions.registry import PROVINCE_CODE, PROVINCE_LEVEL
from innovation_monitor.ingest.cleaning import CellProblem, cell_text
from innovation_monitor.ingest.collector import CellOrigin, Collector, StatedUnit
from innovation_monitor.ingest.discovery import parse_year
from innovation_monitor.ingest.matching import region_text
from innovation_monitor.ingest.readers import only_first_filled

if TYPE_CHECKING:
    from innovation_monitor.ingest.manifest import FileEntry
    from innovation_monitor.ingest.readers import LongTable


def collect_long(
    run: Collector, table: LongTable, entry: FileEntry
) -> set[tuple[int | None, str | None]]:
    """One value per row: region_code, year, variable, value[, unit]."""
    positions = table.positions
    slices: set[tuple[int | None, str | None]] = set()
    for row in table.rows:
        if only_first_filled(row.cells):
            continue  # a note line below the table
        region_raw = row.get(positions["region"])
        variable_raw = row.get(positions["variable"])
        raw = row.get(positions["value"])
        origin = CellOrigin(
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
            run.reject(None, entry.level, origin, str(problem), problem.kind)
            slices.add((None, entry.level))
            continue
        if run.years is not None and year not in run.years:
            continue
        found = run.regions.match(region_raw, None, year, entry.level)
        unit = cell_text(row.get(positions["unit"])) if "unit" in positions else None
        stated = StatedUnit(unit, f"{table.labels.get('unit', 'unit')} column")
        if found.province:  # the province's own figure: the cities' reference
            resolved = run.column(cell_text(variable_raw) or "", "city", stated)
            run.value(year, PROVINCE_LEVEL, PROVINCE_CODE, resolved, raw, origin, "city")
            continue
        if found.division is None:
            guessed = _guess_level(region_raw, entry)
            slices.add((year, guessed))
            run.reject(year, guessed, origin, found.reason, found.kind)
            continue
        level = found.division.level
        slices.add((year, level))
        resolved = run.column(cell_text(variable_raw) or "", level, stated)
        run.value(year, level, found.division.code, resolved, raw, origin)
    return slices


def _guess_level(region_raw: object, entry: FileEntry) -> str | None:
    """Level of an unmatched long-file row: the file's, else a code's shape (…00 is a city)."""
    if entry.level is not None:
        return entry.level
    text = region_text(region_raw) or ""
    if re.fullmatch(r"37\d{4}", text) and text != "370000":
        return "city" if text.endswith("00") else "county"
    return None
