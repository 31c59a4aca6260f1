"""The PDF, workbook and chart outputs of a report (``reports.outputs``): data text shown as
text in every format, the notice on every PDF page, sheet headers in row 1, reproducible
workbook bytes; the slow tests read what the session's sample run wrote."""

import dataclasses
import html
import re
import subprocess
from pathlib import Path

import polars as pl
import pytest
from openpyxl import load_workbook
from report_frames import make_report

from innovation_monitor import warehouse
from innovation_monitor.errors import DataError
from innovation_monitor.reports.charts import report_figures
from innovation_monitor.reports.document import document
from innovation_monitor.reports.insight_views import rank_interval
from innovation_monitor.reports.labels import SYNTHETIC_BANNER
from innovation_monitor.reports.outputs import ReportWriter
from innovation_monitor.reports.pdf import render_pdf
from innovation_monitor.reports.render import render_html
from innovation_monitor.reports.views import MonitoringReport, Named
from innovation_monitor.reports.workbook import WorkbookTables, render_workbook
from tests.pipeline_run import PipelineRun

SCRIPT = "<script>alert(1)</script>"
FORMULA = '=HYPERLINK("http://x")'
TYPST = "#set page(width: 1cm)"


def _pdf_pages(data: bytes) -> list[str]:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(data)
    try:
        return [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    finally:
        doc.close()


def _hostile(report: MonitoringReport) -> MonitoringReport:
    """The report with units named like markup, a formula and Typst code, and such a notice."""
    evil = {
        report.rows[0].unit.code: f"{SCRIPT}",
        report.rows[1].unit.code: FORMULA,
        report.rows[2].unit.code: TYPST,
    }

    def rename(unit: Named) -> Named:
        if unit.code not in evil:
            return unit
        return Named(unit.code, dataclasses.replace(unit.name, zh=evil[unit.code]))

    rows = tuple(dataclasses.replace(r, unit=rename(r.unit)) for r in report.rows)
    profiles = tuple(dataclasses.replace(p, unit=rename(p.unit)) for p in report.profiles)
    notice = dataclasses.replace(report.notice, notice_zh=FORMULA)
    return dataclasses.replace(report, rows=rows, profiles=profiles, notice=notice)


def _empty_tables() -> WorkbookTables:
    from innovation_monitor.warehouse_schema import table

    return WorkbookTables(
        pl.DataFrame(schema=table("statistics").schema),
        pl.DataFrame(schema=table("validation_results").schema),
    )


def test_the_rank_interval_is_rounded_to_whole_ranks() -> None:
    assert rank_interval(3.5, 6.49) == (4, 6)
    assert rank_interval(1.0, 1.0) == (1, 1)
    assert rank_interval(None, 2.0) is None


def test_hostile_text_is_text_in_html_pdf_and_workbook(registry, toy_system, tmp_path) -> None:
    report = _hostile(make_report(registry, toy_system, "city"))
    page = render_html(report, "zh", report_figures(report, "zh"))
    assert "<script" not in page
    assert SCRIPT in html.unescape(page) and FORMULA in html.unescape(page)
    text = "\n".join(_pdf_pages(render_pdf(report, "zh")))
    for hostile in (SCRIPT, FORMULA, TYPST):
        assert hostile in text
    path = render_workbook(
        report, tmp_path / "r.xlsx", toy_system.frameworks["city"], _empty_tables()
    )
    book = load_workbook(path)
    ranking = book.worksheets[0]
    names = [row[2] for row in ranking.iter_rows(min_row=2, values_only=True)]
    assert SCRIPT in names and FORMULA in names
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    quoted = [c for row in ranking.iter_rows() for c in row if c.value == FORMULA]
    assert quoted and all(c.quotePrefix for c in quoted)
    notice = book.worksheets[-1]
    assert FORMULA in str(notice["A2"].value)


def test_the_workbook_bytes_are_reproducible(registry, toy_system, tmp_path) -> None:
    report = make_report(registry, toy_system, "county")
    framework = toy_system.frameworks["county"]
    first = render_workbook(report, tmp_path / "a.xlsx", framework, _empty_tables())
    second = render_workbook(report, tmp_path / "b.xlsx", framework, _empty_tables())
    assert first.read_bytes() == second.read_bytes()


def test_the_pdf_bytes_are_reproducible(registry, toy_system) -> None:
    report = make_report(registry, toy_system, "city")
    figures = report_figures(report, "en")
    assert render_pdf(report, "en", figures) == render_pdf(report, "en", figures)


def test_every_pdf_page_carries_the_synthetic_notice(registry, toy_system) -> None:
    report = make_report(registry, toy_system, "county")
    for lang in ("zh", "en"):
        pages = _pdf_pages(render_pdf(report, lang))
        assert len(pages) > 1
        assert all(SYNTHETIC_BANNER.get(lang) in p for p in pages)
        first = re.sub(r"\s", "", pages[0])  # Typst spaces CJK from Latin letters and digits
        assert re.sub(r"\s", "", report.title.get(lang)) in first


def test_an_unknown_format_is_refused(tmp_path) -> None:
    with pytest.raises(DataError, match="docx"):
        ReportWriter(tmp_path, ("zh",), ("html", "docx"))


# ----------------------------------------------------------------- the sample run's outputs


def _stored(run: PipelineRun, table: str, level: str, year: int) -> pl.DataFrame:
    with warehouse.connect(run.warehouse, read_only=True) as con:
        return warehouse.read(con, table, years=[year], level=level)


@pytest.mark.slow
def test_the_run_writes_every_format_for_every_year(sample_run: PipelineRun) -> None:
    for year in range(2016, 2024):
        names = {p.name for p in (sample_run.out / str(year)).iterdir()}
        for level in ("city", "county"):
            expected = {
                f"{level}_report.{lang}.{ext}" for lang in ("zh", "en") for ext in ("html", "pdf")
            }
            assert expected | {f"{level}_report.xlsx", f"{level}_ranking.csv"} <= names


@pytest.mark.slow
def test_the_sample_pdf_has_the_notice_on_every_page_and_the_title_first(
    sample_run: PipelineRun,
) -> None:
    for level, lang in (("city", "zh"), ("county", "en")):
        data = (sample_run.out / "2023" / f"{level}_report.{lang}.pdf").read_bytes()
        pages = _pdf_pages(data)
        assert all(SYNTHETIC_BANNER.get(lang) in p for p in pages), level
    zh = _pdf_pages((sample_run.out / "2023" / "city_report.zh.pdf").read_bytes())
    assert "2023年山东省设区市创新能力监测报告" in zh[0].replace(" ", "")


@pytest.mark.slow
def test_the_report_command_lists_every_file_it_writes(
    sample_run: PipelineRun, tmp_path: Path
) -> None:
    """One report writer serves both levels (the city PDFs are typeset while the county reports
    are laid out): every PDF of both levels is written whole and listed, nothing else is."""
    from innovation_monitor.publish import publish_reports

    written = publish_reports(
        sample_run.warehouse, tmp_path, years=[2023], langs=("zh",), formats=("pdf", "html")
    )
    on_disk = {p for p in tmp_path.rglob("*") if p.is_file()}
    assert sorted(written) == sorted(on_disk)
    pdfs = {p.name for p in written if p.suffix == ".pdf"}
    assert pdfs == {"city_report.zh.pdf", "county_report.zh.pdf"}
    assert all(_pdf_pages((tmp_path / "2023" / name).read_bytes()) for name in pdfs)


@pytest.mark.slow
def test_the_sample_workbook_matches_the_warehouse(sample_run: PipelineRun) -> None:
    for level in ("city", "county"):
        book = load_workbook(sample_run.out / "2023" / f"{level}_report.xlsx", read_only=True)
        for sheet in book.worksheets:
            header = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True))
            assert header and all(v not in (None, "") for v in header), (level, sheet.title)
        counts = {s.title: sum(1 for _ in s.iter_rows(min_row=2)) for s in book.worksheets}
        ranked = _stored(sample_run, "rankings", level, 2023).height
        assert counts["排名 Ranking"] == ranked
        assert (
            counts["原始统计 Statistics"] == _stored(sample_run, "statistics", level, 2023).height
        )
        checks = _stored(sample_run, "validation_results", level, 2023).height
        assert counts["校验结果 Validation"] == checks
        book.close()


