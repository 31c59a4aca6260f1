"""A data directory (or one file) → an :class:`IngestResult` of statistics, quarantine, sources.

Every cell of a table's data rows and value columns ends up in exactly one place: a statistic in
the canonical unit, or a quarantine row with the reason it is not one. The rules (which rows are
titles or notes, what a duplicate is, how level and year are found) are in ``docs/warehouse.md``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from innovation_monitor.divisions import LEVELS
from innovation_monitor.errors import IngestError
from innovation_monitor.ingest.collector import Candidate, Collector, quarantine_row
from innovation_monitor.ingest.discovery import discover, level_from_path
from innovation_monitor.ingest.fingerprint import file_sha256
from innovation_monitor.ingest.long import collect_long
from innovation_monitor.ingest.manifest import (
    FileEntry,
    read_manifest,
    relative_source_file,
)
from innovation_monitor.ingest.readers import WideTable, parse_grid, read_file
from innovation_monitor.ingest.result import (
    PROBLEM,
    QUARANTINE_SCHEMA,
    SOURCES_SCHEMA,
    STATISTICS_SCHEMA,
    IngestResult,
    frame,
)
from innovation_monitor.ingest.wide import collect_wide

if TYPE_CHECKING:
    from innovation_monitor.divisions import DivisionRegistry
    from innovation_monitor.framework import IndicatorSystem


def _read_entry(run: Collector, entry: FileEntry) -> None:
    """Read one file entry and collect its cells; records it in the sources log."""
    entry = replace(entry, level=entry.level or level_from_path(entry.source_file))
    raw = read_file(entry.path, entry.sheet, label=entry.source_file)
    tables = []
    for grid in raw.grids:
        table = parse_grid(
            grid, layout=entry.layout, level=entry.level, known_units=run.known_units
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
            slices |= collect_wide(run, table, entry)
            layouts.append("wide")
        else:
            slices |= collect_long(run, table, entry)
            layouts.append("long")
    if not slices:
        return  # nothing in the selected years
    keyed = {(y, lv) for y, lv in slices if y is not None and lv is not None}
    file_format = "/".join(
        [
            "+".join(sorted(set(layouts))),
            raw.kind,
            *([raw.encoding] if raw.encoding else []),
        ]
    )
    digest = file_sha256(entry.path)
    written: list[tuple[int | None, str | None]] = sorted(keyed)
    for year, level in written or [(None, None)]:
        run.sources.append(
            {
                "source_file": entry.source_file,
                "sha256": digest,
                "level": level,
                "year": year,
                "format": file_format,
                "synthetic": run.manifest.synthetic,
                "notice_zh": run.manifest.notice_zh,
                "notice_en": run.manifest.notice_en,
                "loaded_at": None,
            }
        )
    run.slices |= keyed


def _result(run: Collector) -> IngestResult:
    """Resolve duplicates and assemble the frames (``loaded_at`` is now, UTC)."""
    kept, rejected = resolve_duplicates(run.candidates)
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
    sources: dict[tuple[object, object, object], dict[str, object]] = {}
    for row in run.sources:  # several sheets of one workbook: one row per slice
        sources.setdefault((row["source_file"], row["year"], row["level"]), row)
    return IngestResult(
        statistics=frame(statistics, STATISTICS_SCHEMA),
        quarantine=frame(run.quarantine + rejected, QUARANTINE_SCHEMA),
        sources=frame([{**row, "loaded_at": now} for row in sources.values()], SOURCES_SCHEMA),
        slices=frozenset(run.slices),
    )


def resolve_duplicates(
    candidates: list[Candidate],
) -> tuple[list[Candidate], list[dict[str, object]]]:
    """One value per (year, level, region, variable).

    Identical copies keep the first and quarantine the rest; conflicting copies are all
    quarantined (none is trusted over another).
    """
    groups: dict[tuple[int, str, str, str], list[Candidate]] = {}
    for candidate in candidates:
        groups.setdefault(candidate.key, []).append(candidate)
    kept: list[Candidate] = []
    rejected: list[dict[str, object]] = []
    for (year, level, code, variable), copies in groups.items():
        first = copies[0]
        if len(copies) == 1:
            kept.append(first)
        elif all(c.value == first.value for c in copies):
            kept.append(first)
            for copy in copies[1:]:
                reason = f"duplicate (identical to {first.origin.where()}; that copy is kept)"
                rejected.append(quarantine_row(year, level, copy.origin, reason, PROBLEM))
        else:
            values = ", ".join(f"{c.value:g} at {c.origin.where()}" for c in copies)
            reason = (
                f"duplicate ({len(copies)} conflicting values for {code} {variable} in {year}: "
                f"{values}; none kept)"
            )
            rejected.extend(quarantine_row(year, level, c.origin, reason, PROBLEM) for c in copies)
    return kept, rejected


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
    source_file = relative_source_file(path, data_dir)
    entries = manifest.entries_for(source_file) or [FileEntry(path, source_file)]
    run = Collector(system, registry, manifest, None)
    for entry in entries:
        _read_entry(run, replace(entry, level=level or entry.level, year=year or entry.year))
    return _result(run)


def ingest_directory(
    data_dir: Path | str,
    system: IndicatorSystem,
    registry: DivisionRegistry,
    years: Iterable[int] | None = None,
    levels: Iterable[str] | None = None,
) -> IngestResult:
    """Ingest every statistics file of a data directory, optionally only some data years and
    levels: a file of another level (by ``dataset.yaml`` or its path) is not even read, so a
    level's load does not fail on the other level's files; a file of no known level (a long
    file of both) is read whole."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise IngestError(f"data directory {data_dir} does not exist")
    manifest = read_manifest(data_dir)
    run = Collector(system, registry, manifest, years)
    wanted = None if levels is None else set(levels)
    for entry in discover(data_dir, manifest):
        level = entry.level or level_from_path(entry.source_file)
        if wanted is None or level is None or level in wanted:
            _read_entry(run, entry)
    return _result(run)
