"""``innovation-monitor validate`` on a folder: the pipeline's checks, each quarantined cell
listed once under its kind, a short output and the verdict a run would reach."""

import re
import shutil
from pathlib import Path

import pytest

from innovation_monitor import paths
from innovation_monitor.ingest.readers import decode
from innovation_monitor.validation.data_dir import validate_data_dir

SAMPLE_DIR = paths.PROJECT_ROOT / "data" / "sample"


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """A copy of the shipped sample to mutate."""
    return Path(shutil.copytree(SAMPLE_DIR, tmp_path / "sample"))


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace text in a data file, keeping its encoding."""
    text, encoding = decode(path.read_bytes(), label=str(path))
    assert old in text
    codec = "gb18030" if encoding == "gb18030" else "utf-8"
    path.write_bytes(text.replace(old, new, count).encode(codec))


def test_the_shipped_sample_passes_listing_each_declared_gap_once() -> None:
    check = validate_data_dir(SAMPLE_DIR)
    assert check.success and check.coverage is None
    text = check.summary()
    assert "通过 / PASSED: 0 problem cells, 4 declared gaps" in text
    gaps = [line for line in text.splitlines() if line.startswith("  标明缺失 / declared gap: ")]
    assert len(gaps) == 4 and len(set(gaps)) == 4
    first = "2016 371500 聊城市 raw='…' (city/2016.csv row 18 column 科技型中小企业数(家))"
    assert gaps[0] == f"  标明缺失 / declared gap: {first} — not available ('…')"
    assert "4 warnings" in text and "complete[tech_smes]@2016" in text
    assert text.count("city/2016.csv row 18") == 1  # listed, not repeated as a check example


def test_a_problem_cell_fails_and_is_listed_once_under_problems(sample: Path) -> None:
    path = sample / "county" / "2018.csv"
    text, _ = decode(path.read_bytes(), label=str(path))
    row = next(line for line in text.splitlines() if line.startswith("370102,"))
    cells = row.split(",")
    edit(path, row, ",".join([*cells[:3], "约85", *cells[4:]]))
    check = validate_data_dir(sample)
    assert not check.success
    summary = check.summary()
    problems = [line for line in summary.splitlines() if "约85" in line]
    assert len(problems) == 1
    assert problems[0].startswith("  问题单元格 / problem: 2018 370102 ")
    assert "(county/2018.csv row " in problems[0] and " column 年末常住人口" in problems[0]
    assert "未通过 / FAILED: 1 problem cells, 4 declared gaps" in summary
    assert not check.reports["county"].check("quarantine_problems", 2018).success


def test_many_problem_cells_give_a_short_output(sample: Path) -> None:
    """A unit slip over a whole column (亿元 over values in 万元): capped, still named."""
    edit(sample / "city" / "2021.csv", "地区生产总值(万元)", "地区生产总值(亿元)")
    check = validate_data_dir(sample)
    assert not check.success
    summary = check.summary(limit=5)
    listed = [line for line in summary.splitlines() if line.startswith("  问题单元格 / problem:")]
    assert len(listed) == 5 and all("column 地区生产总值(亿元))" in line for line in listed)
    assert re.search(r"and 11 more \(问题单元格 / problem\)", summary)
    assert len(summary.splitlines()) < 60


def test_a_year_with_far_too_few_values_fails_naming_its_file(sample: Path) -> None:
    path = sample / "county" / "2020.csv"
    text, _ = decode(path.read_bytes(), label=str(path))
    header = next(line for line in text.splitlines() if line.startswith("地区代码,"))
    edit(path, text, text[: text.index(header) + len(header)] + "\n")
    check = validate_data_dir(sample)
    assert not check.success and check.coverage is not None
    assert "county/2020.csv" in check.coverage
    assert check.summary().splitlines()[1].startswith("✗ 数据覆盖不足")


def test_a_column_missing_from_a_whole_table_fails_as_the_run_would(sample: Path) -> None:
    """Every city lacks S&T spending in 2020: a completeness warning for the statistics, but
    the indicator built on it is missing for every city, which stops a run."""
    path = sample / "city" / "2020.csv"
    text, _ = decode(path.read_bytes(), label=str(path))
    rows = text.splitlines()
    header = next(row for row in rows if row.startswith("地区代码,")).split(",")
    column = next(i for i, name in enumerate(header) if name.startswith("科学技术支出"))
    kept = [
        ",".join(f for i, f in enumerate(row.split(",")) if i != column)
        if len(row.split(",")) == len(header)
        else row
        for row in rows
    ]
    edit(path, text, "\n".join(kept) + "\n")
    check = validate_data_dir(sample)
    assert not check.success
    assert check.reports["city"].success  # the statistics alone only warn
    assert "complete[fiscal_st_expenditure]@2020" in {c.key for c in check.reports["city"].failures}
    failing = {c.key for c in check.indicators["city"].failures}
    assert failing == {"missing_share[fiscal_st_share]@2020"}
    assert "missing_share[fiscal_st_share]@2020" in check.summary()
