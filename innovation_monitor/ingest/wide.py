"""Wide tables: one row per region, one column per variable, as yearbooks print them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from innovation_monitor.divisions.registry import PROVINCE_CODE, PROVINCE_LEVEL
from innovation_monitor.errors import DataError, IngestError
from innovation_monitor.ingest.cleaning import cell_text
from innovation_monitor.ingest.collector import CellOrigin, Collector, StatedUnit
from innovation_monitor.ingest.discovery import year_from_path
from innovation_monitor.ingest.manifest import MANIFEST_FILE
from innovation_monitor.ingest.matching import region_text
from innovation_monitor.ingest.readers import only_first_filled

if TYPE_CHECKING:
    from innovation_monitor.ingest.manifest import FileEntry
    from innovation_monitor.ingest.readers import WideTable


def collect_wide(
    run: Collector, table: WideTable, entry: FileEntry
) -> set[tuple[int | None, str | None]]:
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
    if run.years is not None and year not in run.years:
        return set()
    try:
        run.registry.valid_in(year, level)
    except DataError as error:
        raise IngestError(f"{where}: {error}") from None
    columns = [
        (
            column,
            run.column(
                column.header,
                level,
                StatedUnit(column.unit, f"unit row (row {table.header_row + 1})"),
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
        found = run.regions.match(code, name, year, level, parent)
        if found.city is not None:
            city = found.city.code
        if found.division is None and only_first_filled(row.cells) and 0 not in value_columns:
            continue  # a note line below the table: no value in it
        texts = [text for text in (cell_text(code), cell_text(name)) if text]
        region = " ".join(text.strip() for text in texts) or None
        for column, resolved in columns:
            raw = row.get(column.index)
            origin = CellOrigin(
                entry.source_file,
                table.sheet,
                row.number,
                column.label,
                cell_text(raw),
                region,
                column.header or None,
            )
            if found.province:  # the province's own figure: the cities' reference
                run.value(year, PROVINCE_LEVEL, PROVINCE_CODE, resolved, raw, origin, level)
                continue
            if found.division is None:
                run.reject(year, level, origin, found.reason, found.kind)
                continue
            run.value(year, level, found.division.code, resolved, raw, origin)
    return {(year, level)}
