"""``dataset.yaml``: what a data set is, whether it is synthetic, what is known of its files.

A directory without a manifest is real data whose files are found by their paths
(``discovery``). Every key is checked: a misspelt or outdated one is an error naming it, never
silently ignored. The keys (:data:`MANIFEST_KEYS`):

- ``synthetic``: ``true`` for generated data; every report then carries a banner.
- ``notice_zh``, ``notice_en``: a notice printed in every report (text; stored with each file
  in the ``sources`` load log).
- ``name_zh``, ``name_en``, ``source``: the data set's name and where its figures come from
  (text, for the people who read the folder; checked, not shown in reports).
- ``files``: a list of entries for files whose path does not say their level, year, layout or
  sheet; the keys of an entry (:data:`ENTRY_KEYS`): ``path`` (relative to the data folder,
  required), ``level`` (city or county), ``year`` (the data year), ``format`` (wide or long),
  ``sheet`` (the workbook sheet to read).
- ``seed``, ``years``, ``deliberate_gaps``, ``outliers``, ``real_values``: what the sample
  generator records about a synthetic set (its random seed, data years and the cells set on
  purpose); kept for people and tests, not used by ingestion.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from innovation_monitor.divisions import LEVELS
from innovation_monitor.errors import IngestError
from innovation_monitor.yaml_file import YamlDocument, load_yaml

MANIFEST_FILE = "dataset.yaml"
LAYOUTS = ("wide", "long")
MANIFEST_KEYS = (
    "name_zh",
    "name_en",
    "synthetic",
    "notice_zh",
    "notice_en",
    "source",
    "files",
    "seed",
    "years",
    "deliberate_gaps",
    "outliers",
    "real_values",
)
ENTRY_KEYS = ("path", "level", "year", "format", "sheet")
RENAMED_KEYS: dict[str, tuple[str, ...]] = {
    "name": ("name_zh", "name_en"),
    "title": ("name_zh", "name_en"),
    "notice": ("notice_zh", "notice_en"),
    "notices": ("notice_zh", "notice_en"),
    "layout": ("format",),
    "file": ("path",),
}
"""Keys older documentation used, and what replaced them."""


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


def _check_keys(
    raw: Mapping[Any, Any], valid: tuple[str, ...], document: YamlDocument, *at: str | int
) -> None:
    """Every key of ``raw`` (the mapping at ``at`` in the document) is one of ``valid``;
    otherwise one error naming each unknown key, its line and what it probably should be."""
    unknown = [key for key in raw if key not in valid]
    if not unknown:
        return
    problems = []
    for key in unknown:
        line = document.line(*at, key)
        hint = RENAMED_KEYS.get(str(key)) or tuple(
            difflib.get_close_matches(str(key), valid, n=2, cutoff=0.6)
        )
        problems.append(
            (f"line {line}: " if line else "")
            + f"unknown key {key!r}"
            + (f" (did you mean {' or '.join(hint)}?)" if hint else "")
        )
    where = "".join(f"[{step}]" if isinstance(step, int) else f" {step}" for step in at)
    raise IngestError(
        f"{document.path}:{where} {'; '.join(problems)}; the keys of "
        f"{'a files: entry' if at else MANIFEST_FILE} are {', '.join(valid)}"
    )


def read_manifest(data_dir: Path) -> Manifest:
    """The data directory's ``dataset.yaml``; a directory without one is real data, no notice."""
    path = data_dir / MANIFEST_FILE
    if not path.is_file():
        return Manifest()
    relative_source_file(path, data_dir)  # a link to a manifest elsewhere is refused
    document = load_yaml(path, "data set manifest", IngestError)
    raw = document.data
    if not isinstance(raw, dict):
        raise IngestError(f"{path}: expected a mapping ({', '.join(MANIFEST_KEYS)})")
    _check_keys(raw, MANIFEST_KEYS, document)
    synthetic = raw.get("synthetic", False)
    if not isinstance(synthetic, bool):
        raise IngestError(f"{path}: synthetic must be true or false, got {synthetic!r}")
    _check_record(raw, path)
    raw_files = raw.get("files") or []
    if not isinstance(raw_files, list):
        raise IngestError(f"{path}: files must be a list of {{{', '.join(ENTRY_KEYS)}}}")
    return Manifest(
        name_zh=_text(raw, "name_zh", str(path)),
        name_en=_text(raw, "name_en", str(path)),
        synthetic=synthetic,
        notice_zh=_text(raw, "notice_zh", str(path)),
        notice_en=_text(raw, "notice_en", str(path)),
        source=_text(raw, "source", str(path)),
        files=tuple(_entry(data_dir, document, i) for i in range(len(raw_files))),
    )


