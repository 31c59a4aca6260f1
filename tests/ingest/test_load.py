"""Yearbook mess, one kind per test: each tiny file is converted or quarantined as documented.

Every quarantine row must say where the cell is (file, row, column) and why it was kept out.
The files name the variables of the toy framework (``tests/toy_framework.py``): 变量X (万元 or
亿元), 变量Y (万人 or 人), the counts 变量Z (件, cities only) and 计数N (个 = 家).
"""

import tempfile
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from innovation_monitor.errors import IngestError
from innovation_monitor.ingest import IngestResult, ingest_directory, ingest_file, read_manifest
from innovation_monitor.ingest.result import (
    QUARANTINE_KINDS,
    QUARANTINE_SCHEMA,
    SOURCES_SCHEMA,
    STATISTICS_SCHEMA,
)


@pytest.fixture
def ingest(tmp_path: Path, toy_system, registry):
    def run(relative: str, **overrides: object) -> IngestResult:
        return ingest_file(
            tmp_path / relative, toy_system, registry, data_dir=tmp_path, **overrides
        )

    return run


def value(result: IngestResult, region: str, variable: str, year: int | None = None) -> float:
    rows = result.statistics.filter(
        (pl.col("region_code") == region) & (pl.col("variable") == variable)
    )
    if year is not None:
        rows = rows.filter(pl.col("year") == year)
    assert rows.height == 1, rows
    return rows["value"].item()


def quarantined(result: IngestResult, reason_part: str) -> list[dict]:
    return result.quarantine.filter(
        pl.col("reason").str.contains(reason_part, literal=True)
    ).to_dicts()


def test_result_frames_have_the_warehouse_columns(write_csv, ingest) -> None:
    write_csv("city/2020.csv", ["地区,变量X(亿元)", "济南市,12"])
    result = ingest("city/2020.csv")
    assert dict(result.statistics.schema) == STATISTICS_SCHEMA
    assert dict(result.quarantine.schema) == QUARANTINE_SCHEMA
    assert dict(result.sources.schema) == SOURCES_SCHEMA
    assert result.slices == {(2020, "city")}
    assert (result.years, result.levels) == ([2020], ["city"])
    row = result.statistics.to_dicts()[0]
    assert row == {
        "year": 2020,
        "level": "city",
        "region_code": "370100",
        "variable": "x",
        "value": 120_000.0,
        "unit": "万元",
        "source_file": "city/2020.csv",
        "source_sheet": None,
        "source_row": 2,
        "source_column": "变量X(亿元)",
        "raw_value": "12",
    }


@pytest.mark.parametrize(
    ("encoding", "named"), [("gbk", "gb18030"), ("gb18030", "gb18030"), ("utf-8-sig", "utf-8-sig")]
)
def test_gbk_and_utf8_bom_files_are_decoded_and_the_encoding_recorded(
    write_csv, ingest, encoding: str, named: str
) -> None:
    write_csv("city/2020.csv", ["地区,变量X(亿元)", "济南市,12"], encoding=encoding)
    result = ingest("city/2020.csv")
    assert value(result, "370100", "x") == 120_000.0
    assert result.sources["format"].to_list() == [f"wide/csv/{named}"]


def test_units_from_header_brackets_unit_rows_and_title_rows(write_csv, ingest) -> None:
    write_csv("city/2020.csv", ["地区,变量X（亿元）", "济南市,12"])
    write_csv("city/2021.csv", ["地区,变量X(万元)", "济南市,120000"])
    write_csv("city/2022.csv", ["地区,变量X", ",亿元", "济南市,12"])
    write_csv("city/2023.csv", ["单位：亿元", "地区,变量X", "济南市,12"])
    write_csv("city/2024.csv", ["单位：万元", "地区,变量X(亿元)", "济南市,12"])
    for year in range(2020, 2025):
        assert value(ingest(f"city/{year}.csv"), "370100", "x") == 120_000.0


