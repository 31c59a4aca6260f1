"""Every corpus case through ``innovation-monitor run`` over the warehouse of a clean run.

A refused case must leave every warehouse table and every report exactly as they were; a loaded
case quarantines the cell with its kind and reason and loads the rest.
"""

from pathlib import Path

import duckdb
import pytest

from pipelines.cli import main
from tests.corpus.cases import CASES, REFUSED, Case
from tests.corpus.conftest import snapshot
from tests.pipeline_run import HTML_ONLY, PipelineRun

pytestmark = pytest.mark.slow


def _run(data: Path, run: PipelineRun, *extra: str) -> int:
    args = ["run", "--data-dir", str(data), "--warehouse", str(run.warehouse)]
    return main([*args, "--out", str(run.out), *HTML_ONLY, *extra])


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_run_gives_the_documented_result(
    case: Case, case_dirs: tuple[Path, PipelineRun], capsys: pytest.CaptureFixture[str]
) -> None:
    data, run = case_dirs
    before = snapshot(run)
    case.edit(data)
    status = _run(data, run)
    captured = capsys.readouterr()
    output = captured.out + captured.err
    assert "Traceback" not in output
    for text in case.says:
        assert text in output, f"{text!r} not in:\n{output[-3000:]}"
    if case.outcome == REFUSED:
        assert status != 0, output[-3000:]
        assert snapshot(run) == before, "a refused run changed the warehouse or the reports"
        return
    assert status == 0, output[-3000:]
    with duckdb.connect(str(run.warehouse), read_only=True) as con:
        loaded = con.execute("SELECT count(*) FROM statistics").fetchone()[0]
        if case.quarantined is not None:
            kind, reason = case.quarantined
            hits = con.execute(
                "SELECT count(*) FROM quarantine WHERE kind = ? AND contains(reason, ?)",
                [kind, reason],
            ).fetchone()[0]
            assert hits >= 1, f"no {kind} quarantine row with {reason!r}"
    assert loaded >= len(before["statistics"]) - 1  # type: ignore[arg-type]


def test_run_writes_only_the_formats_asked_for(corpus_run: PipelineRun) -> None:
    """The base run asked for ``--format html``: HTML and the ranking CSV, no PDF, no report
    workbook (the county evaluation's table is written in every run, as CSV and Excel)."""
    files = [p for p in corpus_run.out.rglob("*") if p.is_file()]
    assert {".html", ".csv"} <= {p.suffix for p in files}
    assert not [p for p in files if p.suffix == ".pdf" or p.name.endswith("_report.xlsx")]
