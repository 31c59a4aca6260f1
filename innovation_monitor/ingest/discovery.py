"""Which files a data directory holds and what their paths say (level, data year).

The conventions (``city/`` or ``county/`` folders, one 4-digit year in the file name) are in
``docs/warehouse.md``; a ``dataset.yaml`` entry overrides them.
"""

from __future__ import annotations

import os
import re
from pathlib import Path, PurePosixPath

from innovation_monitor.divisions import LEVELS
from innovation_monitor.errors import IngestError
from innovation_monitor.ingest.cleaning import CellProblem, cell_text
from innovation_monitor.ingest.manifest import FileEntry, Manifest, relative_source_file
from innovation_monitor.ingest.readers import CSV_SUFFIXES, XLSX_SUFFIXES
from innovation_monitor.text import compact

_YEAR = re.compile(r"(?<!\d)(19\d{2}|20\d{2})(?!\d)")
_SUFFIXES = CSV_SUFFIXES | XLSX_SUFFIXES


def discover(data_dir: Path, manifest: Manifest) -> list[FileEntry]:
    """The manifest's entries, then every other .csv/.xlsx under ``data_dir`` by its path."""
    listed = {entry.source_file for entry in manifest.files}
    found = [
        FileEntry(path, source_file)
        for path in statistics_files(data_dir)
        if (source_file := path.relative_to(data_dir).as_posix()) not in listed
    ]
    return [*manifest.files, *found]


def statistics_files(data_dir: Path) -> list[Path]:
    """Every .csv/.xlsx under ``data_dir``, sorted; hidden files and folders and Excel lock files
    (``~$…``) are skipped.

    Nothing outside the folder is read: a link (to a file or a folder) whose target is outside
    it is an error naming the link. A folder link inside it is not followed, since its target
    is read anyway; a name that is no regular file (a dangling link, a pipe) is an error.
    """
    found: list[Path] = []
    for root, folders, files in os.walk(data_dir):
        here = Path(root)
        folders[:] = sorted(name for name in folders if not name.startswith((".", "~$")))
        for name in folders:
            if (here / name).is_symlink():
                relative_source_file(here / name, data_dir)  # refuses a target outside
        for name in sorted(files):
            path = here / name
            if name.startswith((".", "~$")) or path.suffix.lower() not in _SUFFIXES:
                continue
            source_file = relative_source_file(path, data_dir)
            if not path.is_file():
                raise IngestError(
                    f"{source_file}: not a regular file (a link to a missing file?); expected a "
                    ".csv or .xlsx statistics file"
                )
            found.append(path)
    return sorted(found)


def level_from_path(source_file: str) -> str | None:
    """``city/…`` or ``county/…`` folder, else a city/county/市/县 token in the file name.

    县 wins over 市 in a name (县（市、区）tables name both); city and county together is unknown.
    """
    path = PurePosixPath(source_file)
    for folder in reversed(path.parts[:-1]):
        if folder.casefold() in LEVELS:
            return folder.casefold()
    tokens = set(re.split(r"[^a-z]+", path.stem.casefold()))
    english = [level for level in LEVELS if level in tokens]
    if len(english) == 1:
        return english[0]
    if english:
        return None
    if "县" in path.stem:
        return "county"
    return "city" if "市" in path.stem else None


def year_from_path(source_file: str) -> int | None:
    """The one 19xx/20xx year in the file name (None when there is none or several)."""
    years = set(_YEAR.findall(PurePosixPath(source_file).stem))
    return int(years.pop()) if len(years) == 1 else None


def parse_year(raw: object) -> int:
    """A year cell (2020, 2020.0, "2020", "2020年") as an int, or :class:`CellProblem`."""
    text = compact(cell_text(raw) or "").removesuffix("年")
    found = re.fullmatch(r"(\d{4})(\.0*)?", text)
    if isinstance(raw, bool) or found is None or not 1900 <= int(found[1]) <= 2100:
        raise CellProblem(f"invalid year ({cell_text(raw)!r}; expected a 4-digit data year)")
    return int(found[1])
