"""The report as a PDF per language, typeset by Typst from ``templates/report.typ``: A4, page
numbers, contents, the synthetic-data notice in every page's header and footer.

The document's text goes to Typst as JSON (``sys.inputs``) and is shown as strings, so no data
text can act as Typst markup; the charts, maps and profile charts are SVG files beside it in a
temporary folder. Typst
is imported here only, so that the command line starts without it.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Sequence
from importlib.resources import files
from pathlib import Path

from innovation_monitor import fonts
from innovation_monitor.reports.charts import Figure
from innovation_monitor.reports.charts_profile import profile_charts
from innovation_monitor.reports.document import document
from innovation_monitor.reports.provenance import Provenance
from innovation_monitor.reports.views import MonitoringReport


def render_pdf(
    report: MonitoringReport,
    lang: str,
    figures: Sequence[Figure] = (),
    provenance: Provenance | None = None,
) -> bytes:
    """The PDF bytes of ``report`` in ``lang`` with its charts."""
    import typst

    template = files("innovation_monitor.reports").joinpath("templates/report.typ").read_text()
    with tempfile.TemporaryDirectory(prefix="report-pdf-") as folder:
        root = Path(folder)
        (root / "report.typ").write_text(template, "utf-8")
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
        data = document(report, lang, provenance, placed, charts)
        return bytes(
            typst.compile(
                str(root / "report.typ"),
                root=str(root),
                font_paths=[str(fonts.font_path().parent)],
                sys_inputs={"data": json.dumps(data, ensure_ascii=False)},
            )
        )


FULL_WIDTH = 7.2 * 72
"""A chart as wide as this (pt, its SVG's viewBox) fills the text width; a narrower one keeps
its proportion of it, so its text keeps the size of the other charts'."""


def _width(svg: str) -> int:
    """The chart's width in % of the text width."""
    found = re.search(r'viewBox="[\d.]+ [\d.]+ ([\d.]+) ', svg)
    width = float(found.group(1)) if found else FULL_WIDTH
    return min(100, round(100 * width / FULL_WIDTH))


def write_pdf(
    report: MonitoringReport,
    folder: Path,
    lang: str,
    figures: Sequence[Figure] = (),
    provenance: Provenance | None = None,
) -> Path:
    """``<folder>/<level>_report.<lang>.pdf``, replaced whole (temporary file, then rename)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{report.level}_report.{lang}.pdf"
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(render_pdf(report, lang, figures, provenance))
    temporary.replace(path)
    return path
