"""Another province's data (its own division registry and framework, long-format files) goes
through load → validation → indicators → scores like Shandong's, and a bad registry given to
``innovation-monitor run --registry`` stops the run with the file, row and column (exit 2)."""

import csv
from pathlib import Path

import polars as pl
import pytest

from innovation_monitor import stages, warehouse
from innovation_monitor.divisions import DivisionRegistry
from innovation_monitor.errors import DataError
from innovation_monitor.framework import load_indicator_system
from innovation_monitor.synthetic.national import Region, write_region
from pipelines.cli import main


@pytest.fixture(scope="module")
def region(tmp_path_factory: pytest.TempPathFactory) -> Region:
    return write_region(tmp_path_factory.mktemp("national"), provinces=2, cities=2, counties=3)


def test_another_region_is_loaded_validated_and_scored(region):
    registry = DivisionRegistry.load(region.registry)
    system = load_indicator_system(region.indicators)
    assert system.region == ("合成样例地区", "Synthetic sample region")  # the reports' title
    assert (
        registry.start == 2000 and len(registry.valid_in(2021, "county")) == region.counties == 12
    )
    con = warehouse.connect(":memory:")
    stages.load_divisions(con, registry)
    stages.load_statistics(con, region.data_dir, system, registry)
    assert warehouse.read(con, "quarantine").height == 0
    for level in ("city", "county"):
        report = stages.check_statistics(con, system, registry, level)
        assert all(c.success for c in report.checks if c.severity == "blocking")
        stages.compute_level_indicators(con, system, level)
        stages.score_level(con, system, registry, level)
    ranks = warehouse.read(con, "rankings", level="county")
    assert ranks.height == 12 * 3
    assert set(ranks["region_code"]) == {d.code for d in registry.valid_in(2023, "county")}
    per_year = ranks.group_by("year").agg(pl.col("rank").sort())
    assert all(r == list(range(1, 13)) for r in per_year["rank"].to_list())
    cities = warehouse.read(con, "rankings", level="city")
    assert set(cities["region_code"]) == {"110100", "110200", "120100", "120200"}


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_a_city_under_another_province_is_refused(region, tmp_path):
    rows = _rows(region.registry)
    rows[0]["parent_code"] = "120000"  # city 110100 under province 12
    with pytest.raises(DataError, match=r"unit 110100 .* parent 110000"):
        DivisionRegistry.load(_write(tmp_path / "d.csv", rows))


def test_run_with_a_bad_registry_names_file_row_and_column(region, tmp_path, capsys):
    rows = _rows(region.registry)
    rows[2]["code"] = "11012"
    bad = _write(tmp_path / "divisions.csv", rows)
    argv = ["run", "--registry", str(bad), "--indicators", str(region.indicators)]
    argv += ["--data-dir", str(region.data_dir), "--warehouse", str(tmp_path / "w.duckdb")]
    assert main([*argv, "--out", str(tmp_path / "out")]) == 2
    message = capsys.readouterr().err
    assert f"{bad}: row 4, column code = '11012'; expected the 6-digit code" in message
    assert not (tmp_path / "w.duckdb").exists()
    assert main([*argv[:1], "--registry", str(tmp_path / "absent.csv")]) == 2
    assert "absent.csv cannot be read" in capsys.readouterr().err
