"""Where a report's figures come from, as the warehouse records it: the edition and whether it is
published, its framework hash, code revision and run, the build's edition, the data's load time
and every input file with its SHA-256 (``editions``, ``builds``, ``sources``,
``validation_results``).

Read from stored rows only, so the PDF and the workbook name exactly what the warehouse holds;
an unpublished draft has no code revision, framework hash, run or load time of its own and says
so: a rerun of the draft from the same inputs must give the same report, byte for byte, and only
a published edition's record is fixed.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl


@dataclass(frozen=True)
class Provenance:
    """A report's edition and inputs; ``published``: the edition is frozen (``publish``)."""

    edition: int | None
    published: bool
    framework_sha256: str | None
    code_revision: str | None
    run_id: str | None
    loaded_at: str | None
    files: tuple[tuple[str, str], ...]
    """(file, SHA-256) of every input file of the report's year and level."""


def report_provenance(
    year: int,
    level: str,
    *,
    sources: pl.DataFrame,
    editions: pl.DataFrame | None = None,
    builds: pl.DataFrame | None = None,
    validation: pl.DataFrame | None = None,
) -> Provenance:
    """The provenance of the (year, level) report from the stored rows (any years and levels)."""
    own = sources.filter(pl.col("year") == year, pl.col("level") == level)
    files = tuple(
        sorted({(str(f), str(h)) for f, h in own.select("source_file", "sha256").iter_rows()})
    )
    loaded = own.get_column("loaded_at").max() if own.height else None
    edition_row = None
    if editions is not None and editions.height:
        rows = editions.filter(pl.col("level") == level).sort("edition")
        covering = [r for r in rows.iter_rows(named=True) if year in (r["data_years"] or [])]
        edition_row = covering[-1] if covering else None
    edition = edition_row["edition"] if edition_row else None
    if edition is None and builds is not None and builds.height:
        levels = builds.filter(pl.col("level") == level)
        edition = int(levels["edition"].max()) if levels.height else None  # type: ignore[arg-type]
    run_id = None
    if validation is not None and validation.height:
        ids = validation.filter(pl.col("year") == year, pl.col("level") == level)
        known = sorted(i for i in ids.get_column("run_id").unique().to_list() if i)
        run_id = known[-1] if known else None
    published = bool(edition_row) and edition_row["status"] == "published"  # type: ignore[index]
    if not published:  # a draft's run and load time change with every rerun
        run_id, loaded = None, None
    return Provenance(
        edition=edition,
        published=published,
        framework_sha256=edition_row["framework_sha256"] if edition_row else None,
        code_revision=edition_row["code_revision"] if edition_row else None,
        run_id=(edition_row["run_id"] if edition_row and edition_row["run_id"] else run_id),
        loaded_at=None if loaded is None else str(loaded)[:19],
        files=files,
    )
