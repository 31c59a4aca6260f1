"""The report as an Excel workbook per level and year (xlsxwriter): the ranking with its rank
intervals, every indicator value with the yearbook cells it is computed from, the statistics
with their provenance (file, sheet, row, column, raw text), the validation results, the plan
targets, the methodology and a notice sheet.

Every sheet has its header in row 1 and one row per stored row, so it reads straight into
pandas or a database. A text cell is always a string, never a formula: one that starts with
= + - @ also gets Excel's quote prefix, so editing it does not turn it into one. The same
figures give the same bytes (fixed document time). xlsxwriter is imported here only.
"""

from __future__ import annotations

import io
import math
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl

from innovation_monitor.framework import MonitoringFramework
from innovation_monitor.reports.charts import Figure
from innovation_monitor.reports.county_evaluation import FIXED_TIME, FORMULA_STARTS
from innovation_monitor.reports.labels import LANGS, label
from innovation_monitor.reports.provenance import Provenance
from innovation_monitor.reports.render import notice_line
from innovation_monitor.reports.views import MonitoringReport


@dataclass(frozen=True)
class WorkbookTables:
    """The stored rows of the report's year and level the workbook lists as they are."""

    statistics: pl.DataFrame
    validation: pl.DataFrame


def _both(key: str) -> str:
    text = label(key)
    return f"{text.zh} {text.en}"


class _Sheet:
    """A worksheet written row by row: header in row 1, text never a formula."""

    def __init__(self, book: Any, name: str, header: Sequence[str], formats: dict[str, Any]):
        self.sheet = book.add_worksheet(name[:31])
        self.formats = formats
        self.row = 0
        self.append(header, bold=True)
        self.sheet.freeze_panes(1, 0)

    def append(self, values: Sequence[object], bold: bool = False) -> None:
        for col, value in enumerate(values):
            self.cell(self.row, col, value, bold)
        self.row += 1

    def cell(self, row: int, col: int, value: object, bold: bool = False) -> None:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return
        if isinstance(value, bool):
            self.sheet.write_boolean(row, col, value)
        elif isinstance(value, int | float):
            self.sheet.write_number(row, col, value)
        else:
            text = str(value)
            style = "header" if bold else ("quoted" if text.startswith(FORMULA_STARTS) else None)
            self.sheet.write_string(row, col, text, self.formats.get(style or "", None))


def render_workbook(
    report: MonitoringReport,
    path: Path,
    framework: MonitoringFramework,
    tables: WorkbookTables,
    provenance: Provenance | None = None,
    figures: Sequence[Figure] = (),
) -> Path:
    """Write the workbook of ``report`` to ``path`` (replaced whole)."""
    import xlsxwriter

    temporary = path.with_name(f".{path.name}.tmp")
    book = xlsxwriter.Workbook(
        str(temporary),
        {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False},
    )
    book.set_properties({"created": datetime(*FIXED_TIME), "title": report.title.zh})
    formats = {
        "header": book.add_format({"bold": True, "bg_color": "#EEF3F8", "quote_prefix": True}),
        "quoted": book.add_format({"quote_prefix": True}),
    }
    _ranking(book, formats, report)
    _values(book, formats, report, framework, tables.statistics)
    _statistics(book, formats, report, tables.statistics)
    _validation(book, formats, tables.validation)
    _targets(book, formats, report)
    _methodology(book, formats, report)
    notice = _Sheet(book, _both("notice_sheet"), [_both("notice_sheet")], formats)
    notice.append([notice_line(report)])
    if provenance is not None:
        notice.append([f"{_both('edition')}: {provenance.edition or '—'}"])
        notice.append([f"{_both('build_date')}: {provenance.loaded_at or '—'}"])
        for file, digest in provenance.files:
            notice.append([f"{_both('input_files')}: {file} SHA-256 {digest}"])
    drawn = [f for f in figures if f.png]
    if drawn:
        charts = _Sheet(book, "图表 Charts", ["图表 Charts"], formats)
        for figure in drawn:
            charts.append([f"{figure.title.zh} {figure.title.en}"])
            if figure.note:
                charts.append([f"{figure.note.zh} {figure.note.en}"])
            charts.sheet.insert_image(
                charts.row,
                0,
                f"{figure.key}.png",
                {"image_data": io.BytesIO(figure.png), "object_position": 3},
            )
            charts.row += 2 + round(_png_rows(figure.png))
    book.close()
    temporary.replace(path)
    return path


def _png_rows(png: bytes) -> float:
    """Rows of the default height (20 px) that a PNG image covers (from its IHDR height)."""
    return struct.unpack(">I", png[20:24])[0] / 20


def _ranking(book: Any, formats: dict[str, Any], report: MonitoringReport) -> None:
    county = report.level == "county"
    header = [_both("rank"), "地区代码 Code", "地区 Region (zh)", "地区 Region (en)"]
    header += ["所属市 City (zh)", _both("rank_in_city")] if county else []
    header += [
        _both("index_score"),
        "排名区间下限 Rank interval low",
        "排名区间上限 Rank interval high",
        "梯队 Tier (zh)",
        _both("previous_rank"),
        _both("rank_change"),
        _both("previous_score"),
        _both("score_change"),
    ]
    header += [f"{p.name.zh} {p.name.en}" for p in report.pillars]
    header += ["类型 Type", _both("rank_in_type")] if county else []
    sheet = _Sheet(book, _both("sheet_ranking"), header, formats)
    for r in report.rows:
        line: list[object] = [r.rank, r.unit.code, r.unit.name.zh, r.unit.name.en]
        line += [r.parent.name.zh if r.parent else None, r.rank_in_parent] if county else []
        low, high = r.interval if r.interval else (None, None)
        line += [
            r.score,
            low,
            high,
            r.tier.name.zh if r.tier else None,
            r.change.previous_rank,
            r.change.change,
            r.change.previous_score,
            r.change.score_change,
        ]
        line += [r.pillars[p.code].score for p in report.pillars]
        line += [r.unit_type, r.rank_in_type] if county else []
        sheet.append(line)


