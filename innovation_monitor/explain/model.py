"""What an explanation holds: one unit-year's index traced down to the cells of the yearbooks.

Plain frozen dataclasses, filled by :mod:`innovation_monitor.explain.trace` from the stored
tables and the framework, shown as text by :mod:`innovation_monitor.explain.text` and as frames
for notebooks (:meth:`Explanation.to_frame`, :meth:`Explanation.cells_frame`).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from innovation_monitor.framework import INDEX_CODE
from innovation_monitor.reports.labels import Bilingual
from innovation_monitor.reports.views import Estimate, Named


@dataclass(frozen=True)
class SourceCell:
    """One statistic a formula reads: the value as stored (in the statistic's canonical
    ``unit``: ingestion converts what the file states) and where it was read, the cell as
    written; or, with no value, the quarantined cell and its ``reason`` (or no cell at all)."""

    variable: str
    name: Bilingual
    year: int
    value: float | None
    unit: str
    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    raw: str | None = None
    reason: str | None = None
    written_unit: str | None = None
    """The unit the column header states (亿元), when it does and the statistic accepts it."""
    factor: float | None = None
    """What ingestion multiplied the written value by (10000 for 亿元 → 万元)."""


@dataclass(frozen=True)
class IndicatorPart:
    """One indicator of the unit-year: its formula and cells, its own value, what scoring used
    instead (``estimate``, from ``imputations``), its normalised score and its contribution to
    the pillar (and through the pillar to the index)."""

    code: str
    name: Bilingual
    unit: str
    direction: int
    formula: Bilingual
    cells: tuple[SourceCell, ...]
    value: float | None
    estimate: Estimate | None
    score: float | None
    rank: int | None
    weight: float
    share: float | None = None
    contribution: float | None = None
    index_contribution: float | None = None
    screened_out: bool = False
    carried_year: int | None = None
    carried_cells: tuple[SourceCell, ...] = ()

    @property
    def used(self) -> float | None:
        """The value the scores rest on: the estimate's, else the unit's own."""
        return self.estimate.value if self.estimate is not None else self.value


@dataclass(frozen=True)
class PillarPart:
    """One pillar: its stored score, its weight, how many of its indicators have a score and
    how many it needs (``threshold``), its share of the index weight and its contribution;
    ``note`` says why contributions inside it are not shown, ``index_note`` why its own is
    not."""

    code: str
    name: Bilingual
    weight: float
    score: float | None
    rank: int | None
    indicators: tuple[IndicatorPart, ...]
    threshold: float | None
    share: float | None = None
    contribution: float | None = None
    note: Bilingual | None = None

    @property
    def present(self) -> int:
        """Indicators with a normalised score."""
        return sum(i.score is not None for i in self.indicators if not i.screened_out)


@dataclass(frozen=True)
class Explanation:
    """How the index of one unit in one data year was produced (see the package docstring)."""

    level: str
    year: int
    unit: Named
    parent: Named | None
    index_name: Bilingual
    score: float | None
    rank: int | None
    ranked: int
    rank_in_parent: int | None
    tier: Bilingual | None
    pillars: tuple[PillarPart, ...]
    steps: tuple[Bilingual, ...]
    checks: tuple[Bilingual, ...]
    synthetic: bool
    note: Bilingual | None = None
    """Why the pillars' contributions to the index are not shown, if they are not."""
    indicator: str | None = None
    """The one indicator whose chain the text details (None: all)."""
    edition: int | None = None
    """The edition whose stored rows are explained (None: the draft, as the last run left it)."""
    status: str | None = None
    """That edition's status, ``published`` or ``draft``."""
    edition_years: tuple[int, ...] = ()
    """The data years a published edition pooled."""

    def text(self, lang: str = "zh") -> str:
        """The explanation as plain text for a terminal, in ``lang`` (``zh`` or ``en``)."""
        from innovation_monitor.explain.text import explanation_text

        return explanation_text(self, lang)

    def to_frame(self) -> pl.DataFrame:
        """One row per node (the index, each pillar, each indicator): value, value used and
        how it was imputed, score, rank, weight, weight share, contribution to the parent and
        to the index. Every node, also with ``indicator`` set, so the contributions add up."""
        rows = [
            self._row(INDEX_CODE, "index", None, self.index_name, score=self.score, rank=self.rank)
        ]
        for pillar in self.pillars:
            rows.append(
                self._row(
                    pillar.code,
                    "pillar",
                    INDEX_CODE,
                    pillar.name,
                    score=pillar.score,
                    rank=pillar.rank,
                    weight=pillar.weight,
                    share=pillar.share,
                    contribution=pillar.contribution,
                    index_contribution=pillar.contribution,
                )
            )
            for part in pillar.indicators:
                rows.append(
                    self._row(
                        part.code,
                        "indicator",
                        pillar.code,
                        part.name,
                        value=part.value,
                        value_used=part.used,
                        imputation=None if part.estimate is None else part.estimate.method,
                        score=part.score,
                        rank=part.rank,
                        weight=part.weight,
                        share=part.share,
                        contribution=part.contribution,
                        index_contribution=part.index_contribution,
                    )
                )
        return pl.DataFrame(rows, schema=NODE_SCHEMA)

    def _row(
        self, node: str, kind: str, parent: str | None, name: Bilingual, **values: object
    ) -> dict[str, object]:
        return {
            "year": self.year,
            "level": self.level,
            "region_code": self.unit.code,
            "node": node,
            "kind": kind,
            "parent": parent,
            "name_zh": name.zh,
            "name_en": name.en,
            **values,
        }

    def cells_frame(self) -> pl.DataFrame:
        """One row per source cell of every indicator (``carried``: a cell of the year whose
        value was carried forward), with its provenance as stored."""
        rows = [
            {
                "indicator": part.code,
                "carried": carried,
                "variable": cell.variable,
                "year": cell.year,
                "value": cell.value,
                "unit": cell.unit,
                "source_file": cell.file,
                "source_sheet": cell.sheet,
                "source_row": cell.row,
                "source_column": cell.column,
                "raw_value": cell.raw,
                "reason": cell.reason,
            }
            for pillar in self.pillars
            for part in pillar.indicators
            for carried, cells in ((False, part.cells), (True, part.carried_cells))
            for cell in cells
        ]
        return pl.DataFrame(rows, schema=CELL_SCHEMA)


