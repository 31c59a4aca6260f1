"""Every chart of the reports: the index with each unit's rank interval, and the index over the
years per unit (small multiples), with the maps of :mod:`.maps`; each profile's own chart is
:func:`.charts_profile.profile_charts`. All are SVG written directly (:mod:`.svg`), not drawn
with matplotlib, which took some 1.5 s a county report and language for the same pictures.

Charts are static vector images: SVG for the HTML (inline, so the page needs no network) and
the PDF, PNG for the workbook, rasterised from the SVG by Typst. SVG text stays text in the
report's CJK font (Typst has it; the HTML's readers need a CJK font, as for the page's own
text). They plot stored values only. Sizes are in pt, as the PDF lays a figure out by its
viewBox (7.2 in wide fills the text width).
"""

from __future__ import annotations

import dataclasses
import functools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from innovation_monitor import fonts
from innovation_monitor.reports import svg
from innovation_monitor.reports.labels import Bilingual, label
from innovation_monitor.reports.views import MonitoringReport, RankingRow

ROWS_PER_CHART = 45
"""Most units per index chart: a longer list is cut into charts of equal length that each fit
an A4 page (136 counties: four of 34, not three of 45 and one of one)."""
TREND_UNITS = 16
"""Units in the trend panel (cities: all; counties: the best ranked)."""
ACCENT, INTERVAL, MUTED = "#1f5f99", "#9a5b00", "#5f6368"
GRID, INK = "#e3e6ea", "#202124"
WIDTH = 7.2 * 72
"""A chart's width in pt: the PDF's text width."""
SIZE = 7.0
"""The index chart's labels (pt)."""
ROW = 0.19 * 72
"""The index chart's height per unit (pt), besides 0.8 in for its margins and axes."""


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

    figures: list[Figure] = []
    scored = [r for r in report.rows if r.score is not None]
    size = math.ceil(len(scored) / math.ceil(len(scored) / ROWS_PER_CHART)) if scored else 1
    for start in range(0, len(scored), size):
        drawing = _index_chart(scored[start : start + size], report, lang)
        figures.append(Figure(f"index-{start // size + 1}", label("chart_intervals"), drawing, b""))
    if any(len(p.insight.score_history) > 1 for p in report.profiles):
        figures.append(Figure("trend", label("chart_trend"), _trend_chart(report, lang), b""))
    figures += report_maps(report, lang)
    if not png:
        return figures
    images = _raster([f.svg for f in figures])
    return [dataclasses.replace(f, png=image) for f, image in zip(figures, images, strict=True)]


def province_is_100(report: MonitoringReport) -> bool:
    """The index is in % of the province (its name says 全省为100)."""
    return label("province_is_100").zh in report.index_name.zh


RASTER = b"""#set page(width: auto, height: auto, margin: 0pt, fill: white)
#for k in range(int(sys.inputs.count)) {
  if k > 0 { pagebreak() }
  let input = name => sys.inputs.at(name + str(k))
  image(bytes(input("svg")), format: "svg", width: float(input("width")) * 1pt)
}
"""
"""A page just the size of each chart, for :func:`_raster`."""
VIEW_WIDTH = re.compile(r'viewBox="[\d.]+ [\d.]+ ([\d.]+) ')


def _raster(drawings: Sequence[str]) -> list[bytes]:
    """The charts' SVG as PNG at 110 pixels per inch, drawn by Typst (resvg) with the report's
    font only: the same images the PDF shows, all in one document of a page each (a county
    report's 7 in 0.23 s, 0.26 s as a document each)."""
    import typst

    if not drawings:
        return []
    inputs = {"count": str(len(drawings))}
    for number, drawing in enumerate(drawings):
        found = VIEW_WIDTH.search(drawing)
        width = found.group(1) if found else f"{WIDTH:g}"
        inputs |= {f"svg{number}": drawing, f"width{number}": width}
    pages = typst.compile(
        RASTER, font_paths=_typst_fonts(), format="png", ppi=110, sys_inputs=inputs
    )
    return [bytes(page) for page in (pages if isinstance(pages, list) else [pages])]


@functools.cache
def _typst_fonts() -> Any:
    """The CJK font loaded once for every PNG (no system font: the same bytes anywhere)."""
    import typst

    return typst.Fonts(include_system_fonts=False, font_paths=[str(fonts.font_path().parent)])


