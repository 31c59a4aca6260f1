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
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from html import escape
from typing import Any

import numpy as np

from innovation_monitor import fonts
from innovation_monitor.reports.boundaries import (
    PROVINCE,
    boundary_version,
    compound_path,
    ring_centroid,
    tile_layout,
    unit_outline,
)
from innovation_monitor.reports.charts import MUTED, Figure, as_figure, setup_matplotlib
from innovation_monitor.reports.labels import PUNCTUATION, Bilingual, label
from innovation_monitor.reports.render import format_score, names
from innovation_monitor.reports.views import MonitoringReport, Named, RankingRow

TOLERANCE = {"city": 0.012, "county": 0.006}
"""Douglas–Peucker tolerance per level, in degrees of latitude (0.006° ≈ 650 m, far below what
an A4 map of the province shows)."""
NO_DATA = "#d9d9d9"
EDGE = "#ffffff"


def _colours(report: MonitoringReport) -> tuple[dict[str, str], list[tuple[str, Bilingual]]]:
    """Fill colour of each unit of the report and the legend: one shade per tier (darkest
    first), else five equal classes of the index."""
    from matplotlib import colormaps

    blues = colormaps["Blues"]
    scored = [r for r in report.rows if r.score is not None]
    legend: list[tuple[str, Bilingual]] = []
    fill: dict[str, str] = {}
    if report.has_tiers:
        shades = np.linspace(0.85, 0.3, len(report.tiers))
        for tier, shade in zip(report.tiers, shades, strict=True):
            colour = _hex(blues(shade))
            fill |= {unit.code: colour for unit in tier.members}
            legend.append((colour, _counted(tier.name, len(tier.members))))
    elif scored:
        low = min(r.score or 0.0 for r in scored)
        high = max(r.score or 0.0 for r in scored)
        edges = np.linspace(low, high, 6)
        for k in range(5):
            colour = _hex(blues(0.3 + 0.55 * k / 4))
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


def _hex(rgba: Sequence[float]) -> str:
    return "#" + "".join(f"{round(c * 255):02x}" for c in rgba[:3])


def _counted(name: Bilingual, n: int) -> Bilingual:
    """``第一梯队（6）`` / ``First tier (6)``."""
    marks = {lang: PUNCTUATION[lang] for lang in ("zh", "en")}
    return Bilingual(
        *(f"{name.get(la)}{marks[la]['open']}{n}{marks[la]['close']}" for la in ("zh", "en"))
    )


def _dark(colour: str) -> bool:
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.299 * red + 0.587 * green + 0.114 * blue < 140


