"""Every chart of the reports, drawn once with matplotlib (Agg, the CJK font of ``fonts``): the
index with each unit's rank interval, and the index over the years per unit (small multiples).

Charts are static vector images: SVG for the HTML (inline, so the page needs no network) and
the PDF, PNG for the workbook. SVG text stays text in the report's CJK font (Typst has it; the
HTML's readers need a CJK font, as for the page's own text). They plot stored values only.
matplotlib is imported inside the functions so that the command line starts without it.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from innovation_monitor.reports.labels import Bilingual, label
from innovation_monitor.reports.views import MonitoringReport, RankingRow

ROWS_PER_CHART = 45
"""Units per index chart: a longer list is cut into charts that each fit an A4 page."""
TREND_UNITS = 16
"""Units in the trend panel (cities: all; counties: the best ranked)."""
ACCENT, INTERVAL, MUTED = "#1f5f99", "#9a5b00", "#5f6368"


@dataclass(frozen=True)
class Figure:
    """A chart: its title in both languages and the drawing in the language it was made for."""

    key: str
    title: Bilingual
    svg: str
    png: bytes


def report_figures(report: MonitoringReport, lang: str, png: bool = False) -> list[Figure]:
    """The report's charts in one language (PNG bytes too when ``png``, else empty)."""
    _setup()
    figures: list[Figure] = []
    scored = [r for r in report.rows if r.score is not None]
    for start in range(0, len(scored), ROWS_PER_CHART):
        chunk = scored[start : start + ROWS_PER_CHART]
        figures.append(
            _figure(
                f"index-{start // ROWS_PER_CHART + 1}",
                "chart_intervals",
                _index_chart(chunk, report, lang),
                png,
            )
        )
    if any(len(p.insight.score_history) > 1 for p in report.profiles):
        figures.append(_figure("trend", "chart_trend", _trend_chart(report, lang), png))
    return figures


def _province_is_100(report: MonitoringReport) -> bool:
    """The index is in % of the province (its name says 全省为100)."""
    return label("province_is_100").zh in report.index_name.zh


def _setup() -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import rcParams

    from innovation_monitor import fonts

    fonts.use_in_matplotlib()
    rcParams["svg.hashsalt"] = "innovation-monitor"  # the same chart gives the same bytes
    rcParams["svg.fonttype"] = "none"  # text stays text: searchable, small, quick to draw


def _figure(key: str, title: str, fig: Any, png: bool) -> Figure:
    svg = io.StringIO()
    fig.savefig(svg, format="svg", metadata={"Date": None, "Creator": None})
    raster = b""
    if png:
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=110, metadata={"Software": None})
        raster = buffer.getvalue()
    return Figure(key, label(title), _bare_svg(svg.getvalue()), raster)


def _bare_svg(text: str) -> str:
    """The ``<svg>`` element alone (no XML declaration or DOCTYPE), scalable to its box."""
    body = re.sub(r"\s*<metadata>.*?</metadata>", "", text[text.index("<svg") :], flags=re.S)
    return re.sub(
        r'<svg([^>]*?) width="[^"]*" height="[^"]*"', r'<svg\1 class="figure"', body, count=1
    )