BLINK_RESOURCE_LOADER = 101845102
"""Chromium's traffic annotation of a request a page makes (its own requests, for updates,
time or accounts, carry others)."""


def _page_requests(page: Path, folder: Path) -> set[str]:
    """The http(s)/ws URLs headless Chromium requested while loading ``page`` (its net log)."""
    netlog = folder / "net.json"
    subprocess.run(
        [
            "/usr/bin/chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={folder / 'profile'}",
            f"--log-net-log={netlog}",
            "--dump-dom",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    log = netlog.read_text("utf-8", errors="replace")
    return {
        url
        for annotation, url in re.findall(r'"traffic_annotation":(\d+),"url":"([^"]+)"', log)
        if int(annotation) == BLINK_RESOURCE_LOADER and url.startswith(("http", "ws"))
    }


@pytest.mark.slow
def test_the_html_with_its_charts_makes_no_network_request(
    sample_run: PipelineRun, tmp_path: Path
) -> None:
    page = sample_run.out / "2023" / "city_report.zh.html"
    text = page.read_text("utf-8")
    assert text.count('class="figure"') >= 2  # the charts are inline SVG
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", text)
    assert re.search(r"\d+<small class=\"interval\"", text)
    assert _page_requests(page, tmp_path / "report") == set()
    probe = tmp_path / "probe.html"  # the check sees a page's request when there is one
    probe.write_text('<img src="http://example.invalid/x.png">', "utf-8")
    assert _page_requests(probe, tmp_path / "probe") == {"http://example.invalid/x.png"}


@pytest.mark.slow
def test_profiles_show_strengths_and_drivers(sample_run: PipelineRun) -> None:
    page = (sample_run.out / "2023" / "county_report.zh.html").read_text("utf-8")
    assert "短板指标" in page and "指数变化的主要来源" in page and "拉动" in page
    english = (sample_run.out / "2023" / "county_report.en.html").read_text("utf-8")
    assert "Weaknesses" in english and "Main sources of the index change" in english
    blocks = document(_report_of(sample_run), "zh")["blocks"]
    ranking = next(b for b in blocks if b["kind"] == "table" and b["header"][0] == "排名")
    assert all(re.fullmatch(r"\d+（\d+(–\d+)?）", row[0]) for row in ranking["rows"])
    assert any("–" in row[0] for row in ranking["rows"])  # some rank is uncertain


def _report_of(run: PipelineRun) -> MonitoringReport:
    from innovation_monitor.divisions import DivisionRegistry
    from innovation_monitor.framework import load_indicator_system
    from innovation_monitor.reports import build_report, data_notice
    from innovation_monitor.reports.insight_views import with_insight

    with warehouse.connect(run.warehouse, read_only=True) as con:
        t = {
            n: warehouse.read(con, n, level="city")
            for n in (
                "scores",
                "indicator_values",
                "rankings",
                "imputations",
                "sources",
                "rank_intervals",
                "strengths",
                "drivers",
            )
        }
    report = build_report(
        2023,
        "city",
        scores=t["scores"],
        indicator_values=t["indicator_values"],
        rankings=t["rankings"],
        registry=DivisionRegistry.load(),
        system=load_indicator_system(None),
        notice=data_notice(t["sources"].filter(pl.col("year") == 2023)),
        imputations=t["imputations"],
    )
    return with_insight(
        report,
        rank_intervals=t["rank_intervals"],
        strengths=t["strengths"],
        drivers=t["drivers"],
        scores=t["scores"],
    )


@pytest.mark.slow
def test_report_rebuilds_one_edition_in_some_formats(
    sample_run: PipelineRun, tmp_path: Path
) -> None:
    from pipelines.cli import main

    out = tmp_path / "out"
    args = ["report", "--warehouse", str(sample_run.warehouse), "--out", str(out)]
    assert main([*args, "--edition", "2015"]) == 2
    assert main([*args, "--edition", "2023", "--lang", "zh", "--format", "xlsx,pdf"]) == 0
    written = {p.name for p in (out / "2023").iterdir()}
    assert {"city_report.zh.pdf", "county_report.xlsx"} <= written
    assert not any(n.endswith(".html") or ".en." in n for n in written)
    assert main([*args, "--years", "2022", "--format", "html"]) == 0
    assert (out / "2022" / "city_report.en.html").exists()
