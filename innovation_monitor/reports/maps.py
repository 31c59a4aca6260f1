"""Maps of a report's units coloured by tier (by index class without tiers): a schematic map on
administrative boundaries, and a tile map that needs none (geometry in :mod:`.boundaries`).

The boundaries are today's: a unit of an earlier year whose code has no boundary file (莱芜市
before 2019, a county merged or renamed since) is not drawn, and the map lists it under "not
drawn"; the tile map shows it. A published Chinese map needs an approved standard map with its
审图号, so every map says, on the drawing and under it, that it is a schematic (示意图), and
names its source with the package's version.

The tile map is for finding a unit: every unit gets one equal square, so 历下区 is as visible
as 沂水县, with its name and index inside; the squares keep the geography roughly (each the
grid cell nearest the unit's centroid, :func:`.boundaries.derive_tiles`), and on the county
map a thick line outlines each city's counties, so a county is found by its city.

Both are SVG written directly (:mod:`.svg`) at equal scale: x the projected longitude, y the
latitude with north up (the tile map: its grid's columns and rows, row 0 at the top), in pt.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from innovation_monitor.reports import svg
from innovation_monitor.reports.boundaries import (
    PROVINCE,
    boundary_version,
    ring_centroid,
    tile_layout,
    unit_outline,
)
from innovation_monitor.reports.charts import INK, MUTED, WIDTH, Figure
from innovation_monitor.reports.labels import PUNCTUATION, Bilingual, label
from innovation_monitor.reports.render import format_score, names
from innovation_monitor.reports.views import MonitoringReport, Named, RankingRow

TOLERANCE = {"city": 0.012, "county": 0.006}
"""Douglas–Peucker tolerance per level, in degrees of latitude (0.006° ≈ 650 m, far below what
an A4 map of the province shows)."""
NO_DATA = "#d9d9d9"
EDGE = "#ffffff"
OUTLINE = "#3c4043"
BLUES = (
    (0xF7, 0xFB, 0xFF),
    (0xDE, 0xEB, 0xF7),
    (0xC6, 0xDB, 0xEF),
    (0x9E, 0xCA, 0xE1),
    (0x6B, 0xAE, 0xD6),
    (0x42, 0x92, 0xC6),
    (0x21, 0x71, 0xB5),
    (0x08, 0x51, 0x9C),
    (0x08, 0x30, 0x6B),
)
"""ColorBrewer's 9-class sequential "Blues" (Cynthia Brewer, colorbrewer2.org, Apache 2.0),
light to dark: the colours matplotlib's "Blues" colormap interpolates, which the maps used."""


def _blue(share: float) -> str:
    """The colour at ``share`` (0 lightest, 1 darkest) of :data:`BLUES`, interpolated linearly
    in RGB from the 256 steps of matplotlib's colormap, so the shades are the ones it gave."""
    position = min(int(share * 256), 255) / 255 * (len(BLUES) - 1)
    lower = min(int(position), len(BLUES) - 2)
    weight = position - lower
    return "#" + "".join(
        f"{round(a + (b - a) * weight):02x}"
        for a, b in zip(BLUES[lower], BLUES[lower + 1], strict=True)
    )


def _colours(report: MonitoringReport) -> tuple[dict[str, str], list[tuple[str, Bilingual]]]:
    """Fill colour of each unit of the report and the legend: one shade per tier (darkest
    first), else five equal classes of the index."""
    scored = [r for r in report.rows if r.score is not None]
    legend: list[tuple[str, Bilingual]] = []
    fill: dict[str, str] = {}
    if report.has_tiers:
        shades = np.linspace(0.85, 0.3, len(report.tiers))
        for tier, shade in zip(report.tiers, shades, strict=True):
            colour = _blue(float(shade))
            fill |= {unit.code: colour for unit in tier.members}
            legend.append((colour, _counted(tier.name, len(tier.members))))
    elif scored:
        low = min(r.score or 0.0 for r in scored)
        high = max(r.score or 0.0 for r in scored)
        edges = np.linspace(low, high, 6)
        for k in range(5):
            colour = _blue(0.3 + 0.55 * k / 4)
            members = [r for r in scored if _class(r.score or 0.0, edges) == k]
            fill |= {r.unit.code: colour for r in members}
            span = f"{format_score(edges[k])}–{format_score(edges[k + 1])}"
            legend.append((colour, _counted(Bilingual(span, span), len(members))))
        legend.reverse()
    if any(r.unit.code not in fill for r in report.rows):
        legend.append((NO_DATA, label("map_no_data")))
    return fill, legend


