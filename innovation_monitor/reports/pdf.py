"""The report as a PDF per language, typeset by Typst from ``templates/report.typ``: A4, page
numbers, contents, the synthetic-data notice in every page's header and footer.

The document's text goes to Typst as JSON (``sys.inputs``) and is shown as strings, so no data
text can act as Typst markup; the charts, maps and profile charts are SVG files beside it in a
temporary folder. Typst
is imported only to typeset (:mod:`innovation_monitor.typesetting`), so that the command line
starts without it.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from innovation_monitor import fonts
from innovation_monitor.reports.charts import Figure
from innovation_monitor.reports.charts_profile import profile_charts
from innovation_monitor.reports.document import document
from innovation_monitor.reports.provenance import Provenance
from innovation_monitor.reports.views import MonitoringReport
from innovation_monitor.typesetting import compile_pdf, typeset


def render_pdf(
    report: MonitoringReport,
    lang: str,
    figures: Sequence[Figure] = (),
    provenance: Provenance | None = None,
) -> bytes:
    """The PDF bytes of ``report`` in ``lang`` with its charts, typeset in this process."""
    with tempfile.TemporaryDirectory(prefix="report-pdf-") as folder:
        source = Path(folder) / "report.typ"
        data = _prepare(source, report, lang, figures, provenance)
        return compile_pdf(source, fonts.font_path().parent, data)


@dataclass
class PdfJob:
    """A report's PDF ready to typeset: its folder prepared and its document as JSON; ``run``
    typesets it in a child process (:func:`.typesetting.typeset`), writes ``path`` whole and
    removes the folder. Preparing is Python work and stays in the caller's thread; the
    compile, most of the time, runs beside it."""

    path: Path
    data: str
    folder: tempfile.TemporaryDirectory[str]

    def run(self) -> Path:
        with self.folder as folder:
            return typeset(
                Path(folder) / "report.typ", fonts.font_path().parent, self.data, self.path
            )


def pdf_job(
    report: MonitoringReport,
    folder: Path,
    lang: str,
    figures: Sequence[Figure] = (),
    provenance: Provenance | None = None,
) -> PdfJob:
    """The job that writes ``<folder>/<level>_report.<lang>.pdf``."""
    folder.mkdir(parents=True, exist_ok=True)
    work = tempfile.TemporaryDirectory(prefix="report-pdf-")
    data = _prepare(Path(work.name) / "report.typ", report, lang, figures, provenance)
    return PdfJob(folder / f"{report.level}_report.{lang}.pdf", data, work)


def _prepare(
    source: Path,
    report: MonitoringReport,
    lang: str,
    figures: Sequence[Figure],
    provenance: Provenance | None,
) -> str:
    """Write the template as ``source`` and the charts beside it; the document as JSON."""
    root = source.parent
    template = files("innovation_monitor.reports").joinpath("templates/report.typ").read_text()
    source.write_text(template, "utf-8")
    placed = []
    for figure in figures:
        name = f"{figure.key}.svg"
        (root / name).write_text(figure.svg, "utf-8")
        placed.append(
            {
                "key": figure.key,
                "path": name,
                "caption": figure.title.get(lang),
                "note": figure.note.get(lang) if figure.note else "",
                "width": _width(figure.svg),
            }
        )
    charts = {}
    for number, (code, svg) in enumerate(profile_charts(report, lang).items()):
        charts[code] = f"profile-{number}.svg"
        (root / charts[code]).write_text(svg, "utf-8")
    return json.dumps(document(report, lang, provenance, placed, charts), ensure_ascii=False)


FULL_WIDTH = 7.2 * 72
"""A chart as wide as this (pt, its SVG's viewBox) fills the text width; a narrower one keeps
its proportion of it, so its text keeps the size of the other charts'."""


def _width(svg: str) -> int:
    """The chart's width in % of the text width."""
    found = re.search(r'viewBox="[\d.]+ [\d.]+ ([\d.]+) ', svg)
    width = float(found.group(1)) if found else FULL_WIDTH
    return min(100, round(100 * width / FULL_WIDTH))
