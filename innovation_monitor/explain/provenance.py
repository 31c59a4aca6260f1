"""The yearbook cells behind a unit's statistics, and the failed checks that concern them.

A statistic in the warehouse carries the file, sheet, row, column and raw text it was read from;
its value is already in the statistic's canonical unit. A statistic the warehouse lacks may have
been quarantined (a placeholder "—", a value in an unknown unit): the quarantine row keeps the
region and the header as written, so they are matched the way ingestion matched them (the
registry for the region, the framework's header spellings for the column).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from innovation_monitor.divisions import Division, DivisionRegistry
from innovation_monitor.errors import DataError
from innovation_monitor.explain.model import SourceCell
from innovation_monitor.explain.words import cell_place, words
from innovation_monitor.framework import IndicatorSystem, Variable
from innovation_monitor.ingest.cleaning import normalize_unit, split_unit
from innovation_monitor.ingest.matching import match_header
from innovation_monitor.reports.labels import Bilingual
from innovation_monitor.validation.outcomes import BLOCKING, WARNING

UNIT_ROW_SEPARATOR = " / "
"""How ingestion joins a header and the unit row under it in ``source_column``."""


def written_unit(column: str | None, variable: Variable) -> tuple[str, float] | None:
    """The unit a column header states (its bracket, else the unit row under it) and the
    factor ingestion converted it with; None when the header states none the statistic
    accepts (the unit came from a title row or a unit column)."""
    if not column:
        return None
    header, *unit_row = column.split(UNIT_ROW_SEPARATOR)
    unit = split_unit(header)[1] or (normalize_unit(unit_row[-1]) if unit_row else None)
    if unit is None or unit not in variable.units:
        return None
    return unit, float(variable.units[unit])


@dataclass(frozen=True)
class UnitCells:
    """The statistics and quarantined cells of one unit, for the years read."""

    system: IndicatorSystem
    statistics: pl.DataFrame
    quarantine: pl.DataFrame

    def cells(self, variables: Iterable[str], year: int) -> tuple[SourceCell, ...]:
        """The cell of each variable in ``year``: the stored statistic, else the quarantined
        cell (or cells) of it, else an empty cell saying the warehouse has none."""
        found: list[SourceCell] = []
        for code in variables:
            variable = self.system.variables[code]
            name = Bilingual(variable.name_zh, variable.name_en)
            rows = self.statistics.filter(pl.col("year") == year, pl.col("variable") == code)
            if rows.height:
                row = rows.row(0, named=True)
                stated = written_unit(row["source_column"], variable)
                found.append(
                    SourceCell(
                        code,
                        name,
                        year,
                        row["value"],
                        row["unit"],
                        row["source_file"],
                        row["source_sheet"],
                        row["source_row"],
                        row["source_column"],
                        row["raw_value"],
                        written_unit=None if stated is None else stated[0],
                        factor=None if stated is None else stated[1],
                    )
                )
                continue
            set_aside = self.quarantine.filter(pl.col("year") == year, pl.col("variable") == code)
            found += [
                SourceCell(
                    code,
                    name,
                    year,
                    None,
                    variable.unit,
                    q["source_file"],
                    q["source_sheet"],
                    q["source_row"],
                    q["source_column"],
                    q["raw_value"],
                    q["reason"],
                )
                for q in set_aside.iter_rows(named=True)
            ] or [SourceCell(code, name, year, None, variable.unit)]
        return tuple(found)


def denotes(text: str | None, unit: Division, year: int, registry: DivisionRegistry) -> bool:
    """Whether a region as written (``371500 聊城市``, a code, a name) names ``unit`` in
    ``year``: one of its words is the unit's code or a name the registry gives it."""
    for word in (text or "").split():
        try:
            match = registry.match(word, year, unit.level)
        except DataError:  # a year the registry does not cover
            return False
        if match is not None and match.code == unit.code:
            return True
    return False


def header_variable(system: IndicatorSystem, text: str | None) -> str | None:
    """The variable code a header or variable cell names, as ingestion reads it."""
    if not text:
        return None
    variable, _ = match_header(system, text)
    return None if variable is None else variable.code


def unit_quarantine(
    quarantine: pl.DataFrame,
    unit: Division,
    system: IndicatorSystem,
    registry: DivisionRegistry,
) -> pl.DataFrame:
    """The quarantined cells of ``unit`` (of the years and level read), with the variable
    code each names (``variable``)."""
    rows = [
        {**row, "variable": header_variable(system, row["variable_text"])}
        for row in quarantine.iter_rows(named=True)
        if row["year"] is not None and denotes(row["region_text"], unit, row["year"], registry)
    ]
    schema = {**quarantine.schema, "variable": pl.String()}
    return pl.DataFrame(rows, schema=schema)


def _example_variable(example: dict[str, Any], system: IndicatorSystem) -> str | None:
    variable = example.get("variable")
    if isinstance(variable, str):
        return variable
    text = example.get("variable_text")
    return header_variable(system, text) if isinstance(text, str) else None


def _concerns(
    example: dict[str, Any], unit: Division, year: int, registry: DivisionRegistry
) -> bool:
    if example.get("region_code") == unit.code:
        return True
    text = example.get("region_text")
    return isinstance(text, str) and denotes(text, unit, year, registry)


def failed_checks(
    results: pl.DataFrame,
    unit: Division,
    year: int,
    system: IndicatorSystem,
    registry: DivisionRegistry,
    variables: Sequence[str] | None = None,
) -> tuple[Bilingual, ...]:
    """The failed checks of the year (``validation_results`` rows) with an offending row of
    ``unit``, restricted to ``variables`` where the row names one, each said as its
    description, its severity and where the offending cell is."""
    found: list[Bilingual] = []
    for row in results.filter(~pl.col("success")).iter_rows(named=True):
        examples = json.loads(row["examples"] or "[]")
        mine = [
            e
            for e in examples
            if isinstance(e, dict)
            and _concerns(e, unit, year, registry)
            and (variables is None or _example_variable(e, system) in (None, *variables))
        ]
        if not mine:
            continue
        severity = words(row["severity"]) if row["severity"] in (BLOCKING, WARNING) else None
        found.append(
            _check_text(row, severity, words("accepted") if row["accepted"] else None, mine[0])
        )
    return tuple(found)


def _check_text(
    row: dict[str, Any],
    severity: Bilingual | None,
    accepted: Bilingual | None,
    example: dict[str, Any],
) -> Bilingual:
    def spelled(lang: str) -> str:
        text = row[f"description_{lang}"] or row["check_name"]
        tags = [t.get(lang) for t in (severity, accepted) if t is not None]
        if tags:
            text += ("（" + "，".join(tags) + "）") if lang == "zh" else f" ({', '.join(tags)})"
        if example.get("source_file"):
            cell = cell_place(
                str(example["source_file"]),
                example.get("source_sheet"),
                example.get("source_row"),
                example.get("source_column"),
                example.get("raw_value"),
            )
            text += ("：" if lang == "zh" else ": ") + cell.get(lang)
        return text

    return Bilingual(spelled("zh"), spelled("en"))
