"""A data folder from outside stays contained: nothing beyond it is read, and a damaged or
mislabelled file is one :class:`IngestError` naming it, never a traceback."""

import io
import os
import zipfile
from pathlib import Path

import pytest

from innovation_monitor import paths
from innovation_monitor.errors import IngestError
from innovation_monitor.ingest import ingest_directory
from innovation_monitor.ingest.fingerprint import data_files

SAMPLE_XLSX = paths.PROJECT_ROOT / "data" / "sample" / "city" / "2022.xlsx"
TABLE = "地区,计数N\n济南市,5\n"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A data folder with one good file, next to a file that must never be read."""
    data = tmp_path / "data"
    (data / "city").mkdir(parents=True)
    (data / "city" / "2020.csv").write_text(TABLE, "utf-8")
    (tmp_path / "secret").mkdir()
    (tmp_path / "secret" / "2021.csv").write_text(TABLE, "utf-8")
    return data


def test_a_file_link_to_outside_the_folder_is_refused(folder: Path, toy_system, registry) -> None:
    (folder / "city" / "2021.csv").symlink_to(folder.parent / "secret" / "2021.csv")
    with pytest.raises(IngestError, match=r"^city/2021\.csv is a link to .*secret/2021\.csv, out"):
        ingest_directory(folder, toy_system, registry)
    with pytest.raises(IngestError, match=r"^city/2021\.csv is a link"):
        data_files(folder)  # the sensor reads nothing outside either


def test_a_folder_link_to_outside_the_folder_is_refused(folder: Path, toy_system, registry) -> None:
    (folder / "county").symlink_to(folder.parent / "secret", target_is_directory=True)
    with pytest.raises(IngestError, match=r"^county is a link to .*secret, outside the data"):
        ingest_directory(folder, toy_system, registry)


def test_a_link_that_escapes_through_a_relative_path_is_refused(
    folder: Path, toy_system, registry
) -> None:
    (folder / "city" / "2021.csv").symlink_to(Path("..") / ".." / "secret" / "2021.csv")
    with pytest.raises(IngestError, match="outside the data directory"):
        ingest_directory(folder, toy_system, registry)


def test_links_inside_the_folder_are_read_once(folder: Path, toy_system, registry) -> None:
    (folder / "raw").mkdir()
    (folder / "raw" / "jinan.csv").write_text("地区,计数N\n济南市,7\n", "utf-8")
    (folder / "city" / "2021.csv").symlink_to(folder / "raw" / "jinan.csv")
    (folder / "county").symlink_to(folder / "raw", target_is_directory=True)  # not followed
    (folder / "dataset.yaml").write_text(
        "files:\n  - {path: raw/jinan.csv, level: city, year: 2019}\n", "utf-8"
    )
    result = ingest_directory(folder, toy_system, registry)
    assert sorted(result.sources["source_file"]) == [
        "city/2020.csv",
        "city/2021.csv",
        "raw/jinan.csv",
    ]
    assert result.slices == {(2019, "city"), (2020, "city"), (2021, "city")}


def test_a_dangling_link_is_named(folder: Path, toy_system, registry) -> None:
    (folder / "city" / "2021.csv").symlink_to(folder / "gone.csv")
    with pytest.raises(IngestError, match=r"^city/2021\.csv: not a regular file"):
        ingest_directory(folder, toy_system, registry)


def _zip_with(member: str, content: bytes) -> bytes:
    """The sample workbook with one member replaced."""
    source = zipfile.ZipFile(SAMPLE_XLSX)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for name in source.namelist():
            target.writestr(name, content if name == member else source.read(name))
    return buffer.getvalue()


def _flipped(data: bytes) -> bytes:
    damaged = bytearray(data)
    for offset in range(200, len(damaged) - 2000, 97):
        damaged[offset] ^= 0x5A
    return bytes(damaged)


XLSX = SAMPLE_XLSX.read_bytes()
CASES = {
    "city/2021.xlsx": [
        (XLSX[:3000], "not a readable XLSX workbook, damaged or incomplete"),
        (_flipped(XLSX), "not a readable XLSX workbook, damaged or incomplete"),
        (_zip_with("xl/workbook.xml", b"<x"), "not a readable XLSX workbook, damaged"),
        (_zip_with("docProps/core.xml", b"garbage"), "not a readable XLSX workbook, damaged"),
        (TABLE.encode(), "not an XLSX workbook (an .xlsx file is a zip archive"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "an Excel 97–2003 (.xls) or password"),
        (b"", "the file is empty"),
    ],
    "city/2021.csv": [
        (bytes(range(256)) * 8, "a binary file, not CSV text"),
        (b"\x89PNG\r\n\x1a\n" + bytes(100), "a binary file, not CSV text"),
        (b"\xff\xfe\x81\x30" * 50, "cannot decode the file as UTF-8 or GB18030/GBK"),
        (XLSX, "an Excel workbook (xlsx) under a .csv name"),
        (b"", "the file is empty"),
        (b"\n \n", "the file is empty"),
        ("合成样例数据\n说明文字\n".encode(), "no table found"),
    ],
}


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [(name, content, message) for name, cases in CASES.items() for content, message in cases],
)
def test_a_corrupt_or_mislabelled_file_is_one_error_naming_it(
    folder: Path, toy_system, registry, name: str, content: bytes, message: str
) -> None:
    (folder / name).write_bytes(content)
    with pytest.raises(IngestError) as raised:
        ingest_directory(folder, toy_system, registry)
    text = str(raised.value)
    assert text.startswith(f"{name}: ") and message in text
    assert len(text) < 400 and "\n" not in text


def test_an_unreadable_file_is_named(folder: Path, toy_system, registry, monkeypatch) -> None:
    real_open = Path.open

    def refuse(path: Path, *args, **kwargs):
        if path.name == "2020.csv":
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(Path, "open", refuse)
    with pytest.raises(IngestError, match=r"^city/2020\.csv: cannot be read \(Permission denied\)"):
        ingest_directory(folder, toy_system, registry)


def test_a_pipe_named_csv_is_refused_not_waited_on(folder: Path, toy_system, registry) -> None:
    os.mkfifo(folder / "city" / "2021.csv")
    with pytest.raises(IngestError, match=r"^city/2021\.csv: not a regular file"):
        ingest_directory(folder, toy_system, registry)
