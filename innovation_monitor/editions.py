"""Editions: a published evaluation never changes, and can be reproduced from what it recorded.

The warehouse's ``scores``, ``rankings``, … are the *draft*: what the last run scored, through
the edition year it was asked for (by default the latest data year). ``publish`` freezes the
draft as edition ``Y`` of its level: its statistics, indicator values, scores, rankings and
imputations are copied into the ``edition_*`` tables, its edition year's report files into
``out/editions/Y/``, and what it rests on into ``editions``: data years, the framework file's
hash, the methodology, the code revision, every input file's hash, the run. Its build (the
engine's iMeta, the steps as run — replayable with
:func:`innovation_monitor.composite.build.run_build` — and the fitted goalposts and treatment
decisions) was recorded in ``builds`` when the draft was scored, and is never replaced once the
edition is published.
Nothing ever deletes or rewrites those rows and files. Scoring an edition that is published
again is allowed only from the same inputs (files and framework), and must give the same scores
to the bit (:func:`check_inputs`, :func:`check_reproduced`).
"""

import json
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl

from innovation_monitor import warehouse
from innovation_monitor.divisions.registry import statistics_levels
from innovation_monitor.errors import DataError
from innovation_monitor.framework import MonitoringFramework, build_steps
from innovation_monitor.ingest.fingerprint import file_sha256
from innovation_monitor.paths import PROJECT_ROOT
from innovation_monitor.warehouse import DRAFT, PUBLISHED

#: where a published edition's report files are kept, inside the report folder
EDITIONS_DIR = "editions"


@dataclass(frozen=True)
class Edition:
    """What a published edition rests on (one row of ``editions``)."""

    level: str
    edition: int
    data_years: list[int]
    framework_sha256: str
    inputs: dict[str, str]  # source file → sha256
    reports: dict[str, str]  # report file (relative to the report folder) → sha256

    @classmethod
    def read(cls, con: duckdb.DuckDBPyConnection, level: str, edition: int) -> "Edition | None":
        rows = warehouse.read(con, "editions", level=level).filter(pl.col("edition") == edition)
        if rows.is_empty():
            return None
        row = rows.row(0, named=True)
        return cls(
            level,
            edition,
            list(row["data_years"]),
            row["framework_sha256"],
            json.loads(row["inputs"]),
            json.loads(row["reports"]),
        )


def draft_edition(con: duckdb.DuckDBPyConnection, level: str) -> int | None:
    """The edition the draft of ``level`` is (its latest scored year), None before scoring."""
    years = warehouse.read(con, "rankings", level=level)["year"]
    return None if years.is_empty() else int(years.max())  # type: ignore[arg-type]


def edition_status(con: duckdb.DuckDBPyConnection, level: str, edition: int) -> str:
    """``published`` or ``draft``; DataError naming the editions held when it is neither."""
    if Edition.read(con, level, edition) is not None:
        return PUBLISHED
    if draft_edition(con, level) == edition:
        return DRAFT
    published = sorted(warehouse.read(con, "editions", level=level)["edition"].to_list())
    draft = draft_edition(con, level)
    raise DataError(
        f"the warehouse holds no {level} edition {edition}: published "
        f"{', '.join(map(str, published)) or 'none'}; draft {draft or 'none'} "
        f"(innovation-monitor run --edition {edition} scores it) / 无此版本"
    )


def edition_rows(
    con: duckdb.DuckDBPyConnection,
    table: str,
    *,
    level: str,
    edition: int,
    years: list[int] | None = None,
) -> pl.DataFrame:
    """A table's rows as edition ``edition`` of ``level`` holds them: its frozen copy once
    published (a later load or scoring does not change it), the draft's rows while it is the
    draft. Same columns as the table."""
    if edition_status(con, level, edition) == PUBLISHED:
        frozen = f"edition_{table}"
        return warehouse.read(con, frozen, years=years, level=level, edition=edition).drop(
            "edition"
        )
    rows = warehouse.read(con, table, years=years, level=level)
    return rows.filter(pl.col("year") <= edition)


def latest_published(
    con: duckdb.DuckDBPyConnection, level: str, *, before: int
) -> "Edition | None":
    """The most recent published edition of ``level`` older than ``before``, if any."""
    held = warehouse.read(con, "editions", level=level).filter(pl.col("edition") < before)
    older = sorted(held["edition"].to_list())
    return Edition.read(con, level, older[-1]) if older else None


def frozen_rows(
    con: duckdb.DuckDBPyConnection, reference: Edition, table: str, current: pl.DataFrame
) -> pl.DataFrame:
    """Rows of ``table`` for frozen goalposts: the reference edition's own rows for its data
    years (a revised or missing file does not move them), ``current`` for later years."""
    levels = statistics_levels(reference.level) if table == "statistics" else reference.level
    kept = warehouse.read(con, f"edition_{table}", level=levels, edition=reference.edition).drop(
        "edition"
    )
    later = current.filter(pl.col("year") > reference.edition)
    return pl.concat([kept, later.select(kept.columns)])


