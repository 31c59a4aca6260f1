"""A year that shrinks is refused, naming the file: the shipped sample passes, a header-only
file, a table of the other level, unread headers and a load far below the previous one fail."""

import shutil
from pathlib import Path

import pytest

from innovation_monitor import paths
from innovation_monitor.errors import IngestError
from innovation_monitor.ingest import check_coverage, ingest_directory
from innovation_monitor.ingest.readers import decode

SAMPLE_DIR = paths.PROJECT_ROOT / "data" / "sample"


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """A copy of the shipped sample to mutate."""
    return Path(shutil.copytree(SAMPLE_DIR, tmp_path / "sample"))


def lines(path: Path) -> tuple[list[str], str]:
    text, encoding = decode(path.read_bytes(), label=str(path))
    return text.splitlines(), "gb18030" if encoding == "gb18030" else "utf-8"


def write_lines(path: Path, rows: list[str], encoding: str) -> None:
    path.write_bytes(("\n".join(rows) + "\n").encode(encoding))


def header_at(rows: list[str]) -> int:
    return next(i for i, row in enumerate(rows) if row.startswith("地区代码,"))


def test_every_slice_of_the_shipped_sample_passes(system, registry) -> None:
    result = ingest_directory(SAMPLE_DIR, system, registry)
    counts = result.statistics.group_by("year", "level").len()
    previous = {(year, level): n for year, level, n in counts.iter_rows()}
    check_coverage(result, system, registry)
    check_coverage(result, system, registry, previous)  # a reload of the same files
    assert (2021, "city") in result.slices  # with the partial long/city_2021.csv


def test_a_file_with_only_a_header_is_refused(sample: Path, system, registry) -> None:
    path = sample / "county" / "2020.csv"
    rows, encoding = lines(path)
    write_lines(path, rows[: header_at(rows) + 1], encoding)
    result = ingest_directory(sample, system, registry, years=[2020])
    with pytest.raises(IngestError) as raised:
        check_coverage(result, system, registry)
    assert str(raised.value).startswith(
        "数据覆盖不足，未载入 / too few values, nothing loaded: county 2020: 0 values from "
        "county/2020.csv (0), but the level needs 3944 (136 county units × 29 variables) "
        "(at least 50% is expected). "
    )


def test_a_county_table_under_city_is_refused(sample: Path, system, registry) -> None:
    shutil.copy(sample / "county" / "2020.csv", sample / "city" / "2020.csv")
    result = ingest_directory(sample, system, registry, years=[2020])
    with pytest.raises(
        IngestError, match=r"city 2020: 0 values from city/2020\.csv \(0\), but"
    ) as raised:
        check_coverage(result, system, registry)
    assert "quarantined: county-level unit in a city table ×" in str(raised.value)
    assert "county 2020" not in str(raised.value)


def test_a_header_layout_the_reader_did_not_understand_is_refused(
    sample: Path, system, registry
) -> None:
    path = sample / "city" / "2021.csv"
    rows, encoding = lines(path)
    at = header_at(rows)
    cells = rows[at].split(",")
    rows[at] = ",".join(cells[:2] + [f"X{i}" for i in range(len(cells) - 2)])
    write_lines(path, rows, encoding)
    result = ingest_directory(sample, system, registry, years=[2021])
    with pytest.raises(IngestError) as raised:
        check_coverage(result, system, registry)
    message = str(raised.value)
    assert "city 2021: 16 values from city/2021.csv (0), long/city_2021.csv (16)" in message
    assert "quarantined: unknown column ×464" in message


def test_a_file_with_a_few_rows_left_is_refused(sample: Path, system, registry) -> None:
    path = sample / "county" / "2020.csv"
    rows, encoding = lines(path)
    at = header_at(rows)
    write_lines(path, rows[: at + 4], encoding)  # three counties
    result = ingest_directory(sample, system, registry, years=[2020])
    with pytest.raises(IngestError, match=r"county 2020: 87 values from county/2020\.csv \(87\)"):
        check_coverage(result, system, registry)


def test_a_load_far_below_the_previous_one_is_refused(sample: Path, system, registry) -> None:
    result = ingest_directory(sample, system, registry, years=[2020])
    check_coverage(result, system, registry, {(2020, "city"): 900})
    with pytest.raises(IngestError) as raised:
        check_coverage(result, system, registry, {(2020, "city"): 1000, (2019, "city"): 10**6})
    assert str(raised.value).startswith(
        "数据覆盖不足，未载入 / too few values, nothing loaded: city 2020: 480 values from "
        "city/2020.csv (480), but the previous load held 1000 (at least 50% is expected). "
    )


def test_the_share_is_a_parameter(sample: Path, system, registry) -> None:
    path = sample / "county" / "2020.csv"
    rows, encoding = lines(path)
    at = header_at(rows) + 1
    write_lines(path, rows[:at] + [row for i, row in enumerate(rows[at:]) if i % 3], encoding)
    result = ingest_directory(sample, system, registry, years=[2020])
    check_coverage(result, system, registry)
    with pytest.raises(IngestError, match="at least 90% is expected"):
        check_coverage(result, system, registry, min_share=0.9)


def test_several_short_slices_are_named_in_one_error(
    tmp_path: Path, write_csv, toy_system, registry
) -> None:
    write_csv("city/2020.csv", ["地区,计数N", "济南市,5"])
    write_csv("county/2020.csv", ["地区,计数N", "历下区,…"])
    result = ingest_directory(tmp_path, toy_system, registry)
    with pytest.raises(IngestError) as raised:
        check_coverage(result, toy_system, registry)
    message = str(raised.value)
    assert "city 2020: 1 values from city/2020.csv (1), but the level needs 64" in message
    assert "; county 2020: 0 values from county/2020.csv (0)" in message
    assert "quarantined: not available ×1" in message