def _class(score: float, edges: np.ndarray) -> int:
    return min(4, int(np.searchsorted(edges, score, side="right")) - 1)


def _counted(name: Bilingual, n: int) -> Bilingual:
    """``第一梯队（6）`` / ``First tier (6)``."""
    marks = {lang: PUNCTUATION[lang] for lang in ("zh", "en")}
    return Bilingual(
        *(f"{name.get(la)}{marks[la]['open']}{n}{marks[la]['close']}" for la in ("zh", "en"))
    )


def _dark(colour: str) -> bool:
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.299 * red + 0.587 * green + 0.114 * blue < 140


def report_maps(report: MonitoringReport, lang: str) -> list[Figure]:
    """The report's schematic map and its tile map, in one language (SVG; the PNG is made with
    the charts', :func:`.charts.report_figures`)."""
    fill, legend = _colours(report)
    drawn = [r for r in report.rows if unit_outline(r.unit.code, TOLERANCE[report.level])]
    shown = {r.unit.code for r in drawn}
    missing = [r.unit for r in report.rows if r.unit.code not in shown]
    tiles = tile_layout(report.level)
    untiled = [r.unit for r in report.rows if r.unit.code not in tiles]
    version = boundary_version()
    return [
        Figure(
            "map",
            label(f"map_title_{report.level}"),
            _boundary_map(report, drawn, fill, legend, lang),
            b"",
            _note("map_note", missing, version),
        ),
        Figure(
            "map-tiles",
            label(f"tile_title_{report.level}"),
            _tile_map(report, tiles, fill, legend, lang),
            b"",
            _note(f"tile_note_{report.level}", untiled, version),
        ),
    ]


def _note(key: str, missing: Iterable[Named], version: str) -> Bilingual:
    """The map's note, with the units it could not draw."""
    left = list(missing)
    texts = []
    for lang in ("zh", "en"):
        text = label(key).get(lang).format(version=version)
        if left:
            gone = label("map_not_drawn").get(lang).format(names=names(left, lang))
            text = f"{text}{PUNCTUATION[lang]['gap']}{gone}"
        texts.append(text)
    return Bilingual(*texts)


@dataclass(frozen=True)
class _Frame:
    """A map's drawing area: ``scale`` pt per unit of x and y (equal scale) from the corner
    (``west``, ``north``), y growing southwards in pt (``flip``: north is the largest y, as on
    the boundaries; else the smallest, as the tile grid's rows)."""

    west: float
    north: float
    scale: float
    width: float
    height: float
    flip: bool = True

    def at(self, x: float, y: float) -> tuple[float, float]:
        down = self.north - y if self.flip else y - self.north
        return (x - self.west) * self.scale, down * self.scale

    def points(self, ring: np.ndarray) -> np.ndarray:
        """:meth:`at` for an n × 2 array of points."""
        return (ring - (self.west, self.north)) * (
            self.scale,
            -self.scale if self.flip else self.scale,
        )


@functools.cache
def _boundary_frame() -> _Frame:
    """The province with a margin (more at the south, for the stamp), 7.2 in wide."""
    province = unit_outline(PROVINCE, TOLERANCE["city"]) or ()
    points = np.vstack(province) if province else np.zeros((1, 2))
    (x0, y0), (x1, y1) = points.min(axis=0), points.max(axis=0)
    scale = WIDTH / (x1 - x0 + 0.1)
    return _Frame(float(x0 - 0.05), float(y1 + 0.05), scale, WIDTH, scale * (y1 - y0 + 0.35))


