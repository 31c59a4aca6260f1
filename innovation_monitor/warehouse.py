"""The DuckDB warehouse: atomic per-(year, level) writes and parameterised reads.

Every table except ``divisions`` is cut into (year, level) slices. A write replaces whole slices
inside one transaction, so re-running a year gives identical rows and a failure half-way leaves
the previous state. The tables are described as data in :mod:`innovation_monitor.warehouse_schema`
(:data:`TABLES`); the DDL and the column checks are derived from that one description.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import duckdb
import polars as pl

from innovation_monitor.divisions import LEVELS, DivisionRegistry
from innovation_monitor.divisions.registry import PROVINCE_LEVEL, statistics_levels
from innovation_monitor.errors import DataError
from innovation_monitor.ingest.result import IngestResult
from innovation_monitor.paths import DEFAULT_WAREHOUSE
from innovation_monitor.warehouse_schema import (
    DRAFT,
    EDITION_TABLES,
    EDITIONS_SCHEMA,
    PUBLISHED,
    SCHEMA,
    TABLES,
    VIEWS,
    Table,
    migrations,
    table,
)

__all__ = ["DRAFT", "EDITION_TABLES", "PUBLISHED", "SCHEMA", "TABLES", "Table", "table"]


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create any missing table; every write calls it, so connections opened elsewhere (Dagster's
    ``DuckDBResource``) work on an empty database file too, and add the columns a table gained
    since the warehouse was written."""
    con.execute(SCHEMA)
    existing = con.execute(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema()"
    ).fetchall()
    for statement in migrations(set(existing)):
        con.execute(statement)
    con.execute(VIEWS)


