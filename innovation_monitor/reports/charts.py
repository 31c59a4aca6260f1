"""Every chart of the reports, drawn once with matplotlib (Agg, the CJK font of ``fonts``): the
index with each unit's rank interval, and the index over the years per unit (small multiples);
and each profile's own chart (:func:`profile_chart`), written as SVG directly.

Charts are static vector images: SVG for the HTML (inline, so the page needs no network) and
the PDF, PNG for the workbook. SVG text stays text in the report's CJK font (Typst has it; the
HTML's readers need a CJK font, as for the page's own text). They plot stored values only.
matplotlib is imported inside the functions so that the command line starts without it.
"""

from __future__ import annotations

import functools
import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from innovation_monitor import fonts
from innovation_monitor.reports.labels import Bilingual, label
from innovation_monitor.reports.views import MonitoringReport, RankingRow

ROWS_PER_CHART = 45
"""Most units per index chart: a longer list is cut into charts of equal length that each fit
an A4 page (136 counties: four of 34, not three of 45 and one of one)."""
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
    note: Bilingual | None = None
    """Shown under the figure (a map's schematic notice and the units it could not draw)."""

    @property
    def is_map(self) -> bool:
        """A map, shown in the maps section rather than with the charts."""
        return self.key.startswith("map")


def report_figures(report: MonitoringReport, lang: str, png: bool = False) -> list[Figure]:
    """The report's charts and maps in one language (PNG bytes too when ``png``, else empty)."""
    from innovation_monitor.reports.maps import report_maps

    setup_matplotlib()
    figures: list[Figure] = []
    scored = [r for r in report.rows if r.score is not None]
    size = math.ceil(len(scored) / math.ceil(len(scored) / ROWS_PER_CHART)) if scored else 1
    for start in range(0, len(scored), size):
        chunk = scored[start : start + size]
        figures.append(
            as_figure(
                f"index-{start // size + 1}",
                "chart_intervals",
                _index_chart(chunk, report, lang),
                png,
            )
        )
    if any(len(p.insight.score_history) > 1 for p in report.profiles):
        figures.append(as_figure("trend", "chart_trend", _trend_chart(report, lang), png))
    return figures + report_maps(report, lang, png)


def province_is_100(report: MonitoringReport) -> bool:
    """The index is in % of the province (its name says 全省为100)."""
    return label("province_is_100").zh in report.index_name.zh


def setup_matplotlib() -> None:
    """Agg, the CJK font, text as text and reproducible SVG bytes."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import rcParams

    fonts.use_in_matplotlib()
    rcParams["font.sans-serif"] = [fonts.FAMILY]  # no fallback fonts to look up per label
    rcParams["svg.hashsalt"] = "innovation-monitor"  # the same chart gives the same bytes
    rcParams["svg.fonttype"] = "none"  # text stays text: searchable, small, quick to draw


def as_figure(
    key: str,
    title: str,
    fig: Any,
    png: bool,
    note: Bilingual | None = None,
    overlay: str = "",
) -> Figure:
    """The drawing as a :class:`Figure` titled by the label ``title`` (SVG; PNG if ``png``);
    ``overlay``: SVG elements drawn over it, in its user units (pt)."""
    svg = io.StringIO()
    fig.savefig(svg, format="svg", metadata={"Date": None, "Creator": None})
    bare = _bare_svg(svg.getvalue())
    if overlay:
        bare = f"{bare[: bare.rindex('</svg>')]}{overlay}</svg>\n"
    return Figure(key, label(title), bare, _raster(bare, fig.get_figwidth()) if png else b"", note)


RASTER = b"""#set page(width: auto, height: auto, margin: 0pt, fill: white)
#image(bytes(sys.inputs.svg), format: "svg", width: float(sys.inputs.width) * 1in)
"""
"""A page just the size of the chart, for :func:`_raster`."""


def _raster(svg: str, inches: float) -> bytes:
    """The chart's SVG as PNG at 110 pixels per inch, drawn by Typst (resvg) with the report's
    font only: the same image the PDF shows, several times quicker than matplotlib drawing the
    figure again (a county tile map's 136 labels: 0.07 s instead of 0.7 s)."""
    import typst

    return bytes(
        typst.compile(
            RASTER,
            font_paths=_typst_fonts(),
            format="png",
            ppi=110,
            sys_inputs={"svg": svg, "width": f"{inches:.3f}"},
        )
    )


@functools.cache
def _typst_fonts() -> Any:
    """The CJK font loaded once for every PNG (no system font: the same bytes anywhere)."""
    import typst

    return typst.Fonts(include_system_fonts=False, font_paths=[str(fonts.font_path().parent)])


DECIMALS = re.compile(r"(\d\.\d)\d+")


def _bare_svg(text: str) -> str:
    """The ``<svg>`` element alone (no XML declaration or DOCTYPE), scalable to its box, made
    smaller: coordinates to 0.1 pt, path points on one line, the font stack shortened and no
    zero rotations."""
    body = re.sub(r"\s*<metadata>.*?</metadata>", "", text[text.index("<svg") :], flags=re.S)
    body = "".join(  # the tags only: text between them is a label, kept as it is
        DECIMALS.sub(lambda number: number.group(1), part) if part.startswith("<") else part
        for part in re.split(r"(<[^>]*>)", body)
    )
    for command in "LMCQz":
        body = body.replace(f" \n{command}", f" {command}")
    body = re.sub(r" transform=\"rotate\(-?0 [^\"]*\)\"", "", body)
    body = re.sub(r"font-family: [^;\"]*", f"font-family: '{fonts.FAMILY}', sans-serif", body)
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
    if province_is_100(report):
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
    reference = 100.0 if province_is_100(report) else None
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