@functools.cache
def _outline(code: str, tolerance: float) -> str:
    """The unit's simplified boundary as path data on the map (the same in every report)."""
    frame = _boundary_frame()
    return svg.path_data(frame.points(ring) for ring in unit_outline(code, tolerance) or ())


def _boundary_map(
    report: MonitoringReport,
    drawn: Sequence[RankingRow],
    fill: dict[str, str],
    legend: list[tuple[str, Bilingual]],
    lang: str,
) -> str:
    """Units filled by colour on their simplified boundaries, the cities outlined and named
    (with a white halo on the county map, whose labels lie across county lines)."""
    frame, county = _boundary_frame(), report.level == "county"
    tolerance = TOLERANCE[report.level]
    units = (
        svg.path(_outline(r.unit.code, tolerance), fill=fill.get(r.unit.code, NO_DATA))
        for r in drawn
    )
    cities = {r.parent.code: r.parent for r in drawn if r.parent is not None}
    if not county:
        cities = {r.unit.code: r.unit for r in drawn}
    outlines = {c: unit_outline(c, TOLERANCE["city"]) for c in cities}
    parts = [
        svg.rect(0, 0, frame.width, frame.height, fill="#ffffff"),
        svg.group(units, stroke=EDGE, stroke_width=0.4 if county else 0.8, stroke_linejoin="round"),
        svg.group(
            (svg.path(_outline(c, TOLERANCE["city"])) for c, rings in outlines.items() if rings),
            fill="none",
            stroke=OUTLINE,
            stroke_width=0.9 if county else 0.5,
            stroke_linejoin="round",
        ),
        svg.path(
            _outline(PROVINCE, TOLERANCE["city"]),
            fill="none",
            stroke=INK,
            stroke_width=1.0,
            stroke_linejoin="round",
        ),
    ]
    size = 6.5 if county else 7.5
    texts = []
    for code, city in sorted(cities.items()):
        rings = outlines[code]
        if rings:
            x, y = frame.at(*ring_centroid(rings))
            on_dark = not county and _dark(fill.get(code, NO_DATA))
            name = _short(city.name.get(lang), lang)
            texts.append(
                svg.text(x, y + 0.37 * size, name, size, fill="#ffffff" if on_dark else INK)
            )
    halo: dict[str, str | float] = {}
    if county:
        halo = {"stroke": "#ffffff", "stroke_width": 2.2, "paint_order": "stroke"}
    parts.append(
        svg.group(texts, text_anchor="middle", stroke_linejoin="round", class_="cities", **halo)
    )
    parts += _legend(frame, legend, lang)
    parts.append(_stamp(frame, lang))
    return svg.element(frame.width, frame.height, parts)


def _legend(frame: _Frame, entries: list[tuple[str, Bilingual]], lang: str) -> list[str]:
    """The colours' meaning at the lower right (the Yellow Sea on both maps), as matplotlib's
    legend placed it: 7 pt labels after their swatches, a row every 10.5 pt."""
    texts = [text.get(lang) for _, text in entries]
    widest = max((svg.text_width(t, 7.0) for t in texts), default=0.0)
    left = frame.width - 6.3 - widest - 5.6 - 8.4
    bottom = 0.95 * frame.height - 6.3 - 10.5 * (len(entries) - 1)
    swatches, labels = [], []
    for number, ((colour, _), text) in enumerate(zip(entries, texts, strict=True)):
        y = bottom + 10.5 * number
        swatches.append(svg.rect(left, y - 6.2, 8.4, 6.2, fill=colour))
        labels.append(svg.text(left + 14.0, y - 0.7, text, 7.0))
    return [
        svg.group(swatches, stroke=MUTED, stroke_width=0.3, class_="legend"),
        svg.group(labels, fill=INK),
    ]


