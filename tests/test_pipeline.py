"""End to end: the whole asset graph on the bundled sample, through the command line.

Slow (a full Dagster run over eight years and two levels), so marked ``slow``; ``make test``
runs it, ``make test-fast`` skips it.
"""

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from innovation_monitor.divisions import DivisionRegistry
from innovation_monitor.paths import PROJECT_ROOT, SAMPLE_DIR
from pipelines.cli import main

pytestmark = pytest.mark.slow

TABLES = ("divisions", "statistics", "quarantine", "indicator_values", "scores", "rankings")


@pytest.fixture(scope="module")
def pipeline_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    root = tmp_path_factory.mktemp("run")
    (root / "dagster_home").mkdir()
    (root / "dagster_home" / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    warehouse, out = root / "warehouse.duckdb", root / "out"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DAGSTER_HOME", str(root / "dagster_home"))
        status = main(["run", "--warehouse", str(warehouse), "--out", str(out)])
        assert status == 0
        yield warehouse, out


def test_run_fills_every_table(pipeline_run: tuple[Path, Path]) -> None:
    warehouse, _ = pipeline_run
    with duckdb.connect(str(warehouse), read_only=True) as con:
        counts = {
            table: con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in (*TABLES, "sources")
            if table != "quarantine"  # the bundled sample may be clean
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


def test_reports_show_the_stored_rankings(pipeline_run: tuple[Path, Path]) -> None:
    """The ranking CSV repeats the rankings table: reports compute no rank of their own."""
    import csv

    warehouse, out = pipeline_run
    with duckdb.connect(str(warehouse), read_only=True) as con:
        stored = con.execute(
            "SELECT region_code, rank, previous_rank, rank_change, merged_from FROM rankings "
            "WHERE year = 2019 AND level = 'city'"
        ).fetchall()
        index_rows = con.execute("SELECT count(*) FROM scores WHERE node = 'Index'").fetchone()[0]
        ranking_rows = con.execute("SELECT count(*) FROM rankings").fetchone()[0]
    assert ranking_rows == index_rows
    with (out / "2019" / "city_ranking.csv").open(encoding="utf-8-sig", newline="") as handle:
        header, *rows = list(csv.reader(handle))[1:]
    column = {name: i for i, name in enumerate(header)}
    shown = {
        row[column["地区代码 Code"]]: tuple(
            int(row[column[name]]) if row[column[name]] else None
            for name in ("排名 Rank", "上年排名 Previous rank", "排名变化 Rank change")
        )
        for row in rows
    }
    assert shown == {code: (rank, previous, change) for code, rank, previous, change, _ in stored}
    merged = {code: units for code, *_, units in stored if units}
    assert merged == {"370100": ["370100", "371200"]}  # Laiwu merged into Jinan


def _snapshot(warehouse: Path, out: Path) -> dict[str, object]:
    # Read-only: also proves a failed run closed its connection (DuckDB refuses a second
    # configuration for a file that is still open in this process).
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in TABLES}
    files = {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    return {**tables, "files": files}


def test_rerun_of_one_year_is_idempotent(pipeline_run: tuple[Path, Path]) -> None:
    warehouse, out = pipeline_run
    before = _snapshot(warehouse, out)
    assert main(["run", "--warehouse", str(warehouse), "--out", str(out), "--years", "2020"]) == 0
    assert _snapshot(warehouse, out) == before


def test_a_year_without_files_is_a_clear_error(
    pipeline_run: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    warehouse, out = pipeline_run
    before = _snapshot(warehouse, out)
    assert main(["run", "--warehouse", str(warehouse), "--out", str(out), "--years", "2024"]) == 1
    assert "no statistics file for year(s) 2024" in capsys.readouterr().err
    assert _snapshot(warehouse, out) == before


def test_a_removed_file_leaves_no_stale_slice(tmp_path: Path) -> None:
    import shutil

    data = tmp_path / "data"
    shutil.copytree(SAMPLE_DIR, data)
    warehouse, out = tmp_path / "w.duckdb", tmp_path / "out"
    common = ["--data-dir", str(data), "--warehouse", str(warehouse), "--out", str(out)]
    assert main(["run", *common, "--years", "2022-2023"]) == 0
    (data / "county" / "2022.csv").unlink()
    # The county 2022 slice is emptied, so the blocking check on county indicators fails the run.
    assert main(["run", *common, "--years", "2022-2023"]) == 1
    with duckdb.connect(str(warehouse), read_only=True) as con:
        left = con.execute(
            "SELECT count(*) FROM statistics WHERE year = 2022 AND level = 'county'"
        ).fetchone()[0]
    assert left == 0


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


def test_notebook_runs_against_the_warehouse(
    pipeline_run: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    import nbformat
    from nbclient import NotebookClient

    warehouse, _ = pipeline_run
    notebook = nbformat.read(PROJECT_ROOT / "notebooks" / "explore_warehouse.ipynb", as_version=4)
    monkeypatch.setenv("INNOVATION_MONITOR_WAREHOUSE", str(warehouse))
    NotebookClient(notebook, timeout=120, kernel_name="python3").execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