def _index_chart(rows: Sequence[RankingRow], report: MonitoringReport, lang: str) -> str:
    """Bars of the index (left, a dashed line at 100 when the index is in % of the
    province) and the rank with its interval (right, best at the right end), in rank order,
    each unit's row named at the left."""
    height, top = 57.6 + ROW * len(rows), 10.8
    bottom = height - 39.6
    unit = (bottom - top) / len(rows)  # a row: 0.6 of one above the first centre, 0.4 below
    span = (0.98 - 0.19) * WIDTH / 1.04  # two axes of widths 3 : 2 with a gap of 4 % between
    left, bars_width, bars_end = 0.19 * WIDTH, 0.6 * span, 0.19 * WIDTH + 0.6 * span
    centres = [top + (k + 0.6) * unit for k in range(len(rows))]
    scores = [r.score or 0.0 for r in rows]
    reference = province_is_100(report)
    low, high = _limits([0.0, *scores, *([100.0] if reference else [])], sticky_zero=True)
    bar = _Axis(low, high, left, bars_width)
    grid, *frame = _axis(bar, top, bottom, report.index_name.get(lang))
    parts = [grid]
    parts.append(
        svg.group(
            (
                svg.rect(
                    min(bar.at(0.0), bar.at(s)),
                    y - 0.325 * unit,
                    abs(bar.at(s) - bar.at(0)),
                    0.65 * unit,
                )
                for y, s in zip(centres, scores, strict=True)
            ),
            fill=ACCENT,
            class_="bars",
        )
    )
    parts += frame  # over the bars, as matplotlib drew the axis lines
    names = [f"{r.rank if r.rank is not None else '–'}. {r.unit.name.get(lang)}" for r in rows]
    x = left - 0.01 * bars_width
    parts.append(
        svg.group(
            (svg.text(x, y + 0.37 * SIZE, n, SIZE) for y, n in zip(centres, names, strict=True)),
            text_anchor="end",
            class_="names",
        )
    )
    if reference:
        parts.append(_dashed(bar.at(100.0), top, bottom))
    ranks = [float(r.rank) for r in rows if r.rank is not None]
    ends = [float(end) for r in rows if r.interval is not None for end in r.interval]
    rank = _Axis(*_limits(ranks + ends or [1.0]), bars_end + 0.04 * span, 0.4 * span, True)
    parts += _axis(rank, top, bottom, label("chart_rank_axis").get(lang), integer=True)
    parts.append(
        svg.group(
            (
                svg.polyline([(rank.at(r.interval[0]), y), (rank.at(r.interval[1]), y)])
                for y, r in zip(centres, rows, strict=True)
                if r.interval is not None
            ),
            stroke=INTERVAL,
            stroke_width=2.2,
            stroke_opacity=0.7,
            fill="none",
            class_="intervals",
        )
    )
    dots = (
        svg.circle(rank.at(r.rank), y, 2.0)
        for y, r in zip(centres, rows, strict=True)
        if r.rank is not None
    )
    parts.append(svg.group(dots, fill=ACCENT, class_="ranks"))
    return svg.element(WIDTH, height, [_background(WIDTH, height), *parts])


@dataclass(frozen=True)
class _Axis:
    """A horizontal axis: ``low``–``high`` over ``length`` pt from ``start`` (high at the
    start when ``inverted``)."""

    low: float
    high: float
    start: float
    length: float
    inverted: bool = False

    def at(self, value: float) -> float:
        share = (value - self.low) / ((self.high - self.low) or 1.0)
        return self.start + self.length * (1 - share if self.inverted else share)


def _limits(values: Sequence[float], sticky_zero: bool = False) -> tuple[float, float]:
    """The data's range with 5 % more at each end, as matplotlib's autoscale (a bar's zero
    stays the end)."""
    low, high = min(values), max(values)
    pad = 0.05 * ((high - low) or 1.0)
    return (
        low if sticky_zero and low == 0 else low - pad,
        high if sticky_zero and high == 0 else high + pad,
    )


