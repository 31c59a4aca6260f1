"""End to end: the whole asset graph on the bundled sample, through the command line.

The full run happens once per session (the ``sample_run`` fixture of ``conftest.py``); tests that
run the pipeline again do so on a private copy of it (``sample_run_copy``). Slow (a full Dagster
run over eight years and two levels), so marked ``slow``; ``make test`` runs it, ``make
test-fast`` skips it.
"""

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from innovation_monitor.divisions import DivisionRegistry
from innovation_monitor.paths import PROJECT_ROOT, SAMPLE_DIR
from innovation_monitor.warehouse import TABLES as WAREHOUSE_TABLES
from pipelines.cli import main
from tests.pipeline_run import PipelineRun

pytestmark = pytest.mark.slow

TABLES = ("divisions", "statistics", "quarantine", "indicator_values", "scores", "rankings")


def test_run_fills_every_table(sample_run: PipelineRun) -> None:
    with duckdb.connect(str(sample_run.warehouse), read_only=True) as con:
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


def test_run_scores_every_valid_county(sample_run: PipelineRun, registry: DivisionRegistry) -> None:
    with duckdb.connect(str(sample_run.warehouse), read_only=True) as con:
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


def test_run_writes_reports_marked_synthetic(sample_run: PipelineRun) -> None:
    out = sample_run.out
    for level in ("city", "county"):
        zh = out / "2023" / f"{level}_report.zh.html"
        en = out / "2023" / f"{level}_report.en.html"
        csv = out / "2023" / f"{level}_ranking.csv"
        assert zh.is_file() and en.is_file() and csv.is_file()
        assert "合成" in zh.read_text(encoding="utf-8")
        assert "SYNTHETIC" in en.read_text(encoding="utf-8")
    assert len(list(out.glob("*/city_report.zh.html"))) == 8


def test_reports_show_the_stored_rankings(sample_run: PipelineRun) -> None:
    """The ranking CSV repeats the rankings table: reports compute no rank of their own."""
    with duckdb.connect(str(sample_run.warehouse), read_only=True) as con:
        stored = con.execute(
            "SELECT region_code, rank, previous_rank, rank_change, merged_from FROM rankings "
            "WHERE year = 2019 AND level = 'city'"
        ).fetchall()
        index_rows = con.execute("SELECT count(*) FROM scores WHERE node = 'Index'").fetchone()[0]
        ranking_rows = con.execute("SELECT count(*) FROM rankings").fetchone()[0]
    assert ranking_rows == index_rows
    with (sample_run.out / "2019" / "city_ranking.csv").open(
        encoding="utf-8-sig", newline=""
    ) as handle:
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


def _snapshot(run: PipelineRun) -> dict[str, object]:
    # Read-only: also proves a failed run closed its connection (DuckDB refuses a second
    # configuration for a file that is still open in this process).
    with duckdb.connect(str(run.warehouse), read_only=True) as con:
        tables = {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in TABLES}
    files = {
        str(p.relative_to(run.out)): p.read_bytes()
        for p in sorted(run.out.rglob("*"))
        if p.is_file()
    }
    return {**tables, "files": files}


def _county_2022_statistics(run: PipelineRun) -> int:
    with duckdb.connect(str(run.warehouse), read_only=True) as con:
        return con.execute(
            "SELECT count(*) FROM statistics WHERE year = 2022 AND level = 'county'"
        ).fetchone()[0]


def _run_args(run: PipelineRun, *more: str) -> list[str]:
    return ["run", "--warehouse", str(run.warehouse), "--out", str(run.out), *more]


def test_rerun_of_one_year_is_idempotent(sample_run_copy: PipelineRun) -> None:
    before = _snapshot(sample_run_copy)
    assert main(_run_args(sample_run_copy, "--years", "2020")) == 0
    assert _snapshot(sample_run_copy) == before


def test_a_year_without_files_is_a_clear_error(
    sample_run_copy: PipelineRun, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _snapshot(sample_run_copy)
    assert main(_run_args(sample_run_copy, "--years", "2024")) == 1
    assert "no statistics file for year(s) 2024" in capsys.readouterr().err
    assert _snapshot(sample_run_copy) == before


def test_a_removed_file_is_refused_with_years_and_mirrored_without(
    tmp_path: Path, dagster_home: Path
) -> None:
    data = tmp_path / "data"
    shutil.copytree(SAMPLE_DIR, data)
    run = PipelineRun(warehouse=tmp_path / "w.duckdb", out=tmp_path / "out")
    two_years = ["--data-dir", str(data), "--years", "2022-2023"]
    assert main(_run_args(run, *two_years)) == 0
    assert _county_2022_statistics(run) > 0
    (data / "county" / "2022.csv").unlink()
    # Reloading 2022 would empty the county slice: refused, and the warehouse keeps it.
    before = _county_2022_statistics(run)
    assert main(_run_args(run, *two_years)) != 0
    assert _county_2022_statistics(run) == before
    # Without --years the warehouse mirrors the folder: the slice is gone.
    assert main(_run_args(run, "--data-dir", str(data))) == 0
    assert _county_2022_statistics(run) == 0


#: columns that differ between two runs of the same data: when and by which run
VOLATILE = {"loaded_at", "run_id", "published_at"}


def _content(run: PipelineRun) -> dict[str, object]:
    """Every warehouse table by content except :data:`VOLATILE`, and every report file."""
    state: dict[str, object] = {}
    with duckdb.connect(str(run.warehouse), read_only=True) as con:
        for name, table in WAREHOUSE_TABLES.items():
            columns = ", ".join(c for c in table.column_names if c not in VOLATILE)
            state[name] = con.execute(f"SELECT {columns} FROM {name} ORDER BY ALL").fetchall()
    for path in sorted(p for p in run.out.rglob("*") if p.is_file()):
        state[str(path.relative_to(run.out))] = path.read_bytes()
    return state


def test_two_runs_started_together_leave_one_run_s_warehouse(
    sample_run: PipelineRun, tmp_path: Path, dagster_home: Path
) -> None:
    """DuckDB has one writer: both runs succeed one after the other, or the second stops at once
    saying the warehouse is busy; either way the warehouse is what one run makes."""
    run = PipelineRun(warehouse=tmp_path / "warehouse.duckdb", out=tmp_path / "out")
    command = [sys.executable, "-m", "pipelines.cli", *_run_args(run)]
    environment = {**os.environ, "DAGSTER_HOME": str(dagster_home)}
    processes = [
        subprocess.Popen(
            command, cwd=PROJECT_ROOT, env=environment, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    errors = [process.communicate(timeout=600)[1] for process in processes]
    outcomes = sorted(zip((process.returncode for process in processes), errors, strict=True))
    assert [status for status, _ in outcomes] in ([0, 0], [0, 1]), outcomes
    if outcomes[1][0]:
        busy = outcomes[1][1]
        assert "another run is using the warehouse" in busy and "Traceback" not in busy, busy
        assert "nothing was changed" in busy
    assert _content(run) == _content(sample_run)


def test_definitions_validate() -> None:
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
    sample_run: PipelineRun, monkeypatch: pytest.MonkeyPatch
) -> None:
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(PROJECT_ROOT / "notebooks" / "explore_warehouse.ipynb", as_version=4)
    monkeypatch.setenv("INNOVATION_MONITOR_WAREHOUSE", str(sample_run.warehouse))
    NotebookClient(notebook, timeout=120, kernel_name="python3").execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
