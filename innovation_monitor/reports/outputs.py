"""One (year, level) report written in every format asked for: HTML per language with its
charts inline and the ranking CSV, PDF per language, the Excel workbook.

File names, in ``<out>/<year>/``: ``<level>_report.<lang>.html``, ``<level>_ranking.csv``,
``<level>_report.<lang>.pdf``, ``<level>_report.xlsx`` (README, "Output files"). The charts
are drawn once per language and shared by the formats.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from innovation_monitor.errors import DataError
from innovation_monitor.framework import MonitoringFramework
from innovation_monitor.reports.charts import Figure, report_figures
from innovation_monitor.reports.provenance import Provenance
from innovation_monitor.reports.render import write_reports
from innovation_monitor.reports.views import MonitoringReport
from innovation_monitor.reports.workbook import WorkbookTables, render_workbook

FORMATS: tuple[str, ...] = ("html", "pdf", "xlsx")
"""Every report format; ``html`` includes the ranking CSV."""


def check_formats(formats: Sequence[str]) -> tuple[str, ...]:
    """The formats asked for, in the usual order; a DataError naming an unknown one or none."""
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown or not formats:
        raise DataError(
            f"report format(s) {unknown or list(formats)} unknown; choose from {list(FORMATS)} "
            "/ 报告格式无效"
        )
    return tuple(f for f in FORMATS if f in formats)


class ReportWriter:
    """Writes reports in the formats asked for. Each PDF is prepared here and typeset in a
    child process (:mod:`innovation_monitor.typesetting`) that a worker thread waits for, so
    Typst runs on the other core while the next charts, pages and workbooks are written;
    leaving the ``with`` block waits for them and raises the first error. ``paths``: every
    file written."""

    def __init__(
        self,
        out_dir: Path | str,
        langs: Sequence[str],
        formats: Sequence[str] = FORMATS,
        workers: int = 2,
    ) -> None:
        self.out_dir = Path(out_dir)
        self.langs = tuple(langs)
        self.formats = check_formats(formats)
        self.paths: list[Path] = []
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="report-pdf")
        self._pending: list[Future[Path]] = []

    def __enter__(self) -> ReportWriter:
        return self

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        self._pool.shutdown(wait=True, cancel_futures=error is not None)
        if error is None:
            self.paths += [future.result() for future in self._pending]

    def write(
        self,
        report: MonitoringReport,
        *,
        framework: MonitoringFramework,
        tables: WorkbookTables,
        provenance: Provenance | None = None,
    ) -> None:
        """Write (or start writing) ``report`` in every format of the writer."""
        from innovation_monitor.reports.pdf import pdf_job

        formats, langs = self.formats, self.langs
        folder = self.out_dir / str(report.year)
        drawn = list(langs) if {"html", "pdf"} & set(formats) else []
        if "xlsx" in formats and "zh" not in drawn:
            drawn.append("zh")
        figures: dict[str, list[Figure]] = {}
        for lang in drawn:
            figures[lang] = report_figures(report, lang, png="xlsx" in formats and lang == "zh")
            if "pdf" in formats and lang in langs:
                job = pdf_job(report, folder, lang, figures[lang], provenance)
                self._pending.append(self._pool.submit(job.run))
        html_langs = langs if "html" in formats else ()
        self.paths += write_reports(report, self.out_dir, langs=html_langs, figures=figures)
        if "xlsx" in formats:
            path = folder / f"{report.level}_report.xlsx"
            self.paths.append(
                render_workbook(report, path, framework, tables, provenance, figures["zh"])
            )
