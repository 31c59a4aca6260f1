"""The DuckDB warehouse: schema, idempotent and atomic slice writes, parameterised reads.

Loads ingest tiny data folders with the small framework of ``tests/toy_framework.py``
(``toy_system``): ``变量X`` is the toy's ``x`` (万元, or 亿元 with a factor), ``计数N`` its count
``n``; neither depends on the shipped ``indicators.yaml``.
"""

from pathlib import Path

import duckdb
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from innovation_monitor import warehouse
from innovation_monitor.divisions import DivisionRegistry
from innovation_monitor.errors import DataError
from innovation_monitor.framework import IndicatorSystem
from innovation_monitor.ingest import IngestResult, ingest_directory
from innovation_monitor.warehouse import TABLES


@pytest.fixture
def con():
    connection = warehouse.connect(":memory:")
    yield connection
    connection.close()


def scores(rows: list[tuple[int, str, str, str, float, int]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=dict(TABLES["scores"].schema), orient="row")


def snapshot(con: duckdb.DuckDBPyConnection) -> dict[str, pl.DataFrame]:
    return {name: warehouse.read(con, name) for name in TABLES}


def assert_same(before: dict[str, pl.DataFrame], after: dict[str, pl.DataFrame]) -> None:
    assert before.keys() == after.keys()
    for name in before:
        assert_frame_equal(before[name], after[name], check_exact=True)


def test_a_warehouse_of_an_earlier_version_gains_the_columns_added_since(tmp_path) -> None:
    path = tmp_path / "old.duckdb"
    with warehouse.connect(path) as con:
        con.execute("ALTER TABLE rankings DROP COLUMN rank_in_type")
        con.execute("ALTER TABLE rankings DROP COLUMN unit_type")
    with warehouse.connect(path) as con:  # connecting (or any write) brings the schema up to date
        warehouse.create_schema(con)
        assert warehouse.read(con, "rankings").columns == warehouse.TABLES["rankings"].column_names


def test_schema_has_every_shared_table_with_its_columns(con) -> None:
    expected = {
        "divisions": "code name_zh name_en level type parent_code valid_from valid_to "
        "successor_codes",
        "statistics": "year level region_code variable value unit source_file source_sheet "
        "source_row source_column raw_value",
        "quarantine": "year level source_file source_sheet source_row source_column raw_value "
        "region_text variable_text reason kind",
        "sources": "source_file sha256 level year format synthetic notice_zh notice_en loaded_at",
        "indicator_values": "year level region_code indicator value",
        "scores": "year level region_code node score rank",
        "rankings": "year level region_code rank tier parent_code rank_in_parent unit_type "
        "type_score rank_in_type tier_in_type previous_year "
        "previous_rank rank_change previous_score score_change predecessor_code merged_from is_new "
        "previous_rank_restated",
        "imputations": "year level region_code indicator value method source",
        "validation_results": "stage run_id year level check_name category severity "
        "success accepted unexpected_count description_zh description_en examples",
    }
    for name, columns in expected.items():
        described = con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
            "ORDER BY ordinal_position",
            [name],
        ).fetchall()
        assert [row[0] for row in described] == columns.split()
        assert warehouse.read(con, name).columns == columns.split()


def test_writes_create_the_schema_on_a_bare_connection(registry) -> None:
    bare = duckdb.connect(":memory:")
    assert warehouse.write_divisions(bare, registry) == len(registry.all())
    frame = scores([(2020, "city", "370100", "Index", 1.0, 1)])
    warehouse.replace_slices(bare, {"scores": frame}, years=[2020], levels=["city"])
    assert_frame_equal(warehouse.read(bare, "scores"), frame)
    assert warehouse.read(bare, "statistics").is_empty()


def test_primary_keys_are_enforced(con) -> None:
    frame = scores([(2020, "city", "370100", "Index", 1.0, 1)] * 2)
    with pytest.raises(duckdb.ConstraintException):
        warehouse.replace_slices(con, {"scores": frame}, years=[2020], levels=["city"])
    assert warehouse.read(con, "scores").is_empty()


def rankings(rows: list[tuple[int, str, str, int, list[str]]]) -> pl.DataFrame:
    """Rankings rows (year, level, region_code, rank, merged_from), nothing else compared."""
    frame = pl.DataFrame(
        rows, schema=["year", "level", "region_code", "rank", "merged_from"], orient="row"
    )
    defaults = {"is_new": False, "previous_rank_restated": False}
    return frame.with_columns(
        *(pl.lit(value).alias(name) for name, value in defaults.items()),
        *(
            pl.lit(None).alias(name)
            for name in TABLES["rankings"].schema
            if name not in frame.columns and name not in defaults
        ),
    ).select(TABLES["rankings"].column_names)


