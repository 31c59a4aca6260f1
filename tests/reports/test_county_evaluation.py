"""The county results for the comprehensive county evaluation (县域科学发展综合评价): a stable
table per year, CSV and Excel, header in row 1, ranks within each type (市辖区 / 县级市 / 县) and
in the province, the notice apart; a text that looks like a formula stays text."""

import time
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from innovation_monitor.reports.county_evaluation import HEADER, as_text, write_county_evaluation
from tests.pipeline_run import PipelineRun


@pytest.mark.slow
def test_every_year_has_the_table_with_ranks_by_type_and_in_the_province(
    sample_run: PipelineRun,
) -> None:
    for year in range(2016, 2024):
        folder = sample_run.out / str(year)
        table = pd.read_csv(folder / "county_evaluation.csv", dtype={"区划代码 code": str})
        assert list(table.columns) == HEADER
        assert len(table) == table["全省单位数 units_in_province"].iloc[0]
        assert set(table["类型 type"]) == {"市辖区", "县级市", "县"}
        for _, units in table.groupby("类型 type"):
            ranks = units["类型内排名 rank_in_type"].dropna().astype(int).tolist()
            assert ranks == sorted(ranks) and ranks[0] == 1
            assert units["类型内单位数 units_of_type"].iloc[0] == len(ranks)
        assert table["全省排名 rank_in_province"].is_monotonic_increasing
        book = load_workbook(folder / "county_evaluation.xlsx", read_only=True)
        first, notice = book.worksheets
        assert [c.value for c in next(first.iter_rows(max_row=1))] == HEADER
        assert "合成样例数据" in str(next(notice.iter_rows(max_row=1))[0].value)
        assert "SYNTHETIC" in (folder / "county_evaluation.notice.txt").read_text("utf-8")


def test_a_cell_that_looks_like_a_formula_is_written_as_text(tmp_path: Path) -> None:
    row: list[object] = ["370102", "=HYPERLINK(1)", "-x", "+y", "@z", 1.5, 1, 1, 1, 1, "第一梯队"]
    assert as_text("=1+1") == "'=1+1" and as_text(1.5) == 1.5
    csv_path, xlsx_path, _ = write_county_evaluation([row], tmp_path, ["notice"])
    assert "'=HYPERLINK(1)" in csv_path.read_text("utf-8-sig")
    sheet = load_workbook(xlsx_path).worksheets[0]
    assert sheet["B2"].value == "'=HYPERLINK(1)" and sheet["B2"].data_type == "s"
    assert sheet["F2"].value == 1.5


def test_the_same_rows_give_the_same_bytes(tmp_path: Path) -> None:
    """A rerun of a published edition must reproduce its files: no time stamp inside."""
    row: list[object] = ["370102", "历下区", "Lixia", "济南市", "市辖区", 80.5, 1, 58, 4, 136, "x"]
    first = write_county_evaluation([row], tmp_path / "a", ["notice"])
    time.sleep(2.1)  # past a zip time stamp's two seconds and the workbook's one
    second = write_county_evaluation([row], tmp_path / "b", ["notice"])
    for one, other in zip(first, second, strict=True):
        assert one.read_bytes() == other.read_bytes(), one.name
