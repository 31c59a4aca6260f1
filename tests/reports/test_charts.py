"""The report's charts and maps as SVG written directly (``reports.charts``, ``reports.maps``,
``reports.svg``): well-formed, every name escaped, one bar and one interval per unit, the
province's 100 drawn only where the index is in % of it, tier colours on the maps, one PNG per
figure, and no matplotlib loaded to draw them."""

import dataclasses
import pickle
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from report_frames import make_report
from test_outputs import SCRIPT, _hostile

from innovation_monitor import fonts
from innovation_monitor.paths import PROJECT_ROOT
from innovation_monitor.reports import maps
from innovation_monitor.reports.charts import (
    ACCENT,
    INTERVAL,
    ROWS_PER_CHART,
    _Axis,
    _ticks,
    province_is_100,
    report_figures,
)
from innovation_monitor.reports.charts_profile import profile_charts
from innovation_monitor.reports.labels import Bilingual
from innovation_monitor.reports.views import MonitoringReport

SVG = "{http://www.w3.org/2000/svg}"
RELATIVE = Bilingual("综合指数（全省为100）", "Index (province = 100)")


def _group(root: ET.Element, name: str) -> ET.Element:
    found = root.find(f".//{SVG}g[@class='{name}']")
    assert found is not None, f"no group {name}"
    return found


def _with_intervals(report: MonitoringReport) -> MonitoringReport:
    """Every unit but the last with a rank interval around its rank."""
    rows = tuple(
        dataclasses.replace(r, interval=None if k == len(report.rows) - 1 else (r.rank, r.rank + 2))
        for k, r in enumerate(report.rows)
    )
    return dataclasses.replace(report, rows=rows)