def test_scores_and_rankings_are_written_together_or_not_at_all(con) -> None:
    frame = scores([(2019, "city", "370100", "Index", 82.0, 1)])
    ranked = rankings([(2019, "city", "370100", 1, ["370100", "371200"])])
    tables = {"scores": frame, "rankings": ranked}
    warehouse.replace_slices(con, tables, years=[2019], levels=["city"])
    stored = warehouse.read(con, "rankings")
    assert stored["merged_from"].to_list() == [["370100", "371200"]]
    before = snapshot(con)
    rescored = {
        "scores": scores([(2019, "city", "370100", "Index", 90.0, 1)]),
        "rankings": pl.concat([ranked, ranked]),  # the second row violates the primary key
    }
    with pytest.raises(duckdb.ConstraintException):
        warehouse.replace_slices(con, rescored, years=[2019], levels=["city"])
    assert_same(before, snapshot(con))


def test_a_warehouse_from_before_a_table_existed_says_to_run_again(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    with duckdb.connect(str(path)) as old:
        old.execute(TABLES["scores"].ddl)
    reader = warehouse.connect(path, read_only=True)
    try:
        assert warehouse.read(reader, "scores").is_empty()
        with pytest.raises(DataError, match="no table 'rankings' yet; run the pipeline"):
            warehouse.read(reader, "rankings")
    finally:
        reader.close()


def test_connect_creates_the_folder_and_schema_and_opens_read_only(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "warehouse.duckdb"
    with pytest.raises(DataError, match="does not exist"):
        warehouse.connect(path, read_only=True)
    writer = warehouse.connect(path)
    frame = scores([(2020, "city", "370100", "Index", 80.0, 1)])
    warehouse.replace_slices(writer, {"scores": frame}, years=[2020], levels=["city"])
    writer.close()
    reader = warehouse.connect(path, read_only=True)
    try:
        assert_frame_equal(warehouse.read(reader, "scores"), frame)
        with pytest.raises(duckdb.Error):
            reader.execute("DELETE FROM scores")
    finally:
        reader.close()


def test_replace_slices_replaces_only_the_named_slices(con) -> None:
    first = scores(
        [
            (2020, "city", "370100", "Index", 80.0, 1),
            (2020, "county", "370102", "Index", 70.0, 1),
            (2021, "city", "370100", "Index", 81.0, 1),
        ]
    )
    warehouse.replace_slices(con, {"scores": first}, years=[2020, 2021], levels=["city", "county"])
    again = scores([(2020, "city", "370200", "Index", 90.0, 1)])
    warehouse.replace_slices(con, {"scores": again}, years=[2020], levels=["city"])
    assert warehouse.read(con, "scores").select("year", "level", "region_code").rows() == [
        (2020, "city", "370200"),
        (2020, "county", "370102"),
        (2021, "city", "370100"),
    ]
    warehouse.replace_slices(con, {"scores": scores([])}, years=[2021], levels=["city"])
    assert warehouse.read(con, "scores", years=[2021]).is_empty()


def test_rows_outside_the_slices_and_wrong_columns_are_refused(con) -> None:
    stray = scores([(2019, "city", "370100", "Index", 1.0, 1)])
    with pytest.raises(DataError, match=r"outside the slices written: \(2019, city\)"):
        warehouse.replace_slices(con, {"scores": stray}, years=[2020], levels=["city"])
    with pytest.raises(DataError, match=r"missing \['rank'\], unexpected \['extra'\]"):
        warehouse.replace_slices(
            con,
            {"scores": stray.drop("rank").with_columns(extra=pl.lit(1))},
            years=[2019],
            levels=["city"],
        )
    with pytest.raises(DataError, match=r"not written by \(year, level\) slice"):
        warehouse.replace_slices(
            con,
            {"divisions": pl.DataFrame(schema=dict(TABLES["divisions"].schema))},
            years=[2019],
            levels=["city"],
        )


def test_read_validates_the_table_name_and_filters_with_parameters(con) -> None:
    with pytest.raises(DataError, match="unknown warehouse table 'scores; DROP TABLE scores'"):
        warehouse.read(con, "scores; DROP TABLE scores")
    frame = scores(
        [
            (2020, "city", "370100", "Index", 80.0, 1),
            (2021, "city", "370100", "Index", 81.0, 1),
            (2021, "county", "370102", "Index", 70.0, 1),
        ]
    )
    warehouse.replace_slices(con, {"scores": frame}, years=[2020, 2021], levels=["city", "county"])
    assert warehouse.read(con, "scores", years=[2021], level="city")["score"].to_list() == [81.0]
    assert warehouse.read(con, "scores", level="city' OR '1'='1").is_empty()
    assert warehouse.read(con, "scores", years=range(2019, 2022)).height == 3


def test_write_divisions_and_read_units_valid_in_a_year(con, registry) -> None:
    count = warehouse.write_divisions(con, registry)
    assert count == len(registry.all())
    assert warehouse.write_divisions(con, registry) == count  # idempotent
    laiwu = warehouse.read(con, "divisions").filter(pl.col("code") == "371200").to_dicts()[0]
    assert (laiwu["valid_from"], laiwu["valid_to"], laiwu["successor_codes"]) == (
        2014,
        2018,
        ["370100"],
    )
    for year in (2018, 2019):
        codes = set(warehouse.read(con, "divisions", years=[year], level="city")["code"])
        assert codes == {d.code for d in registry.valid_in(year, "city")}


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A tiny data directory: two years of city data and a long county file with a bad row."""
    (tmp_path / "city").mkdir()
    (tmp_path / "long").mkdir()
    (tmp_path / "city" / "2020.csv").write_text(
        "地区,变量X(亿元),计数N\n济南市,12,5\n青岛市,14,…\n火星市,1,2\n",
        encoding="utf-8",
    )
    (tmp_path / "city" / "2021.csv").write_text("地区,变量X(亿元)\n济南市,12.5\n", encoding="utf-8")
    (tmp_path / "long" / "county.csv").write_text(
        "region_code,year,variable,value\n370102,2020,计数N,7\n370102,20x0,x,1\n",
        encoding="utf-8",
    )
    return tmp_path


def ingest(
    data_dir: Path,
    system: IndicatorSystem,
    registry: DivisionRegistry,
    years: list[int] | None = None,
) -> IngestResult:
    return ingest_directory(data_dir, system, registry, years)


def test_load_writes_the_ingest_result(con, data_dir, toy_system, registry) -> None:
    result = ingest(data_dir, toy_system, registry)
    warehouse.load(con, result)
    order = ["year", "level", "region_code", "variable"]
    assert_frame_equal(warehouse.read(con, "statistics"), result.statistics.sort(order))
    assert warehouse.read(con, "quarantine").height == result.quarantine.height
    assert warehouse.read(con, "sources").height == result.sources.height == 3
    orphan = warehouse.read(con, "quarantine").filter(pl.col("year").is_null()).to_dicts()
    assert [row["source_file"] for row in orphan] == ["long/county.csv"]


def test_reloading_gives_identical_tables(con, data_dir, toy_system, registry) -> None:
    warehouse.load(con, ingest(data_dir, toy_system, registry))
    before = snapshot(con)
    warehouse.load(con, ingest(data_dir, toy_system, registry))
    after = snapshot(con)
    load_time = pl.col("loaded_at")
    assert_frame_equal(before.pop("sources").drop(load_time), after.pop("sources").drop(load_time))
    assert_same(before, after)
    warehouse.load(con, ingest(data_dir, toy_system, registry, years=[2021]))
    assert_same({name: frame for name, frame in snapshot(con).items() if name != "sources"}, after)


def test_a_year_reload_replaces_that_year_only(con, data_dir, toy_system, registry) -> None:
    warehouse.load(con, ingest(data_dir, toy_system, registry))
    (data_dir / "city" / "2021.csv").write_text("地区,变量X(亿元)\n青岛市,15\n", encoding="utf-8")
    warehouse.load(con, ingest(data_dir, toy_system, registry, years=[2021]))
    statistics = warehouse.read(con, "statistics")
    assert statistics.filter(pl.col("year") == 2021)["region_code"].to_list() == ["370200"]
    assert statistics.filter(pl.col("year") == 2020).height == 4  # 3 city values + 1 county


def test_a_load_that_fails_midway_leaves_the_warehouse_as_it_was(
    con, data_dir, toy_system, registry, monkeypatch
) -> None:
    warehouse.load(con, ingest(data_dir, toy_system, registry))
    before = snapshot(con)
    (data_dir / "city" / "2020.csv").write_text("地区,计数N\n济南市,6\n", encoding="utf-8")
    changed = ingest(data_dir, toy_system, registry)
    real_insert = warehouse._insert
    written: list[str] = []

    def insert_then_fail(connection, spec, view) -> None:
        real_insert(connection, spec, view)
        written.append(spec.name)
        if spec.name == "quarantine":  # statistics already deleted and re-inserted
            raise RuntimeError("disk full")

    monkeypatch.setattr(warehouse, "_insert", insert_then_fail)
    with pytest.raises(RuntimeError, match="disk full"):
        warehouse.load(con, changed)
    assert written == ["statistics", "quarantine"]
    assert_same(before, snapshot(con))
    monkeypatch.undo()
    warehouse.load(con, changed)  # the connection is usable: no transaction left open
    assert warehouse.read(con, "statistics", years=[2020], level="city").height == 1


def test_orphan_rows_of_other_years_survive_a_year_reload(
    con, tmp_path, toy_system, registry
) -> None:
    (tmp_path / "long").mkdir()
    extra = tmp_path / "long" / "extra.csv"
    good = "region_code,year,variable,value\n370100,2022,计数N,5\n"
    extra.write_text(good + "新设区,2023,计数N,7\n", encoding="utf-8")

    def orphans() -> list[tuple]:
        rows = warehouse.read(con, "quarantine").select("year", "level", "region_text", "reason")
        return [
            (year, level, text, reason.split(" (")[0]) for year, level, text, reason in rows.rows()
        ]

    expected = [(2023, None, "新设区", "unknown region")]
    warehouse.load(con, ingest(tmp_path, toy_system, registry))
    assert orphans() == expected
    warehouse.load(con, ingest(tmp_path, toy_system, registry, years=[2022]))
    assert orphans() == expected  # a 2022 reload does not touch the file's 2023 rows
    warehouse.load(con, ingest(tmp_path, toy_system, registry))
    assert orphans() == expected  # re-reading 2023 replaces the row instead of doubling it
    extra.write_text(good, encoding="utf-8")  # the provider drops the bad row
    mirrored = {(year, level) for year in (2022, 2023) for level in ("city", "county")}
    warehouse.load(con, ingest(tmp_path, toy_system, registry), slices=mirrored)
    assert orphans() == []


def test_load_empties_extra_slices_whose_file_is_gone(con, tmp_path, toy_system, registry) -> None:
    for level, region in (("city", "济南市"), ("county", "历下区")):
        (tmp_path / level).mkdir()
        (tmp_path / level / "2022.csv").write_text(
            f"地区,计数N\n{region},5\n火星市,1\n", encoding="utf-8"
        )
    warehouse.load(con, ingest(tmp_path, toy_system, registry))
    (tmp_path / "county" / "2022.csv").unlink()
    city_only = ingest(tmp_path, toy_system, registry)
    assert city_only.slices == {(2022, "city")}
    warehouse.load(con, city_only)
    assert warehouse.read(con, "statistics", level="county").height == 1  # not asked to go
    warehouse.load(con, city_only, slices=[(2022, "city"), (2022, "county")])
    for name in ("statistics", "quarantine", "sources"):
        assert warehouse.read(con, name, level="county").is_empty(), name
        assert warehouse.read(con, name, level="city").height == 1, name
    with pytest.raises(DataError, match=r"unknown level\(s\) \['County'\]"):
        warehouse.load(con, city_only, slices=[(2022, "County")])


def _outcomes(year: int, level: str, names: list[str]) -> pl.DataFrame:
    schema = {k: v for k, v in TABLES["validation_results"].schema.items() if k != "stage"}
    fixed = {"year": year, "level": level, "severity": "blocking", "success": True}
    rows = [{**fixed, "check_name": name, "accepted": False} for name in names]
    return pl.DataFrame(rows, schema=schema, orient="row")


def test_validation_results_are_replaced_per_stage(con) -> None:
    warehouse.record_validation(
        con, _outcomes(2020, "city", ["a", "b"]), stage="statistics", years=[2020], level="city"
    )
    warehouse.record_validation(
        con, _outcomes(2020, "city", ["c"]), stage="indicators", years=[2020], level="city"
    )
    warehouse.record_validation(
        con, _outcomes(2020, "city", ["b"]), stage="statistics", years=[2020], level="city"
    )
    stored = warehouse.read(con, "validation_results").select("stage", "check_name").rows()
    assert sorted(stored) == [("indicators", "c"), ("statistics", "b")]
    with pytest.raises(DataError, match="outside the slices"):
        warehouse.record_validation(
            con, _outcomes(2021, "city", ["a"]), stage="statistics", years=[2020], level="city"
        )


def test_derived_years_are_deleted_unless_kept(con) -> None:
    frame = scores([(y, "city", "370100", "Index", 1.0, 1) for y in (2020, 2021, 2022)])
    warehouse.replace_slices(con, {"scores": frame}, years=[2020, 2021, 2022], levels=["city"])
    other = scores([(2020, "county", "370102", "Index", 1.0, 1)])
    warehouse.replace_slices(con, {"scores": other}, years=[2020], levels=["county"])
    assert warehouse.slice_counts(con, "scores") == {
        (2020, "city"): 1,
        (2021, "city"): 1,
        (2022, "city"): 1,
        (2020, "county"): 1,
    }
    assert warehouse.delete_years(con, ["scores"], keep=[2022], level="city") == [2020, 2021]
    assert warehouse.slice_counts(con, "scores") == {(2022, "city"): 1, (2020, "county"): 1}
    assert warehouse.delete_years(con, ["scores"], keep=[2022], level="city") == []
