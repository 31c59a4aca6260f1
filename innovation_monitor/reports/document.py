"""A report as a list of plain blocks (headings, paragraphs, tables, figures) for the PDF.

The Typst template (``templates/report.typ``) lays these blocks out and reads every text from
JSON as a string, never as markup, so a region named ``#set page(...)`` or ``<script>`` prints
as it is. The blocks hold formatted text only: the numbers are the report's, formatted as the
HTML formats them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from innovation_monitor.reports.document_blocks import DocumentBlocks, Placed, rank_text
from innovation_monitor.reports.document_profiles import profile_blocks
from innovation_monitor.reports.labels import PUNCTUATION, unit_text
from innovation_monitor.reports.provenance import Provenance
from innovation_monitor.reports.render import (
    format_change,
    format_score,
    format_share,
    names,
)
from innovation_monitor.reports.views import MonitoringReport, RankingRow


def rank_with_interval(row: RankingRow, lang: str) -> str:
    """``5（4–7）`` / ``5 (4–7)``: the rank and its 5 %–95 % interval as the HTML shows it."""
    if row.interval is None:
        return rank_text(row.rank)
    low, high = row.interval
    span = str(low) if low == high else f"{low}–{high}"
    marks = PUNCTUATION[lang]
    return f"{rank_text(row.rank)}{marks['open'].strip()}{span}{marks['close']}"


def _change(row: RankingRow, doc: DocumentBlocks) -> str:
    c = row.change
    if c.is_new:
        return doc.L("new_unit")
    if c.change is None:
        return "—"
    if c.change == 0:
        return doc.L("no_change")
    return f"↑{c.change}" if c.change > 0 else f"↓{-c.change}"


def document(
    report: MonitoringReport,
    lang: str,
    provenance: Provenance | None = None,
    figures: Sequence[Placed] = (),
    profile_charts: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The PDF's data: title, banner (synthetic data), notice and blocks; ``figures`` are the
    charts and maps beside the document (index charts first), ``profile_charts`` the file of
    each profile's chart by unit code."""
    doc = DocumentBlocks(lang)
    county = report.level == "county"
    _summary(doc, report)
    _ranking(doc, report, county, [f for f in figures if f["key"].startswith("index")])
    if report.type_groups:
        _types(doc, report)
    if report.has_tiers:
        doc.heading(doc.L("tiers"))
        doc.table(
            [doc.L("tier"), doc.L("rule"), doc.L("units_count"), doc.L("members")],
            [
                [doc.t(t.name), doc.t(t.rule), str(len(t.members)), names(t.members, lang) or "—"]
                for t in report.tiers
            ],
            "llr",
        )
    maps = [f for f in figures if f["key"].startswith("map")]
    if maps:
        doc.heading(doc.L("maps"))
        for placed in maps:
            doc.figure(placed)
    _evaluation(doc, report)
    _province(doc, report)
    trends = [f for f in figures if not f["key"].startswith(("index", "map"))]
    if trends:
        doc.heading(doc.L("chart_trend"))
        for placed in trends:
            doc.figure(placed)
    profile_blocks(doc, report, profile_charts or {})
    _quality(doc, report)
    _methodology(doc, report)
    if provenance is not None:
        _provenance(doc, report, provenance)
    return {
        "lang": lang,
        "title": doc.t(report.title),
        "subtitle": doc.t(report.framework_name),
        "banner": doc.t(report.banner) if report.banner else None,
        "notice": doc.t(report.notice.text) if report.notice.notice_zh else "",
        "contents": doc.L("contents"),
        "blocks": doc.blocks,
    }


def _summary(doc: DocumentBlocks, report: MonitoringReport) -> None:
    doc.heading(doc.L("summary"))
    sep = doc.p["sep"]
    facts = [
        (doc.L("units_count"), str(len(report.rows))),
        (
            doc.L("top_three"),
            sep.join(
                f"{r.rank}. {doc.t(r.unit.name)} ({format_score(r.score)})" for r in report.top
            ),
        ),
    ]
    if report.has_previous:
        facts.append(
            (
                doc.L("climbers"),
                sep.join(f"{doc.t(r.unit.name)} {_change(r, doc)}" for r in report.climbers)
                or doc.L("no_climbers"),
            )
        )
    ev = report.evaluation
    if ev is not None:
        facts.append(
            (doc.t(ev.advanced_name), names([r.unit for r in ev.advanced], doc.lang) or "—")
        )
    if report.province_index is not None:
        facts.append(
            (doc.t(report.province_index.name), format_score(report.province_index.latest))
        )
    doc.table([doc.L("summary"), ""], facts)