def _cells_of(statistics: pl.DataFrame) -> dict[tuple[str, str], str]:
    """``file!sheet R12 C5`` of every statistic by (unit, variable)."""
    cells = {}
    for code, variable, file, sheet, row, column in statistics.select(
        "region_code", "variable", "source_file", "source_sheet", "source_row", "source_column"
    ).iter_rows():
        where = f"{file}{'!' + sheet if sheet else ''}"
        cells[(code, variable)] = f"{where} {_both('source_row')} {row} {column or ''}".strip()
    return cells


def _values(
    book: Any,
    formats: dict[str, Any],
    report: MonitoringReport,
    framework: MonitoringFramework,
    statistics: pl.DataFrame,
) -> None:
    sheet = _Sheet(
        book,
        _both("sheet_values"),
        [
            "地区代码 Code",
            "地区 Region",
            "指标代码 Indicator code",
            "指标 Indicator (zh)",
            "指标 Indicator (en)",
            _both("value"),
            _both("unit"),
            _both("imputed"),
            _both("indicator_rank"),
            _both("score"),
            "来源单元格 Source cells",
        ],
        formats,
    )
    names = {i.code: i for i in report.indicators}
    variables = {i.code: sorted(i.variables) for i in framework.indicators}
    cells = _cells_of(statistics)
    for profile in report.profiles:
        code = profile.unit.code
        for cell in profile.cells:
            ind = names[cell.indicator]
            how = cell.estimate.how.zh if cell.estimate else None
            sources = "; ".join(
                f"{v}: {cells[(code, v)]}"
                for v in variables.get(cell.indicator, ())
                if (code, v) in cells
            )
            sheet.append(
                [
                    code,
                    profile.unit.name.zh,
                    ind.code,
                    ind.name.zh,
                    ind.name.en,
                    cell.value,
                    ind.unit,
                    how,
                    cell.score.rank,
                    cell.score.score,
                    sources or None,
                ]
            )


def _statistics(
    book: Any, formats: dict[str, Any], report: MonitoringReport, statistics: pl.DataFrame
) -> None:
    columns = [
        "region_code",
        "variable",
        "value",
        "unit",
        "source_file",
        "source_sheet",
        "source_row",
        "source_column",
        "raw_value",
    ]
    sheet = _Sheet(
        book,
        _both("sheet_statistics"),
        [
            "地区代码 Code",
            _both("variable"),
            _both("value"),
            _both("unit"),
            _both("source_file"),
            _both("source_sheet"),
            _both("source_row"),
            _both("source_column"),
            _both("raw_value"),
        ],
        formats,
    )
    for row in statistics.select(columns).sort("region_code", "variable").iter_rows():
        sheet.append(row)


def _validation(book: Any, formats: dict[str, Any], validation: pl.DataFrame) -> None:
    columns = [
        "stage",
        "check_name",
        "category",
        "severity",
        "success",
        "accepted",
        "unexpected_count",
        "description_zh",
        "description_en",
        "examples",
    ]
    sheet = _Sheet(
        book,
        _both("sheet_validation"),
        [
            "阶段 Stage",
            "检查 Check",
            "类别 Category",
            _both("severity"),
            _both("passed"),
            "已接受 Accepted",
            _both("count_failed"),
            "说明 Description (zh)",
            "说明 Description (en)",
            "示例 Examples",
        ],
        formats,
    )
    for row in validation.select(columns).iter_rows():
        sheet.append(row)


def _targets(book: Any, formats: dict[str, Any], report: MonitoringReport) -> None:
    header = [
        _both("target"),
        _both("in_target_year"),
        _both("latest_value"),
        _both("gap"),
        _both("reached"),
    ]
    sheet = _Sheet(
        book, _both("sheet_targets"), [f"{h} ({lang})" for lang in LANGS for h in header], formats
    )
    for p in report.progress:
        texts = (p.target, p.in_year, p.latest, p.gap, p.reached)
        sheet.append([t.get(lang) if t else None for lang in LANGS for t in texts])


def _methodology(book: Any, formats: dict[str, Any], report: MonitoringReport) -> None:
    sheet = _Sheet(
        book,
        _both("sheet_methodology"),
        [
            _both("pillar"),
            "指标代码 Indicator code",
            "指标 Indicator (zh)",
            "指标 Indicator (en)",
            _both("formula"),
            _both("unit"),
            _both("direction"),
            _both("weight"),
            _both("share_in_index"),
        ],
        formats,
    )
    pillars = {p.code: p.name.zh for p in report.pillars}
    for ind in report.indicators:
        sheet.append(
            [
                pillars.get(ind.pillar, ind.pillar),
                ind.code,
                ind.name.zh,
                ind.name.en,
                ind.formula_text.zh,
                ind.unit,
                ind.direction,
                ind.weight,
                ind.share_in_index,
            ]
        )
