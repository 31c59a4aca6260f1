"""A failed run changes nothing: a crash late in the run or a killed process leaves every table
and every report as before, and the next run starts clean."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from innovation_monitor import stages
from innovation_monitor.paths import PROJECT_ROOT
from innovation_monitor.staging import staging_dir
from pipelines.cli import main
from tests.corpus import editing
from tests.corpus.cases import CITY
from tests.corpus.conftest import snapshot
from tests.pipeline_run import HTML_ONLY, PipelineRun

pytestmark = pytest.mark.slow


def _args(data: Path, run: PipelineRun) -> list[str]:
    return [
        "run",
        "--data-dir",
        str(data),
        "--warehouse",
        str(run.warehouse),
        "--out",
        str(run.out),
        *HTML_ONLY,
    ]


def _revise(data: Path) -> None:
    """A valid revision of one figure: a successful run would change the warehouse."""
    value = float(editing.get_cell(data / CITY, "370200", "科学技术支出"))
    editing.set_cell(data / CITY, "370200", "科学技术支出", f"{value * 1.05:.0f}")


def test_a_crash_after_scoring_changes_nothing(
    case_dirs: tuple[Path, PipelineRun],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    data, run = case_dirs
    before = snapshot(run)
    _revise(data)

    def crash(*args: object, **kwargs: object) -> list[Path]:
        raise OSError("No space left on device")

    monkeypatch.setattr(stages, "write_level_reports", crash)
    assert main(_args(data, run)) != 0
    output = capsys.readouterr().err
    assert "No space left on device" in output and "Traceback" not in output
    assert snapshot(run) == before
    monkeypatch.undo()
    assert main(_args(data, run)) == 0
    assert snapshot(run) != before


def test_a_killed_run_changes_nothing_and_the_next_run_cleans_up(
    case_dirs: tuple[Path, PipelineRun], dagster_home: Path
) -> None:
    data, run = case_dirs
    before = snapshot(run)
    _revise(data)
    process = subprocess.Popen(
        [sys.executable, "-m", "pipelines.cli", *_args(data, run)],
        cwd=PROJECT_ROOT,
        env={**os.environ, "DAGSTER_HOME": str(dagster_home)},
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    for line in process.stderr:  # kill once the new statistics are in the staged copy
        if line.startswith("▶ city_scores"):
            process.send_signal(signal.SIGKILL)
            break
    process.wait(timeout=120)
    assert process.returncode == -signal.SIGKILL
    assert snapshot(run) == before
    assert any(staging_dir(run.warehouse).glob("*.duckdb"))  # the killed run's copy

    assert main(_args(data, run)) == 0
    assert not any(staging_dir(run.warehouse).glob("*.duckdb"))
    assert not staging_dir(run.out).exists()