NODE_SCHEMA: dict[str, pl.DataType] = {
    "year": pl.Int64(),
    "level": pl.String(),
    "region_code": pl.String(),
    "node": pl.String(),
    "kind": pl.String(),
    "parent": pl.String(),
    "name_zh": pl.String(),
    "name_en": pl.String(),
    "value": pl.Float64(),
    "value_used": pl.Float64(),
    "imputation": pl.String(),
    "score": pl.Float64(),
    "rank": pl.Int64(),
    "weight": pl.Float64(),
    "share": pl.Float64(),
    "contribution": pl.Float64(),
    "index_contribution": pl.Float64(),
}
"""Columns of :meth:`Explanation.to_frame`: ``share`` is the node's share of its parent's weight
among the siblings with a score, ``contribution`` what it adds to the parent's score,
``index_contribution`` what it adds to the index."""

CELL_SCHEMA: dict[str, pl.DataType] = {
    "indicator": pl.String(),
    "carried": pl.Boolean(),
    "variable": pl.String(),
    "year": pl.Int64(),
    "value": pl.Float64(),
    "unit": pl.String(),
    "source_file": pl.String(),
    "source_sheet": pl.String(),
    "source_row": pl.Int64(),
    "source_column": pl.String(),
    "raw_value": pl.String(),
    "reason": pl.String(),
}
"""Columns of :meth:`Explanation.cells_frame`."""
