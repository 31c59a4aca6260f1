"""Every quarantine row says what sort of cell it is (``kind``), so checks need not read reasons;
development zones are recognised as such, never as unknown regions."""

from pathlib import Path

import polars as pl
import pytest

from innovation_monitor.divisions import DivisionRegistry
from innovation_monitor.divisions.registry import DIVISIONS_FILE
from innovation_monitor.ingest import ingest_file
from innovation_monitor.ingest.result import (
    DECLARED_GAP,
    DEVELOPMENT_ZONE,
    PROBLEM,
    QUARANTINE_KINDS,
    TOTAL_ROW,
)


def kinds(result) -> dict[tuple[int, str], str]:
    """(row, column) → kind of every quarantined cell."""
    return {
        (row["source_row"], row["source_column"]): row["kind"]
        for row in result.quarantine.iter_rows(named=True)
    }


def test_the_kinds_are_the_four_documented_ones() -> None:
    assert QUARANTINE_KINDS == ("problem", "declared_gap", "total_row", "development_zone")
    assert (PROBLEM, DECLARED_GAP, TOTAL_ROW, DEVELOPMENT_ZONE) == QUARANTINE_KINDS


def test_each_quarantined_cell_of_a_county_table_has_its_kind(
    tmp_path: Path, write_csv, toy_system, registry
) -> None:
    write_csv(
        "county/2020.csv",
        [
            "地区,变量X(万元),计数N",
            "历下区,约85,…",  # row 2: a problem and a declared gap
            "市中区,—,-",  # row 3: ambiguous (济南 or 枣庄) before any city row
            "济南市,1200,5",  # row 4: a city row is a subtotal
            "槐荫区,,3",  # row 5: an empty cell is not available
            "全省合计,9,9",  # row 6: the province total
            "济南高新区,300,2",  # row 7: a development zone
            "天桥区,-5,2.5",  # row 8: out of range, not a whole count
            "无名县,1,1",  # row 9: unknown region
            "历城区,100,1",  # row 10: clean
            "历城区,200,1",  # row 11: conflicting duplicate of x, identical duplicate of n
        ],
    )
    result = ingest_file("county/2020.csv", toy_system, registry, data_dir=tmp_path)
    assert kinds(result) == {
        (2, "变量X(万元)"): PROBLEM,
        (2, "计数N"): DECLARED_GAP,
        (3, "变量X(万元)"): PROBLEM,  # 市中区 is ambiguous before the 济南市 row
        (3, "计数N"): PROBLEM,
        (4, "变量X(万元)"): TOTAL_ROW,
        (4, "计数N"): TOTAL_ROW,
        (5, "变量X(万元)"): DECLARED_GAP,
        (6, "变量X(万元)"): TOTAL_ROW,
        (6, "计数N"): TOTAL_ROW,
        (7, "变量X(万元)"): DEVELOPMENT_ZONE,
        (7, "计数N"): DEVELOPMENT_ZONE,
        (8, "变量X(万元)"): PROBLEM,
        (8, "计数N"): PROBLEM,
        (9, "变量X(万元)"): PROBLEM,
        (9, "计数N"): PROBLEM,
        (10, "变量X(万元)"): PROBLEM,
        (11, "变量X(万元)"): PROBLEM,
        (11, "计数N"): PROBLEM,
    }
    assert result.quarantine["kind"].null_count() == 0
    assert set(result.statistics["region_code"]) == {"370104", "370112"}  # 槐荫区 n, 历城区 n


def test_declared_gaps_are_placeholders_and_empty_cells(
    tmp_path: Path, write_csv, toy_system, registry
) -> None:
    write_csv(
        "city/2020.csv", ["地区,计数N", "济南市,…", "青岛市,—", "淄博市,-", "枣庄市,", "东营市,/"]
    )
    result = ingest_file("city/2020.csv", toy_system, registry, data_dir=tmp_path)
    assert result.quarantine["kind"].to_list() == [DECLARED_GAP] * 5
    assert all(reason.startswith("not available") for reason in result.quarantine["reason"])


