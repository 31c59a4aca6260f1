"""Plan-target progress in words, Chinese first: for a terminal (``innovation-monitor
targets``) and for the report's 规划目标进展 section, in the same words.

Lays out the rows :func:`innovation_monitor.scoring.targets.target_progress` computed; computes
nothing itself.
"""

from collections.abc import Mapping
from typing import Any

import polars as pl

from innovation_monitor.framework import IndicatorSystem, Target
from innovation_monitor.reports.labels import Bilingual
from innovation_monitor.reports.views import Named, ProgressView

B = Bilingual
_WORDS = {
    "met_in_year": B("{year}年 {value}，已达到", "{year}: {value}, met"),
    "missed_in_year": B("{year}年 {value}，未达到", "{year}: {value}, not met"),
    "no_year": B("{year}年无数据", "no data for {year}"),
    "future": B("目标年份{year}年尚无数据", "{year} is not in the data yet"),
    "latest": B("最新 {year}年 {value}", "latest {year}: {value}"),
    "gap": B("距目标尚差 {gap}", "still {gap} to go"),
    "since": B("自{year}年起达到", "met since {year}"),
    "projected": B(
        "按近年复合增长率 {growth} 预计{year}年达到", "on the recent growth of {growth}: {year}"
    ),
    "never": B("按近年趋势无法达到", "not reached on the recent trend"),
    "no_data": B("无数据", "no data"),
}


_SIGNS = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}


def _number(value: float) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _measure_name(system: IndicatorSystem, target: Target, lang: str) -> str:
    if target.indicator is not None:
        for framework in system.frameworks.values():
            for indicator in framework.indicators:
                if indicator.code == target.indicator:
                    return indicator.name_zh if lang == "zh" else indicator.name_en
    variable = system.variables[str(target.variable)]
    return variable.name_zh if lang == "zh" else variable.name_en


def progress_view(row: Mapping[str, Any], target: Target, system: IndicatorSystem) -> ProgressView:
    """One :data:`~innovation_monitor.scoring.targets.TARGET_PROGRESS_SCHEMA` row in words, in
    both languages: what the target asks, its year's value, the latest value and gap (in the
    target's own unit: 亿元 where the warehouse holds 万元), and the year it was or would be
    reached."""
    heads = Bilingual(
        f"{target.scope_name_zh} {_measure_name(system, target, 'zh')} "
        f"{_SIGNS[target.comparison]} {_number(target.value)} {target.unit}（{target.year}）",
        f"{target.scope_name_en}, {_measure_name(system, target, 'en')} "
        f"{_SIGNS[target.comparison]} {_number(target.value)} {target.unit} by {target.year}",
    )
    scope = Named(target.scope_code, Bilingual(target.scope_name_zh, target.scope_name_en))
    if row["latest_year"] is None:
        return ProgressView(scope, heads, None, None, None, None, None)
    shown = target.value / target.canonical_value  # the warehouse's unit → the target's
    if row["value_in_target_year"] is None:
        key = "future" if target.year > row["latest_year"] else "no_year"
        in_year = _words(key, year=target.year)
    else:
        key = "met_in_year" if row["met_in_target_year"] else "missed_in_year"
        value = _number(row["value_in_target_year"] * shown)
        in_year = _words(key, year=target.year, value=value)
    latest = _words("latest", year=row["latest_year"], value=_number(row["latest_value"] * shown))
    gap = None if row["met_latest"] else _words("gap", gap=_number(row["gap"] * shown))
    if row["reached_year"] is None:
        reached = _WORDS["never"]
    elif row["projected"]:
        growth = f"{row['growth'] * 100:.1f}%"
        reached = _words("projected", growth=growth, year=row["reached_year"])
    else:
        reached = _words("since", year=row["reached_year"])
    return ProgressView(
        scope, heads, in_year, latest, gap, reached, row["met_latest"], row["met_in_target_year"]
    )


def _words(key: str, **fields: Any) -> Bilingual:
    text = _WORDS[key]
    return Bilingual(text.zh.format(**fields), text.en.format(**fields))


def progress_text(progress: pl.DataFrame, system: IndicatorSystem, lang: str = "zh") -> str:
    """One line per target (:func:`progress_view`), for a terminal."""
    by_id = {t.id: t for t in system.targets}
    sep = "；" if lang == "zh" else "; "
    colon = "：" if lang == "zh" else ": "
    lines = []
    for row in progress.iter_rows(named=True):
        view = progress_view(row, by_id[row["target_id"]], system)
        parts = [view.in_year, view.latest, view.gap, view.reached]
        shown = [p.get(lang) for p in parts if p is not None]
        text = sep.join(shown) if shown else _WORDS["no_data"].get(lang)
        lines.append(f"{view.target.get(lang)}{colon}{text}")
    return "\n".join(lines) + "\n"
