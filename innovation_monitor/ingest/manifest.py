"""``dataset.yaml``: what a data set is, whether it is synthetic, what is known of its files.

A ``files:`` entry states a file's level, year, layout or sheet when its path does not; a
directory without a manifest is real data whose files are found by their paths (``discovery``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from innovation_monitor.divisions import LEVELS
from innovation_monitor.errors import IngestError
from innovation_monitor.yaml_file import read_yaml

MANIFEST_FILE = "dataset.yaml"
LAYOUTS = ("wide", "long")
_ENTRY_KEYS = frozenset({"path", "level", "year", "format", "sheet"})


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
        source_file = relative_source_file(data_dir / PurePosixPath(raw["path"]), data_dir)
    except IngestError as error:
        raise IngestError(f"{where}: {error}") from None
    path = data_dir / source_file
    if not path.is_file():
        raise IngestError(f"{where}: {source_file} does not exist in {data_dir}")
    return FileEntry(path, source_file, level, year, layout, None if sheet is None else str(sheet))


def relative_source_file(path: Path, data_dir: Path) -> str:
    """``path`` relative to ``data_dir`` (as provenance records it); a path outside it (``..``,
    absolute) is refused."""
    try:
        return path.resolve().relative_to(data_dir.resolve()).as_posix()
    except ValueError:
        raise IngestError(
            f"{path} is not inside the data directory {data_dir}; provenance is recorded "
            "relative to it"
        ) from None
