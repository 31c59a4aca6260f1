"""Enterprise-year microdata (year-partitioned Parquet) → county statistics, in DuckDB.

Yearbooks publish county totals; a statistics bureau holds the firms behind them. Ten million
enterprise-years do not fit comfortably in a pandas frame, so DuckDB scans the Parquet files
and aggregates them in SQL, with a memory limit and a spill folder: past the limit it works out
of core instead of failing. The folder is hive-partitioned, ``year=YYYY/*.parquet``, one row per
firm and year, the columns of :data:`MICRODATA_COLUMNS` (the year comes from the partition).
The result has the warehouse's ``statistics`` columns (level ``county``, the framework's
variables in their canonical units), so the county indicators read it like yearbook figures;
its provenance names the partition and the aggregate. Every value reaches DuckDB as a
parameter or a configuration setting, never formatted into the SQL.

Beyond one machine this stays the same SQL: the aggregation is one ``GROUP BY`` per year, so a
national run splits by year partition (one DuckDB per partition, the results concatenated) or
hands the same query to a distributed SQL engine over the same Parquet (Spark SQL, Trino).
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import polars as pl

from innovation_monitor.divisions.registry import DivisionRegistry
from innovation_monitor.errors import IngestError
from innovation_monitor.ingest.result import STATISTICS_SCHEMA

#: column → (DuckDB types accepted, meaning); the schema the generator writes
MICRODATA_COLUMNS: dict[str, tuple[tuple[str, ...], str]] = {
    "firm_id": (("BIGINT", "INTEGER", "VARCHAR"), "the firm's identifier, stable across years"),
    "county_code": (("VARCHAR",), "the 6-digit code of the firm's county in that year"),
    "above_size": (("BOOLEAN",), "above the designated size (规模以上) that year"),
    "high_tech": (("BOOLEAN",), "a certified high-tech enterprise (高新技术企业)"),
    "rd_institution": (("BOOLEAN",), "has an R&D institution (研发机构)"),
    "rd_expenditure": (("DOUBLE", "FLOAT", "DECIMAL"), "intramural R&D expenditure, 万元"),
    "revenue": (("DOUBLE", "FLOAT", "DECIMAL"), "operating revenue, 万元"),
    "new_product_revenue": (("DOUBLE", "FLOAT", "DECIMAL"), "new-product sales revenue, 万元"),
    "output": (("DOUBLE", "FLOAT", "DECIMAL"), "gross industrial output, 万元"),
}
AMOUNTS = ("rd_expenditure", "revenue", "new_product_revenue", "output")

#: variable → (its unit, the aggregate over one county and year)
AGGREGATES: dict[str, tuple[str, str]] = {
    "large_firms": ("个", "count(*) FILTER (above_size)"),
    "large_firms_with_rd": ("个", "count(*) FILTER (above_size AND rd_expenditure > 0)"),
    "large_firms_with_rd_institution": ("个", "count(*) FILTER (above_size AND rd_institution)"),
    "large_firms_rd_expenditure": ("万元", "sum(rd_expenditure) FILTER (above_size)"),
    "large_firms_revenue": ("万元", "sum(revenue) FILTER (above_size)"),
    "new_product_revenue": ("万元", "sum(new_product_revenue) FILTER (above_size)"),
    "industrial_output": ("万元", "sum(output) FILTER (above_size)"),
    "hightech_output": ("万元", "sum(output) FILTER (above_size AND high_tech)"),
    "hightech_enterprises": ("家", "count(*) FILTER (high_tech)"),
}
_PARTITION = re.compile(r"year=(\d{4})")


def _partitions(folder: Path) -> dict[int, Path]:
    """The year partitions of ``folder`` that hold Parquet files."""
    if not folder.is_dir():
        raise IngestError(f"{folder}: no such folder (expected year=YYYY/*.parquet)")
    found = {}
    for part in sorted(folder.iterdir()):
        match = _PARTITION.fullmatch(part.name)
        if part.is_dir() and match and any(part.glob("*.parquet")):
            found[int(match.group(1))] = part
    if not found:
        raise IngestError(f"{folder}: no year=YYYY folders with .parquet files")
    return found


def _connect(memory_limit: str = "1GB", temp_dir: Path | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB that spills to ``temp_dir`` past ``memory_limit``."""
    config: dict[str, str | bool | int | float | list[str]] = {
        "memory_limit": memory_limit,
        "preserve_insertion_order": False,
    }
    if temp_dir is not None:
        config["temp_directory"] = str(temp_dir)
    return duckdb.connect(":memory:", config=config)