def test_a_value_whose_unit_is_stated_nowhere_is_quarantined(write_csv, ingest) -> None:
    write_csv(
        "city/2020.csv",
        [
            "地区,变量X,X的总量(合计),计数N,变量Z",
            "济南市,3.2,12,5,7",
        ],
    )
    result = ingest("city/2020.csv")
    assert result.statistics["variable"].to_list() == ["n", "z"]  # 个 = 家; 件 only
    rows = quarantined(result, "no unit stated")
    assert [(r["source_file"], r["source_row"], r["source_column"]) for r in rows] == [
        ("city/2020.csv", 2, "变量X"),
        ("city/2020.csv", 2, "X的总量(合计)"),  # an alias's bracket is no unit
    ]
    assert rows[0]["reason"] == (
        "no unit stated (accepted: 万元, 亿元; x needs one in the header "
        "bracket, a unit row, a 单位： title row or the unit column)"
    )
    write_csv("long/panel.csv", ["region_code,year,variable,value", "370100,2020,x,3.2"])
    [row] = ingest("long/panel.csv").quarantine.to_dicts()
    assert row["reason"].startswith("no unit stated (accepted: 万元, 亿元; ")


def test_a_unit_in_the_header_must_agree_with_the_unit_stated_apart(write_csv, ingest) -> None:
    write_csv(
        "long/panel.csv",
        [
            "region_code,year,variable,value,unit",
            "370100,2020,变量X(亿元),12,亿元",
            "370200,2020,变量X(万元),12,亿元",
            "370300,2020,变量X(亿元),12,",
            "370400,2020,计数N(个),5,家",  # another name, the same unit
            "370500,2020,变量X(亿元),12, ",  # a blank unit cell states nothing
        ],
    )
    result = ingest("long/panel.csv")
    assert result.statistics.select("region_code", "value").rows() == [
        ("370100", 120_000.0),
        ("370300", 120_000.0),
        ("370400", 5.0),
        ("370500", 120_000.0),
    ]
    [row] = result.quarantine.to_dicts()
    assert (row["source_row"], row["variable_text"]) == (3, "变量X(万元)")
    assert row["reason"] == (
        "conflicting units ('变量X(万元)' states '万元' but the unit column states '亿元'; "
        "state one unit)"
    )
    write_csv("city/2020.csv", ["地区,变量X(亿元)", ",(万元)", "济南市,12"])
    [row] = ingest("city/2020.csv").quarantine.to_dicts()
    assert row["reason"] == (
        "conflicting units ('变量X(亿元)' states '亿元' but the unit row (row 2) states "
        "'万元'; state one unit)"
    )


def test_an_unknown_unit_is_quarantined_naming_the_unit(write_csv, ingest) -> None:
    write_csv("city/2020.csv", ["地区,变量X(美元)", "济南市,12"])
    result = ingest("city/2020.csv")
    assert result.statistics.is_empty()
    [row] = quarantined(result, "unknown unit")
    assert row["reason"] == "unknown unit ('美元' for x; accepted: 万元, 亿元)"
    assert (row["source_file"], row["source_row"], row["source_column"]) == (
        "city/2020.csv",
        2,
        "变量X(美元)",
    )


def test_a_value_in_the_wrong_unit_falls_outside_the_plausible_range(write_csv, ingest) -> None:
    write_csv("city/2020.csv", ["地区,变量X(万元)", "济南市,12"])  # meant 亿元
    [row] = quarantined(ingest("city/2020.csv"), "outside the plausible range")
    assert row["raw_value"] == "12"
    assert row["reason"] == "outside the plausible range [100, 1e+06] 万元 (12 for x)"


@pytest.mark.parametrize("placeholder", ["…", "...", "—", "--", "-", "－", "/", "NA", ""])
def test_placeholders_are_quarantined_as_not_available(write_csv, ingest, placeholder) -> None:
    write_csv("city/2020.csv", ["地区,变量X(亿元),计数N", f"济南市,{placeholder},5"])
    result = ingest("city/2020.csv")
    assert result.statistics["variable"].to_list() == ["n"]
    [row] = result.quarantine.to_dicts()
    assert row["reason"].startswith("not available (")
    assert (row["source_row"], row["source_column"]) == (2, "变量X(亿元)")
    assert row["raw_value"] == (placeholder or None)


def test_full_width_digits_and_thousand_separators(write_csv, ingest) -> None:
    write_csv(
        "city/2020.csv",
        [
            "地区,变量X(万元),计数N,变量Y(人)",
            '济南市,"１２，０００.５",1，234,"1,234,567"',
        ],
    )
    result = ingest("city/2020.csv")
    assert value(result, "370100", "x") == 12_000.5
    assert value(result, "370100", "n") == 1234.0
    assert value(result, "370100", "y") == 123.4567  # 人 → 万人, exactly
    assert result.quarantine.is_empty()


