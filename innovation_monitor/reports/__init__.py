"""Ranked annual monitoring reports: HTML (Chinese first, English too) and a ranking CSV.

``build_report`` turns warehouse frames (scores, indicator values, tiers) plus the division
registry and the indicator system into a :class:`MonitoringReport`; ``render_html`` and
``write_reports`` lay it out. The package does not import dagster.
"""

from innovation_monitor.reports.labels import Bilingual
from innovation_monitor.reports.model import DataNotice, MonitoringReport, build_report
from innovation_monitor.reports.render import render_html, write_reports

__all__ = [
    "Bilingual",
    "DataNotice",
    "MonitoringReport",
    "build_report",
    "render_html",
    "write_reports",
]
