"""The command line: clear one-line errors with a non-zero exit, never a traceback."""

import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.cli import EXIT_USER_ERROR, main


def test_bad_years_is_one_clear_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, dagster_home: Path
) -> None:
    status = main(["run", "--years", "2023-2019", "--warehouse", str(tmp_path / "w.duckdb")])
    err = capsys.readouterr().err
    assert status == EXIT_USER_ERROR
    assert "--years" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_years_with_a_data_year_between_them_are_one_clear_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, dagster_home: Path
) -> None:
    """One run loads one range of data-year partitions; 2020 lies between 2019 and 2021."""
    status = main(["run", "--years", "2019,2021", "--warehouse", str(tmp_path / "w.duckdb")])
    err = capsys.readouterr().err
    assert status == EXIT_USER_ERROR and not (tmp_path / "w.duckdb").exists()
    assert "holds 2020 between those asked for" in err and "--years 2019-2021" in err
    assert len(err.strip().splitlines()) == 1


def test_missing_data_dir_is_one_clear_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, dagster_home: Path
) -> None:
    status = main(["run", "--data-dir", str(tmp_path / "nowhere")])
    err = capsys.readouterr().err
    assert status == EXIT_USER_ERROR
    assert "nowhere" in err and "no such folder" in err


def test_an_unknown_report_format_is_one_clear_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, dagster_home: Path
) -> None:
    status = main(["run", "--format", "html,docx", "--warehouse", str(tmp_path / "w.duckdb")])
    err = capsys.readouterr().err
    assert status == EXIT_USER_ERROR and not (tmp_path / "w.duckdb").exists()
    assert "['docx'] unknown" in err and "Traceback" not in err


def test_report_without_warehouse(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status = main(["report", "--warehouse", str(tmp_path / "none.duckdb"), "--out", str(tmp_path)])
    assert status == EXIT_USER_ERROR
    assert "does not exist; run innovation-monitor run" in capsys.readouterr().err


def _score_args(folder: Path) -> list[str]:
    """``score`` over data.csv, meta.csv and build.yaml in ``folder``, writing ``folder/out``."""
    return [
        "score",
        *("--data", str(folder / "data.csv"), "--meta", str(folder / "meta.csv")),
        *("--build", str(folder / "build.yaml"), "--out", str(folder / "out")),
    ]


def test_score_with_a_cycle_names_it(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "data.csv").write_text("uCode,a,b\nX,1,2\nY,3,4\n")
    (tmp_path / "meta.csv").write_text(
        "Level,iCode,iName,Direction,Weight,Parent,Type\n"
        "1,a,A,1,1,P,Indicator\n1,b,B,1,1,Q,Indicator\n"
        "2,P,P,1,1,Q,Aggregate\n2,Q,Q,1,1,P,Aggregate\n"
    )
    (tmp_path / "build.yaml").write_text(
        "steps:\n  - normalise: {method: minmax, range: [0, 100]}\n"
    )
    status = main(_score_args(tmp_path))
    err = capsys.readouterr().err
    assert status == EXIT_USER_ERROR
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_score_writes_steps_and_results(tmp_path: Path) -> None:
    (tmp_path / "data.csv").write_text("uCode,a,b\nX,1,2\nY,3,4\nZ,2,9\n")
    (tmp_path / "meta.csv").write_text(
        "Level,iCode,iName,Direction,Weight,Parent,Type\n"
        "1,a,A,1,1,Index,Indicator\n1,b,B,-1,1,Index,Indicator\n2,Index,Index,1,1,,Aggregate\n"
    )
    (tmp_path / "build.yaml").write_text(
        "steps:\n  - normalise: {method: minmax, range: [0, 100]}\n"
        "  - aggregate: {method: arithmetic}\n"
    )
    out = tmp_path / "out"
    assert main(_score_args(tmp_path)) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "aggregate.csv",
        "normalise.csv",
        "results.csv",
    ]
    results = (out / "results.csv").read_text().splitlines()
    # a: X 0, Y 100, Z 50; b (direction -1): X 100, Y 71.43, Z 0 → Y first, then X, then Z
    assert [line.split(",")[0] for line in results[1:]] == ["Y", "X", "Z"]


def test_validate_passes_the_sample_with_its_declared_gaps(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["validate"]) == 0
    out = capsys.readouterr().out
    assert "PASSED: 0 problem cells, 4 declared gaps" in out
    assert "declared gap: 2016 371500 聊城市 raw='…' (city/2016.csv row 18" in out


def test_validate_fails_on_unusable_cells_and_names_them(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "city").mkdir()
    (tmp_path / "city" / "2023.csv").write_text(
        "地区代码,地区,地区生产总值(亿元),常住人口(万人),外星人口(万人)\n"
        "370100,济南市,12757.4,943.7,1\n"
        "379900,不存在市,100,10,1\n",
        encoding="utf-8",
    )
    assert main(["validate", "--data-dir", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "FAILED" in out
    assert "city/2023.csv row 3" in out  # the unknown region, by file and row
    assert "column 外星人口(万人)" in out  # the unknown column, by header


ON_DEMAND = ("pandas", "pyarrow", "sklearn", "scipy", "great_expectations", "openpyxl", "typst",
             "xlsxwriter", "matplotlib", "SALib", "dask")  # fmt: skip
"""Packages the run loads in the steps that use them, not when it starts (pandas alone took
0.5 s of the run's 2 s of imports)."""


def test_the_run_starts_without_the_packages_its_steps_load() -> None:
    probe = (
        "import sys, pipelines.runner\n"
        f"print(','.join(m for m in {ON_DEMAND!r} if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""
