"""Finding the table in a grid: encodings, header row, unit row, notes, blank columns."""

from pathlib import Path

import pytest

from innovation_monitor.errors import IngestError
from innovation_monitor.ingest.readers import (
    Grid,
    LongTable,
    WideTable,
    decode,
    is_footnote,
    parse_grid,
    read_csv,
    read_file,
    read_xlsx,
)

TEXT = "地区,地区生产总值\n济南市,12000\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("gbk"), "gb18030"),
        (TEXT.encode("gb18030"), "gb18030"),
    ],
)
def test_decode_tries_utf8_then_gb18030_and_names_the_encoding(data: bytes, encoding: str) -> None:
    text, used = decode(data, label="x.csv")
    assert text == TEXT
    assert used == encoding


def test_undecodable_bytes_raise_an_ingest_error_naming_the_file() -> None:
    with pytest.raises(IngestError, match=r"x\.csv: cannot decode"):
        decode(b"\x81\x20\xff\xfe\x80", label="x.csv")


def test_csv_fields_and_tab_separated_files(tmp_path: Path) -> None:
    comma = tmp_path / "a.csv"
    comma.write_text('地区,地区生产总值\n济南市,"12,000"\n', encoding="utf-8")
    tabbed = tmp_path / "b.csv"
    tabbed.write_text("地区\t地区生产总值\n济南市\t12,000\n", encoding="utf-8")
    for path in (comma, tabbed):
        grid = read_csv(path).grids[0]
        assert grid.rows == [("地区", "地区生产总值"), ("济南市", "12,000")]


def test_unsupported_file_types_and_sheets_of_csv_files(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match=r"unsupported file type '\.ods'"):
        read_file(tmp_path / "a.ods")
    (tmp_path / "a.csv").write_text(TEXT, encoding="utf-8")
    with pytest.raises(IngestError, match="a CSV file has no sheets"):
        read_file(tmp_path / "a.csv", sheet="Sheet1")


def test_xlsx_keeps_spreadsheet_row_numbers_and_refuses_unknown_sheets(write_xlsx) -> None:
    path = write_xlsx("a.xlsx", {"A3": "地区", "B3": "地区生产总值", "A5": "济南市", "B5": 1})
    grid = read_xlsx(path).grids[0]
    assert grid.sheet == "Sheet1"
    assert grid.rows[2][:2] == ("地区", "地区生产总值")
    assert grid.rows[4][:2] == ("济南市", 1)
    with pytest.raises(IngestError, match=r"no sheet 'Data'; the workbook has Sheet1"):
        read_xlsx(path, "Data", label="a.xlsx")


def test_a_corrupt_workbook_is_an_ingest_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.xlsx"
    path.write_bytes(b"PK\x03\x04 not a zip")
    with pytest.raises(IngestError, match=r"bad\.xlsx: not a readable XLSX workbook, damaged"):
        read_xlsx(path, label="bad.xlsx")


def test_header_is_the_first_row_with_a_region_column_and_titles_give_the_unit() -> None:
    grid = Grid(
        None,
        [
            ("2020年各市主要经济指标", None, None),
            (None, None, "单位：亿元"),
            ("城市", "地区生产总值", "专利申请量(件)"),
            ("济南市", "1", "2"),
        ],
    )
    table = parse_grid(grid)
    assert isinstance(table, WideTable)
    assert table.header_row == 3
    assert table.name_column == 0
    assert [(c.label, c.unit, c.table_unit) for c in table.columns] == [
        ("地区生产总值", None, "亿元"),
        ("专利申请量(件)", None, "亿元"),  # the header's own bracket wins later, in matching
    ]
    assert [row.number for row in table.rows] == [4]


def test_a_second_header_row_of_units_is_read_as_units() -> None:
    grid = Grid(
        None,
        [
            ("地区代码", "地区", "地区生产总值", "专利申请量"),
            (None, None, "（亿元）", "件"),
            ("370100", "济南市", "1", "2"),
        ],
    )
    table = parse_grid(grid, known_units={"件", "亿元"})
    assert isinstance(table, WideTable)
    assert (table.code_column, table.name_column) == (0, 1)
    assert [(c.label, c.header, c.unit) for c in table.columns] == [
        ("地区生产总值 / （亿元）", "地区生产总值", "亿元"),
        ("专利申请量 / 件", "专利申请量", "件"),
    ]
    assert [row.number for row in table.rows] == [3]


def test_a_data_row_right_under_the_header_is_not_taken_for_units() -> None:
    grid = Grid(None, [("地区", "地区生产总值"), (None, "12"), ("济南市", "1")])
    table = parse_grid(grid, known_units={"件"})
    assert isinstance(table, WideTable)
    assert [row.number for row in table.rows] == [2, 3]


def test_notes_blank_rows_and_trailing_blank_columns_are_not_data() -> None:
    grid = Grid(
        None,
        [
            ("地区", "地区生产总值", None, None),
            ("济南市", "1", None, None),
            (None, None, None, None),
            ("青岛市", "2", None, None),
            ("注：本表按现价计算。", None, None, None),
            ("资料来源：山东统计年鉴", None, None, None),
            ("Note: provisional", None, None, None),
        ],
    )
    table = parse_grid(grid)
    assert isinstance(table, WideTable)
    assert [row.number for row in table.rows] == [2, 4]
    assert [c.label for c in table.columns] == ["地区生产总值"]


def test_a_column_without_header_but_with_data_is_kept_for_the_quarantine() -> None:
    grid = Grid(None, [("地区", "地区生产总值", None), ("济南市", "1", "9")])
    table = parse_grid(grid)
    assert isinstance(table, WideTable)
    assert [c.label for c in table.columns] == ["地区生产总值", "column C"]


def test_index_and_parent_city_columns_are_descriptors_not_values() -> None:
    grid = Grid(
        None,
        [("序号", "城市", "县（市、区）", "地区生产总值"), ("1", "济南市", "市中区", "1")],
    )
    table = parse_grid(grid, level="county")
    assert isinstance(table, WideTable)
    assert (table.name_column, table.parent_column) == (2, 1)
    assert [c.label for c in table.columns] == ["地区生产总值"]


@pytest.mark.parametrize(
    "header",
    [
        ("region_code", "year", "variable", "value", "unit"),
        ("地区代码", "年份", "指标", "数值", "单位"),
    ],
)
def test_the_long_layout_is_detected_by_its_header(header: tuple[str, ...]) -> None:
    grid = Grid(None, [("长表",), header, ("370100", "2020", "gdp", "1", "万元")])
    table = parse_grid(grid)
    assert isinstance(table, LongTable)
    assert table.header_row == 2
    assert table.positions == {"region": 0, "year": 1, "variable": 2, "value": 3, "unit": 4}
    assert table.labels["value"] == header[3]


def test_forcing_a_layout_and_grids_without_a_table() -> None:
    long_header = Grid(None, [("region_code", "year", "variable", "value")])
    assert isinstance(parse_grid(long_header, layout="wide"), WideTable)
    assert parse_grid(Grid(None, [("地区", "地区生产总值")]), layout="long") is None
    assert parse_grid(Grid(None, [("说明",), ("本册数据",)])) is None


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (("注：1. 数据为快报数",), True),
        ((None, "说明: 见附录"), True),
        (("数据来源：统计局", None), True),
        (("济南市", "1"), False),
        ((12, None), False),
    ],
)
def test_is_footnote(cells: tuple, expected: bool) -> None:
    assert is_footnote(cells) is expected
