"""What a stage tells its caller: a log line, figures and a Markdown table, or a pass/fail.

The Dagster assets turn these into materialization and check metadata, the command line prints
them; keeping them plain dataclasses keeps the stages free of dagster.
"""

from collections import Counter
from dataclasses import dataclass, field

import polars as pl

from innovation_monitor.framework.model import INDEX_CODE
from innovation_monitor.ingest import IngestResult


@dataclass(frozen=True)
class StageSummary:
    """What a stage did: a log line, figures and a Markdown table for the Dagster UI."""

    text: str
    figures: dict[str, int | float | str] = field(default_factory=dict)
    table: str = ""

    def describe(self) -> str:
        return self.text

    def metadata(self) -> dict[str, int | float | str]:
        return dict(self.figures)


@dataclass(frozen=True)
class CheckResult:
    """A simple pass/fail with its findings (for checks that need no expectation suite)."""

    success: bool
    problems: list[str]

    def to_metadata(self) -> dict[str, str | int]:
        return {"problems": len(self.problems), "examples": "; ".join(self.problems[:10])}


def markdown_table(frame: pl.DataFrame) -> str:
    """A small frame as a Markdown table (pipes in values escaped)."""
    cells = [[str(v).replace("|", "\\|") for v in row] for row in frame.iter_rows()]
    lines = ["| " + " | ".join(frame.columns) + " |", "|" + "---|" * frame.width]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in cells])


def ingest_summary(result: IngestResult) -> StageSummary:
    """Files, years, values loaded and cells quarantined (by reason) of one ingest."""
    reasons = Counter(reason.split(" (")[0] for reason in result.quarantine["reason"].to_list())
    synthetic = bool(result.sources["synthetic"].any()) if result.sources.height else False
    files = result.sources["source_file"].n_unique()
    figures: dict[str, int | float | str] = {
        "files": files,
        "years": ", ".join(str(y) for y in result.years),
        "statistics_rows": result.statistics.height,
        "quarantined_cells": result.quarantine.height,
        "synthetic": str(synthetic),
    }
    table = markdown_table(
        pl.DataFrame(reasons.most_common(), schema=["quarantine reason", "cells"], orient="row")
    )
    text = (
        f"{files} files, years {figures['years']}: "
        f"{result.statistics.height} values loaded, {result.quarantine.height} cells quarantined"
        + (" (SYNTHETIC sample data)" if synthetic else "")
    )
    return StageSummary(text, figures, table if reasons else "")


def score_summary(
    level: str,
    years: list[int],
    scores: pl.DataFrame,
    rankings: pl.DataFrame,
    evaluations: pl.DataFrame,
    names: pl.DataFrame,
    status: str,
    top: int,
    note: str = "",
) -> StageSummary:
    """What scoring a level reports: unit-years and years scored, the edition and its status,
    the first unit and the advanced units of the evaluation period (log line), and the edition
    year's top ``top`` (markdown); ``names`` holds ``region_code, name_zh, name_en``."""
    index = scores.filter(pl.col("node") == INDEX_CODE)
    text = f"{level}: scored {index.height} unit-years over {len(years)} years{note}"
    if not years:
        return StageSummary(text, {"unit_years": 0})
    leaders = (
        index.filter(pl.col("year") == years[-1], pl.col("rank") <= top)
        .join(names, on="region_code", how="left")
        .join(
            rankings.select("year", "region_code", "tier", "rank_change"),
            on=["year", "region_code"],
        )
        .sort("rank", "region_code")
        .select(
            "rank",
            "region_code",
            "name_zh",
            "name_en",
            pl.col("score").round(2),
            "tier",
            "rank_change",
        )
    )
    advanced = evaluations.filter(pl.col("advanced")).join(names, on="region_code", how="left")
    cycle = (
        f"; advanced ({advanced['period_start'][0]}–{years[-1]}): "
        + "、".join(advanced["name_zh"].to_list())
        if advanced.height
        else ""
    )
    return StageSummary(
        f"{text}; edition {years[-1]} ({status}); "
        f"{years[-1]} first: {leaders['name_zh'][0]} ({leaders['score'][0]:.2f}){cycle}",
        {
            "unit_years": index.height,
            "rows": scores.height,
            "years": ", ".join(map(str, years)),
            "edition": years[-1],
            "edition_status": status,
        },
        f"**{years[-1]} top {top}**\n\n" + markdown_table(leaders),
    )
