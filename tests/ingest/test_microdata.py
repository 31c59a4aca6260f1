"""Enterprise-year microdata → county statistics in DuckDB: the aggregates against polars by
hand on a small generated Parquet set, the warehouse's columns, and one clear message for each
kind of bad input."""

from pathlib import Path

import polars as pl
import pytest

from innovation_monitor.divisions import DivisionRegistry
from innovation_monitor.errors import IngestError
from innovation_monitor.framework import load_indicator_system
from innovation_monitor.indicators import compute_indicators
from innovation_monitor.ingest.microdata import AGGREGATES, aggregate_microdata
from innovation_monitor.ingest.result import STATISTICS_SCHEMA
from innovation_monitor.synthetic.microdata import write_microdata

COUNTIES = ["370102", "370103", "370104", "370105"]
YEARS = [2021, 2022, 2023]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("microdata") / "enterprises"
    write_microdata(root, COUNTIES, YEARS, firms_per_year=3000, seed=7)
    return root


def by_hand(root: Path) -> pl.DataFrame:
    """The same statistics computed with polars over every file, without DuckDB."""
    frames = [
        pl.read_parquet(path).with_columns(year=pl.lit(int(path.parent.name[5:]), pl.Int64))
        for path in sorted(root.glob("year=*/*.parquet"))
    ]
    firms = pl.concat(frames)
    big = pl.col("above_size")
    return (
        firms.group_by("year", "county_code")
        .agg(
            large_firms=big.sum(),
            large_firms_with_rd=(big & (pl.col("rd_expenditure") > 0)).sum(),
            large_firms_with_rd_institution=(big & pl.col("rd_institution")).sum(),
            large_firms_rd_expenditure=pl.col("rd_expenditure").filter(big).sum(),
            large_firms_revenue=pl.col("revenue").filter(big).sum(),
            new_product_revenue=pl.col("new_product_revenue").filter(big).sum(),
            industrial_output=pl.col("output").filter(big).sum(),
            hightech_output=pl.col("output").filter(big & pl.col("high_tech")).sum(),
            hightech_enterprises=pl.col("high_tech").sum(),
        )
        .rename({"county_code": "region_code"})
        .unpivot(index=["year", "region_code"], variable_name="variable", value_name="expected")
        .with_columns(pl.col("expected").cast(pl.Float64))
    )


def test_the_aggregates_match_a_computation_by_hand(folder, tmp_path):
    got = aggregate_microdata(folder, temp_dir=tmp_path / "spill", memory_limit="200MB")
    assert got.schema == pl.Schema(STATISTICS_SCHEMA)
    assert got.height == len(COUNTIES) * len(YEARS) * len(AGGREGATES)
    both = got.join(by_hand(folder), on=["year", "region_code", "variable"], how="full")
    assert both["value"].null_count() == 0 and both["expected"].null_count() == 0
    relative = ((both["value"] - both["expected"]).abs() / both["expected"].abs().clip(1)).max()
    assert relative < 1e-12
    assert set(got["level"]) == {"county"}
    assert got.filter(pl.col("variable") == "large_firms")["unit"].to_list()[0] == "个"
    first = got.row(0, named=True)
    assert first["source_file"] == f"enterprises/year={first['year']}"
    assert first["source_column"] == AGGREGATES[first["variable"]][1]


def test_one_year_and_the_registry_check(folder):
    registry = DivisionRegistry.load()
    got = aggregate_microdata(folder, years=[2022], registry=registry)
    assert got["year"].unique().to_list() == [2022]
    with pytest.raises(IngestError, match=r"no partition year=2030"):
        aggregate_microdata(folder, years=[2030])


def test_a_county_the_registry_does_not_know_is_named(tmp_path):
    write_microdata(tmp_path / "m", ["370102", "379999"], [2022], firms_per_year=50)
    with pytest.raises(IngestError, match=r"year=2022: column county_code .* 379999"):
        aggregate_microdata(tmp_path / "m", registry=DivisionRegistry.load())


def _rewrite(path: Path, change: pl.Expr | None = None, drop: str | None = None) -> None:
    frame = pl.read_parquet(path)
    frame = frame.with_columns(change) if change is not None else frame.drop(drop or [])
    frame.write_parquet(path)


def test_bad_files_say_file_row_and_column(tmp_path):
    root = tmp_path / "m"
    (path,) = write_microdata(root, ["370102"], [2022], firms_per_year=20)
    row = pl.int_range(pl.len()) == 5
    _rewrite(path, pl.when(row).then(-1.0).otherwise(pl.col("revenue")).alias("revenue"))
    with pytest.raises(IngestError, match=r"part-0.parquet: row 5, column revenue: .*≥ 0"):
        aggregate_microdata(root)
    _rewrite(
        path,
        pl.when(row).then(pl.lit("3701")).otherwise(pl.col("county_code")).alias("county_code"),
    )
    with pytest.raises(IngestError, match=r"row 5, column county_code: .*6-digit"):
        aggregate_microdata(root)
    _rewrite(path, pl.col("firm_id").cast(pl.Float64))
    with pytest.raises(IngestError, match=r"column 'firm_id' is DOUBLE; expected BIGINT"):
        aggregate_microdata(root)
    _rewrite(path, pl.col("firm_id").cast(pl.Int64))
    _rewrite(path, drop="high_tech")
    with pytest.raises(IngestError, match=r"no column 'high_tech'"):
        aggregate_microdata(root)


def test_a_folder_without_partitions_is_refused(tmp_path):
    with pytest.raises(IngestError, match="no such folder"):
        aggregate_microdata(tmp_path / "absent")
    with pytest.raises(IngestError, match="no year=YYYY folders"):
        aggregate_microdata(tmp_path)


def test_the_statistics_feed_the_county_indicators(folder):
    statistics = aggregate_microdata(folder)
    values = compute_indicators(statistics, load_indicator_system().frameworks["county"])
    share = values.filter(pl.col("indicator") == "large_firms_rd_share").sort("year", "region_code")
    wide = statistics.pivot("variable", index=["year", "region_code"], values="value").sort(
        "year", "region_code"
    )
    expected = wide["large_firms_with_rd"] / wide["large_firms"] * 100
    assert share["value"].to_list() == pytest.approx(expected.to_list(), rel=1e-12)
