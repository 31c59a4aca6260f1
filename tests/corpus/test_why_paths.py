"""The three ways issue #8 found to publish wrong figures with exit status 0, on the full sample.

Each bad run must exit non-zero and change nothing (the bad year's reports included); with the
documented override the run goes through and the report says which cells were left out.
"""

import shutil
from pathlib import Path

import duckdb
import pytest

from innovation_monitor.paths import SAMPLE_DIR
from pipelines.cli import main
from tests.corpus import editing
from tests.corpus.conftest import cut_sample, snapshot
from tests.pipeline_run import PipelineRun

pytestmark = pytest.mark.slow


def _run(data: Path, run: PipelineRun, *extra: str) -> int:
    args = ["run", "--data-dir", str(data), "--warehouse", str(run.warehouse)]
    return main([*args, "--out", str(run.out), *extra])


def _sample(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(SAMPLE_DIR, data)
    return data


def _gdp_slip(data: Path) -> str:
    editing.rename_header(data / "city/2021.csv", "地区生产总值", "地区生产总值(亿元)")
    return "city/2021.csv"


def _approximate_population(data: Path) -> str:
    editing.set_cell(data / "county/2021.csv", "370102", "常住人口", "约85")
    return "county/2021.csv"


@pytest.mark.parametrize("slip", [_gdp_slip, _approximate_population], ids=lambda f: f.__name__)
def test_a_quarantined_cell_stops_the_run_and_the_override_names_it(
    slip, sample_run_copy: PipelineRun, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _sample(tmp_path)
    file = slip(data)
    before = snapshot(sample_run_copy)
    assert _run(data, sample_run_copy) != 0
    output = capsys.readouterr().err
    assert file in output and "row" in output and "Traceback" not in output
    assert snapshot(sample_run_copy) == before  # 2021 reports included: nothing published

    assert _run(data, sample_run_copy, "--accept-quarantine") == 0
    level = file.split("/")[0]
    report = (sample_run_copy.out / "2021" / f"{level}_report.zh.html").read_text("utf-8")
    assert file in report  # the excluded cells are listed with their file
    assert "--accept-quarantine" in report or "确认接受" in report


def test_own_data_after_the_sample_leaves_no_sample_year_behind(
    sample_run_copy: PipelineRun, tmp_path: Path
) -> None:
    own = cut_sample(tmp_path / "own", years=(2022, 2023))
    assert _run(own, sample_run_copy) == 0
    fresh = PipelineRun(warehouse=tmp_path / "fresh.duckdb", out=tmp_path / "fresh_out")
    assert _run(own, fresh) == 0
    tables = ("statistics", "indicator_values", "scores", "rankings", "imputations")
    with duckdb.connect(str(sample_run_copy.warehouse), read_only=True) as con:
        years = {t: con.sql(f"SELECT DISTINCT year FROM {t} ORDER BY 1").fetchall() for t in tables}
        scores = con.sql("SELECT * FROM scores ORDER BY ALL").fetchall()
    assert all(set(rows) <= {(2022,), (2023,)} for rows in years.values()), years
    assert years["statistics"] == years["scores"] == [(2022,), (2023,)]
    with duckdb.connect(str(fresh.warehouse), read_only=True) as con:
        assert scores == con.sql("SELECT * FROM scores ORDER BY ALL").fetchall()
    assert sorted(p.name for p in sample_run_copy.out.iterdir() if p.is_dir()) == ["2022", "2023"]