def test_text_that_is_no_number_is_quarantined(write_csv, ingest) -> None:
    write_csv("city/2020.csv", ["地区,计数N", "济南市,约1200"])
    [row] = quarantined(ingest("city/2020.csv"), "not a number")
    assert row["raw_value"] == "约1200"


def test_an_unknown_region_is_quarantined_with_its_text(write_csv, ingest) -> None:
    write_csv("city/2020.csv", ["地区,计数N", "济南市,5", "火星市,7"])
    result = ingest("city/2020.csv")
    assert result.statistics["region_code"].to_list() == ["370100"]
    [row] = quarantined(result, "unknown region")
    assert (row["region_text"], row["raw_value"], row["source_row"]) == ("火星市", "7", 3)
    assert row["source_column"] == "计数N"


def test_laiwu_is_a_city_in_2017_and_quarantined_after_its_merger(write_csv, ingest) -> None:
    for year in (2017, 2019):
        write_csv(f"city/{year}.csv", ["地区,计数N", "莱芜市,5"])
    assert value(ingest("city/2017.csv"), "371200", "n") == 5.0
    merged = ingest("city/2019.csv")
    assert merged.statistics.is_empty()
    [row] = merged.quarantine.to_dicts()
    assert row["reason"].startswith("region not valid in 2019 ('莱芜市' is not a city-level unit")
    assert "succeeded by 370100 济南市" in row["reason"]
    assert (row["year"], row["level"], row["region_text"]) == (2019, "city", "莱芜市")


def test_an_old_county_name_maps_to_its_successor_as_the_registry_says(write_csv, ingest) -> None:
    write_csv("county/2020.csv", ["县（市、区）,计数N", "即墨市,5", "莱城区,6"])
    result = ingest("county/2020.csv")
    assert value(result, "370215", "n") == 5.0  # 即墨区
    assert value(result, "370116", "n") == 6.0  # 济南市莱芜区


def test_conflicting_duplicates_are_all_quarantined(write_csv, ingest) -> None:
    write_csv("city/2020.csv", ["地区,计数N", "济南市,5", "青岛市,9", "济南,6"])
    result = ingest("city/2020.csv")
    assert result.statistics["region_code"].to_list() == ["370200"]
    rows = quarantined(result, "duplicate (2 conflicting values for 370100")
    assert [r["source_row"] for r in rows] == [2, 4]
    assert "city/2020.csv row 2 column '计数N'" in rows[0]["reason"]
    assert "none kept" in rows[0]["reason"]


def test_identical_duplicates_keep_the_first_copy(write_csv, ingest) -> None:
    write_csv("city/2020.csv", ["地区,计数N", "济南市,5", "济南,5.0"])
    result = ingest("city/2020.csv")
    assert result.statistics["source_row"].to_list() == [2]
    [row] = quarantined(result, "duplicate (identical to city/2020.csv row 2")
    assert row["source_row"] == 3 and "that copy is kept" in row["reason"]


def test_negative_counts_are_quarantined(write_csv, ingest) -> None:
    write_csv("city/2020.csv", ["地区,计数N", "济南市,-5"])
    [row] = quarantined(ingest("city/2020.csv"), "negative count")
    assert (row["source_row"], row["source_column"], row["raw_value"]) == (2, "计数N", "-5")


def test_title_and_footnote_rows_are_not_data(write_csv, ingest) -> None:
    write_csv(
        "city/2020.csv",
        [
            "表2-3 2020年各市科技活动情况",
            "",
            "地区,计数N,变量Z",
            "济南市,5,6",
            "青岛市,7,8",
            "注：变量Z为年末数。,,",
            "1. 本表数据为快报数。",
            "资料来源：山东省科学技术厅,,",
        ],
    )
    result = ingest("city/2020.csv")
    assert result.quarantine.is_empty()
    assert result.statistics["source_row"].to_list() == [4, 4, 5, 5]
    assert value(result, "370200", "z") == 8.0


def test_unknown_columns_are_quarantined_cell_by_cell(write_csv, ingest) -> None:
    write_csv(
        "city/2020.csv",
        ["地区,计数N,备注,,", "济南市,5,快报,x,", "青岛市,7,,,"],
    )
    result = ingest("city/2020.csv")
    assert result.statistics.height == 2
    rows = quarantined(result, "unknown column")
    assert [(r["source_row"], r["source_column"], r["raw_value"]) for r in rows] == [
        (2, "备注", "快报"),
        (2, "column D", "x"),
        (3, "备注", None),
        (3, "column D", None),
    ]
    assert rows[0]["reason"].startswith("unknown column ('备注' is no variable")
    assert rows[1]["reason"] == "unknown column (no header)"