def _ticks(axis: _Axis, integer: bool = False) -> list[float]:
    """The ticks matplotlib's default locator would place: at most one gap per three label
    heights of the axis (nine at most), the smallest step of 1, 2, 2.5 or 5 times a power of
    ten that fits (whole numbers only on a rank axis)."""
    low, high = sorted((axis.low, axis.high))
    gaps = max(1, min(9, int(axis.length // (3 * SIZE))))
    least = (high - low) / gaps or 1.0  # one value: a tick at it
    power = 10 ** math.floor(math.log10(least))
    multiples = (1, 2, 5, 10) if integer else (1, 2, 2.5, 5, 10)
    step = next(m * power for m in multiples if m * power >= least * (1 - 1e-9))
    step = max(1.0, round(step)) if integer else step
    first = math.ceil(low / step - 1e-9)
    return [k * step for k in range(first, math.floor(high / step + 1e-9) + 1)]


def _axis(axis: _Axis, top: float, bottom: float, title: str, integer: bool = False) -> list[str]:
    """The grid lines of one panel (first, to go under its data), then the axis lines (left
    and bottom), the labelled ticks and the axis title."""
    ticks = _ticks(axis, integer)
    whole = all(t == round(t) for t in ticks)
    xs = [axis.at(t) for t in ticks]
    end = axis.start + axis.length
    return [
        svg.group(
            (svg.polyline([(x, top), (x, bottom)]) for x in xs),
            stroke=GRID,
            stroke_width=0.6,
        ),
        svg.polyline(
            [(axis.start, top), (axis.start, bottom), (end, bottom)],
            fill="none",
            stroke="#000000",
            stroke_width=0.8,
        ),
        svg.group(
            (svg.polyline([(x, bottom), (x, bottom + 3.5)]) for x in xs),
            stroke="#000000",
            stroke_width=0.8,
        ),
        svg.group(
            (
                svg.text(x, bottom + 13.1, f"{t:.0f}" if whole else f"{t:g}", SIZE)
                for x, t in zip(xs, ticks, strict=True)
            ),
            text_anchor="middle",
        ),
        svg.text(axis.start + axis.length / 2, bottom + 24.1, title, SIZE, text_anchor="middle"),
    ]


def _dashed(x: float, top: float, bottom: float) -> str:
    return svg.polyline(
        [(x, top), (x, bottom)],
        stroke=MUTED,
        stroke_width=0.8,
        stroke_dasharray="3 1.3",
        class_="reference",
    )


def _background(width: float, height: float) -> str:
    """White under the chart, as on the page (a copied image is not transparent)."""
    return svg.rect(0, 0, width, height, fill="#ffffff")


def _trend_chart(report: MonitoringReport, lang: str) -> str:
    """Small multiples: each unit's index over the years, on one shared scale, four panels a
    row; positions in panel units (a panel is 1 × 1), scaled to pt at the end."""
    profiles = [p for p in report.profiles if p.insight.score_history][:TREND_UNITS]
    series = [[(y, v) for y, v in p.insight.score_history if v is not None] for p in profiles]
    values = [v for points in series for _, v in points]
    years = sorted({y for points in series for y, _ in points})
    reference = 100.0 if province_is_100(report) else None
    low = min([*values, *([reference] if reference else [])])
    high = max([*values, *([reference] if reference else [])])
    spread, first, last = (high - low) or 1.0, years[0], years[-1]
    cols = 4
    rows = (len(profiles) + cols - 1) // cols
    height = (1.35 * rows + 0.2) * 72
    sx, sy = WIDTH / (cols + 0.05), height / (rows + 0.02)

    def at(col: int, row: int, year: float, value: float) -> tuple[float, float]:
        x = col + 0.1 + 0.82 * (year - first) / ((last - first) or 1)
        return (x + 0.05) * sx, (row + 0.87 - 0.6 * (value - low) / spread) * sy

    parts = [_background(WIDTH, height)]
    for number, (profile, points) in enumerate(zip(profiles, series, strict=True)):
        col, row = number % cols, number // cols
        parts.append(
            svg.rect(
                (col + 0.07) * sx,
                (row + 0.04) * sy,
                0.96 * sx,
                0.96 * sy,
                fill="none",
                stroke=GRID,
                stroke_width=0.6,
            )
        )
        parts.append(
            svg.text(
                (col + 0.55) * sx,
                (row + 0.14) * sy,
                profile.unit.name.get(lang),
                7.5,
                text_anchor="middle",
            )
        )
        if reference is not None:
            parts.append(
                svg.polyline(
                    [at(col, row, first, reference), at(col, row, last, reference)],
                    stroke=MUTED,
                    stroke_width=0.6,
                    stroke_dasharray="2.2 1",
                )
            )
        xy = [at(col, row, y, v) for y, v in points]
        parts.append(svg.polyline(xy, fill="none", stroke=ACCENT, stroke_width=1.3))
        parts.append(svg.group((svg.circle(x, y, 1.4) for x, y in xy), fill=ACCENT))
        scale = []
        for value in (low, high):
            x, y = at(col, row, first, value)
            scale.append(svg.text(x - 0.03 * sx, y + 2.0, f"{value:.0f}", 5.5, text_anchor="end"))
        for year in (first, last):
            x, y = at(col, row, year, low)
            scale.append(svg.text(x, y + 0.08 * sy + 6.8, str(year), 5.5, text_anchor="middle"))
        parts.append(svg.group(scale, fill=MUTED))
    return svg.element(WIDTH, height, parts)
