"""The SVG primitives every chart and map of the reports is written with (:mod:`.charts`,
:mod:`.charts_profile`, :mod:`.maps`): written as text directly, since matplotlib took some
0.1 s to save a figure and a report has a dozen. Every text is escaped, coordinates are
rounded to 0.1 (a figure's user unit is the pt: 0.1 pt is below what print or screen shows).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from html import escape

import numpy as np

from innovation_monitor import fonts

FONT = f"'{fonts.FAMILY}', sans-serif"
"""Every figure's text in the report's CJK font (Typst has it; the HTML names it, as its page)."""


def _attributes(style: dict[str, str | float]) -> str:
    """``stroke_width=0.6`` as `` stroke-width="0.6"`` (an underscore for each hyphen; one at
    the end is dropped: ``class_``)."""
    return "".join([f' {_name(key)}="{_quoted(value)}"' for key, value in style.items()])


@functools.lru_cache(maxsize=256)
def _name(key: str) -> str:
    return key.rstrip("_").replace("_", "-")


@functools.lru_cache(maxsize=4096)
def _quoted(value: str | float) -> str:
    """An attribute's value escaped for double quotes (a font's single quotes kept readable);
    cached, as the same colours and widths recur thousands of times in a report."""
    text = value if isinstance(value, str) else f"{value:g}"
    return escape(text, quote=False).replace('"', "&quot;")


def element(
    width: float,
    height: float,
    parts: Iterable[str],
    css_class: str = "figure",
    /,
    **style: str | float,
) -> str:
    """The ``<svg>`` element alone (no XML declaration: it is inlined in the HTML), scalable to
    its box: a viewBox in pt and no fixed size unless ``style`` gives one (``width=…``), in the
    report's font."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{_quoted(css_class)}"'
        f' viewBox="0 0 {round(width, 1):g} {round(height, 1):g}"{_attributes(style)}'
        f' font-family="{_quoted(FONT)}">{"".join(parts)}</svg>'
    )


def text(x: float, y: float, content: str, size: float, **style: str | float) -> str:
    """``content`` at the baseline point (x, y), ``size`` pt."""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{round(size, 1):g}"{_attributes(style)}>'
        f"{escape(content)}</text>"
    )


def polyline(
    points: Sequence[tuple[float, float]], closed: bool = False, **style: str | float
) -> str:
    """A line through the points (a polygon when ``closed``)."""
    coordinates = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    return f'<{"polygon" if closed else "polyline"} points="{coordinates}"{_attributes(style)}/>'


def rect(x: float, y: float, width: float, height: float, **style: str | float) -> str:
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height:.1f}"'
        f"{_attributes(style)}/>"
    )


def circle(cx: float, cy: float, r: float, **style: str | float) -> str:
    return f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{r:.1f}"{_attributes(style)}/>'


def path(data: str, **style: str | float) -> str:
    """A path of :func:`path_data`, even-odd filled: a hole is left open whatever its
    orientation."""
    return f'<path d="{data}" fill-rule="evenodd"{_attributes(style)}/>'


def path_data(rings: Iterable[np.ndarray], closed: bool = True) -> str:
    """``M x,y x,y … Z`` per ring (n × 2 points in the figure's coordinates; the points after a
    move are lines), without the ``Z`` for open lines."""
    data = []
    end = "Z" if closed else ""
    for ring in rings:
        points = np.round(ring, 1).tolist()
        if closed and len(points) > 2 and points[0] == points[-1]:
            points.pop()
        data.append("M" + " ".join(f"{x:.1f},{y:.1f}" for x, y in points) + end)
    return "".join(data)


def group(parts: Iterable[str], **style: str | float) -> str:
    """The parts with the attributes they share (a font size, a colour, a stroke)."""
    return f"<g{_attributes(style)}>{''.join(parts)}</g>"


def text_width(content: str, size: float) -> float:
    """The advance of ``content`` in the report's font, estimated from its kinds of characters
    (Noto Sans CJK SC: a CJK or full-width character 1 em, a digit 0.56, a space 0.22): enough
    to place a legend, with no font file to read."""
    return size * sum(_ADVANCE.get(c, 1.0 if ord(c) >= 0x2E80 else 0.58) for c in content)


_ADVANCE = {" ": 0.22, "·": 1.0} | dict.fromkeys(".,:;'!|", 0.28) | dict.fromkeys("()[]-/", 0.34)
_ADVANCE |= dict.fromkeys("fijlrtI", 0.32) | dict.fromkeys("mwMW", 0.86)
