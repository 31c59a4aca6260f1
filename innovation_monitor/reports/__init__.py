"""Ranked annual monitoring reports: HTML (Chinese first, English too) and a ranking CSV.

``build_report`` (``assembly``) turns the stored tables (scores, indicator values, rankings,
imputations, validation results, quarantine) plus the division registry and the indicator
system into a :class:`MonitoringReport` (``views``, with the indicator and methodology sections
from ``methodology``, the unit profiles from ``profiles`` and the data-quality section from
``quality``); ``render_html``
and ``write_reports`` (``render``) lay it out. The package does not import dagster.
"""

from innovation_monitor.reports.assembly import build_report
from innovation_monitor.reports.labels import Bilingual
from innovation_monitor.reports.methodology import data_notice
from innovation_monitor.reports.render import render_html, write_reports
from innovation_monitor.reports.views import DataNotice, MonitoringReport

__all__ = [
    "Bilingual",
    "DataNotice",
    "MonitoringReport",
    "build_report",
    "data_notice",
    "render_html",
    "write_reports",
]
