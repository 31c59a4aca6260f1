"""End to end: the whole asset graph on the bundled sample, through the command line.

Slow (a full Dagster run over eight years and two levels), so marked ``slow``; ``make test``
runs it, ``make test-fast`` skips it.
"""

import os
from pathlib import Path

import duckdb
import pytest

from innovation_monitor.divisions import DivisionRegistry
from innovation_monitor.paths import PROJECT_ROOT, SAMPLE_DIR
from pipelines.cli import main

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def pipeline_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("run")
    os.environ["DAGSTER_HOME"] = str(root / "dagster_home")
    (root / "dagster_home").mkdir()
    (root / "dagster_home" / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    warehouse, out = root / "warehouse.duckdb", root / "out"
    status = main(["run", "--warehouse", str(warehouse), "--out", str(out)])
    assert status == 0
    return warehouse, out


def test_run_fills_every_table(pipeline_run: tuple[Path, Path]) -> None:
    warehouse, _ = pipeline_run
    with duckdb.connect(str(warehouse), read_only=True) as con:
        counts = {
            table: con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("divisions", "statistics", "sources", "indicator_values", "scores")
        }
        years = [
            r[0] for r in con.execute("SELECT DISTINCT year FROM scores ORDER BY 1").fetchall()
        ]
        cities_2018 = con.execute(
            "SELECT count(*) FROM scores WHERE year = 2018 AND level = 'city' AND node = 'Index'"
        ).fetchone()[0]
        cities_2019 = con.execute(
            "SELECT count(*) FROM scores WHERE year = 2019 AND level = 'city' AND node = 'Index'"
        ).fetchone()[0]
    assert all(n > 0 for n in counts.values()), counts
    assert years == list(range(2016, 2024))
    assert (cities_2018, cities_2019) == (17, 16)


def test_run_scores_every_valid_county(pipeline_run: tuple[Path, Path]) -> None:
    warehouse, _ = pipeline_run
    registry = DivisionRegistry.load()
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for year in (2016, 2023):
            scored = {
                r[0]
                for r in con.execute(
                    "SELECT region_code FROM scores WHERE year = ? AND level = 'county' "
                    "AND node = 'Index' AND score IS NOT NULL",
                    [year],
                ).fetchall()
            }
            assert scored == {d.code for d in registry.valid_in(year, "county")}


def test_run_writes_reports_marked_synthetic(pipeline_run: tuple[Path, Path]) -> None:
    _, out = pipeline_run
    for level in ("city", "county"):
        zh = out / "2023" / f"{level}_report.zh.html"
        en = out / "2023" / f"{level}_report.en.html"
        csv = out / "2023" / f"{level}_ranking.csv"
        assert zh.is_file() and en.is_file() and csv.is_file()
        assert "合成" in zh.read_text(encoding="utf-8")
        assert "SYNTHETIC" in en.read_text(encoding="utf-8")
    assert len(list(out.glob("*/city_report.zh.html"))) == 8


def test_rerun_of_one_year_is_idempotent(pipeline_run: tuple[Path, Path]) -> None:
    warehouse, out = pipeline_run
    query = "SELECT * FROM statistics ORDER BY ALL"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        before = con.execute(query).fetchall()
    assert main(["run", "--warehouse", str(warehouse), "--out", str(out), "--years", "2020"]) == 0
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute(query).fetchall() == before


def test_definitions_validate() -> None:
    import subprocess
    import sys

    dagster = Path(sys.executable).parent / "dagster"
    done = subprocess.run(
        [str(dagster), "definitions", "validate", "-w", "workspace.yaml"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_sample_dir_is_the_default() -> None:
    assert (SAMPLE_DIR / "dataset.yaml").is_file()


def test_notebook_runs_against_the_warehouse(pipeline_run: tuple[Path, Path]) -> None:
    import nbformat
    from nbclient import NotebookClient

    warehouse, _ = pipeline_run
    notebook = nbformat.read(PROJECT_ROOT / "notebooks" / "explore_warehouse.ipynb", as_version=4)
    os.environ["INNOVATION_MONITOR_WAREHOUSE"] = str(warehouse)
    try:
        NotebookClient(notebook, timeout=120, kernel_name="python3").execute()
    finally:
        del os.environ["INNOVATION_MONITOR_WAREHOUSE"]
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