def _ranking(
    doc: DocumentBlocks, report: MonitoringReport, county: bool, figures: Sequence[Placed]
) -> None:
    doc.heading(doc.L("ranking"), page=True)
    for placed in figures:  # before the table, which breaks across pages where it ends
        doc.figure(placed)
    header = [doc.L("rank"), doc.L("region")]
    header += [doc.L("parent_city")] if county else []
    header += [doc.t(report.index_name)]
    header += [doc.L("score_change")] if report.has_previous else []
    header += [doc.L("rank_change")]
    header += [doc.L("tier")] if report.has_tiers else []
    pillars = [] if county else list(report.pillars)
    header += [doc.t(p.name) for p in pillars]
    rows = []
    for r in report.rows:
        line = [rank_with_interval(r, doc.lang), doc.t(r.unit.name)]
        line += [doc.t(r.parent.name) if r.parent else "—"] if county else []
        line += [format_score(r.score)]
        line += [format_change(r.change.score_change)] if report.has_previous else []
        line += [_change(r, doc)]
        line += [doc.t(r.tier.name) if r.tier else "—"] if report.has_tiers else []
        line += [format_score(r.pillars[p.code].score) for p in pillars]
        rows.append(line)
    nums = "rl" + ("l" if county else "") + "r" + ("r" if report.has_previous else "") + "ll"
    doc.table(header, rows, nums + "r" * len(pillars))
    if any(r.interval for r in report.rows):
        doc.para(doc.L("rank_interval_note"), muted=True)


def _types(doc: DocumentBlocks, report: MonitoringReport) -> None:
    doc.heading(doc.L("ranking_by_type"))
    doc.para(doc.L("type_note"), muted=True)
    for group in report.type_groups:
        doc.heading(f"{doc.t(group.name)}{doc.p['open']}{len(group.rows)}{doc.p['close']}", 2)
        doc.table(
            [
                doc.L("rank_in_type"),
                doc.L("rank"),
                doc.L("region"),
                doc.L("parent_city"),
                doc.t(report.index_name),
                doc.L("tier_in_type"),
            ],
            [
                [
                    rank_text(r.rank_in_type),
                    rank_with_interval(r, doc.lang),
                    doc.t(r.unit.name),
                    doc.t(r.parent.name) if r.parent else "—",
                    format_score(r.score),
                    doc.t(r.tier_in_type.name) if r.tier_in_type else "—",
                ]
                for r in group.rows
            ],
            "rrllrl",
        )


def _evaluation(doc: DocumentBlocks, report: MonitoringReport) -> None:
    ev = report.evaluation
    if ev is None:
        return
    span = doc.L("years_span", start=ev.start, end=ev.end)
    doc.heading(f"{doc.L('evaluation')}{doc.p['open']}{span}{doc.p['close']}")
    doc.para(doc.L("period_note", measure=doc.t(ev.measure)), muted=True)
    doc.para(f"{doc.t(ev.advanced_name)}{doc.p['colon']}{doc.t(ev.rules)}")
    doc.table(
        [
            doc.L("period_rank"),
            doc.L("region"),
            doc.L("period_mean_heading"),
            doc.L("improvement"),
            doc.L("years_scored"),
            doc.t(ev.advanced_name),
        ],
        [
            [
                rank_text(r.rank),
                doc.t(r.unit.name),
                format_score(r.mean),
                format_change(r.improvement),
                str(r.years_scored),
                doc.t(r.advanced_rule) if r.advanced_rule else "",
            ]
            for r in ev.rows
        ],
        "rlrrrl",
    )


