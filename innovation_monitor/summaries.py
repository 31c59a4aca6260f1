"""What a stage tells its caller: a log line, figures and a Markdown table, or a pass/fail.

The Dagster assets turn these into materialization and check metadata, the command line prints
them; keeping them plain dataclasses keeps the stages free of dagster.
"""

from collections import Counter
from dataclasses import dataclass, field

import polars as pl

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
