"""One ingest run's shared state: every cell becomes a candidate statistic or a quarantine row.

The wide and long table readers hand each value cell here with its provenance; header
resolution (variable, unit factor or the problem) is cached per spelling for the whole run, and
the candidates wait for the duplicate check of ``load``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from innovation_monitor.ingest.cleaning import (
    CellProblem,
    normalize_unit,
    parse_number,
    to_canonical,
    unit_factor,
)
from innovation_monitor.ingest.matching import RegionMatcher, match_header

if TYPE_CHECKING:
    from innovation_monitor.divisions import DivisionRegistry
    from innovation_monitor.framework import IndicatorSystem, Variable
    from innovation_monitor.ingest.manifest import Manifest
    from innovation_monitor.ingest.result import QuarantineKind


@dataclass(frozen=True)
class CellOrigin:
    """Provenance of one cell, carried into the statistics or the quarantine."""

    source_file: str
    source_sheet: str | None
    source_row: int
    source_column: str | None
    raw_value: str | None
    region_text: str | None
    variable_text: str | None

    def where(self) -> str:
        sheet = f" sheet {self.source_sheet!r}" if self.source_sheet else ""
        return f"{self.source_file}{sheet} row {self.source_row} column {self.source_column!r}"

    def provenance(self) -> dict[str, object]:
        return {
            "source_file": self.source_file,
            "source_sheet": self.source_sheet,
            "source_row": self.source_row,
            "source_column": self.source_column,
            "raw_value": self.raw_value,
        }


@dataclass(frozen=True)
class Candidate:
    """A clean value waiting for the duplicate check."""

    year: int
    level: str
    region_code: str
    variable: str
    value: float
    unit: str
    origin: CellOrigin

    @property
    def key(self) -> tuple[int, str, str, str]:
        return (self.year, self.level, self.region_code, self.variable)


def quarantine_row(
    year: int | None, level: str | None, origin: CellOrigin, reason: str, kind: QuarantineKind
) -> dict[str, object]:
    """A quarantine table row for the cell at ``origin``."""
    return {
        "year": year,
        "level": level,
        **origin.provenance(),
        "region_text": origin.region_text,
        "variable_text": origin.variable_text,
        "reason": reason,
        "kind": kind,
    }


@dataclass(frozen=True)
class StatedUnit:
    """A unit stated apart from the header (unit row, long-file unit column) and where it is,
    so that a header bracket that disagrees with it can be named in the quarantine reason."""

    unit: str | None
    origin: str


@dataclass(frozen=True)
class ResolvedColumn:
    """A value column resolved once per table: its variable and unit factor, or its problem."""

    variable: Variable | None
    factor: Decimal
    problem: str | None


class Collector:
    """One ingest run: shared matching caches and the rows collected so far."""

    def __init__(
        self,
        system: IndicatorSystem,
        registry: DivisionRegistry,
        manifest: Manifest,
        years: Iterable[int] | None,
    ) -> None:
        self.system = system
        self.registry = registry
        self.regions = RegionMatcher(registry)
        self.manifest = manifest
        self.years = None if years is None else frozenset(int(year) for year in years)
        self.known_units = frozenset(u for v in system.variables.values() for u in v.units)
        self.candidates: list[Candidate] = []
        self.quarantine: list[dict[str, object]] = []
        self.sources: list[dict[str, object]] = []
        self.slices: set[tuple[int, str]] = set()
        self._columns: dict[tuple[str, str, StatedUnit, str | None], ResolvedColumn] = {}

    def reject(
        self,
        year: int | None,
        level: str | None,
        origin: CellOrigin,
        reason: str,
        kind: QuarantineKind,
    ) -> None:
        """Quarantine one cell with the reason it is no statistic and its kind."""
        self.quarantine.append(quarantine_row(year, level, origin, reason, kind))

    def column(
        self,
        header: str,
        level: str,
        stated: StatedUnit,
        default_unit: str | None = None,
    ) -> ResolvedColumn:
        """Resolve a header, the unit stated for it apart from the header and the table's
        default unit (``单位：`` above a wide table) for ``level``, once per spelling."""
        key = (header, level, stated, default_unit)
        if key not in self._columns:
            self._columns[key] = self._resolve(header, level, stated, default_unit)
        return self._columns[key]

    def _resolve(
        self, header: str, level: str, stated: StatedUnit, default_unit: str | None
    ) -> ResolvedColumn:
        if not header.strip():
            return ResolvedColumn(None, Decimal(1), "unknown column (no header)")
        variable, header_unit = match_header(self.system, header)
        if variable is None:
            return ResolvedColumn(
                None,
                Decimal(1),
                f"unknown column ({header.strip()!r} is no variable code, name or alias in "
                "indicators.yaml)",
            )
        if level not in variable.levels:
            return ResolvedColumn(
                variable,
                Decimal(1),
                f"variable not collected at this level ({variable.code} is collected for "
                f"{', '.join(variable.levels)} units, not {level})",
            )
        apart = normalize_unit(stated.unit)
        try:
            factor = unit_factor(variable, header_unit or apart or default_unit)
            if header_unit and apart and unit_factor(variable, apart) != factor:
                raise CellProblem(
                    f"conflicting units ({header.strip()!r} states {header_unit!r} but the "
                    f"{stated.origin} states {apart!r}; state one unit)"
                )
        except CellProblem as problem:
            return ResolvedColumn(variable, Decimal(1), str(problem))
        return ResolvedColumn(variable, factor, None)

    def value(
        self,
        year: int,
        level: str,
        region_code: str,
        column: ResolvedColumn,
        raw: object,
        origin: CellOrigin,
        table_level: str | None = None,
    ) -> None:
        """A cell of a known region: a candidate statistic, or quarantined with its reason
        (under ``table_level``, the level of the table the cell is in, when that differs: a
        province row of a city table is checked with the cities)."""
        variable = column.variable
        try:
            if column.problem is not None or variable is None:
                raise CellProblem(column.problem or "unknown column")
            number = parse_number(raw)
            value = to_canonical(number, column.factor, variable, variable.range_for(level))
        except CellProblem as problem:
            self.reject(year, table_level or level, origin, str(problem), problem.kind)
            return
        self.candidates.append(
            Candidate(year, level, region_code, variable.code, value, variable.unit, origin)
        )
