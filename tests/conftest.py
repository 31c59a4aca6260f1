"""Shared test fixtures.

Reference data lives in ``../shared/reference`` and is read in place. When it is absent the
tests that need it skip with a reason; with ``REQUIRE_SHARED_REFERENCE=1`` (as ``.ci/run`` sets)
a missing reference fails instead.

The whole pipeline runs once per test session on the bundled sample (``sample_run``, read only);
tests that run the pipeline again over that warehouse take a private copy (``sample_run_copy``).
"""

import hashlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from innovation_monitor.divisions import DivisionRegistry
from innovation_monitor.framework import IndicatorSystem, load_indicator_system
from innovation_monitor.paths import PROJECT_ROOT, shared_reference_dir
from tests.pipeline_run import PipelineRun
from tests.toy_framework import build_toy, toy_document


def _reference(name: str) -> Path:
    folder = shared_reference_dir() / name
    if not folder.is_dir():
        message = f"shared reference {folder} is absent"
        if os.environ.get("REQUIRE_SHARED_REFERENCE") == "1":
            pytest.fail(message + " (REQUIRE_SHARED_REFERENCE=1)")
        pytest.skip(message)
    return folder


@pytest.fixture(scope="session")
def coinr_asem_dir() -> Path:
    """COINr 1.1.14 reference run on the ASEM example."""
    return _reference("coinr-asem")


@pytest.fixture(scope="session")
def divisions_reference_dir() -> Path:
    """Shandong division codes 1981-2024 with start/end years and successors."""
    return _reference("divisions")


@pytest.fixture(scope="session")
def census_reference_dir() -> Path:
    """Shandong 2010 and 2020 census population by city and county."""
    return _reference("census")


@pytest.fixture(scope="session")
def province_reference_dir() -> Path:
    """Shandong province-level S&T statistics 2000-2024."""
    return _reference("province")


@pytest.fixture(scope="session")
def system() -> IndicatorSystem:
    """The shipped indicators.yaml, loaded once (frozen, safe to share): for tests of the shipped
    file and of what is built from it; tests of a mechanism use ``toy_system``."""
    return load_indicator_system()


@pytest.fixture(scope="session")
def toy_system() -> IndicatorSystem:
    """The small framework of ``tests/toy_framework.py``, built once (frozen, safe to share)."""
    return build_toy(toy_document())


@pytest.fixture(scope="session")
def registry() -> DivisionRegistry:
    """The division registry, loaded once (immutable, safe to share)."""
    return DivisionRegistry.load()


def _digest(run: PipelineRun) -> str:
    """Fingerprint of the warehouse file and every report file (names and bytes)."""
    digest = hashlib.sha256(run.warehouse.read_bytes())
    for path in sorted(p for p in run.out.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(run.out)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


@pytest.fixture(scope="session")
def _session_dagster_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One throwaway Dagster instance with the project's instance settings (no telemetry, one
    warehouse run at a time) for every run in the session: a new one costs seconds to create,
    and no test reads the run history."""
    home = tmp_path_factory.mktemp("dagster_home")
    shutil.copy(PROJECT_ROOT / ".dagster_home" / "dagster.yaml", home / "dagster.yaml")
    return home


@pytest.fixture
def dagster_home(_session_dagster_home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``DAGSTER_HOME`` set for a test that runs the pipeline itself, so no run reaches the
    project's instance."""
    monkeypatch.setenv("DAGSTER_HOME", str(_session_dagster_home))
    return _session_dagster_home


@pytest.fixture(scope="session")
def sample_run(
    tmp_path_factory: pytest.TempPathFactory, _session_dagster_home: Path
) -> Iterator[PipelineRun]:
    """The whole pipeline on the bundled sample, run once per session and shared: read only.

    The session fails at teardown if a test changed the warehouse or a report, because every
    later test would then read that test's leftovers.
    """
    from pipelines.cli import main

    root = tmp_path_factory.mktemp("sample_run")
    run = PipelineRun(warehouse=root / "warehouse.duckdb", out=root / "out")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DAGSTER_HOME", str(_session_dagster_home))
        status = main(["run", "--warehouse", str(run.warehouse), "--out", str(run.out)])
    if status != 0:
        pytest.fail(f"the pipeline run on the bundled sample exited with status {status}")
    before = _digest(run)
    yield run
    if _digest(run) != before:
        pytest.fail("a test changed the shared sample_run; such a test must use sample_run_copy")


@pytest.fixture
def sample_run_copy(sample_run: PipelineRun, tmp_path: Path, dagster_home: Path) -> PipelineRun:
    """A private copy of ``sample_run`` that a test may change (``DAGSTER_HOME`` set too)."""
    copy = PipelineRun(warehouse=tmp_path / "warehouse.duckdb", out=tmp_path / "out")
    shutil.copy(sample_run.warehouse, copy.warehouse)
    shutil.copytree(sample_run.out, copy.out)
    return copy
