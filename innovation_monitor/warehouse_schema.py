"""The warehouse's tables described as data: every table's columns (the polars schemas of what
ingestion and scoring produce, from :mod:`innovation_monitor.ingest.result` and
:mod:`innovation_monitor.scoring.schemas`), keys and NOT NULL columns, the frozen ``edition_*``
copies and the ``<table>_by_edition`` views. The DDL and the column checks of
:mod:`innovation_monitor.warehouse` are derived from this one description; ``docs/warehouse.md``
documents every column.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

from innovation_monitor.errors import DataError
from innovation_monitor.ingest.result import QUARANTINE_SCHEMA, SOURCES_SCHEMA, STATISTICS_SCHEMA
from innovation_monitor.scoring.schemas import (
    COHERENCE_SCHEMA,
    CONTRIBUTIONS_SCHEMA,
    DRIVERS_SCHEMA,
    EVALUATIONS_SCHEMA,
    IMPUTATIONS_SCHEMA,
    PROVINCE_INDEX_SCHEMA,
    RANK_INTERVALS_SCHEMA,
    RANKINGS_SCHEMA,
    SCORES_SCHEMA,
    SENSITIVITY_SCHEMA,
    STRENGTHS_SCHEMA,
)
from innovation_monitor.validation.outcomes import VALIDATION_RESULTS_SCHEMA

_SQL_TYPES: dict[pl.DataType, str] = {
    pl.String(): "VARCHAR",
    pl.Int64(): "BIGINT",
    pl.Float64(): "DOUBLE",
    pl.Boolean(): "BOOLEAN",
    pl.Datetime("us"): "TIMESTAMP",
    pl.List(pl.String()): "VARCHAR[]",
    pl.List(pl.Int64()): "BIGINT[]",
}


@dataclass(frozen=True)
class Table:
    """One warehouse table; ``sliced`` tables have ``year``/``level`` and are written by slice."""

    name: str
    schema: Mapping[str, pl.DataType]
    not_null: tuple[str, ...] = ()
    primary_key: tuple[str, ...] = ()
    sliced: bool = True

    @property
    def column_names(self) -> list[str]:
        return list(self.schema)

    @property
    def ddl(self) -> str:
        lines = [
            f"    {name} {_SQL_TYPES[dtype]}{' NOT NULL' if name in self.not_null else ''}"
            for name, dtype in self.schema.items()
        ]
        if self.primary_key:
            lines.append(f"    PRIMARY KEY ({', '.join(self.primary_key)})")
        return f"CREATE TABLE IF NOT EXISTS {self.name} (\n" + ",\n".join(lines) + "\n);"


_KEY = ("year", "level", "region_code")

TABLES: dict[str, Table] = {
    table.name: table
    for table in (
        Table(
            "divisions",
            {
                "code": pl.String(),
                "name_zh": pl.String(),
                "name_en": pl.String(),
                "level": pl.String(),
                "type": pl.String(),
                "parent_code": pl.String(),
                "valid_from": pl.Int64(),
                "valid_to": pl.Int64(),
                "successor_codes": pl.List(pl.String()),
            },
            not_null=("code", "name_zh", "name_en", "level", "type", "valid_from"),
            primary_key=("code",),
            sliced=False,
        ),
        Table(
            "statistics",
            STATISTICS_SCHEMA,
            not_null=(*_KEY, "variable", "value", "unit", "source_file"),
            primary_key=(*_KEY, "variable"),
        ),
        # year/level stay NULL only for a long-file row whose year or region is unreadable;
        # such rows belong to their source file and are replaced when that file is re-loaded
        # (a row with a year only when that year is written again, see _orphan_years).
        Table("quarantine", QUARANTINE_SCHEMA, not_null=("source_file", "reason", "kind")),
        # One row per loaded file and (year, level) slice it contributed to; a file that
        # contributed to no slice keeps one row with NULL year and level.
        Table(
            "sources",
            SOURCES_SCHEMA,
            not_null=("source_file", "sha256", "format", "synthetic", "loaded_at"),
        ),
        Table(
            "indicator_values",
            {
                "year": pl.Int64(),
                "level": pl.String(),
                "region_code": pl.String(),
                "indicator": pl.String(),
                "value": pl.Float64(),
            },
            not_null=(*_KEY, "indicator"),
            primary_key=(*_KEY, "indicator"),
        ),
        Table("scores", SCORES_SCHEMA, not_null=(*_KEY, "node"), primary_key=(*_KEY, "node")),
        Table(
            "rankings",
            RANKINGS_SCHEMA,
            not_null=(*_KEY, "merged_from", "is_new", "previous_rank_restated"),
            primary_key=_KEY,
        ),
        # the evaluation cycle of an edition (its year), written with the scores
        Table(
            "evaluations",
            EVALUATIONS_SCHEMA,
            not_null=(*_KEY, "period_start", "period_end", "advanced"),
            primary_key=_KEY,
        ),
        # the province's own index against its base year, written with the scores
        Table(
            "province_index",
            PROVINCE_INDEX_SCHEMA,
            not_null=("year", "level", "base_year", "node"),
            primary_key=("year", "level", "node"),
        ),
        # insight into the scores (innovation_monitor/scoring: drivers, strengths, coherence),
        # written together by the analysis stage after scoring
        Table(
            "contributions",
            CONTRIBUTIONS_SCHEMA,
            not_null=(*_KEY, "indicator", "pillar"),
            primary_key=(*_KEY, "indicator"),
        ),
        Table(
            "drivers",
            DRIVERS_SCHEMA,
            not_null=(*_KEY, "previous_year", "indicator", "pillar"),
            primary_key=(*_KEY, "indicator"),
        ),
        Table(
            "strengths",
            STRENGTHS_SCHEMA,
            not_null=(*_KEY, "kind", "position", "indicator"),
            primary_key=(*_KEY, "kind", "position"),
        ),
        Table(
            "rank_intervals",
            RANK_INTERVALS_SCHEMA,
            not_null=(*_KEY, "nominal"),
            primary_key=_KEY,
        ),
        Table(
            "sensitivity",
            SENSITIVITY_SCHEMA,
            not_null=("year", "level", "input"),
            primary_key=("year", "level", "input"),
        ),
        Table(
            "coherence",
            COHERENCE_SCHEMA,
            not_null=("year", "level", "node", "parent", "measure"),
            primary_key=("year", "level", "node", "parent", "measure"),
        ),
        # written in the same transaction as `scores`: what scoring imputed or left missing
        Table(
            "imputations",
            IMPUTATIONS_SCHEMA,
            not_null=(*_KEY, "indicator", "method"),
            primary_key=(*_KEY, "indicator"),
        ),
        # every check outcome of the last run that validated the slice, passed or not; `stage`
        # says which data were checked (statistics, indicators, scores)
        Table(
            "validation_results",
            {"stage": pl.String(), **VALIDATION_RESULTS_SCHEMA},
            not_null=("stage", "year", "level", "check_name", "severity", "success", "accepted"),
        ),
    )
}

#: the tables a published edition keeps its own frozen copy of, as ``edition_<name>``: all it
#: takes to lay out and explain its figures down to the yearbook cells, whatever is loaded later
EDITION_TABLES = (
    "statistics",
    "quarantine",
    "sources",
    "validation_results",
    "indicator_values",
    "scores",
    "rankings",
    "imputations",
    "evaluations",
    "province_index",
    "contributions",
    "drivers",
    "strengths",
    "coherence",
    "rank_intervals",
    "sensitivity",
)
#: an edition's status: the draft is what the last run scored, through its edition year
DRAFT = "draft"
PUBLISHED = "published"

EDITIONS_SCHEMA: dict[str, pl.DataType] = {
    "level": pl.String(),
    "edition": pl.Int64(),
    "status": pl.String(),
    "data_years": pl.List(pl.Int64()),
    "framework_sha256": pl.String(),
    "methodology": pl.String(),
    "code_revision": pl.String(),
    "inputs": pl.String(),
    "reports": pl.String(),
    "run_id": pl.String(),
    "published_at": pl.Datetime("us"),
}

TABLES |= {
    "editions": Table(
        "editions",
        EDITIONS_SCHEMA,
        not_null=("level", "edition", "status"),
        primary_key=("level", "edition"),
        sliced=False,
    ),
    "builds": Table(
        "builds",
        {
            "level": pl.String(),
            "edition": pl.Int64(),
            "imeta": pl.String(),
            "steps": pl.String(),
            "fitted": pl.String(),
        },
        not_null=("level", "edition", "imeta", "steps", "fitted"),
        primary_key=("level", "edition"),
        sliced=False,
    ),
    **{
        f"edition_{name}": Table(
            f"edition_{name}",
            {"edition": pl.Int64(), **TABLES[name].schema},
            not_null=("edition", *TABLES[name].not_null),
            primary_key=("edition", *TABLES[name].primary_key) if TABLES[name].primary_key else (),
            sliced=False,
        )
        for name in EDITION_TABLES
    },
}


def _by_edition(name: str) -> str:
    """The view ``<name>_by_edition``: every row of every edition, keyed by edition and status
    — the published editions' frozen rows and the draft's (its edition: the level's latest
    scored year)."""
    columns = TABLES[name].column_names
    return (
        f"CREATE OR REPLACE VIEW {name}_by_edition AS\n"
        f"SELECT edition, '{PUBLISHED}' AS status, {', '.join(columns)} FROM edition_{name}\n"
        "UNION ALL\n"
        f"SELECT d.edition, '{DRAFT}' AS status, {', '.join(f't.{c}' for c in columns)}\n"
        f"FROM {name} t JOIN (SELECT level, max(year) AS edition FROM scores GROUP BY level) d\n"
        "ON t.level = d.level AND t.year <= d.edition;"
    )


SCHEMA: str = "\n\n".join(table.ddl for table in TABLES.values())
"""DDL for every table (``CREATE TABLE IF NOT EXISTS``), in dependency-free order."""

VIEWS: str = "\n\n".join(map(_by_edition, EDITION_TABLES))
"""DDL for the ``<table>_by_edition`` views, made once the tables have every column."""


def table(name: str) -> Table:
    """The table called ``name``; anything else is refused (names are never interpolated raw)."""
    try:
        return TABLES[name]
    except KeyError:
        raise DataError(
            f"unknown warehouse table {name!r}; expected one of {', '.join(TABLES)}"
        ) from None


def migrations(existing: set[tuple[str, str]]) -> list[str]:
    """``ALTER TABLE … ADD COLUMN`` for every column of :data:`TABLES` not in ``existing``
    (table, column), so a warehouse written by an earlier version gains the columns added since
    (NULL in its old rows)."""
    return [
        f"ALTER TABLE {spec.name} ADD COLUMN {name} {_SQL_TYPES[dtype]}"
        for spec in TABLES.values()
        for name, dtype in spec.schema.items()
        if (spec.name, name) not in existing
    ]
