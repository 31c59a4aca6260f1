"""Fixtures of the bad-input corpus: a two-year cut of the bundled sample, the warehouse and
reports a clean run makes of it (once per session), and a private copy of both for each case."""

import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from innovation_monitor.paths import SAMPLE_DIR
from innovation_monitor.warehouse import TABLES
from innovation_monitor.yaml_file import read_yaml
from tests.pipeline_run import HTML_ONLY, PipelineRun

BASE_YEARS = (2020, 2021)


def _write_yaml(path: Path, document: dict) -> None:
    import yaml

    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), "utf-8")


def cut_sample(target: Path, years: tuple[int, ...] = BASE_YEARS) -> Path:
    """The sample's files of ``years`` (wide tables, and the long files the manifest dates to
    those years) with its manifest trimmed to them."""
    for level in ("city", "county"):
        (target / level).mkdir(parents=True)
        for year in years:
            for path in (SAMPLE_DIR / level).glob(f"{year}.*"):
                shutil.copy(path, target / level / path.name)
    manifest = read_yaml(SAMPLE_DIR / "dataset.yaml", "manifest", ValueError)
    for entry in manifest.get("files", []):
        source = SAMPLE_DIR / entry["path"]
        if entry.get("year") in years and not (target / entry["path"]).exists():
            (target / entry["path"]).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, target / entry["path"])
    manifest["files"] = [
        f
        for f in manifest.get("files", [])
        if f.get("year") in years and (target / f["path"]).is_file()
    ]
    if "years" in manifest:
        manifest["years"] = list(years)
    for key in ("deliberate_gaps", "outliers", "real_values"):
        if isinstance(manifest.get(key), list):
            manifest[key] = [e for e in manifest[key] if e.get("year") in years]
    _write_yaml(target / "dataset.yaml", manifest)
    return target


def snapshot(run: PipelineRun) -> dict[str, object]:
    """Every warehouse table by content and every report file by bytes."""
    state: dict[str, object] = {}
    if run.warehouse.is_file():
        with duckdb.connect(str(run.warehouse), read_only=True) as con:
            present = {
                row[0] for row in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()
            }
            for name in TABLES:
                if name in present:
                    state[name] = con.execute(f"SELECT * FROM {name} ORDER BY ALL").fetchall()
    for path in sorted(p for p in run.out.rglob("*") if p.is_file()):
        state[f"out/{path.relative_to(run.out)}"] = path.read_bytes()
    return state


@pytest.fixture(scope="session")
def corpus_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return cut_sample(tmp_path_factory.mktemp("corpus_data") / "data")


@pytest.fixture(scope="session")
def corpus_run(
    corpus_data: Path, tmp_path_factory: pytest.TempPathFactory, _session_dagster_home: Path
) -> PipelineRun:
    """A clean run on the two-year cut: the state every case starts from (read only)."""
    from pipelines.cli import main

    root = tmp_path_factory.mktemp("corpus_run")
    run = PipelineRun(warehouse=root / "warehouse.duckdb", out=root / "out")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DAGSTER_HOME", str(_session_dagster_home))
        args = ["run", "--data-dir", str(corpus_data), "--warehouse", str(run.warehouse)]
        status = main([*args, "--out", str(run.out), *HTML_ONLY])
    if status != 0:
        pytest.fail(f"the clean run on the corpus base exited with status {status}")
    return run


@pytest.fixture
def case_dirs(
    corpus_data: Path, corpus_run: PipelineRun, tmp_path: Path, dagster_home: Path
) -> Iterator[tuple[Path, PipelineRun]]:
    """A private copy of the base data and of the clean run's warehouse and reports."""
    data = tmp_path / "data"
    shutil.copytree(corpus_data, data, symlinks=True)
    run = PipelineRun(warehouse=tmp_path / "warehouse.duckdb", out=tmp_path / "out")
    shutil.copy(corpus_run.warehouse, run.warehouse)
    shutil.copytree(corpus_run.out, run.out)
    yield data, run
