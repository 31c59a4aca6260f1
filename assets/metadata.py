"""What the Dagster UI shows about an asset: its table's schema in the definition, and for a
materialization the stage's line and figures, the rows of its table and its report files."""

from pathlib import Path

import dagster as dg
import duckdb

from innovation_monitor import warehouse
from innovation_monitor.summaries import StageSummary

WAREHOUSE_POOL = "warehouse"
"""The concurrency pool of every step that uses the warehouse: a run holds it from its first
step to its commit (``.dagster_home/dagster.yaml`` limits it to one run at a time)."""


def table_definition(table: str) -> dict[str, "dg.RawMetadataValue"]:
    """The warehouse table an asset writes: its name and column schema, from
    ``innovation_monitor.warehouse.TABLES`` (shown in the UI before anything is materialized)."""
    spec = warehouse.TABLES[table]
    columns = [
        dg.TableColumn(
            name,
            str(dtype),
            constraints=dg.TableColumnConstraints(nullable=name not in spec.not_null),
        )
        for name, dtype in spec.schema.items()
    ]
    keys = [f"primary key ({', '.join(spec.primary_key)})"] if spec.primary_key else []
    return {
        "dagster/table_name": spec.name,
        "dagster/column_schema": dg.TableSchema(
            columns=columns, constraints=dg.TableConstraints(other=keys)
        ),
    }


def table_rows(
    con: duckdb.DuckDBPyConnection,
    table: str,
    level: str | None,
    years: list[int] | None = None,
) -> int:
    """Rows of ``level`` (of the whole table for ``None``) in ``table`` after the write, in
    ``years`` (the run's data-year partitions) or all years."""
    if level is None:
        return warehouse.read(con, table).height
    counts = warehouse.slice_counts(con, table)
    return sum(
        rows
        for (year, of_level), rows in counts.items()
        if of_level == level and (years is None or year in years)
    )


def materialized(
    context: dg.AssetExecutionContext, summary: StageSummary, row_count: int
) -> dg.MaterializeResult:
    """Log the stage's line; attach its figures, the row count and, if any, its table."""
    context.log.info(summary.describe())
    metadata: dict[str, dg.RawMetadataValue] = dict(summary.metadata())
    metadata["dagster/row_count"] = row_count
    if summary.table:
        metadata["preview"] = dg.MetadataValue.md(summary.table)
    return dg.MaterializeResult(metadata=metadata)


def reports_materialized(
    context: dg.AssetExecutionContext, paths: list[Path], staged: Path, out: Path
) -> dg.MaterializeResult:
    """The report files where they will be once the run commits: the folder, the latest
    year's files as links, and how many there are."""
    final = sorted(out / path.relative_to(staged) for path in paths)
    context.log.info(f"{len(final)} report files for {out}, moved there when the run ends")
    metadata: dict[str, dg.RawMetadataValue] = {
        "files": len(final),
        "folder": dg.MetadataValue.path(out),
    }
    if final:
        latest = final[-1].parent
        for path in (p for p in final if p.parent == latest):
            metadata[f"{latest.name}/{path.name}"] = dg.MetadataValue.url(path.resolve().as_uri())
    return dg.MaterializeResult(metadata=metadata)
