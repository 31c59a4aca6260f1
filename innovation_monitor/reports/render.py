"""Render a :class:`MonitoringReport` as HTML (Chinese or English) and as a ranking CSV.

HTML comes from Jinja2 templates with autoescaping on, so names and notices taken from data are
always escaped. The CSV is UTF-8 with a byte-order mark so that Excel shows Chinese correctly.
Its layout (documented here because data users script against it):

* line 1: one cell with the data notice — for synthetic data the warning
  ``本报告基于合成样例数据，不代表真实统计 / Built from SYNTHETIC sample data — not official
  statistics`` first, then, when boundaries changed, that previous ranks are re-ranked on this
  year's boundaries, when the user accepted a failing blocking check that it was accepted, and
  last how many indicator values are carried forward, imputed otherwise or missing; read the
  table with ``skiprows=1``;
* line 2: bilingual headers (``排名 Rank``, ``地区代码 Code``, ``地区 Region (zh)``, ``地区 Region
  (en)``, ...; see :func:`ranking_table`), names in one column per language;
* then one row per ranked unit in rank order. ``上年排名 Previous rank`` is re-ranked on this
  year's boundaries, so it can differ from last year's CSV; ``排名变化 Rank change`` is previous
  rank minus current rank (positive = climbed), empty for a unit with no previous rank or
  changed boundaries (``备注 Note`` says which). The last two columns list the unit's indicators
  whose value is not its own figure of the year (``估``/``*`` imputed, with how; ``缺``/``†``
  missing) and its pillars resting mostly on such values (more than half of their indicators);
  then ``上年指数 Previous index`` and ``指数变化（点） Index change (points)`` (the stored previous
  index on this year's boundaries, the change in index points), then ``排名区间 Rank interval 5%``
  and ``95%`` (rank interval; each added last, so the columns before keep their places).

Files are written to a temporary file in the same folder and renamed into place, so a crash
never leaves a truncated report where a complete one was.
"""

from __future__ import annotations

import csv
import functools
import math
import os
import secrets
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from jinja2 import Environment, PackageLoader, StrictUndefined, pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from innovation_monitor.reports.charts_profile import profile_charts
from innovation_monitor.reports.labels import LANGS, PUNCTUATION, Bilingual, label, unit_text
from innovation_monitor.reports.views import Estimate, MonitoringReport, PillarFlag, RankingRow
from innovation_monitor.scoring.targets import TREND_YEARS

CHART_ROWS_PER_PANEL = 40
"""Bars per SVG panel: a panel never splits across printed pages, so long county charts are cut
into panels that each fit one A4 page."""
CHART_BAR_HEIGHT = 18
CHART_LABEL_WIDTH = 170
CHART_BAR_WIDTH = 440
CHART_VALUE_WIDTH = 60
FONTS = Markup(
    '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif'
)
"""CSS font stack: CJK fonts first (Linux, Adobe, Windows, macOS names), so Chinese never falls
back to a font without the glyphs."""
COMPARISONS = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}


@dataclass(frozen=True)
class Bar:
    """One bar of the index chart, in SVG user units: label left of the bar, value right."""

    label: str
    value: str
    top: float
    x: float
    width: float

    @property
    def baseline(self) -> float:
        """Text baseline of the label and value, centred on the bar."""
        return self.top + CHART_BAR_HEIGHT - 5

    @property
    def label_x(self) -> float:
        return CHART_LABEL_WIDTH - 6

    @property
    def value_x(self) -> float:
        return self.x + self.width + 4


@dataclass(frozen=True)
class ChartPanel:
    """One SVG of at most :data:`CHART_ROWS_PER_PANEL` bars."""

    width: int
    height: int
    bars: tuple[Bar, ...]


