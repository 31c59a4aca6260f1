"""A small warehouse scored by the real engine on the toy framework (``tests/toy_framework.py``),
for the fast tests of ``explain``.

Four cities over 2022 and 2023 with the toy city indicators ``a = x / y × 100`` (pillar p_one,
weight 1.5), ``b = z / y`` (p_one, weight 1, negative) and ``c = max(x, y) / y`` (p_two). The
statistics carry provenance like ingested ones (``x`` written in 亿元 and stored in 万元). Zibo's
``z`` of 2023 was quarantined ("—"), so ``b`` is carried forward from 2022; Zaozhuang has no
``z`` in 2022, its first year, so ``b`` stays missing there and p_one rests on ``a`` alone.
"""

from collections.abc import Mapping
from datetime import datetime

import duckdb
import polars as pl

from innovation_monitor import warehouse
from innovation_monitor.divisions import DivisionRegistry
from innovation_monitor.framework import IndicatorSystem
from innovation_monitor.indicators import compute_indicators
from innovation_monitor.ingest.result import QUARANTINE_SCHEMA, SOURCES_SCHEMA, STATISTICS_SCHEMA
from innovation_monitor.scoring.panel import score_panel
from innovation_monitor.scoring.rankings import build_rankings
from innovation_monitor.scoring.tiers import assign_tiers
from innovation_monitor.validation.outcomes import VALIDATION_RESULTS_SCHEMA

JINAN, QINGDAO, ZIBO, ZAOZHUANG = "370100", "370200", "370300", "370400"
YEARS = (2022, 2023)
# (x in 亿元, y in 万人, z in 件) per city and year; None: the cell is "—" in the file
CELLS: dict[str, dict[int, tuple[float, float, float | None]]] = {
    JINAN: {2022: (12.5, 900.0, 5400.0), 2023: (13.25, 910.0, 6100.0)},
    QINGDAO: {2022: (14.0, 1000.0, 7000.0), 2023: (15.5, 1020.0, 7300.0)},
    ZIBO: {2022: (4.2, 470.0, 1500.0), 2023: (4.4, 468.0, None)},
    ZAOZHUANG: {2022: (2.1, 385.0, None), 2023: (2.3, 384.0, 900.0)},
}
COLUMNS = {"x": "变量X(亿元)", "y": "变量Y(万人)", "z": "变量Z(件)"}
FACTORS = {"x": 10000.0, "y": 1.0, "z": 1.0}
UNITS = {"x": "万元", "y": "万人", "z": "件"}
NAMES = {JINAN: "济南市", QINGDAO: "青岛市", ZIBO: "淄博市", ZAOZHUANG: "枣庄市"}


def _cells() -> tuple[pl.DataFrame, pl.DataFrame]:
    """The statistics and the quarantined cells of the toy files ``city/<year>.csv``."""
    statistics, quarantine = [], []
    for row, (code, years) in enumerate(CELLS.items(), start=2):
        for year, values in years.items():
            for variable, raw in zip(COLUMNS, values, strict=True):
                where = {
                    "year": year,
                    "level": "city",
                    "source_file": f"city/{year}.csv",
                    "source_sheet": None,
                    "source_row": row,
                    "source_column": COLUMNS[variable],
                }
                if raw is None:
                    quarantine.append(
                        {
                            **where,
                            "raw_value": "—",
                            "region_text": f"{code} {NAMES[code]}",
                            "variable_text": COLUMNS[variable],
                            "reason": "not available ('—')",
                            "kind": "declared_gap",
                        }
                    )
                    continue
                statistics.append(
                    {
                        **where,
                        "region_code": code,
                        "variable": variable,
                        "value": raw * FACTORS[variable],
                        "unit": UNITS[variable],
                        "raw_value": f"{raw:g}",
                    }
                )
    return (
        pl.DataFrame(statistics, schema=STATISTICS_SCHEMA),
        pl.DataFrame(quarantine, schema=QUARANTINE_SCHEMA),
    )


def _sources() -> pl.DataFrame:
    return pl.DataFrame(
        [
            {
                "source_file": f"city/{year}.csv",
                "sha256": "0" * 64,
                "level": "city",
                "year": year,
                "format": "wide/csv/utf-8",
                "synthetic": True,
                "notice_zh": None,
                "notice_en": None,
                "loaded_at": datetime(2024, 1, 1),
            }
            for year in YEARS
        ],
        schema=SOURCES_SCHEMA,
    )


def _failed_check() -> pl.DataFrame:
    """The warning validation would record for Zibo's missing ``z`` of 2023."""
    return pl.DataFrame(
        [
            {
                "run_id": "toy",
                "edition": None,
                "year": 2023,
                "level": "city",
                "check_name": "complete[z]",
                "category": "completeness",
                "severity": "warning",
                "success": False,
                "accepted": False,
                "unexpected_count": 1,
                "description_zh": "当年每个有效的市级单位都有变量Z数据",
                "description_en": "every city unit valid in the year has Variable z",
                "examples": '[{"year": 2023, "region_code": "370300", "variable": "z"}]',
            }
        ],
        schema=VALIDATION_RESULTS_SCHEMA,
    )


def toy_warehouse(
    system: IndicatorSystem,
    registry: DivisionRegistry,
    *,
    scores_changed: Mapping[tuple[int, str, str], float] | None = None,
) -> duckdb.DuckDBPyConnection:
    """An in-memory warehouse scored with ``system``'s city methodology; ``scores_changed``
    overwrites stored scores by (year, region, node), as a warehouse edited by hand would."""
    framework = system.frameworks["city"]
    statistics, quarantine = _cells()
    values = compute_indicators(statistics, framework)
    panel = score_panel(values, framework)
    scores = panel.scores
    for (year, code, node), score in (scores_changed or {}).items():
        hit = (pl.col("year") == year) & (pl.col("region_code") == code) & (pl.col("node") == node)
        scores = scores.with_columns(
            pl.when(hit).then(pl.lit(score)).otherwise(pl.col("score")).alias("score")
        )
    rankings = build_rankings(scores, assign_tiers(scores, framework), registry, "city")
    con = warehouse.connect(":memory:")
    tables = {
        "statistics": statistics,
        "quarantine": quarantine,
        "sources": _sources(),
        "indicator_values": values,
        "scores": scores,
        "rankings": rankings,
        "imputations": panel.imputations,
    }
    warehouse.replace_slices(con, tables, years=YEARS, levels=["city"])
    warehouse.record_validation(
        con, _failed_check(), stage="statistics", years=[2023], level="city"
    )
    return con


def stored_score(con: duckdb.DuckDBPyConnection, year: int, code: str, node: str) -> float:
    """A score as the warehouse holds it (read apart from ``explain``)."""
    row = con.execute(
        "SELECT score FROM scores WHERE year = ? AND region_code = ? AND node = ?",
        [year, code, node],
    ).fetchone()
    assert row is not None and row[0] is not None
    return float(row[0])
