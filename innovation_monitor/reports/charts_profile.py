"""Each unit profile's chart: its pillar scores against the province's as a radar, and its
index over the scored years, as one small SVG written directly (not with matplotlib: a county
report has 136 profiles per language, and matplotlib takes some 20 ms to save even a small
figure, this well under one) with the primitives of :mod:`.svg`.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence

from innovation_monitor.reports import svg
from innovation_monitor.reports.charts import ACCENT, MUTED, province_is_100
from innovation_monitor.reports.labels import Bilingual, label
from innovation_monitor.reports.views import MonitoringReport, RankingRow, UnitProfile


def profile_charts(report: MonitoringReport, lang: str) -> dict[str, str]:
    """Each profile's chart as an SVG element, by unit code: its pillar scores against the
    province's (100 when the index is in % of the province, else the province's median unit)
    as a radar (bars with fewer than three pillars), and its index over the scored years."""
    rows = {r.unit.code: r for r in report.rows}
    reference: list[float | None]
    if province_is_100(report):
        reference, ref_name = [100.0] * len(report.pillars), label("reference_province")
    else:
        reference = [_median(report, p.code) for p in report.pillars]
        ref_name = label("reference_median")
    return {
        p.unit.code: _profile_chart(p, rows.get(p.unit.code), report, reference, ref_name, lang)
        for p in report.profiles
    }


def _profile_chart(
    profile: UnitProfile,
    row: RankingRow | None,
    report: MonitoringReport,
    reference: Sequence[float | None],
    ref_name: Bilingual,
    lang: str,
) -> str:
    scores = [row.pillars[p.code].score if row else None for p in report.pillars]
    names = [p.name.get(lang) for p in report.pillars]
    title = f"{label('profile_pillars').get(lang)}{_dashed(ref_name, lang)}"
    parts = [svg.text(0, 13, title, 11, font_weight="bold")]
    if len(names) >= 3:
        parts += _radar(names, scores, reference)
    else:
        parts += _pillar_bars(names, scores, reference)
    width = 380
    points = [(y, v) for y, v in profile.insight.score_history if v is not None]
    if points:
        width = 720
        parts.append(svg.text(395, 13, label("profile_trend").get(lang), 11, font_weight="bold"))
        parts += _trend(points, 100.0 if province_is_100(report) else None, ref_name, lang)
    return svg.element(
        width,
        205,
        parts,
        "profile-chart",
        width=width,
        height=205,
        role="img",
        aria_label=profile.unit.name.get(lang),
    )


def _median(report: MonitoringReport, pillar: str) -> float | None:
    values = [s for r in report.rows if (s := r.pillars[pillar].score) is not None]
    return statistics.median(values) if values else None


def _dashed(name: Bilingual, lang: str) -> str:
    """``（虚线：全省=100）`` / `` (dashed: province = 100)``."""
    return label("profile_reference").get(lang).format(reference=name.get(lang))


def _ceiling(values: Sequence[float | None], at_least: float = 100.0) -> tuple[float, float]:
    """The scale's top (a multiple of its step) and its step."""
    high = max([at_least, *(v for v in values if v is not None)])
    step = 25.0 if high <= 125 else 50.0
    return math.ceil(high / step) * step, step