def test_a_long_file_sets_kinds_too(tmp_path: Path, write_csv, toy_system, registry) -> None:
    write_csv(
        "long/panel.csv",
        [
            "region_code,year,variable,value",
            "370100,20x0,x,1",
            "合计,2020,x,1",
            "370100,2020,计数N,…",
            "370171,2020,计数N,4",
            "370100,2020,foo,1",
        ],
    )
    result = ingest_file("long/panel.csv", toy_system, registry, data_dir=tmp_path)
    assert result.quarantine.sort("source_row")["kind"].to_list() == [
        PROBLEM,
        TOTAL_ROW,
        DECLARED_GAP,
        DEVELOPMENT_ZONE,
        PROBLEM,
    ]


@pytest.mark.parametrize(
    "zone",
    [
        "济南高新区",
        "济南高新技术产业开发区",
        "青岛经济技术开发区",
        "东营港经济开发区",
        "青岛西海岸新区",  # the registry has 黄岛区, not the new area's name
        "威海火炬高技术产业开发区",
        "青岛前湾保税港区",
        "日照山海天旅游度假区",
        "淄博齐鲁化学工业园区",
        "济南新旧动能转换起步区",
    ],
)
def test_development_zone_rows_are_recognised_with_a_bilingual_reason(
    tmp_path: Path, write_csv, toy_system, registry, zone: str
) -> None:
    write_csv("county/2021.csv", ["地区,计数N", "历下区,3", f"{zone},2"])
    result = ingest_file("county/2021.csv", toy_system, registry, data_dir=tmp_path)
    assert result.statistics["region_code"].to_list() == ["370102"]
    row = result.quarantine.row(0, named=True)
    assert row["kind"] == DEVELOPMENT_ZONE
    assert row["reason"] == (
        f"development zone, not a county-level unit of the division registry ({zone!r}: its "
        "figures belong to its host county(ies)) / "
        "开发区不是县级行政单元，其数据计入所在县（市、区）"
    )


def test_a_development_zone_code_is_recognised_whatever_its_name(
    tmp_path: Path, write_csv, toy_system, registry
) -> None:
    write_csv("county/2021.csv", ["地区代码,地区,计数N", "370171,高新区管委会,2", "370199,某地,2"])
    result = ingest_file("county/2021.csv", toy_system, registry, data_dir=tmp_path)
    rows = result.quarantine.sort("source_row").to_dicts()
    assert [row["kind"] for row in rows] == [DEVELOPMENT_ZONE, PROBLEM]
    assert "'高新区管委会'" in rows[0]["reason"]
    assert rows[1]["reason"].startswith("unknown region ('370199'")


def test_a_registry_unit_whose_name_has_a_zone_word_still_matches(
    tmp_path: Path, write_csv, toy_system
) -> None:
    """Zone words are only tested once the registry has no unit for the name."""
    renamed = DIVISIONS_FILE.read_text(encoding="utf-8").replace(
        "370211,黄岛区,", "370211,青岛西海岸新区,"
    )
    (tmp_path / "divisions.csv").write_text(renamed, encoding="utf-8")
    registry = DivisionRegistry.load(tmp_path / "divisions.csv")
    write_csv("county/2021.csv", ["地区,计数N", "青岛西海岸新区,2"])
    result = ingest_file("county/2021.csv", toy_system, registry, data_dir=tmp_path)
    assert result.quarantine.is_empty()
    assert result.statistics["region_code"].to_list() == ["370211"]


def test_a_development_zone_in_a_city_table_names_the_host_city(
    tmp_path: Path, write_csv, toy_system, registry
) -> None:
    write_csv("city/2021.csv", ["地区,计数N", "济南市,3", "济南高新区,2"])
    result = ingest_file("city/2021.csv", toy_system, registry, data_dir=tmp_path)
    row = result.quarantine.filter(pl.col("kind") == DEVELOPMENT_ZONE).row(0, named=True)
    assert "not a city-level unit" in row["reason"] and "其数据计入所在市" in row["reason"]