def connect(path: Path | str | None = None, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the warehouse (default ``data/warehouse.duckdb``); create folder and schema if missing.

    ``":memory:"`` gives a throw-away in-memory warehouse.
    """
    target = str(DEFAULT_WAREHOUSE if path is None else path)
    in_memory = target == ":memory:"
    if read_only:
        if in_memory or not Path(target).is_file():
            raise DataError(
                f"warehouse {target} does not exist; load statistics into it first "
                "(innovation-monitor run)"
            )
        return duckdb.connect(target, read_only=True)
    if not in_memory:
        Path(target).parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(target)
    create_schema(con)
    return con


def _conform(spec: Table, frame: pl.DataFrame) -> pl.DataFrame:
    """Exactly the table's columns, in order and cast to its dtypes; missing/extra columns fail."""
    columns = set(frame.columns)
    expected = set(spec.column_names)
    if columns != expected:
        missing = sorted(expected - columns)
        extra = sorted(columns - expected)
        raise DataError(
            f"frame for table {spec.name!r} does not have its columns: "
            f"missing {missing or 'none'}, unexpected {extra or 'none'}"
        )
    return frame.select(spec.column_names).cast(pl.Schema(spec.schema))


def _check_within(
    spec: Table,
    frame: pl.DataFrame,
    slices: Collection[tuple[int, str]],
    orphan_files: Collection[str],
) -> None:
    """Refuse rows outside the slices being replaced: they would survive the next replacement."""
    allowed = pl.DataFrame(
        {"year": [y for y, _ in slices], "level": [lv for _, lv in slices]},
        schema={"year": pl.Int64(), "level": pl.String()},
    )
    keyed = frame.filter(pl.col("year").is_not_null() & pl.col("level").is_not_null())
    outside = keyed.select("year", "level").unique().join(allowed, on=["year", "level"], how="anti")
    if outside.height:
        pairs = ", ".join(f"({r['year']}, {r['level']})" for r in outside.sort("year").to_dicts())
        raise DataError(f"rows for table {spec.name!r} lie outside the slices written: {pairs}")
    unkeyed = frame.filter(pl.col("year").is_null() | pl.col("level").is_null())
    if unkeyed.height:
        if "source_file" not in frame.columns:
            raise DataError(f"rows for table {spec.name!r} have no year or level")
        strays = set(unkeyed["source_file"].unique().to_list()) - set(orphan_files)
        if strays:
            raise DataError(
                f"rows for table {spec.name!r} without year or level come from files not being "
                f"re-loaded: {', '.join(sorted(map(str, strays)))}"
            )


def _orphan_years(frames: Iterable[pl.DataFrame], slices: Collection[tuple[int, str]]) -> list[int]:
    """Data years whose orphan rows (a year but no level) a write supersedes.

    An orphan row of year Y came from reading its file's rows of Y; it is stale only when those
    rows were read again: a slice of Y is replaced, or the new rows hold orphans of Y themselves.
    A load of other years (``ingest_directory(years=[2022])``) must leave it alone.
    """
    years = {year for year, _ in slices}
    for frame in frames:
        years |= set(frame.filter(pl.col("level").is_null())["year"].drop_nulls().to_list())
    return sorted(years)


def _delete(
    con: duckdb.DuckDBPyConnection,
    spec: Table,
    slices: Collection[tuple[int, str]],
    orphan_files: Collection[str],
    orphan_years: Collection[int],
) -> None:
    """Delete the slices, and the orphan rows of re-loaded files (see :func:`_orphan_years`)."""
    for year, level in sorted(slices):
        con.execute(f"DELETE FROM {spec.name} WHERE year = ? AND level = ?", [year, level])
    if orphan_files and "source_file" in spec.column_names:
        con.execute(
            f"DELETE FROM {spec.name} WHERE (year IS NULL OR level IS NULL) "
            "AND list_contains(?, source_file) AND (year IS NULL OR list_contains(?, year))",
            [sorted(orphan_files), sorted(orphan_years)],
        )


def _insert(con: duckdb.DuckDBPyConnection, spec: Table, view: str) -> None:
    con.execute(f"INSERT INTO {spec.name} BY NAME SELECT * FROM {view}")


@contextmanager
def _registered(
    con: duckdb.DuckDBPyConnection, frames: Mapping[str, pl.DataFrame]
) -> Iterator[dict[str, str]]:
    """Frames as views for ``INSERT … SELECT``, registered outside the transaction.

    (A view cannot be unregistered inside a transaction that an error has aborted.)
    """
    views: dict[str, str] = {}
    try:
        for name, frame in frames.items():
            views[name] = f"_incoming_{name}"
            con.register(views[name], frame)
        yield views
    finally:
        for view in views.values():
            con.unregister(view)


@contextmanager
def _transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """BEGIN … COMMIT, or ROLLBACK and re-raise on any error: all or nothing."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def _replace(
    con: duckdb.DuckDBPyConnection,
    frames: Mapping[str, pl.DataFrame],
    slices: Collection[tuple[int, str]],
    orphan_files: Collection[str] = (),
) -> None:
    """Delete the slices (and orphan rows of re-loaded files) and insert, all in one transaction."""
    prepared: dict[str, pl.DataFrame] = {}
    for name, frame in frames.items():
        spec = table(name)
        if not spec.sliced:
            raise DataError(f"table {name!r} is not written by (year, level) slice")
        prepared[name] = _conform(spec, frame)
        _check_within(spec, prepared[name], slices, orphan_files)
    orphan_years = _orphan_years(prepared.values(), slices)
    create_schema(con)
    with _registered(con, prepared) as views, _transaction(con):
        for name, view in views.items():
            _delete(con, TABLES[name], slices, orphan_files, orphan_years)
            _insert(con, TABLES[name], view)


def replace_slices(
    con: duckdb.DuckDBPyConnection,
    frames: Mapping[str, pl.DataFrame],
    *,
    years: Iterable[int],
    levels: Iterable[str],
) -> None:
    """Replace every (year, level) slice of ``years`` × ``levels`` in each named table, atomically.

    Rows of the frames must lie within those slices. On any error the transaction is rolled back
    and the error re-raised, so the warehouse is exactly as it was.
    """
    slices = {(int(year), level) for year in years for level in levels}
    _replace(con, frames, slices)


def load(
    con: duckdb.DuckDBPyConnection,
    result: IngestResult,
    *,
    slices: Iterable[tuple[int, str]] | None = None,
) -> None:
    """Write an ingest result: its statistics, quarantine and sources replace the slices it covers.

    The (year, level) slices the result actually covers are replaced (not the cross product of
    its years and levels), plus ``slices``: extra slices to replace as well, emptied where the
    result has no rows for them, so that a slice whose file was removed does not linger (pass
    every year × level the warehouse must mirror). Rows of the result's files without a level
    are replaced when their year is NULL or among the years written; the province's own rows
    (level ``province``, from the city tables) with the city slice of their year. One
    transaction.
    """
    extra = {(int(year), level) for year, level in slices or ()}
    unknown = sorted({level for _, level in extra} - set(LEVELS))
    if unknown:
        raise DataError(f"slices name unknown level(s) {unknown}; expected one of {list(LEVELS)}")
    # the province's own statistics come from the city tables: replaced with their slices
    extra |= {(year, PROVINCE_LEVEL) for year, level in result.slices | extra if level == "city"}
    frames = {
        "statistics": result.statistics,
        "quarantine": result.quarantine,
        "sources": result.sources,
    }
    _replace(con, frames, result.slices | extra, set(result.sources["source_file"].to_list()))


def record_validation(
    con: duckdb.DuckDBPyConnection,
    results: pl.DataFrame,
    *,
    stage: str,
    years: Iterable[int],
    level: str,
) -> None:
    """Replace the ``stage`` check outcomes of ``years`` × ``level`` with ``results``, atomically.

    Each stage validates its own data, so one stage's rerun leaves the others' outcomes alone.
    """
    spec = TABLES["validation_results"]
    frame = _conform(spec, results.with_columns(pl.lit(stage).alias("stage")))
    year_list = sorted({int(year) for year in years})
    _check_within(spec, frame, {(year, level) for year in year_list}, ())
    create_schema(con)
    with _registered(con, {spec.name: frame}) as views, _transaction(con):
        con.execute(
            "DELETE FROM validation_results "
            "WHERE stage = ? AND level = ? AND list_contains(?, year)",
            [stage, level, year_list],
        )
        _insert(con, spec, views[spec.name])


def slice_counts(con: duckdb.DuckDBPyConnection, table_name: str) -> dict[tuple[int, str], int]:
    """Rows per (year, level) slice of a table: what a reload is compared with."""
    spec = table(table_name)
    create_schema(con)
    rows = con.execute(
        f"SELECT year, level, count(*) FROM {spec.name} "
        "WHERE year IS NOT NULL AND level IS NOT NULL GROUP BY ALL"
    ).fetchall()
    return {(int(year), str(level)): int(count) for year, level, count in rows}


def delete_years(
    con: duckdb.DuckDBPyConnection, tables: Iterable[str], *, keep: Iterable[int], level: str
) -> list[int]:
    """Delete every slice of ``level`` whose year is not in ``keep`` from the named tables, in
    one transaction; returns the years deleted. Derived tables mirror the statistics this way."""
    specs = [table(name) for name in tables]
    kept = sorted({int(year) for year in keep})
    create_schema(con)
    gone: set[int] = set()
    for spec in specs:
        rows = con.execute(
            f"SELECT DISTINCT year FROM {spec.name} WHERE level = ? AND NOT list_contains(?, year)",
            [level, kept],
        ).fetchall()
        gone |= {int(year) for (year,) in rows if year is not None}
    if gone:
        with _transaction(con):
            for spec in specs:
                con.execute(
                    f"DELETE FROM {spec.name} WHERE level = ? AND list_contains(?, year)",
                    [level, sorted(gone)],
                )
    return sorted(gone)


def record_build(
    con: duckdb.DuckDBPyConnection, build: Mapping[str, object], *, level: str, edition: int
) -> None:
    """Keep the build that scored the draft of ``edition``; a published edition's build is
    never replaced (scoring it again must reproduce it, see ``innovation_monitor.editions``)."""
    row = {"level": level, "edition": edition, **build}
    frame = _conform(TABLES["builds"], pl.DataFrame([row], schema=TABLES["builds"].schema))
    create_schema(con)
    with _registered(con, {"builds": frame}) as views, _transaction(con):
        published = con.execute(
            "SELECT count(*) FROM editions WHERE level = ? AND edition = ?", [level, edition]
        ).fetchone()
        if published and published[0]:
            return
        con.execute("DELETE FROM builds WHERE level = ? AND edition = ?", [level, edition])
        _insert(con, TABLES["builds"], views["builds"])


def archive_edition(
    con: duckdb.DuckDBPyConnection, record: Mapping[str, object], *, level: str, edition: int
) -> None:
    """Keep the draft of ``level`` (data years up to ``edition``) as that edition, in one
    transaction: its ``editions`` row and a copy of each of :data:`EDITION_TABLES` (its build is
    in ``builds`` already; a city edition keeps the province's own statistics it was scored
    against). Published rows are only ever inserted."""
    frame = _conform(TABLES["editions"], pl.DataFrame([record], schema=EDITIONS_SCHEMA))
    create_schema(con)
    with _registered(con, {"editions": frame}) as views, _transaction(con):
        _insert(con, TABLES["editions"], views["editions"])
        for name in EDITION_TABLES:
            columns = ", ".join(TABLES[name].column_names)
            con.execute(
                f"INSERT INTO edition_{name} (edition, {columns}) "
                f"SELECT ?, {columns} FROM {name} WHERE list_contains(?, level) AND year <= ?",
                [edition, list(statistics_levels(level)), edition],
            )


def write_divisions(con: duckdb.DuckDBPyConnection, registry: DivisionRegistry) -> int:
    """Replace the ``divisions`` table with every unit of the registry; returns the unit count."""
    spec = TABLES["divisions"]
    frame = _conform(spec, registry.to_frame())
    create_schema(con)
    with _registered(con, {spec.name: frame}) as views, _transaction(con):
        con.execute("DELETE FROM divisions")
        _insert(con, spec, views[spec.name])
    return frame.height


def read(
    con: duckdb.DuckDBPyConnection,
    table_name: str,
    *,
    years: Iterable[int] | None = None,
    level: str | tuple[str, ...] | None = None,
    edition: int | None = None,
) -> pl.DataFrame:
    """Rows of one table, optionally for some years, one level (or several) and one edition
    (the tables a published edition keeps), in a stable order.

    For ``divisions``, ``years`` selects the units valid in any of those data years.
    """
    spec = table(table_name)
    conditions: list[str] = []
    params: list[object] = []
    if years is not None:
        year_list = sorted({int(year) for year in years})
        if "year" in spec.schema:
            conditions.append("list_contains(?, year)")
        else:
            conditions.append(
                "EXISTS (SELECT 1 FROM unnest(?) AS y(year) "
                "WHERE valid_from <= y.year AND (valid_to IS NULL OR valid_to >= y.year))"
            )
        params.append(year_list)
    if level is not None:
        conditions.append("list_contains(?, level)")
        params.append([level] if isinstance(level, str) else list(level))
    if edition is not None:
        if "edition" not in spec.schema:
            raise DataError(f"table {spec.name!r} is not kept by edition")
        conditions.append("edition = ?")
        params.append(int(edition))
    where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    order = ", ".join(f"{name} NULLS FIRST" for name in spec.column_names)
    query = f"SELECT {', '.join(spec.column_names)} FROM {spec.name}{where} ORDER BY {order}"
    try:
        return con.sql(query, params=params).pl().cast(pl.Schema(spec.schema))
    except duckdb.CatalogException as error:
        # a warehouse written before the table existed, opened read-only (no schema update)
        raise DataError(
            f"the warehouse has no table {spec.name!r} yet; run the pipeline "
            f"(innovation-monitor run) to create it: {error}"
        ) from error