def _radar(
    names: Sequence[str], scores: Sequence[float | None], reference: Sequence[float | None]
) -> list[str]:
    cx, cy, radius = 185.0, 114.0, 60.0
    top, step = _ceiling([*scores, *reference])
    angles = [2 * math.pi * k / len(names) for k in range(len(names))]

    def at(angle: float, value: float) -> tuple[float, float]:
        r = radius * max(0.0, value) / top
        return cx + r * math.sin(angle), cy - r * math.cos(angle)

    grey = {"fill": "none", "stroke": "#d0d4d9", "stroke_width": "0.6"}
    parts = [
        svg.polyline([at(a, level) for a in angles], True, **grey)
        for level in [step * k for k in range(1, int(top / step) + 1)]
    ]
    parts += [svg.polyline([(cx, cy), at(a, top)], False, **grey) for a in angles]
    parts += [
        svg.text(cx + 3, at(0.0, level)[1] + 3, f"{level:.0f}", 8, fill=MUTED)
        for level in sorted({top, 100.0 if top > 100 else top / 2})
    ]
    known = [(a, r) for a, r in zip(angles, reference, strict=True) if r is not None]
    parts.append(
        svg.polyline(
            [at(a, r) for a, r in known],
            True,
            fill="none",
            stroke=MUTED,
            stroke_width="1",
            stroke_dasharray="3 2",
        )
    )
    shape = [at(a, s or 0.0) for a, s in zip(angles, scores, strict=True)]
    parts.append(
        svg.polyline(
            shape, True, fill=ACCENT, fill_opacity="0.18", stroke=ACCENT, stroke_width="1.6"
        )
    )
    for angle, name, score in zip(angles, names, scores, strict=True):
        x, y = at(angle, top * 1.12)
        sin, cos = math.sin(angle), math.cos(angle)
        anchor = "start" if sin > 0.2 else "end" if sin < -0.2 else "middle"
        y += 9 if cos < -0.2 else -13 if cos > 0.2 else -2
        parts.append(svg.text(x, y, name, 9.5, text_anchor=anchor))
        parts.append(svg.text(x, y + 11, _score(score), 9.5, text_anchor=anchor, fill=ACCENT))
    return parts


def _pillar_bars(
    names: Sequence[str], scores: Sequence[float | None], reference: Sequence[float | None]
) -> list[str]:
    """Bars of the pillar scores with the reference as a dashed tick (one or two pillars)."""
    top, _ = _ceiling([*scores, *reference])
    parts = []
    for k, (name, score, ref) in enumerate(zip(names, scores, reference, strict=True)):
        y = 40 + 40 * k
        parts.append(svg.text(0, y + 11, f"{name} {_score(score)}", 9.5))
        length = 280 * max(0.0, score or 0.0) / top
        parts.append(svg.rect(0, y + 16, length, 12, fill=ACCENT))
        if ref is not None:
            x = 280 * ref / top
            parts.append(
                svg.polyline(
                    [(x, y + 13), (x, y + 31)],
                    False,
                    stroke=MUTED,
                    stroke_width="1.2",
                    stroke_dasharray="3 2",
                )
            )
    return parts


def _trend(
    points: Sequence[tuple[int, float]], reference: float | None, ref_name: Bilingual, lang: str
) -> list[str]:
    left, right, top, bottom = 425.0, 705.0, 35.0, 170.0
    values = [v for _, v in points] + ([reference] if reference is not None else [])
    low, high = min(values), max(values)
    pad = (high - low) * 0.08 or 1.0
    low, high = low - pad, high + pad
    first, last = points[0][0], points[-1][0]

    def at(year: float, value: float) -> tuple[float, float]:
        x = (
            (left + right) / 2
            if first == last
            else left + (right - left) * (year - first) / (last - first)
        )
        return x, bottom - (bottom - top) * (value - low) / (high - low)

    parts = [
        svg.polyline(
            [(left, top), (left, bottom), (right, bottom)],
            False,
            fill="none",
            stroke="#d0d4d9",
            stroke_width="0.8",
        )
    ]
    for value in (low + pad, high - pad):
        parts.append(
            svg.text(
                left - 5,
                at(first, value)[1] + 3,
                f"{value:.0f}",
                8.5,
                fill=MUTED,
                text_anchor="end",
            )
        )
    if reference is not None:
        y = at(first, reference)[1]
        parts.append(
            svg.polyline(
                [(left, y), (right, y)],
                False,
                stroke=MUTED,
                stroke_width="1",
                stroke_dasharray="3 2",
            )
        )
        parts.append(svg.text(right, y - 4, ref_name.get(lang), 8.5, fill=MUTED, text_anchor="end"))
    xy = [at(year, value) for year, value in points]
    parts.append(svg.polyline(xy, False, fill="none", stroke=ACCENT, stroke_width="1.8"))
    parts += [svg.circle(x, y, 2.4, fill=ACCENT) for x, y in xy]
    for year, _ in points:
        parts.append(
            svg.text(
                at(year, low)[0], bottom + 14, str(year), 8.5, fill=MUTED, text_anchor="middle"
            )
        )
    x, y = xy[-1]
    parts.append(svg.text(x, y - 7, _score(points[-1][1]), 9, text_anchor="middle", fill=ACCENT))
    return parts


def _score(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"