@pytest.mark.parametrize("level", ["city", "county"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_figure_is_well_formed_svg_scaled_by_its_view_box(
    registry, toy_system, level, lang
) -> None:
    report = _hostile(_with_intervals(make_report(registry, toy_system, level)))
    figures = report_figures(report, lang)
    assert [f.key for f in figures] == ["index-1", "map", "map-tiles"]
    for figure in figures:
        assert figure.svg.startswith("<svg") and "<?xml" not in figure.svg
        root = ET.fromstring(figure.svg)
        assert root.tag == f"{SVG}svg" and root.get("class") == "figure"
        assert root.get("width") is None and root.get("height") is None
        assert root.get("font-family") == f"'{fonts.FAMILY}', sans-serif"
        width = float((root.get("viewBox") or "").split()[2])
        narrow = level == "city" and figure.key == "map-tiles"
        assert width == (374.4 if narrow else 518.4), figure.key
    for chart in profile_charts(report, lang).values():
        assert ET.fromstring(chart).get("class") == "profile-chart"


def test_a_unit_named_like_markup_stays_text_in_every_figure(registry, toy_system) -> None:
    report = _hostile(make_report(registry, toy_system, "county"))
    assert report.rows[0].unit.name.zh == SCRIPT
    for figure in report_figures(report, "zh"):
        if figure.key == "map":
            continue  # a county's own name is not on the boundary map, its city's is
        assert "<script" not in figure.svg and "&lt;script&gt;" in figure.svg, figure.key
        texts = [t.text or "" for t in ET.fromstring(figure.svg).iter(f"{SVG}text")]
        assert any("<script>" in t for t in texts), figure.key  # the tile's label is shortened


def test_the_index_chart_has_a_bar_and_a_rank_per_unit_and_each_interval(
    registry, toy_system
) -> None:
    report = _with_intervals(make_report(registry, toy_system, "county"))
    root = ET.fromstring(report_figures(report, "en")[0].svg)
    bars = _group(root, "bars")
    assert bars.get("fill") == ACCENT and len(bars) == len(report.rows)
    widths = [float(b.get("width") or 0) for b in bars]
    assert widths == sorted(widths, reverse=True) and widths[0] > 0  # in rank order
    names = [t.text for t in _group(root, "names")]
    assert names == [f"{r.rank}. {r.unit.name.en}" for r in report.rows]
    intervals = _group(root, "intervals")
    assert intervals.get("stroke") == INTERVAL
    assert len(intervals) == len([r for r in report.rows if r.interval]) == len(report.rows) - 1
    dots = [float(c.get("cx") or 0) for c in _group(root, "ranks")]
    assert len(dots) == len(report.rows)
    assert dots == sorted(dots, reverse=True)  # the rank axis runs from the last to the first


def test_a_long_list_is_cut_into_index_charts_of_equal_length(registry, toy_system) -> None:
    report = make_report(registry, toy_system, "county")
    many = dataclasses.replace(report, rows=report.rows * 20)  # 140 rows: 4 charts of 35
    charts = [f for f in report_figures(many, "zh") if f.key.startswith("index")]
    assert len(charts) == 4 == -(-140 // ROWS_PER_CHART)
    assert [len(_group(ET.fromstring(c.svg), "bars")) for c in charts] == [35] * 4
    heights = {ET.fromstring(c.svg).get("viewBox") for c in charts}
    assert heights == {f"0 0 518.4 {57.6 + 13.68 * 35:.1f}"}  # 0.8 in + 0.19 in a unit


def test_the_dashed_100_is_drawn_only_for_an_index_in_percent_of_the_province(
    registry, toy_system
) -> None:
    report = make_report(registry, toy_system, "city")
    relative = dataclasses.replace(report, index_name=RELATIVE)
    assert not province_is_100(report) and province_is_100(relative)
    assert 'class="reference"' not in report_figures(report, "zh")[0].svg
    root = ET.fromstring(report_figures(relative, "zh")[0].svg)
    line = root.find(f".//{SVG}polyline[@class='reference']")
    assert line is not None and line.get("stroke-dasharray")
    ticks = [t.text for t in root.iter(f"{SVG}text")]
    assert "100" in ticks  # the axis reaches 100 though every toy city scores less


def test_ticks_are_round_steps_and_whole_ranks() -> None:
    assert _ticks(_Axis(0, 100.8, 98.4, 236.3)) == [0, 20, 40, 60, 80, 100]
    assert _ticks(_Axis(0.25, 16.75, 350.4, 157.5, inverted=True), integer=True) == [5, 10, 15]
    assert _ticks(_Axis(0.9, 2.1, 350.4, 157.5), integer=True) == [1, 2]


def _luminance(colour: str) -> float:
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.299 * red + 0.587 * green + 0.114 * blue


@pytest.mark.parametrize("level", ["city", "county"])
def test_map_colours_follow_the_tiers_darkest_first(registry, toy_system, level) -> None:
    report = make_report(registry, toy_system, level)
    boundary, tiles = (ET.fromstring(f.svg) for f in maps.report_maps(report, "zh"))
    paths = boundary.iter(f"{SVG}path")
    fills = {p.get("d"): p.get("fill") for p in paths if p.get("fill") not in (None, "none")}
    tolerance = maps.TOLERANCE[level]
    shades = []
    for tier in report.tiers:
        colours = {fills[maps._outline(u.code, tolerance)] for u in tier.members}
        assert len(colours) == 1, tier.name  # a tier's units share one shade
        shades.append(colours.pop())
    assert [_luminance(c) for c in shades] == sorted(_luminance(c) for c in shades)
    assert len(set(shades)) == len(shades)
    legend = [r.get("fill") for r in _group(boundary, "legend")]
    assert legend == shades  # the legend in tier order, with the same shades
    squares = [r.get("fill") for r in _group(tiles, "tiles")]
    assert sorted(squares) == sorted(
        shade for shade, tier in zip(shades, report.tiers, strict=True) for _ in tier.members
    )


def test_the_blues_are_colorbrewers_at_matplotlibs_positions() -> None:
    assert maps._blue(0.0) == "#f7fbff" and maps._blue(1.0) == "#08306b"
    assert maps._blue(0.85) == "#0d57a1" and maps._blue(0.3) == "#b7d4ea"  # the tiers' ends


def test_each_figure_has_its_png_at_110_pixels_per_inch(registry, toy_system) -> None:
    figures = report_figures(make_report(registry, toy_system, "city"), "zh", png=True)
    for figure in figures:
        assert figure.png.startswith(b"\x89PNG\r\n\x1a\n"), figure.key
        width = float((ET.fromstring(figure.svg).get("viewBox") or "").split()[2])
        pixels = struct.unpack(">I", figure.png[16:20])[0]
        assert abs(pixels - width / 72 * 110) <= 1, figure.key  # each page its own figure's
    assert not any(f.png for f in report_figures(make_report(registry, toy_system, "city"), "zh"))


def test_the_figures_are_drawn_without_matplotlib(registry, toy_system, tmp_path: Path) -> None:
    saved = tmp_path / "report.pickle"
    saved.write_bytes(pickle.dumps(make_report(registry, toy_system, "county")))
    script = (
        "import pickle, sys\n"
        "from innovation_monitor.reports.charts import report_figures\n"
        "from innovation_monitor.reports.charts_profile import profile_charts\n"
        f"report = pickle.loads(open({str(saved)!r}, 'rb').read())\n"
        "report_figures(report, 'zh', png=True), profile_charts(report, 'zh')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'matplotlib'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        cwd=PROJECT_ROOT,
    )
    assert done.stdout.strip() == "[]"
