"""No PDF page is more than half empty unless it is the last page of a section (``page_fill``):
on the toy and the sample reports, and shown to catch a template that breaks the page before
every heading and a hand-made document with a page cut short."""

from pathlib import Path

import pytest
import typst
from page_fill import half_empty, page_fills
from report_frames import CITY_INDEX, frames, make_report

from innovation_monitor import fonts
from innovation_monitor.reports import pdf
from innovation_monitor.reports.charts import report_figures
from innovation_monitor.reports.insight_views import with_insight
from innovation_monitor.reports.pdf import render_pdf
from innovation_monitor.reports.views import MonitoringReport
from tests.pipeline_run import PipelineRun

SECTION_BREAK = 'if b.at("page", default: false) { pagebreak(weak: true) }'
"""The template's page break before a section that starts a new page."""


def _toy_report(registry, system) -> MonitoringReport:
    scores = frames(system.frameworks["city"], CITY_INDEX)[0]
    return with_insight(make_report(registry, system, "city"), scores=scores)


def _typeset(source: str, folder: Path) -> bytes:
    (folder / "doc.typ").write_text(source, "utf-8")
    return bytes(
        typst.compile(
            str(folder / "doc.typ"), root=str(folder), font_paths=[str(fonts.font_path().parent)]
        )
    )


class _Template:
    """Stands in for the package's files, giving ``report.typ`` as ``text``."""

    def __init__(self, text: str) -> None:
        self.text = text

    def joinpath(self, _name: str) -> "_Template":
        return self

    def read_text(self, *_args: object) -> str:
        return self.text


def test_no_page_of_the_toy_pdf_is_half_empty_but_a_sections_last(registry, toy_system) -> None:
    report = _toy_report(registry, toy_system)
    document = render_pdf(report, "zh", report_figures(report, "zh"))
    assert half_empty(document) == []


def test_a_template_breaking_the_page_before_every_heading_fails_the_check(
    registry, toy_system, monkeypatch: pytest.MonkeyPatch
) -> None:
    template = Path(pdf.__file__).with_name("templates") / "report.typ"
    text = template.read_text("utf-8")
    assert SECTION_BREAK in text
    monkeypatch.setattr(
        pdf,
        "files",
        lambda _package: _Template(text.replace(SECTION_BREAK, "pagebreak(weak: true)")),
    )
    report = _toy_report(registry, toy_system)
    short = half_empty(render_pdf(report, "zh", report_figures(report, "zh")))
    assert short, "a page break before every unit profile leaves pages half empty"


def test_a_page_cut_short_is_found_unless_a_section_starts_next(tmp_path: Path) -> None:
    third = "#lorem(60)\n\n" * 3  # a third of a page
    cut = _typeset(f"= One\n{third}#pagebreak()\n{third}= Two\n{third}", tmp_path)
    fills = page_fills(cut)
    assert [p.page for p in half_empty(cut)] == [1]
    assert fills[0].fill < 0.5 < fills[1].fill and not fills[0].ends_section
    ends = _typeset(f"= One\n{third}#pagebreak()\n= Two\n{third}", tmp_path)
    assert half_empty(ends) == [] and page_fills(ends)[0].ends_section
    full = _typeset(f"= One\n{third * 4}= Two\n{third}", tmp_path)
    assert all(p.fill > 0.9 for p in page_fills(full)[:-1])


@pytest.mark.slow
def test_no_page_of_the_sample_city_pdf_is_half_empty_but_a_sections_last(
    sample_run: PipelineRun,
) -> None:
    document = (sample_run.out / "2023" / "city_report.zh.pdf").read_bytes()
    assert half_empty(document) == []
