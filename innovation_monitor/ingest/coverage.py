"""A year that shrinks is not a silent replacement: each (year, level) an ingest covers must
yield about as many values as the level needs, and as the previous load of that slice held.

Loading a slice replaces it, so a file with only a header, a county table saved under
``city/``, or a header layout the reader did not understand would otherwise replace a year of
figures with almost nothing, every cell quarantined. The rule is per slice (all of its files
together), so a file that adds a few variables to a year (``long/city_2021.csv``) is fine.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import TYPE_CHECKING

import polars as pl

from innovation_monitor.errors import DataError, IngestError

if TYPE_CHECKING:
    from innovation_monitor.divisions import DivisionRegistry
    from innovation_monitor.framework import IndicatorSystem
    from innovation_monitor.ingest.result import IngestResult

MIN_SHARE = 0.5
"""A slice must hold at least this share of what it needs and of what it held before."""


def check_coverage(
    result: IngestResult,
    system: IndicatorSystem,
    registry: DivisionRegistry,
    previous: Mapping[tuple[int, str], int] | None = None,
    *,
    min_share: float = MIN_SHARE,
) -> None:
    """Raise :class:`IngestError` naming every (year, level) slice of ``result`` that yields
    fewer statistics than ``min_share`` × (units valid that year × variables of the level), or
    than ``min_share`` × ``previous[(year, level)]`` (the values stored before this load).

    The message names the slice's files with the values each gave, and the commonest reasons
    its cells were quarantined. Only slices the ingest covers are checked (a slice whose file
    was removed is for the caller to handle).
    """
    counts = Counter(
        zip(result.statistics["year"].to_list(), result.statistics["level"].to_list(), strict=True)
    )
    problems = []
    for year, level in sorted(result.slices):
        got = counts[(year, level)]
        try:
            units = len(registry.valid_in(year, level))
        except DataError:  # a year the registry does not cover: its cells are quarantined
            units = 0
        variables = sum(level in variable.levels for variable in system.variables.values())
        needed = units * variables
        before = (previous or {}).get((year, level), 0)
        shortfalls = []
        if got < min_share * needed:
            shortfalls.append(
                f"the level needs {needed} ({units} {level} units × {variables} variables)"
            )
        if got < min_share * before:
            shortfalls.append(f"the previous load held {before}")
        if shortfalls:
            problems.append(
                f"{level} {year}: {got} values from {_files(result, year, level)}, but "
                f"{' and '.join(shortfalls)} (at least {min_share:.0%} is expected)"
                f"{_reasons(result, year, level)}"
            )
    if problems:
        raise IngestError(
            "数据覆盖不足，未载入 / too few values, nothing loaded: "
            + "; ".join(problems)
            + ". A file with only a header, a table of the other level or headers the reader "
            "did not understand replaces a year with almost nothing: check the file(s) named."
        )


def _files(result: IngestResult, year: int, level: str) -> str:
    """The slice's files, each with the number of values it gave."""
    mine = (pl.col("year") == year) & (pl.col("level") == level)
    files = sorted(
        set(result.sources.filter(mine)["source_file"])
        | set(result.quarantine.filter(mine)["source_file"])
    )
    given = Counter(result.statistics.filter(mine)["source_file"].to_list())
    return ", ".join(f"{file} ({given[file]})" for file in files) or "no file"


def _reasons(result: IngestResult, year: int, level: str, limit: int = 2) -> str:
    """The commonest quarantine reasons of the slice (their text before the detail)."""
    mine = (pl.col("year") == year) & (pl.col("level") == level)
    reasons = Counter(
        reason.split(" (")[0] for reason in result.quarantine.filter(mine)["reason"].to_list()
    )
    if not reasons:
        return ""
    common = ", ".join(f"{reason} ×{n}" for reason, n in reasons.most_common(limit))
    return f"; quarantined: {common}"
