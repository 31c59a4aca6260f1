"""Plan-target progress as text for a terminal (``innovation-monitor targets``), Chinese first.

Lays out the rows :func:`innovation_monitor.scoring.targets.target_progress` computed; computes
nothing itself.
"""

import polars as pl

from innovation_monitor.framework import IndicatorSystem, Target
from innovation_monitor.reports.labels import Bilingual

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


def progress_text(progress: pl.DataFrame, system: IndicatorSystem, lang: str = "zh") -> str:
    """One line per target: what it asks, its year's value, the latest value and gap (in the
    target's own unit: 亿元 where the warehouse holds 万元), and the year it was or would be
    reached."""
    by_id = {t.id: t for t in system.targets}
    sep = "；" if lang == "zh" else "; "
    lines = []
    for row in progress.iter_rows(named=True):
        target = by_id[row["target_id"]]
        scope = target.scope_name_zh if lang == "zh" else target.scope_name_en
        head = (
            f"{scope} {_measure_name(system, target, lang)} {_SIGNS[target.comparison]} "
            f"{_number(target.value)} {target.unit}（{target.year}）"
            if lang == "zh"
            else f"{scope}, {_measure_name(system, target, lang)} {_SIGNS[target.comparison]} "
            f"{_number(target.value)} {target.unit} by {target.year}"
        )
        if row["latest_year"] is None:
            lines.append(f"{head}{'：' if lang == 'zh' else ': '}{_WORDS['no_data'].get(lang)}")
            continue
        shown = target.value / target.canonical_value  # the warehouse's unit → the target's
        parts = []
        if row["value_in_target_year"] is None:
            key = "future" if target.year > row["latest_year"] else "no_year"
            parts.append(_WORDS[key].get(lang).format(year=target.year))
        else:
            key = "met_in_year" if row["met_in_target_year"] else "missed_in_year"
            value = _number(row["value_in_target_year"] * shown)
            parts.append(_WORDS[key].get(lang).format(year=target.year, value=value))
        latest = _number(row["latest_value"] * shown)
        parts.append(_WORDS["latest"].get(lang).format(year=row["latest_year"], value=latest))
        if not row["met_latest"]:
            parts.append(_WORDS["gap"].get(lang).format(gap=_number(row["gap"] * shown)))
        if row["reached_year"] is None:
            parts.append(_WORDS["never"].get(lang))
        elif row["projected"]:
            growth = f"{row['growth'] * 100:.1f}%"
            parts.append(
                _WORDS["projected"].get(lang).format(growth=growth, year=row["reached_year"])
            )
        else:
            parts.append(_WORDS["since"].get(lang).format(year=row["reached_year"]))
        lines.append(f"{head}{'：' if lang == 'zh' else ': '}{sep.join(parts)}")
    return "\n".join(lines) + "\n"