def _stamp(frame: _Frame, lang: str, key: str = "map_stamp") -> str:
    """示意图 and the source on the drawing itself, so that a copied image keeps them."""
    text = label(key).get(lang).format(version=boundary_version())
    return svg.text(0.005 * frame.width, 0.99 * frame.height, text, 6.0, fill=MUTED)


def _short(name: str, lang: str) -> str:
    """A tile's label: the name without the city in brackets that tells shared names apart
    (the tile's place does), and without the 市/区/县 or City/District/County suffix."""
    bare = re.sub(r"（.*）|\s*\(.*\)", "", name)
    if lang == "zh":
        return bare[:-1] if len(bare) > 2 and bare[-1] in "市区县" else bare
    return re.sub(r" (City|District|County)$", "", bare)


def _tile_map(
    report: MonitoringReport,
    tiles: dict[str, tuple[int, int]],
    fill: dict[str, str],
    legend: list[tuple[str, Bilingual]],
    lang: str,
) -> str:
    """One square per unit on the committed grid with its name and index; on the county map a
    thick line where a tile borders another city's (or no) tile."""
    rows = [r for r in report.rows if r.unit.code in tiles]
    cells = {tiles[r.unit.code]: r for r in rows}
    cols = max(c for c, _ in tiles.values()) + 1
    lines = max(r for _, r in tiles.values()) + 1
    county = report.level == "county"
    width = WIDTH if county else 5.2 * 72
    scale = width / (cols + 0.1)
    frame = _Frame(-0.05, -0.05, scale, width, scale * (lines + 0.55), flip=False)
    squares = []
    for (c, r), row in cells.items():
        x, y = frame.at(c + 0.04, r + 0.04)
        squares.append(
            svg.rect(x, y, 0.92 * scale, 0.92 * scale, fill=fill.get(row.unit.code, NO_DATA))
        )
    city = {cell: (row.parent.code if row.parent else row.unit.code) for cell, row in cells.items()}
    edges = [
        np.array([frame.at(c + x, r + y) for x, y in segment])
        for (c, r), group in city.items()
        for dc, dr, segment in _SIDES
        if county and city.get((c + dc, r + dr)) != group
    ]
    parts = [
        svg.rect(0, 0, frame.width, frame.height, fill="#ffffff"),
        svg.group(squares, class_="tiles"),
        svg.path(
            svg.path_data(edges, closed=False),
            fill="none",
            stroke=OUTLINE,
            stroke_width=1.1,
            stroke_linecap="square",
        ),
        _tile_labels(cells, fill, frame, lang),
        *_legend(frame, legend, lang),
        _stamp(frame, lang, "tile_stamp"),
    ]
    return svg.element(frame.width, frame.height, parts)


def _tile_labels(
    cells: dict[tuple[int, int], RankingRow], fill: dict[str, str], frame: _Frame, lang: str
) -> str:
    """Each tile's name and, under it, its index, in white on a dark tile."""
    size = (4.8 if len(cells) > 40 else 8.0) * (1.0 if lang == "zh" else 0.85)
    texts = []
    for (c, r), row in cells.items():
        x, top = frame.at(c + 0.5, r)
        colour = "#ffffff" if _dark(fill.get(row.unit.code, NO_DATA)) else INK
        for line, (share, text) in enumerate(
            ((0.47, _short(row.unit.name.get(lang), lang)), (0.78, format_score(row.score)))
        ):
            y = top + share * frame.scale
            texts.append(svg.text(x, y, text, size * (0.85 if line else 1.0), fill=colour))
    return svg.group(texts, text_anchor="middle")


_SIDES = (
    (-1, 0, ((0, 0), (0, 1))),
    (1, 0, ((1, 0), (1, 1))),
    (0, -1, ((0, 0), (1, 0))),
    (0, 1, ((0, 1), (1, 1))),
)
"""Each side of a tile: the neighbour across it (column, row offset) and its segment."""