def test_every_value_cell_ends_up_in_statistics_or_quarantine(write_csv, ingest) -> None:
    write_csv(
        "city/2020.csv",
        [
            "地区,变量X(亿元),计数N,备注",
            "全省,730,500,",
            "济南市,12,…,",
            "火星市,1,2,3",
            "青岛,-1,-5,x",
        ],
    )
    result = ingest("city/2020.csv")
    assert result.statistics.height + result.quarantine.height == 4 * 3


def test_the_provinces_own_row_is_kept_apart_and_a_plain_total_is_quarantined(
    write_csv, ingest
) -> None:
    """A 全省 row of a city table holds the province's own figures (level province, 370000:
    the cities' reference, never a unit); an unusable cell of it is quarantined with the
    cities, where their blocking check sees it; a bare 合计 row may be a subtotal and stays a
    quarantined total row."""
    write_csv(
        "city/2020.csv",
        ["地区,计数N,变量X(亿元)", "全省,500,约9", "合计,499,1", "济南市,5,2"],
    )
    result = ingest("city/2020.csv")
    own = result.statistics.filter(pl.col("level") == "province")
    assert own.select("region_code", "variable", "value").rows() == [("370000", "n", 500.0)]
    [problem] = quarantined(result, "not a number")
    assert (problem["level"], problem["region_text"], problem["raw_value"]) == (
        "city",
        "全省",
        "约9",
    )
    totals = quarantined(result, "total row")
    assert {(r["region_text"], r["raw_value"]) for r in totals} == {("合计", "499"), ("合计", "1")}
    assert result.slices == {(2020, "city")}


def test_a_variable_not_collected_at_the_level_is_quarantined(write_csv, ingest) -> None:
    write_csv("county/2020.csv", ["地区,变量Z", "历下区,5000"])
    [row] = quarantined(ingest("county/2020.csv"), "variable not collected at this level")
    assert row["reason"] == (
        "variable not collected at this level (z is collected for city units, not county)"
    )


def test_a_parent_city_column_settles_ambiguous_county_names(write_csv, ingest) -> None:
    write_csv(
        "county/2020.csv",
        ["城市,县（市、区）,计数N", "枣庄市,市中区,5", "济南市,市中区,6", ",市中区,7"],
    )
    result = ingest("county/2020.csv")
    assert value(result, "370402", "n") == 5.0
    assert value(result, "370103", "n") == 6.0
    [row] = quarantined(result, "ambiguous region ('市中区' may be")
    assert row["source_row"] == 4


def test_xlsx_in_yearbook_layout(write_xlsx, ingest) -> None:
    """Merged title, blank rows, merged two-row header with units, city subtotal rows, notes."""
    write_xlsx(
        "county/2020年县域统计.xlsx",
        {
            "A1": "表5-2  2020年各县（市、区）主要指标",
            "A3": "县（市、区）",
            "B3": "变量X",
            "C3": "计数N",
            "D3": None,
            "B4": "（亿元）",
            "C4": "（个）",
            "A5": "济南市",
            "B5": 12,
            "C5": 900,
            "A6": "　　市中区",
            "B6": 1.5,
            "C6": 120,
            "A7": "枣庄市",
            "B7": 2,
            "C7": 300,
            "A8": "　　市中区",
            "B8": 0.3,
            "C8": "—",
            "A10": "注：市中区分属济南市、枣庄市。",
        },
        merged=("A1:C1", "A3:A4"),
        sheet="表5-2",
    )
    result = ingest("county/2020年县域统计.xlsx")
    assert result.slices == {(2020, "county")}
    jinan = result.statistics.filter(pl.col("region_code") == "370103").sort("variable")
    assert jinan.select("variable", "value", "source_row", "source_column").rows() == [
        ("n", 120.0, 6, "计数N / （个）"),
        ("x", 15_000.0, 6, "变量X / （亿元）"),
    ]
    assert jinan["source_sheet"].to_list() == ["表5-2", "表5-2"]
    assert value(result, "370402", "x") == 3_000.0
    assert [
        r["source_row"] for r in quarantined(result, "city row in a county table (370100 济南市")
    ] == [5, 5]
    [missing] = quarantined(result, "not available")
    assert (missing["source_row"], missing["raw_value"]) == (8, "—")
    assert result.sources["format"].to_list() == ["wide/xlsx"]