def code_revision() -> str:
    """The git commit of the code (``-dirty`` with uncommitted changes), or ``unknown``."""
    try:
        head = subprocess.run(
            ["git", "describe", "--always", "--dirty", "--abbrev=40"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return head.stdout.strip() or "unknown"


def edition_inputs(con: duckdb.DuckDBPyConnection, level: str, edition: int) -> dict[str, str]:
    """Every file the draft of ``level`` read for data years up to ``edition``, with its hash."""
    sources = warehouse.read(con, "sources", level=level).filter(pl.col("year") <= edition)
    return dict(sorted(zip(sources["source_file"], sources["sha256"], strict=True)))


def check_inputs(con: duckdb.DuckDBPyConnection, published: Edition, framework_sha256: str) -> None:
    """Refuse to score a published edition from other inputs than it was published from,
    naming every file (or the framework) that differs (a draft edition may change freely)."""
    level, edition = published.level, published.edition
    now = edition_inputs(con, level, edition)
    changed = sorted(f for f in set(now) & set(published.inputs) if now[f] != published.inputs[f])
    added = sorted(set(now) - set(published.inputs))
    removed = sorted(set(published.inputs) - set(now))
    problems = [f"changed: {', '.join(changed)}"] if changed else []
    problems += [f"new: {', '.join(added)}"] if added else []
    problems += [f"gone: {', '.join(removed)}"] if removed else []
    if framework_sha256 != published.framework_sha256:
        problems.append("indicators.yaml changed")
    if problems:
        raise DataError(
            f"{level} edition {edition} is published and never overwritten, but its inputs "
            f"differ from those it was published from ({'; '.join(problems)}). Score another "
            f"edition (innovation-monitor run --edition {edition + 1}), or restore the files / "
            "已发布的版本不可覆盖：输入文件与发布时不同"
        )


def check_reproduced(
    con: duckdb.DuckDBPyConnection, published: Edition, scores: pl.DataFrame
) -> None:
    """Scores of a published edition computed again must equal the published ones exactly."""
    level, edition = published.level, published.edition
    frozen = warehouse.read(con, "edition_scores", level=level, edition=edition).drop("edition")
    if not frozen.equals(scores.sort(frozen.columns).select(frozen.columns), null_equal=True):
        raise DataError(
            f"{level} edition {edition}: the same inputs gave other scores than the published "
            "ones (the code changed since it was published); the published edition is kept / "
            "同一输入得到的得分与已发布版本不同"
        )


def publish(
    con: duckdb.DuckDBPyConnection,
    framework: MonitoringFramework,
    *,
    level: str,
    edition: int,
    indicators_file: Path,
    out_dir: Path,
) -> Edition:
    """Freeze the draft of ``level`` as ``edition``: copy its rows, build, inputs and the report
    files of the edition year; refuse when it is already published or the draft is not it."""
    if Edition.read(con, level, edition) is not None:
        raise DataError(f"{level} edition {edition} is published already and never overwritten")
    scores = warehouse.read(con, "scores", level=level)
    years = sorted(scores["year"].unique().to_list())
    if not years or years[-1] != edition:
        through = f"through {years[-1]}" if years else "empty"
        raise DataError(
            f"the {level} draft is {through}, not edition {edition}: score it first "
            f"(innovation-monitor run --edition {edition}) / 请先计算该版本"
        )
    reports = _freeze_reports(out_dir, level, edition)
    record = {
        "level": level,
        "edition": edition,
        "status": PUBLISHED,
        "data_years": years,
        "framework_sha256": file_sha256(indicators_file),
        "methodology": json.dumps(
            {
                "steps": build_steps(framework),
                "edition_goalposts": framework.methodology.edition_goalposts,
            },
            ensure_ascii=False,
        ),
        "code_revision": code_revision(),
        "inputs": json.dumps(edition_inputs(con, level, edition), ensure_ascii=False),
        "reports": json.dumps(reports, ensure_ascii=False),
        "run_id": _last_run(con, level, edition),
        "published_at": datetime.now(UTC).replace(tzinfo=None),
    }
    if warehouse.read(con, "builds", level=level).filter(pl.col("edition") == edition).is_empty():
        raise DataError(f"the {level} draft of {edition} has no recorded build: score it again")
    warehouse.archive_edition(con, record, level=level, edition=edition)
    published = Edition.read(con, level, edition)
    assert published is not None
    return published


def _last_run(con: duckdb.DuckDBPyConnection, level: str, edition: int) -> str | None:
    """The run that validated the edition year (the run that made the draft)."""
    runs = warehouse.read(con, "validation_results", years=[edition], level=level)["run_id"]
    known = runs.drop_nulls()
    return str(known.max()) if known.len() else None


def _freeze_reports(out_dir: Path, level: str, edition: int) -> Mapping[str, str]:
    """Copy the edition year's report files of ``level`` to ``out/editions/<edition>/``, read
    only; their hashes."""
    source = out_dir / str(edition)
    files = sorted(source.glob(f"{level}_*")) if source.is_dir() else []
    if not files:
        raise DataError(
            f"no {level} report of {edition} in {out_dir}: run the pipeline with that report "
            "folder before publishing"
        )
    target = out_dir / EDITIONS_DIR / str(edition)
    target.mkdir(parents=True, exist_ok=True)
    hashes = {}
    for path in files:
        copy = target / path.name
        if copy.exists():
            copy.chmod(0o644)
        shutil.copyfile(path, copy)
        copy.chmod(0o444)
        hashes[str(copy.relative_to(out_dir))] = file_sha256(copy)
    return hashes
