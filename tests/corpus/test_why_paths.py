"""The three ways issue #8 found to publish wrong figures with exit status 0, on the sample's
files of 2020–2021 over the warehouse a clean run made of them (the corpus base: the same
files, cells and headers as the full sample, a quarter of the run time).

Each bad run must exit non-zero and change nothing (the bad year's reports included); with the
documented override the run goes through and the report says which cells were left out.
"""

from pathlib import Path

import duckdb
import pytest

from pipelines.cli import main
from tests.corpus import editing
from tests.corpus.conftest import cut_sample, snapshot
from tests.pipeline_run import HTML_ONLY, PipelineRun

pytestmark = pytest.mark.slow


def _run(data: Path, run: PipelineRun, *extra: str) -> int:
    args = ["run", "--data-dir", str(data), "--warehouse", str(run.warehouse)]
    return main([*args, "--out", str(run.out), *HTML_ONLY, *extra])


def _gdp_slip(data: Path) -> str:
    editing.rename_header(data / "city/2021.csv", "地区生产总值", "地区生产总值(亿元)")
    return "city/2021.csv"


def _approximate_population(data: Path) -> str:
    editing.set_cell(data / "county/2021.csv", "370102", "常住人口", "约85")
    return "county/2021.csv"


@pytest.mark.parametrize("slip", [_gdp_slip, _approximate_population], ids=lambda f: f.__name__)
def test_a_quarantined_cell_stops_the_run_and_the_override_names_it(
    slip, case_dirs: tuple[Path, PipelineRun], capsys: pytest.CaptureFixture[str]
) -> None:
    data, run = case_dirs
    file = slip(data)
    before = snapshot(run)
    assert _run(data, run) != 0
    output = capsys.readouterr().err
    assert file in output and "row" in output and "Traceback" not in output
    assert snapshot(run) == before  # 2021 reports included: nothing published

    assert _run(data, run, "--accept-quarantine") == 0
    level = file.split("/")[0]
    report = (run.out / "2021" / f"{level}_report.zh.html").read_text("utf-8")
    assert file in report  # the excluded cells are listed with their file
    assert "--accept-quarantine" in report or "确认接受" in report


def test_own_data_after_the_sample_leaves_no_sample_year_behind(
    case_dirs: tuple[Path, PipelineRun], tmp_path: Path
) -> None:
    _, previous = case_dirs
    own = cut_sample(tmp_path / "own", years=(2022, 2023))
    assert _run(own, previous) == 0
    fresh = PipelineRun(warehouse=tmp_path / "fresh.duckdb", out=tmp_path / "fresh_out")
    assert _run(own, fresh) == 0
    tables = ("statistics", "indicator_values", "scores", "rankings", "imputations")
    with duckdb.connect(str(previous.warehouse), read_only=True) as con:
        years = {t: con.sql(f"SELECT DISTINCT year FROM {t} ORDER BY 1").fetchall() for t in tables}
        scores = con.sql("SELECT * FROM scores ORDER BY ALL").fetchall()
    assert all(set(rows) <= {(2022,), (2023,)} for rows in years.values()), years
    assert years["statistics"] == years["scores"] == [(2022,), (2023,)]
    with duckdb.connect(str(fresh.warehouse), read_only=True) as con:
        assert scores == con.sql("SELECT * FROM scores ORDER BY ALL").fetchall()
    assert sorted(p.name for p in previous.out.iterdir() if p.is_dir()) == ["2022", "2023"]