def test_every_sheet_of_a_workbook_or_the_one_named(tmp_path: Path, ingest):
    import openpyxl

    workbook = openpyxl.Workbook()
    first = workbook.active
    first.title = "说明"
    first["A1"] = "本工作簿为测试数据"
    second = workbook.create_sheet("数据")
    second.append(["地区", "计数N"])
    second.append(["济南市", 5])
    (tmp_path / "city").mkdir()
    workbook.save(tmp_path / "city" / "2020.xlsx")
    assert value(ingest("city/2020.xlsx"), "370100", "n") == 5.0
    (tmp_path / "dataset.yaml").write_text(
        "files:\n  - {path: city/2020.xlsx, sheet: 说明}\n", encoding="utf-8"
    )
    with pytest.raises(IngestError, match=r"city/2020\.xlsx: no table found"):
        ingest("city/2020.xlsx")


def test_a_long_file(write_csv, ingest) -> None:
    write_csv(
        "long/panel.csv",
        [
            "region_code,year,variable,value,unit,source",
            "370100,2019,变量X,12,亿元,统计年鉴",
            "370100,2020,x,120000,万元,统计年鉴",
            "370102,2020,计数N,5,个,",
            "370102,2020年,变量Y,6,万人,",
            "370100,20x0,x,1,,",
            "370000,2020,x,1,,",
            "370100,2020,foo,1,,",
            "371200,2020,x,1,亿元,",
        ],
    )
    result = ingest("long/panel.csv")
    assert value(result, "370100", "x", 2019) == 120_000.0
    assert value(result, "370100", "x", 2020) == 120_000.0
    assert value(result, "370102", "y") == 6.0
    assert result.slices == {(2019, "city"), (2020, "city"), (2020, "county")}
    by_row = {r["source_row"]: r for r in result.quarantine.to_dicts()}
    assert set(by_row) == {6, 7, 8, 9}
    assert by_row[6]["reason"].startswith("invalid year ('20x0';")
    assert (by_row[6]["year"], by_row[6]["level"]) == (None, None)
    # the province's own row is read as its figures, checked with the cities: x needs a unit
    assert by_row[7]["level"] == "city"
    assert by_row[7]["reason"].startswith("no unit stated")
    assert by_row[8]["reason"].startswith("unknown column ('foo'")
    assert by_row[9]["reason"].startswith(
        "region not valid in 2020 ('371200' is not a unit then: 371200 莱芜市"
    )
    assert all(r["source_column"] == "value" for r in by_row.values())
    assert result.sources.select("year", "level").sort("year", "level").rows() == [
        (2019, "city"),
        (2020, "city"),
        (2020, "county"),
    ]
    assert set(result.sources["format"]) == {"long/csv/utf-8"}


def test_a_long_file_with_chinese_headers_in_xlsx(write_xlsx, ingest) -> None:
    write_xlsx(
        "long/data.xlsx",
        {
            "A1": "地区代码",
            "B1": "年份",
            "C1": "指标",
            "D1": "数值",
            "E1": "单位",
            "A2": "370102",
            "B2": 2020,
            "C2": "变量X",
            "D2": 1.5,
            "E2": "亿元",
        },
    )
    result = ingest("long/data.xlsx")
    assert value(result, "370102", "x") == 15000.0
    assert result.statistics["level"].to_list() == ["county"]


def test_unknown_level_or_year_is_an_ingest_error_naming_the_file(write_csv, ingest) -> None:
    write_csv("stats/2020.csv", ["地区,计数N", "济南市,5"])
    with pytest.raises(
        IngestError, match=r"stats/2020\.csv: cannot tell whether .* city or county"
    ):
        ingest("stats/2020.csv")
    write_csv("city/latest.csv", ["地区,计数N", "济南市,5"])
    with pytest.raises(IngestError, match=r"city/latest\.csv: cannot tell the data year"):
        ingest("city/latest.csv")
    assert value(ingest("city/latest.csv", year=2020), "370100", "n") == 5.0


def test_a_file_without_a_table_or_outside_the_registry_years(write_csv, ingest) -> None:
    write_csv("city/2020.csv", ["济南市,5"])
    with pytest.raises(IngestError, match=r"city/2020\.csv: no table found; expected a header"):
        ingest("city/2020.csv")
    write_csv("city/2005.csv", ["地区,计数N", "济南市,5"])
    with pytest.raises(IngestError, match=r"city/2005\.csv: data year 2005"):
        ingest("city/2005.csv")


