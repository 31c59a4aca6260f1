"""Digests of what a data folder holds, per level and data year, so that the Dagster sensor can
tell which years a provider has delivered or corrected, and a run can record the version of its
raw files, without ingesting anything."""

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from innovation_monitor.divisions import LEVELS
from innovation_monitor.ingest.cleaning import CellProblem
from innovation_monitor.ingest.discovery import (
    discover,
    level_from_path,
    parse_year,
    year_from_path,
)
from innovation_monitor.ingest.manifest import MANIFEST_FILE, FileEntry, read_manifest
from innovation_monitor.ingest.readers import LongTable, parse_grid, read_file

ANY_YEAR = "*"
"""The digest group of a level's files without a year of their own (a long file covering several
years, ``dataset.yaml``): a change there concerns every year of the level."""


@dataclass(frozen=True)
class DataFile:
    """One file ingestion reads, with the levels and data years it holds (empty: not known
    from its path or the manifest, so possibly any)."""

    source_file: str
    sha256: str
    levels: frozenset[str]
    years: frozenset[int]


def data_files(data_dir: Path | str) -> list[DataFile]:
    """The manifest and every statistics file of ``data_dir``, as ingestion would find them."""
    data_dir = Path(data_dir)
    manifest = data_dir / MANIFEST_FILE
    files = []
    if manifest.is_file():  # it says how to read the files: it belongs to every level and year
        files.append(DataFile(MANIFEST_FILE, file_sha256(manifest), frozenset(LEVELS), frozenset()))
    entries: dict[str, list[FileEntry]] = {}
    for entry in discover(data_dir, read_manifest(data_dir)):  # a workbook: one entry per sheet
        entries.setdefault(entry.source_file, []).append(entry)
    for source_file, sheets in sorted(entries.items()):
        levels = {sheet.level or level_from_path(source_file) for sheet in sheets}
        years = {sheet.year or year_from_path(source_file) for sheet in sheets}
        files.append(
            DataFile(
                source_file,
                file_sha256(sheets[0].path),
                frozenset(LEVELS) if None in levels else frozenset(filter(None, levels)),
                frozenset() if None in years else frozenset(filter(None, years)),
            )
        )
    return files


def folder_years(data_dir: Path | str) -> list[int]:
    """Every data year the folder holds: from the paths and the manifest, and for a file of no
    particular year (a long table over several years) from its year column. Unreadable cells are
    left to ingestion, which quarantines them with their position."""
    data_dir = Path(data_dir)
    years: set[int] = set()
    for entry in discover(data_dir, read_manifest(data_dir)):
        year = entry.year or year_from_path(entry.source_file)
        if year is not None:
            years.add(year)
            continue
        for grid in read_file(entry.path, entry.sheet, label=entry.source_file).grids:
            table = parse_grid(grid, layout=entry.layout, level=entry.level)
            if isinstance(table, LongTable):
                years |= _column_years(table)
    return sorted(years)


def _column_years(table: LongTable) -> set[int]:
    years = set()
    for row in table.rows:
        try:
            years.add(parse_year(row.get(table.positions["year"])))
        except CellProblem:
            continue
    return years


def level_digests(files: list[DataFile], level: str) -> dict[str, str]:
    """Per data year, a digest of the ``level`` files holding that year; under :data:`ANY_YEAR`
    the level's files of no particular year."""
    groups: dict[str, list[str]] = {ANY_YEAR: []}
    for file in files:
        if level in file.levels:
            for key in [str(year) for year in sorted(file.years)] or [ANY_YEAR]:
                groups.setdefault(key, []).append(f"{file.source_file}\0{file.sha256}")
    return {key: _hash("\0".join(parts)) for key, parts in sorted(groups.items())}


def digests_version(digests: dict[str, str]) -> str:
    """One short version for a level's per-year digests (a Dagster data version)."""
    return _hash(json.dumps(digests, sort_keys=True))[:16]


def changed_years(now: dict[str, str], before: dict[str, str] | None) -> list[int] | None:
    """The data years whose files changed between two :func:`level_digests`, or None for every
    year: when there is nothing to compare with, when a file of no particular year
    (``dataset.yaml``, a long file over several years) changed, or when a year's files were
    removed (only a load of every year lets the warehouse drop it)."""
    if before is None or before.get(ANY_YEAR) != now[ANY_YEAR] or set(before) - set(now):
        return None
    return sorted(int(year) for year, digest in now.items() if before.get(year) != digest)


def file_sha256(path: Path) -> str:
    """The hash of a file's bytes: what ``sources`` and an edition record of an input."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