def _province(doc: DocumentBlocks, report: MonitoringReport) -> None:
    pi = report.province_index
    if pi is not None:
        doc.heading(doc.t(pi.name))
        doc.para(doc.L("province_index_note", base=pi.base_year), muted=True)
        doc.table(
            [doc.L("index_and_pillars"), *map(str, pi.years)],
            [[doc.t(n), *map(format_score, values)] for n, values in pi.rows],
            "l" + "r" * len(pi.years),
        )
    if report.progress:
        doc.heading(doc.L("target_progress"))
        doc.table(
            [
                doc.L("target"),
                doc.L("in_target_year"),
                doc.L("latest_value"),
                doc.L("gap"),
                doc.L("reached"),
            ],
            [
                [doc.t(p.target), doc.t(p.in_year), doc.t(p.latest), doc.t(p.gap), doc.t(p.reached)]
                for p in report.progress
            ],
        )


def _quality(doc: DocumentBlocks, report: MonitoringReport) -> None:
    quality = report.quality
    doc.heading(doc.L("data_quality"))
    doc.para(doc.L("quality_summary", year=report.year))
    if quality.estimated:
        rows = [*quality.indicators, quality.totals]
        doc.table(
            [
                doc.L("indicator"),
                doc.L("own_values"),
                doc.L("carried"),
                doc.L("imputed_other"),
                doc.L("missing"),
            ],
            [
                [doc.t(r.name), str(r.own), str(r.carried), str(r.imputed), str(r.missing)]
                for r in rows
            ],
            "lrrrr",
        )
    else:
        doc.para(doc.L("no_estimates"))
    for key, checks in (("accepted_checks", quality.accepted), ("warnings", quality.warnings)):
        if checks:
            doc.heading(doc.L(key), 2)
            doc.table(
                [doc.L("check"), doc.L("rows_failed"), doc.L("examples")],
                [
                    [doc.t(c.description), str(c.count), "\n".join(map(doc.t, c.examples)) or "—"]
                    for c in checks
                ],
                "lrl",
            )


def _methodology(doc: DocumentBlocks, report: MonitoringReport) -> None:
    doc.heading(doc.L("methodology"), page=True)
    doc.para(f"{doc.L('framework')}{doc.p['colon']}{doc.t(report.framework_name)}")
    doc.table(
        [doc.L("pillar"), doc.L("weight"), doc.L("share_in_index")],
        [[doc.t(p.name), f"{p.weight:g}", format_share(p.share)] for p in report.pillars],
        "lrr",
    )
    doc.table(
        [
            doc.L("indicator"),
            doc.L("formula"),
            doc.L("unit"),
            doc.L("direction"),
            doc.L("share_in_index"),
        ],
        [
            [
                doc.t(i.name),
                doc.t(i.formula_text),
                unit_text(i.unit, doc.lang),
                doc.L("positive") if i.direction > 0 else doc.L("negative"),
                format_share(i.share_in_index),
            ]
            for i in report.indicators
        ],
        "lllll",
    )
    doc.heading(doc.L("steps"), 2)
    steps = [f"{doc.t(s.name)}{doc.p['colon']}{doc.t(s.description)}" for s in report.steps]
    doc.blocks.append({"kind": "list", "items": [*steps, doc.L("ranking_rule")]})


def _provenance(doc: DocumentBlocks, report: MonitoringReport, prov: Provenance) -> None:
    doc.heading(doc.L("provenance"))
    status = doc.L("edition_published" if prov.published else "edition_draft")
    facts = [
        (doc.L("edition"), f"{prov.edition or '—'} · {status}"),
        (doc.L("build_date"), prov.loaded_at or "—"),
        (doc.L("code_revision"), prov.code_revision or "—"),
        (doc.L("framework_hash"), prov.framework_sha256 or "—"),
        (doc.L("run_id"), prov.run_id or "—"),
    ]
    doc.table([doc.L("provenance"), ""], facts)
    doc.table([doc.L("input_files"), doc.L("sha256")], [list(f) for f in prov.files])
    if report.notice.notice_zh or report.notice.notice_en:
        doc.para(f"{doc.L('data_notice')}{doc.p['colon']}{doc.t(report.notice.text)}")