def _index_chart(rows: Sequence[RankingRow], report: MonitoringReport, lang: str) -> Any:
    """Bars of the index (left) and the rank with its interval (right), in rank order."""
    from matplotlib.figure import Figure as MplFigure

    height = 0.8 + 0.19 * len(rows)
    fig = MplFigure(figsize=(7.2, height))
    fig.subplots_adjust(
        left=0.19, right=0.98, top=1 - 0.15 / height, bottom=0.55 / height, wspace=0.08
    )
    left, right = fig.subplots(1, 2, sharey=True, gridspec_kw={"width_ratios": [3, 2]})
    ys = list(range(len(rows)))
    names = [f"{r.rank if r.rank is not None else '–'}. {r.unit.name.get(lang)}" for r in rows]
    left.barh(ys, [r.score or 0.0 for r in rows], color=ACCENT, height=0.65)
    left.set_yticks([])  # names as plain text: a tick per unit is slow to draw
    right.set_yticks([])
    for y, name in zip(ys, names, strict=True):
        left.text(
            -0.01,
            y,
            name,
            transform=left.get_yaxis_transform(),
            ha="right",
            va="center",
            fontsize=7,
        )
    left.set_ylim(len(rows) - 0.4, -0.6)
    left.set_xlabel(report.index_name.get(lang), fontsize=7)
    if _province_is_100(report):
        left.axvline(100, color=MUTED, linewidth=0.8, linestyle="--")
    spans = [(y, r.interval) for y, r in zip(ys, rows, strict=True) if r.interval is not None]
    right.hlines(
        [y for y, _ in spans],
        [i[0] for _, i in spans],
        [i[1] for _, i in spans],
        color=INTERVAL,
        linewidth=2.2,
        alpha=0.7,
    )
    ranked = [(y, r.rank) for y, r in zip(ys, rows, strict=True) if r.rank is not None]
    right.scatter([r for _, r in ranked], [y for y, _ in ranked], s=10, color=ACCENT, zorder=3)
    right.set_xlabel(label("chart_rank_axis").get(lang), fontsize=7)
    right.invert_xaxis()
    right.xaxis.get_major_locator().set_params(integer=True)
    for ax in (left, right):
        ax.tick_params(labelsize=7)
        ax.spines[["top", "right"]].set_visible(False)
        ax.grid(axis="x", color="#e3e6ea", linewidth=0.6)
        ax.set_axisbelow(True)
    return fig


def _trend_chart(report: MonitoringReport, lang: str) -> Any:
    """Small multiples: each unit's index over the years, on one shared scale (one axes with a
    panel per unit, which draws far quicker than an axes each)."""
    from matplotlib.figure import Figure as MplFigure

    profiles = [p for p in report.profiles if p.insight.score_history][:TREND_UNITS]
    series = [[(y, v) for y, v in p.insight.score_history if v is not None] for p in profiles]
    values = [v for points in series for _, v in points]
    years = sorted({y for points in series for y, _ in points})
    reference = 100.0 if _province_is_100(report) else None
    low = min([*values, *([reference] if reference else [])])
    high = max([*values, *([reference] if reference else [])])
    span, first, last = (high - low) or 1.0, years[0], years[-1]
    cols = 4
    rows = (len(profiles) + cols - 1) // cols
    fig = MplFigure(figsize=(7.2, 1.35 * rows + 0.2))
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_axis_off()
    ax.set_xlim(-0.05, cols)
    ax.set_ylim(rows, -0.02)

    def at(col: int, row: int, year: float, value: float) -> tuple[float, float]:
        x = col + 0.1 + 0.82 * (year - first) / ((last - first) or 1)
        return x, row + 0.85 - 0.6 * (value - low) / span

    for number, (profile, points) in enumerate(zip(profiles, series, strict=True)):
        col, row = number % cols, number // cols
        ax.add_patch(_box(col, row))
        ax.text(col + 0.5, row + 0.12, profile.unit.name.get(lang), ha="center", fontsize=7.5)
        if reference is not None:
            ax.plot(
                *zip(at(col, row, first, reference), at(col, row, last, reference), strict=True),
                color=MUTED,
                linewidth=0.6,
                linestyle="--",
            )
        xy = [at(col, row, y, v) for y, v in points]
        ax.plot(
            [x for x, _ in xy],
            [y for _, y in xy],
            color=ACCENT,
            linewidth=1.3,
            marker="o",
            markersize=1.8,
        )
        for value in (low, high):
            x, y = at(col, row, first, value)
            ax.text(x - 0.03, y, f"{value:.0f}", ha="right", va="center", fontsize=5.5, color=MUTED)
        for year in (first, last):
            x, y = at(col, row, year, low)
            ax.text(x, y + 0.08, str(year), ha="center", va="top", fontsize=5.5, color=MUTED)
    return fig


def _box(col: int, row: int) -> Any:
    from matplotlib.patches import Rectangle

    return Rectangle(
        (col + 0.02, row + 0.02), 0.96, 0.96, fill=False, edgecolor="#e3e6ea", linewidth=0.6
    )
