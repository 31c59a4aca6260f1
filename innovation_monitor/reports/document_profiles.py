"""The PDF's unit profiles, a block group per unit (:mod:`.document` places them)."""

from __future__ import annotations

from collections.abc import Mapping

from innovation_monitor.reports.document_blocks import DocumentBlocks, rank_text
from innovation_monitor.reports.labels import unit_text
from innovation_monitor.reports.render import format_change, format_score, format_value
from innovation_monitor.reports.views import MonitoringReport

PROFILE_WIDTHS = (4.0, 1.2, 1.6, 0.9, 0.9)
"""The columns of every profile's indicator table (indicator, value, unit, rank, score): the
same in every profile, and given, so Typst does not measure 136 tables' cells to size them
(a quarter of the county PDF's time); kept on one page, which Typst also lays out quicker."""


def profile_blocks(
    doc: DocumentBlocks, report: MonitoringReport, charts: Mapping[str, str]
) -> None:
    """A profile per unit: its chart, rank history, strengths and weaknesses, drivers of
    change and its indicator table (imputed values marked)."""
    doc.heading(doc.L("profiles"), page=True)
    indicators = {i.code: i for i in report.indicators}
    colon, sep = doc.p["colon"], doc.p["sep"]
    for profile in report.profiles:
        doc.heading(f"{rank_text(profile.rank)}. {doc.t(profile.unit.name)}", 2)
        if profile.unit.code in charts:
            doc.figure({"key": "profile", "path": charts[profile.unit.code]})
        history = " · ".join(f"{y} — {rank_text(r)}" for y, r in profile.rank_history)
        doc.para(f"{doc.L('rank_history')}{colon}{history}", muted=True)
        insight = profile.insight
        for key, items in (("strengths", insight.strengths), ("weaknesses", insight.weaknesses)):
            if items:
                listed = sep.join(
                    doc.L(
                        "strength_item",
                        indicator=doc.t(s.name),
                        rank=rank_text(s.rank),
                        units=rank_text(s.units),
                    )
                    for s in items
                )
                doc.para(f"{doc.L(key)}{colon}{listed}")
        if insight.has_drivers:
            for key, drivers in (
                ("drivers_up", insight.drivers_up),
                ("drivers_down", insight.drivers_down),
            ):
                if drivers:
                    listed = sep.join(f"{doc.t(d.name)} {format_change(d.change)}" for d in drivers)
                    doc.para(f"{doc.L('drivers')} · {doc.L(key)}{colon}{listed}")
        rows = []
        for cell in profile.cells:
            ind = indicators[cell.indicator]
            mark = ""
            if cell.estimate is not None:
                mark = doc.L("marker_missing" if cell.estimate.missing else "marker_estimated")
            rows.append(
                [
                    doc.t(ind.name),
                    f"{format_value(cell.value)}{mark}",
                    unit_text(ind.unit, doc.lang),
                    rank_text(cell.score.rank),
                    format_score(cell.score.score),
                ]
            )
        doc.table(
            [
                doc.L("indicator"),
                doc.L("value"),
                doc.L("unit"),
                doc.L("indicator_rank"),
                doc.L("score"),
            ],
            rows,
            "lrlrr",
            PROFILE_WIDTHS,
            whole=True,
        )