def _check_columns(con: duckdb.DuckDBPyConnection, files: list[str]) -> None:
    for file in files:  # one file's schema each, so the message names the file that differs
        described = con.execute(
            "SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet(?))",
            [file],
        ).fetchall()
        types = {name: kind for name, kind in described}
        for column, (accepted, meaning) in MICRODATA_COLUMNS.items():
            kind = types.get(column)
            if kind is None:
                raise IngestError(f"{file}: no column {column!r} (expected: {meaning})")
            if not kind.startswith(accepted):
                raise IngestError(
                    f"{file}: column {column!r} is {kind}; expected {' or '.join(accepted)} "
                    f"({meaning})"
                )


_NEGATIVE = " OR ".join(f"{a} < 0" for a in AMOUNTS)
_BAD_ROW = (
    "county_code IS NULL OR NOT regexp_full_match(county_code, '\\d{6}') OR firm_id IS NULL "
    f"OR {_NEGATIVE}"
)


def _locate_bad_row(con: duckdb.DuckDBPyConnection, files: list[str]) -> IngestError:
    """The first firm without a valid county code or with a negative amount: its file, row
    (from 0 in the file) and column. Only run when the aggregation counted one."""
    file, row, firm, code, *amounts = con.execute(
        f"SELECT filename, file_row_number, firm_id, county_code, {', '.join(AMOUNTS)} "
        f"FROM read_parquet(?, filename = true, file_row_number = true) WHERE {_BAD_ROW} LIMIT 1",
        [files],
    ).fetchone() or (None, None, None, None)
    if firm is None:
        column, expected = "firm_id", "a firm identifier"
    elif code is None or not re.fullmatch(r"\d{6}", str(code)):
        column, expected = "county_code", f"a 6-digit county code, not {code!r}"
    else:
        column = next(a for a, v in zip(AMOUNTS, amounts, strict=True) if v is not None and v < 0)
        expected = f"an amount ≥ 0 (万元), not {amounts[AMOUNTS.index(column)]}"
    return IngestError(f"{file}: row {row}, column {column}: expected {expected}")


def aggregate_microdata(
    folder: Path | str,
    *,
    years: list[int] | None = None,
    registry: DivisionRegistry | None = None,
    memory_limit: str = "1GB",
    temp_dir: Path | None = None,
) -> pl.DataFrame:
    """County statistics (the warehouse's ``statistics`` columns) from the enterprise-years in
    ``folder``, for ``years`` (default: every partition). With a ``registry``, every county
    code must be a county of it in that year."""
    root = Path(folder)
    partitions = _partitions(root)
    chosen = sorted(partitions) if years is None else sorted(years)
    missing = [y for y in chosen if y not in partitions]
    if missing:
        raise IngestError(f"{root}: no partition year={missing[0]} (it has {sorted(partitions)})")
    files = [str(f) for y in chosen for f in sorted(partitions[y].glob("*.parquet"))]
    selects = ", ".join(f"coalesce({sql}, 0) AS {name}" for name, (_, sql) in AGGREGATES.items())
    with _connect(memory_limit, temp_dir) as con:
        _check_columns(con, files)
        wide = con.sql(  # one scan: the aggregates, and a count of the rows that are unusable
            f"SELECT CAST(year AS BIGINT) AS year, county_code AS region_code, {selects}, "
            f"count(*) FILTER ({_BAD_ROW}) AS unusable "
            "FROM read_parquet(?, hive_partitioning = true) GROUP BY ALL",
            params=[files],
        ).pl()
        if wide["unusable"].sum():
            raise _locate_bad_row(con, files)
    wide = wide.drop("unusable")
    if registry is not None:
        _check_codes(wide, registry, root)
    units = pl.DataFrame(
        {"variable": list(AGGREGATES), "unit": [u for u, _ in AGGREGATES.values()]}
    )
    sql = pl.DataFrame(
        {"variable": list(AGGREGATES), "source_column": [s for _, s in AGGREGATES.values()]}
    )
    long = (
        wide.unpivot(index=["year", "region_code"], variable_name="variable", value_name="value")
        .with_columns(pl.col("value").cast(pl.Float64))
        .join(units, on="variable")
        .join(sql, on="variable")
        .with_columns(
            level=pl.lit("county"),
            source_file=pl.format("{}/year={}", pl.lit(root.name), pl.col("year")),
            source_sheet=pl.lit(None, pl.String),
            source_row=pl.lit(None, pl.Int64),
            raw_value=pl.col("value").cast(pl.String),
        )
    )
    return (
        long.select(list(STATISTICS_SCHEMA))
        .cast(STATISTICS_SCHEMA)
        .sort("year", "region_code", "variable")
    )


def _check_codes(wide: pl.DataFrame, registry: DivisionRegistry, root: Path) -> None:
    for (year,), part in wide.group_by("year", maintain_order=True):
        valid = {d.code for d in registry.valid_in(int(year), "county")}
        unknown = sorted(set(part["region_code"].to_list()) - valid)
        if unknown:
            raise IngestError(
                f"{root}/year={year}: column county_code holds {len(unknown)} code(s) that are "
                f"not counties of the registry in {year}, e.g. {', '.join(unknown[:3])}"
            )
