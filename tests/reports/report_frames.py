"""The hand-made frames the report tests build reports from (see ``test_reports.py``): toy
cities and counties with index scores per data year, the notices, and helpers that cut a
rendered page into sections and table rows."""

import re
from typing import Any

import polars as pl

from innovation_monitor.divisions import DivisionRegistry
from innovation_monitor.framework import IndicatorSystem, MonitoringFramework
from innovation_monitor.reports import DataNotice, MonitoringReport, build_report
from innovation_monitor.scoring.rankings import build_rankings
from innovation_monitor.scoring.schemas import IMPUTATIONS_SCHEMA

JINAN, QINGDAO, ZIBO, YANTAI, WEIFANG, LAIWU = (
    "370100",
    "370200",
    "370300",
    "370600",
    "370700",
    "371200",
)
# Index (score, rank) per data year; 2019 has a tie at rank 3 and Weifang is new in the data.
CITY_INDEX = {
    2018: {
        QINGDAO: (80.0, 1),
        JINAN: (75.0, 2),
        YANTAI: (60.0, 3),
        LAIWU: (50.0, 4),
        ZIBO: (40.0, 5),
    },
    2019: {
        JINAN: (82.0, 1),
        QINGDAO: (78.0, 2),
        ZIBO: (70.0, 3),
        WEIFANG: (70.0, 3),
        YANTAI: (55.0, 5),
    },
}
LIXIA, LICHENG, LAICHENG, GANGCHENG_OLD, LAIWU_DISTRICT, GANGCHENG = (
    "370102",
    "370112",
    "371202",
    "371203",
    "370116",
    "370117",
)
JIAOZHOU, HUANGDAO, CHIPING = "370281", "370211", "371503"
COUNTY_INDEX = {
    2018: {
        HUANGDAO: (90.0, 1),
        LIXIA: (85.0, 2),
        JIAOZHOU: (70.0, 3),
        LAICHENG: (50.0, 4),
        LICHENG: (45.0, 5),
        GANGCHENG_OLD: (30.0, 6),
    },
    2019: {
        LIXIA: (88.0, 1),
        HUANGDAO: (86.0, 2),
        LAIWU_DISTRICT: (60.0, 3),
        JIAOZHOU: (58.0, 4),
        LICHENG: (47.0, 5),
        GANGCHENG: (31.0, 6),
        CHIPING: (20.0, 7),
    },
}
SYNTHETIC = DataNotice(
    synthetic=True,
    notice_zh="样例数据由程序生成",
    notice_en="Sample data made by a program",
    sources=["合成样例数据集 / synthetic sample dataset"],
)
NOTHING_IMPUTED = pl.DataFrame(schema=IMPUTATIONS_SCHEMA)
REAL = DataNotice(
    synthetic=False,
    notice_zh="山东统计年鉴",
    notice_en="Shandong Statistical Yearbook",
    sources=["山东统计年鉴 / Shandong Statistical Yearbook"],
)


def frames(
    framework: MonitoringFramework, index: dict[int, dict[str, tuple[float, int | None]]]
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """scores, indicator_values and tiers for the given index (score, rank) of each unit-year
    (the rankings the reports read are built from them as the scoring stage does).

    Pillar and indicator scores are the index score shifted by the node's position, ranked
    within the year (so every unit leads or trails consistently); indicator values are
    ``position + index score / 30``, so the toy's ``a`` (position 0) meets its 2.5 % target for
    units scoring 75 or more. Tiers are the test's own: tier1 for ranks 1–2, tier2 for 3–4.
    """
    score_rows, value_rows, tier_rows = [], [], []
    for year, units in index.items():
        for code, (score, rank) in units.items():
            score_rows.append((year, framework.level, code, "Index", score, rank))
            for i, pillar in enumerate(framework.pillars):
                score_rows.append((year, framework.level, code, pillar.code, score - i, None))
            for i, ind in enumerate(framework.indicators):
                score_rows.append((year, framework.level, code, ind.code, score / 2 + i, None))
                value_rows.append((year, framework.level, code, ind.code, i + score / 30))
            if rank is not None:
                tier = "tier1" if rank <= 2 else "tier2" if rank <= 4 else "tier3"
                tier_rows.append((year, framework.level, code, tier))
    columns = ["year", "level", "region_code", "node", "score", "rank"]
    scores = pl.DataFrame(score_rows, schema=columns, orient="row")
    ranked = scores.with_columns(
        pl.when(pl.col("node") == "Index")
        .then(pl.col("rank"))
        .otherwise(pl.col("score").rank("min", descending=True).over("year", "node"))
        .cast(pl.Int64)
        .alias("rank")
    )
    values = pl.DataFrame(
        value_rows,
        schema=["year", "level", "region_code", "indicator", "value"],
        orient="row",
    )
    tiers = pl.DataFrame(tier_rows, schema=["year", "level", "region_code", "tier"], orient="row")
    return ranked, values, tiers


def make_report(
    registry: DivisionRegistry,
    system: IndicatorSystem,
    level: str,
    year: int = 2019,
    notice: DataNotice = SYNTHETIC,
    with_tiers: bool = True,
    index: dict[int, dict[str, tuple[float, int | None]]] | None = None,
    **extra: Any,
) -> MonitoringReport:
    """The report of ``index`` (by default the toy cities or counties above); ``extra``:
    further keywords of ``build_report`` (``imputations`` defaults to none, ``rankings`` to
    those the scoring stage builds from the index and the test's tiers)."""
    if index is None:
        index = CITY_INDEX if level == "city" else COUNTY_INDEX
    scores, values, tiers = frames(system.frameworks[level], index)
    rankings = build_rankings(scores, tiers if with_tiers else tiers.clear(), registry, level)
    return build_report(
        year,
        level,
        scores=scores,
        indicator_values=values,
        registry=registry,
        system=system,
        notice=notice,
        **{"imputations": NOTHING_IMPUTED, "rankings": rankings, **extra},
    )


def section(html: str, section_id: str) -> str:
    """The HTML of one <section id=...>."""
    match = re.search(rf'<section id="{section_id}"[^>]*>(.*?)</section>', html, re.S)
    assert match, f"no section {section_id}"
    return match.group(1)


def table_rows(html: str) -> list[list[str]]:
    """Cell texts (tags stripped) of every body row of the first table in ``html``."""
    body = re.search(r"<tbody>(.*?)</tbody>", html, re.S)
    assert body
    rows = re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S)
    return [
        [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        for row in rows
    ]