def test_manifest_entries_override_conventions_and_label_sources(
    tmp_path: Path, write_csv, toy_system, registry
) -> None:
    write_csv("raw/jinan.csv", ["地区,计数N", "济南市,5"])
    write_csv("city/2021.csv", ["地区,计数N", "济南市,6"])
    (tmp_path / "dataset.yaml").write_text(
        "name_zh: 测试数据\nname_en: Test data\nsynthetic: true\n"
        "notice_zh: 模拟数据\nnotice_en: Synthetic data\n"
        "files:\n  - {path: raw/jinan.csv, level: city, year: 2020, format: wide}\n",
        encoding="utf-8",
    )
    manifest = read_manifest(tmp_path)
    assert manifest.synthetic and manifest.name_en == "Test data"
    result = ingest_directory(tmp_path, toy_system, registry)
    assert result.statistics.select("year", "source_file").sort("year").rows() == [
        (2020, "raw/jinan.csv"),
        (2021, "city/2021.csv"),
    ]
    assert result.sources["synthetic"].to_list() == [True, True]
    assert result.sources["notice_en"].to_list() == ["Synthetic data"] * 2
    only_2021 = ingest_directory(tmp_path, toy_system, registry, years=[2021])
    assert only_2021.slices == {(2021, "city")}
    assert only_2021.sources["source_file"].to_list() == ["city/2021.csv"]


def test_directory_walk_skips_hidden_and_lock_files(
    tmp_path: Path, write_csv, toy_system, registry
) -> None:
    write_csv("city/2020.csv", ["地区,计数N", "济南市,5"])
    write_csv("city/~$2020.xlsx.csv", ["garbage"])
    write_csv(".cache/2020.csv", ["garbage"])
    (tmp_path / "README.md").write_text("notes", encoding="utf-8")
    result = ingest_directory(tmp_path, toy_system, registry)
    assert result.sources["source_file"].to_list() == ["city/2020.csv"]


def test_a_file_outside_the_data_directory_is_refused(tmp_path: Path, toy_system, registry) -> None:
    outside = tmp_path / "elsewhere.csv"
    outside.write_text("地区,计数N\n济南市,5\n", encoding="utf-8")
    (tmp_path / "data").mkdir()
    with pytest.raises(IngestError, match="is not inside the data directory"):
        ingest_file(
            outside, toy_system, registry, data_dir=tmp_path / "data", level="city", year=2020
        )


REGION_CELLS = ["济南市", "青岛", "370300", "全省", "合计", "火星市", "莱芜市", "", "历下区"]
VALUE_CELLS = ["12000", "1,234", "１２３", "…", "-", "", "-7", "abc", "0.5", "99999999"]


@settings(max_examples=25, deadline=None)
@given(
    regions=st.lists(st.sampled_from(REGION_CELLS), min_size=1, max_size=6),
    headers=st.lists(
        st.sampled_from(["变量X(亿元)", "计数N", "备注", "变量Y(人)"]),
        min_size=1,
        max_size=4,
    ),
    data=st.data(),
)
def test_every_cell_is_accounted_for_exactly_once(toy_system, registry, regions, headers, data):
    """Whatever the mess: each value cell of a data row is a statistic or a quarantine row."""
    rows = [
        [region, *(data.draw(st.sampled_from(VALUE_CELLS)) for _ in headers)] for region in regions
    ]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "city" / "2020.csv"
        path.parent.mkdir()
        lines = [",".join(["地区", *headers])] + [",".join(f'"{c}"' for c in row) for row in rows]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        result = ingest_file(path, toy_system, registry, data_dir=Path(folder))
    not_units = {"火星市", "莱芜市", "全省", "合计", "", "历下区"}  # in a 2020 city table
    noted = sum(1 for row in rows if row[0] in not_units and not any(row[1:]))  # notes, blanks
    assert result.statistics.height + result.quarantine.height == (len(rows) - noted) * len(headers)
    for row in result.statistics.iter_rows(named=True):
        assert row["region_code"] in {"370100", "370200", "370300", "370000"}
        assert (row["level"] == "province") == (row["region_code"] == "370000")  # its own row
        assert row["variable"] in {"x", "n", "y"}
    for row in result.quarantine.iter_rows(named=True):
        assert row["kind"] in QUARANTINE_KINDS
        total = row["region_text"] == "合计"
        assert (row["kind"] == "total_row") == total, row
        gap = row["reason"].startswith("not available")
        assert (row["kind"] == "declared_gap") == (gap and not total), row