def _check_record(raw: Mapping[str, Any], path: Path) -> None:
    """The generator's record keys have the shape it writes (an int seed, a list of years, lists
    of mappings), so an edited one is noticed."""
    seed = raw.get("seed")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise IngestError(f"{path}: seed {seed!r}; expected a whole number")
    years = raw.get("years")
    if years is not None and not (
        isinstance(years, list) and all(_is_year(year) for year in years)
    ):
        raise IngestError(f"{path}: years {years!r}; expected a list of 4-digit data years")
    for key in ("deliberate_gaps", "outliers", "real_values"):
        items = raw.get(key)
        if items is not None and not (
            isinstance(items, list) and all(isinstance(item, dict) for item in items)
        ):
            raise IngestError(f"{path}: {key} must be a list of mappings, got {items!r}")


def _is_year(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1900 <= value <= 2100


def _entry(data_dir: Path, document: YamlDocument, index: int) -> FileEntry:
    raw = document.data["files"][index]
    line = document.line("files", index)
    where = f"{document.path}: files[{index}]" + (f" (line {line})" if line else "")
    if not isinstance(raw, dict) or not isinstance(raw.get("path"), str):
        raise IngestError(f"{where}: expected a mapping with a path (and level, year, format)")
    _check_keys(raw, ENTRY_KEYS, document, "files", index)
    level, year, layout, sheet = (raw.get(k) for k in ("level", "year", "format", "sheet"))
    if level is not None and level not in LEVELS:
        raise IngestError(f"{where}: level {level!r}; expected city or county")
    if year is not None and not _is_year(year):
        raise IngestError(f"{where}: year {year!r}; expected a 4-digit data year")
    if layout is not None and layout not in LAYOUTS:
        raise IngestError(f"{where}: format {layout!r}; expected wide or long")
    if sheet is not None and not isinstance(sheet, str | int):
        raise IngestError(f"{where}: sheet {sheet!r}; expected a sheet name")
    relative = PurePosixPath(raw["path"])
    if relative.is_absolute() or ".." in relative.parts:
        raise IngestError(
            f"{where}: path {raw['path']!r} leaves the data directory; give a path relative "
            f"to {data_dir} without '..'"
        )
    try:  # a link inside the folder may still point outside it
        source_file = relative_source_file(data_dir / relative, data_dir)
    except IngestError as error:
        raise IngestError(f"{where}: {error}") from None
    path = data_dir / source_file
    if not path.is_file():
        raise IngestError(f"{where}: {source_file} does not exist in {data_dir}")
    return FileEntry(path, source_file, level, year, layout, None if sheet is None else str(sheet))


def relative_source_file(path: Path, data_dir: Path) -> str:
    """``path`` relative to ``data_dir``, as provenance records it (a link keeps its own name).

    A path outside the folder is refused, and so is a link (to a file, or a linked folder on
    the way) whose target is outside it: an untrusted folder must not make ingestion read
    files elsewhere on the machine.
    """
    folder = Path(os.path.normpath(data_dir.absolute()))
    lexical = Path(os.path.normpath(path.absolute()))
    if not lexical.is_relative_to(folder):
        raise IngestError(
            f"{path} is not inside the data directory {data_dir}; provenance is recorded "
            "relative to it"
        )
    relative = lexical.relative_to(folder).as_posix()
    target = lexical.resolve()
    if not target.is_relative_to(folder.resolve()):
        raise IngestError(
            f"{relative} is a link to {target}, outside the data directory {data_dir}; only "
            "files inside the data directory are read (copy it into the folder instead)"
        )
    return relative