def render_html(report: MonitoringReport, lang: str = "zh", figures: Sequence[Any] = ()) -> str:
    """The report as one self-contained HTML page (inline CSS and SVG, no JavaScript)."""
    _check_lang(lang)
    template = _environment().get_template("report.html.j2")
    return template.render(
        report=report,
        lang=lang,
        chart=chart_panels(report, lang),
        figures=figures,
        profile_charts=profile_charts(report, lang),
        comparisons=COMPARISONS,
        bar_height=CHART_BAR_HEIGHT,
        punct=PUNCTUATION[lang],
        fonts=FONTS,
        indicator_names={i.code: i.name for i in report.indicators},
        trend_years=TREND_YEARS,
    )


def write_reports(
    report: MonitoringReport, out_dir: Path, langs: Sequence[str] = LANGS, figures: Any = None
) -> list[Path]:
    """Write ``<out_dir>/<year>/<level>_report.<lang>.html`` for each language and
    ``<out_dir>/<year>/<level>_ranking.csv``; returns the paths written."""
    for lang in langs:
        _check_lang(lang)
    folder = Path(out_dir) / str(report.year)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for lang in langs:
        path = folder / f"{report.level}_report.{lang}.html"
        with _replacing(path, "utf-8") as handle:
            handle.write(render_html(report, lang, (figures or {}).get(lang, ())))
        written.append(path)
    csv_path = folder / f"{report.level}_ranking.csv"
    with _replacing(csv_path, "utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow([notice_line(report)])
        writer.writerows(ranking_table(report))
    written.append(csv_path)
    return written


@contextmanager
def _replacing(path: Path, encoding: str) -> Iterator[TextIO]:
    """A handle on a temporary file next to ``path`` that is renamed over ``path`` once
    written, so readers see the old file or the complete new one, never a truncated one.
    The temporary file is created like any other (mode from the umask), so the report keeps
    ordinary permissions."""
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    handle = temporary.open("x", encoding=encoding, newline="")
    try:
        with handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def notice_line(report: MonitoringReport) -> str:
    """The first line of the CSV: synthetic-data warning (if any), the data notice, then whether
    previous ranks were re-ranked on this year's boundaries."""
    parts = []
    if report.banner is not None:
        parts.append(f"{report.banner.zh} / {report.banner.en}")
    notice = report.notice
    if notice.notice_zh or notice.notice_en:
        parts.append(" / ".join(t for t in (notice.notice_zh, notice.notice_en) if t))
    if report.reranked:
        parts.append(f"{report.reranked_note.zh} / {report.reranked_note.en}")
    quality = report.quality
    if quality.overridden:
        parts.append(
            " / ".join(
                label("override_alert").get(lang).format(count=len(quality.excluded))
                for lang in LANGS
            )
        )
    if quality.estimated:
        totals = quality.totals
        counts = {"carried": totals.carried, "imputed": totals.imputed, "missing": totals.missing}
        parts.append(" / ".join(label("csv_quality").get(lang).format(**counts) for lang in LANGS))
    head = label("data_notice")
    return f"{head.zh} {head.en}: " + ("; ".join(parts) or "—")


def ranking_table(report: MonitoringReport) -> list[list[str]]:
    """Header and rows of the ranking CSV (both languages in every header)."""

    def both(key: str, suffix: str = "") -> str:
        text = label(key)
        return f"{text.zh} {text.en}{suffix}"

    def names(key: str) -> list[str]:
        """A name column per language: ``地区 Region (zh)``, ``地区 Region (en)``."""
        return [both(key, f" ({lang})") for lang in LANGS]

    county = report.level == "county"
    header = [both("rank"), both("code"), *names("region")]
    if county:
        header += [*names("parent_city"), both("rank_in_city")]
    header += [both("index_score"), both("previous_rank"), both("rank_change"), both("note")]
    if report.has_tiers:
        header += names("tier")
    header += [f"{p.name.zh} {p.name.en}" for p in report.pillars]
    header += [both("estimated_indicators"), both("flagged_pillars")]
    header += [both("previous_score"), both("score_change")]
    header += [both("rank_interval", f" {q}%") for q in (5, 95)]

    profiles = {p.unit.code: p for p in report.profiles}
    indicators = {i.code: i.name for i in report.indicators}
    table = [header]
    for row in report.rows:
        line = [_csv_int(row.rank), row.unit.code, row.unit.name.zh, row.unit.name.en]
        if county:
            parent = row.parent
            line += [
                parent.name.zh if parent else "",
                parent.name.en if parent else "",
                _csv_int(row.rank_in_parent),
            ]
        change = row.change
        line += [_csv_number(row.score), _csv_int(change.previous_rank), _csv_int(change.change)]
        line.append(_change_note(row))
        if report.has_tiers:
            line += [row.tier.name.zh, row.tier.name.en] if row.tier else ["", ""]
        line += [_csv_number(row.pillars[p.code].score) for p in report.pillars]
        profile = profiles[row.unit.code]
        line += [
            _both_lists(
                [
                    Bilingual(
                        *(
                            _estimated_text(indicators[c.indicator], c.estimate, lang)
                            for lang in LANGS
                        )
                    )
                    for c in profile.estimated
                    if c.estimate is not None  # always: the estimated cells
                ]
            ),
            _both_lists([flag_text(f) for f in profile.flagged]),
            _csv_number(row.change.previous_score),
            _csv_number(row.change.score_change),
            *(_csv_int(rank) for rank in row.interval or (None, None)),
        ]
        table.append(line)
    return table


def marker(estimate: Estimate, lang: str) -> str:
    """The mark of an imputed (估 / *) or missing (缺 / †) value."""
    return label("marker_missing" if estimate.missing else "marker_estimated").get(lang)


def _estimated_text(name: Bilingual, estimate: Estimate, lang: str) -> str:
    """``指标a（估：沿用本地区2019年数值）`` / ``Indicator a (*: carried forward from 2019)``."""
    marks = PUNCTUATION[lang]
    how = f"{marker(estimate, lang)}{marks['colon']}{estimate.how.get(lang)}"
    return f"{name.get(lang)}{marks['open']}{how}{marks['close']}"


def flag_text(flag: PillarFlag) -> Bilingual:
    """``支柱A：2项指标中2项为插补或缺失值`` in both languages."""
    text = label("pillar_flag")
    return Bilingual(
        *(
            text.get(lang).format(
                pillar=flag.name.get(lang), estimated=flag.estimated, total=flag.total
            )
            for lang in LANGS
        )
    )


def _both_lists(items: list[Bilingual]) -> str:
    """The items in Chinese, `` / ``, then in English, each list separated by its language's
    mark; empty without items."""
    if not items:
        return ""
    return " / ".join(PUNCTUATION[lang]["sep"].join(t.get(lang) for t in items) for lang in LANGS)


def _change_note(row: RankingRow) -> str:
    """Why a row has no plain same-code comparison, in both languages."""
    if row.change.predecessor is not None:
        text = label("recoded_from")
        name = row.change.predecessor.name
        code = row.change.predecessor.code
        return (
            f"{text.zh.format(name=name.zh, code=code)} / {text.en.format(name=name.en, code=code)}"
        )
    if row.change.merged_from:
        text = label("restated_from" if row.change.restated else "boundary_changed")
        merged = restated_names(row) if row.change.restated else row.change.merged_from
        return " / ".join(text.get(lang).format(names=names(merged, lang)) for lang in LANGS)
    if row.change.is_new:
        text = label("new_unit")
        return f"{text.zh} / {text.en}"
    return ""


def restated_names(row: RankingRow) -> tuple[Any, ...]:
    """The units a merged unit took in besides itself (莱芜市 for 济南市 in 2019): what its
    restated previous year includes."""
    return tuple(u for u in row.change.merged_from if u.code != row.unit.code)


def _csv_int(value: int | None) -> str:
    return "" if value is None else str(value)


def _csv_number(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def chart_panels(report: MonitoringReport, lang: str) -> list[ChartPanel]:
    """Horizontal bars of the index score, in rank order, cut into page-sized panels.

    Bars start at zero, or at the lowest score when scores are negative (z-score methods).
    """
    scored = [r for r in report.rows if r.score is not None]
    if not scored:
        return []
    scores = [r.score for r in scored if r.score is not None]
    low, high = min(0.0, *scores), max(0.0, *scores)
    span = high - low or 1.0
    panels = []
    for start in range(0, len(scored), CHART_ROWS_PER_PANEL):
        chunk = scored[start : start + CHART_ROWS_PER_PANEL]
        bars = tuple(
            Bar(
                label=f"{row.rank if row.rank is not None else '–'}. {row.unit.name.get(lang)}",
                value=format_score(row.score),
                top=i * CHART_BAR_HEIGHT,
                x=CHART_LABEL_WIDTH + (min(0.0, row.score or 0.0) - low) / span * CHART_BAR_WIDTH,
                width=abs(row.score or 0.0) / span * CHART_BAR_WIDTH,
            )
            for i, row in enumerate(chunk)
        )
        panels.append(
            ChartPanel(
                width=CHART_LABEL_WIDTH + CHART_BAR_WIDTH + CHART_VALUE_WIDTH,
                height=len(chunk) * CHART_BAR_HEIGHT,
                bars=bars,
            )
        )
    return panels


# ------------------------------------------------------------------------- template helpers


def _check_lang(lang: str) -> None:
    if lang not in LANGS:
        raise ValueError(f"unknown report language {lang!r}; expected one of {LANGS}")


def format_score(value: float | None) -> str:
    """Scores (index, pillar, normalised indicator) with two decimals."""
    return "—" if value is None or math.isnan(value) else f"{value:.2f}"


def format_value(value: float | None) -> str:
    """Indicator values with precision that suits their size (3.14, 55.2, 12,345)."""
    if value is None or math.isnan(value):
        return "—"
    size = abs(value)
    if size >= 1000:
        return f"{value:,.0f}"
    if size >= 100:
        return f"{value:,.1f}"
    return f"{value:.2f}"


def format_change(value: float | None) -> str:
    """A change in index points with its sign (+7.42, −3.10), two decimals."""
    if value is None or math.isnan(value):
        return "—"
    return f"{value:+.2f}".replace("-", "−")


def format_share(value: float) -> str:
    return f"{value * 100:.1f}%"


def css_string(text: str) -> Markup:
    """A quoted CSS string (for ``content:``); every character that could end the string or the
    style element is written as a CSS escape."""
    escaped = "".join(f"\\{ord(c):x} " if c in "\\\"'<>&\n\r" or ord(c) < 32 else c for c in text)
    return Markup(f'"{escaped}"')


@pass_context
def _translate(context: Context, text: Bilingual) -> str:
    return text.get(context["lang"])


@pass_context
def _unit(context: Context, unit: str) -> str:
    return unit_text(unit, context["lang"])


@pass_context
def _label(context: Context, key: str, **fields: Any) -> str:
    text = label(key).get(context["lang"])
    return text.format(**fields) if fields else text


def names(items: Iterable[Any], lang: str) -> str:
    """Names of units (anything with a bilingual ``name``) as a list in one language."""
    return ("、" if lang == "zh" else ", ").join(item.name.get(lang) for item in items)


@pass_context
def _marker(context: Context, estimate: Estimate) -> str:
    return marker(estimate, context["lang"])


@pass_context
def _join_names(context: Context, items: Iterable[Any]) -> str:
    return names(items, context["lang"])


@functools.cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("innovation_monitor.reports", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        t=_translate,
        score=format_score,
        value=format_value,
        share=format_share,
        change=format_change,
        restated=restated_names,
        css_string=css_string,
        names=_join_names,
        unit=_unit,
        flag=flag_text,
    )
    env.globals.update(L=_label, marker=_marker)
    return env