def report_maps(report: MonitoringReport, lang: str, png: bool = False) -> list[Figure]:
    """The report's schematic map and its tile map, in one language."""
    setup_matplotlib()
    fill, legend = _colours(report)
    drawn = [r for r in report.rows if unit_outline(r.unit.code, TOLERANCE[report.level])]
    shown = {r.unit.code for r in drawn}
    missing = [r.unit for r in report.rows if r.unit.code not in shown]
    tiles = tile_layout(report.level)
    untiled = [r.unit for r in report.rows if r.unit.code not in tiles]
    tile_map, labels = _tile_map(report, tiles, fill, legend, lang)
    return [
        as_figure(
            "map",
            f"map_title_{report.level}",
            _boundary_map(report, drawn, fill, legend, lang),
            png,
            _note("map_note", missing, boundary_version()),
        ),
        as_figure(
            "map-tiles",
            f"tile_title_{report.level}",
            tile_map,
            png,
            _note(f"tile_note_{report.level}", untiled, boundary_version()),
            overlay=labels,
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


def _frame(width: float, bounds: tuple[float, float, float, float]) -> Any:
    """A figure ``width`` inches wide with one axes on ``bounds`` (x0, x1, y0, y1; y0 > y1
    puts north on top of a grid whose rows count down), at equal scale, no axis lines."""
    from matplotlib.figure import Figure as MplFigure

    x0, x1, y0, y1 = bounds
    fig = MplFigure(figsize=(width, width * abs(y1 - y0) / (x1 - x0)))
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_axis_off()
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    return fig, ax


def _boundary_map(
    report: MonitoringReport,
    drawn: Sequence[RankingRow],
    fill: dict[str, str],
    legend: list[tuple[str, Bilingual]],
    lang: str,
) -> Any:
    """Units filled by colour on their simplified boundaries, the cities outlined and named."""
    from matplotlib import patheffects
    from matplotlib.collections import PathCollection

    tolerance = TOLERANCE[report.level]
    province = unit_outline(PROVINCE, TOLERANCE["city"]) or ()
    points = np.vstack(province) if province else np.zeros((1, 2))
    (x0, y0), (x1, y1) = points.min(axis=0), points.max(axis=0)
    fig, ax = _frame(7.2, (x0 - 0.05, x1 + 0.05, y0 - 0.3, y1 + 0.05))
    units = [(r, unit_outline(r.unit.code, tolerance) or ()) for r in drawn]
    ax.add_collection(
        PathCollection(
            [compound_path(rings) for _, rings in units],
            facecolors=[fill.get(r.unit.code, NO_DATA) for r, _ in units],
            edgecolors=EDGE,
            linewidths=0.4 if report.level == "county" else 0.8,
        )
    )
    cities = {r.parent.code: r.parent for r in drawn if r.parent is not None}
    if report.level == "city":
        cities = {r.unit.code: r.unit for r in drawn}
    outlines = {c: unit_outline(c, TOLERANCE["city"]) for c in cities}
    ax.add_collection(
        PathCollection(
            [compound_path(rings) for rings in outlines.values() if rings],
            facecolors="none",
            edgecolors="#3c4043",
            linewidths=0.9 if report.level == "county" else 0.5,
        )
    )
    if province:
        ax.add_patch(_province_patch(province))
    halo = [patheffects.withStroke(linewidth=2.2, foreground="white")]
    for code, city in sorted(cities.items()):
        rings = outlines[code]
        if rings:
            x, y = ring_centroid(rings)
            colour = fill.get(code, NO_DATA)
            on_dark = report.level == "city" and _dark(colour)
            ax.text(
                x,
                y,
                _short(city.name.get(lang), lang),
                ha="center",
                va="center",
                fontsize=7.5 if report.level == "city" else 6.5,
                color="white" if on_dark else "#202124",
                path_effects=None if report.level == "city" else halo,
            )
    _legend(ax, legend, lang)
    _stamp(ax, lang)
    return fig


def _province_patch(rings: Sequence[np.ndarray]) -> Any:
    from matplotlib.patches import PathPatch

    return PathPatch(compound_path(rings), facecolor="none", edgecolor="#202124", linewidth=1.0)


def _legend(ax: Any, entries: list[tuple[str, Bilingual]], lang: str) -> None:
    """The colours' meaning at the lower right (the Yellow Sea on both maps)."""
    from matplotlib.patches import Patch

    ax.legend(
        handles=[Patch(facecolor=c, edgecolor=MUTED, linewidth=0.3) for c, _ in entries],
        labels=[text.get(lang) for _, text in entries],
        loc="lower right",
        bbox_to_anchor=(1.0, 0.05),
        frameon=False,
        fontsize=7,
        handlelength=1.2,
        handleheight=1.0,
    )


def _stamp(ax: Any, lang: str, key: str = "map_stamp") -> None:
    """示意图 and the source on the drawing itself, so that a copied image keeps them."""
    text = label(key).get(lang).format(version=boundary_version())
    ax.text(0.005, 0.01, text, transform=ax.transAxes, fontsize=6, color=MUTED)


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
) -> tuple[Any, str]:
    """One square per unit on the committed grid, and its labels (:func:`_tile_labels`); a
    thick line where a tile borders another city's (or no) tile."""
    from matplotlib.collections import LineCollection, PatchCollection
    from matplotlib.patches import Rectangle

    rows = [r for r in report.rows if r.unit.code in tiles]
    cells = {tiles[r.unit.code]: r for r in rows}
    cols = max(c for c, _ in tiles.values()) + 1
    lines = max(r for _, r in tiles.values()) + 1
    county = report.level == "county"
    bounds = (-0.05, cols + 0.05, lines + 0.5, -0.05)
    fig, ax = _frame(7.2 if county else 5.2, bounds)
    ax.add_collection(
        PatchCollection(
            [Rectangle((c + 0.04, r + 0.04), 0.92, 0.92) for c, r in cells],
            facecolors=[fill.get(row.unit.code, NO_DATA) for row in cells.values()],
            edgecolors="none",
        )
    )
    city = {cell: (row.parent.code if row.parent else row.unit.code) for cell, row in cells.items()}
    edges = []
    for (c, r), group in city.items():
        for dc, dr, segment in _SIDES:
            if county and city.get((c + dc, r + dr)) != group:
                edges.append([(c + x, r + y) for x, y in segment])
    ax.add_collection(LineCollection(edges, colors="#3c4043", linewidths=1.1))
    _legend(ax, legend, lang)
    _stamp(ax, lang, "tile_stamp")
    return fig, _tile_labels(cells, fill, fig, bounds, lang)


def _tile_labels(
    cells: dict[tuple[int, int], RankingRow],
    fill: dict[str, str],
    fig: Any,
    bounds: tuple[float, float, float, float],
    lang: str,
) -> str:
    """Each tile's name and index as SVG text laid over the drawing: matplotlib takes some
    3 ms to lay out a label, 0.4 s for a county map's 136 tiles, this none."""
    x0, x1, y0, y1 = bounds
    width, height = fig.get_figwidth() * 72, fig.get_figheight() * 72
    scale = width / (x1 - x0)
    size = (4.8 if len(cells) > 40 else 8.0) * (1.0 if lang == "zh" else 0.85)
    texts = []
    for (c, r), row in cells.items():
        x = (c + 0.5 - x0) * scale
        top = (r - y1) / (y0 - y1) * height
        colour = "#ffffff" if _dark(fill.get(row.unit.code, NO_DATA)) else "#202124"
        for line, (share, text) in enumerate(
            ((0.47, _short(row.unit.name.get(lang), lang)), (0.78, format_score(row.score)))
        ):
            texts.append(
                f'<text x="{x:.1f}" y="{top + share * scale:.1f}" fill="{colour}" '
                f'font-size="{size * (0.85 if line else 1.0):.1f}">{escape(text)}</text>'
            )
    family = f"'{fonts.FAMILY}', sans-serif"
    return f'<g font-family="{family}" text-anchor="middle">{"".join(texts)}</g>'


_SIDES = (
    (-1, 0, ((0, 0), (0, 1))),
    (1, 0, ((1, 0), (1, 1))),
    (0, -1, ((0, 0), (1, 0))),
    (0, 1, ((0, 1), (1, 1))),
)
"""Each side of a tile: the neighbour across it (column, row offset) and its segment."""
