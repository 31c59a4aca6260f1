"""What an ingest produces: statistics, quarantine and sources frames with the warehouse columns.

The polars schemas here are the single definition of those three tables' columns; the warehouse
builds its DDL from them (``docs/warehouse.md`` explains each column).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final, Literal, get_args

import polars as pl

PROVENANCE_SCHEMA: dict[str, pl.DataType] = {
    "source_file": pl.String(),
    "source_sheet": pl.String(),
    "source_row": pl.Int64(),
    "source_column": pl.String(),
    "raw_value": pl.String(),
}
"""Where a value came from: file relative to the data directory, sheet (None for CSV), 1-based
row as a spreadsheet program shows it, column header, and the cell text as written."""

STATISTICS_SCHEMA: dict[str, pl.DataType] = {
    "year": pl.Int64(),
    "level": pl.String(),
    "region_code": pl.String(),
    "variable": pl.String(),
    "value": pl.Float64(),
    "unit": pl.String(),
    **PROVENANCE_SCHEMA,
}

QUARANTINE_SCHEMA: dict[str, pl.DataType] = {
    "year": pl.Int64(),
    "level": pl.String(),
    **PROVENANCE_SCHEMA,
    "region_text": pl.String(),
    "variable_text": pl.String(),
    "reason": pl.String(),
    "kind": pl.String(),
}
"""A cell kept out of the statistics: where it is, the region and header text as written, why
(``reason``, for people) and what sort of cell it is (``kind``, one of :data:`QUARANTINE_KINDS`,
for checks)."""

QuarantineKind = Literal["problem", "declared_gap", "total_row", "development_zone"]
"""What sort of cell a quarantine row is (the ``kind`` column)."""

PROBLEM: Final = "problem"
"""Unusable as written: unknown region, column or unit, not a number (``约85``), out of the
plausible range, a duplicate, conflicting units, …; the provider must fix the file."""
DECLARED_GAP: Final = "declared_gap"
"""The provider declared the figure not available (``…``, ``—``, ``-``, an empty cell)."""
TOTAL_ROW: Final = "total_row"
"""A total or subtotal row (province total, a city row in a county table): no unit of its own."""
DEVELOPMENT_ZONE: Final = "development_zone"
"""A development zone (高新区, 经济技术开发区, 保税区, …): not a unit of the division registry;
its figures belong to the host county (or counties), which report them."""
QUARANTINE_KINDS: tuple[QuarantineKind, ...] = get_args(QuarantineKind)
"""Every quarantine kind: ``problem`` cells are errors in the files, the others are what
yearbooks hold besides the units' figures."""

SOURCES_SCHEMA: dict[str, pl.DataType] = {
    "source_file": pl.String(),
    "sha256": pl.String(),
    "level": pl.String(),
    "year": pl.Int64(),
    "format": pl.String(),
    "synthetic": pl.Boolean(),
    "notice_zh": pl.String(),
    "notice_en": pl.String(),
    "loaded_at": pl.Datetime("us"),
}


def frame(rows: Iterable[Mapping[str, object]], schema: Mapping[str, pl.DataType]) -> pl.DataFrame:
    """Rows (dicts) as a frame with exactly ``schema``, also when there are none."""
    return pl.DataFrame(list(rows), schema=dict(schema), orient="row")


@dataclass(frozen=True)
class IngestResult:
    """Clean statistics, quarantined cells and the load log of one ingest.

    ``slices`` are the (year, level) pairs the ingested files cover; loading the result into the
    warehouse replaces exactly those slices.
    """

    statistics: pl.DataFrame
    quarantine: pl.DataFrame
    sources: pl.DataFrame
    slices: frozenset[tuple[int, str]]

    @property
    def years(self) -> list[int]:
        """Data years covered, ascending."""
        return sorted({year for year, _ in self.slices})

    @property
    def levels(self) -> list[str]:
        """Levels covered (city, county), in that order."""
        return [level for level in ("city", "county") if any(lv == level for _, lv in self.slices)]
