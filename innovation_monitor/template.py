"""The Excel workbook data providers fill in, generated from ``indicators.yaml``.

Statistics bureaus send figures in whatever layout they have; a template built from the
framework itself asks for exactly the variables, regions and units the pipeline reads,
so a filled template ingests without manual mapping. The header row uses the spelling the ingest
matches (``<name_zh>(<unit>)``), the rows are the units valid in the data year, and Excel data
validation stops text, negative counts and fractions of a count at entry time.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import yaml
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from innovation_monitor.divisions import Division, DivisionRegistry
from innovation_monitor.errors import DataError
from innovation_monitor.framework import IndicatorSystem, Variable
from innovation_monitor.paths import DATA_DIR

TEMPLATE_DIR = DATA_DIR / "template"
TEMPLATE_YEAR = 2024

FIXED_TIMESTAMP = dt.datetime(2024, 1, 1)
"""Stamped into workbook metadata and zip entries so that a regenerated file is byte-identical."""
_ZIP_TIME = FIXED_TIMESTAMP.timetuple()[:6]
_CORE_DATES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def save_workbook(workbook: Workbook, path: Path) -> None:
    """Save ``workbook`` reproducibly: fixed metadata dates and zip entry times.

    openpyxl stamps the save time into ``docProps/core.xml`` and into every zip entry, so two
    saves of the same content differ; committed workbooks must not.
    """
    workbook.properties.creator = "innovation_monitor"
    workbook.properties.created = FIXED_TIMESTAMP
    buffer = io.BytesIO()
    workbook.save(buffer)
    stamp = FIXED_TIMESTAMP.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    with (
        zipfile.ZipFile(buffer) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "docProps/core.xml":
                data = _CORE_DATES.sub(rb"\g<1>" + stamp + rb"\g<2>", data)
            entry = zipfile.ZipInfo(item.filename, date_time=_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = item.external_attr
            target.writestr(entry, data)


SHEETS = {"city": "设区市", "county": "县（市、区）"}
"""Data sheet per level: 设区市 (prefecture-level cities), 县（市、区） (county-level units)."""
INSTRUCTIONS_SHEET = "填报说明 Instructions"
DICTIONARY_SHEET = "变量词典 Variables"
CODE_HEADER = "地区代码"
NAME_HEADER = "地区"
_BOLD = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def header(variable: Variable) -> str:
    """The column header the ingest reads back: ``name_zh(unit)``."""
    return f"{variable.name_zh}({variable.unit})"


def template_path(directory: Path, year: int) -> Path:
    """Where the template for data year ``year`` is written."""
    return directory / f"innovation_statistics_template_{year}.xlsx"


def manifest_entries(source_file: str, year: int) -> list[dict[str, object]]:
    """The ``dataset.yaml`` ``files:`` entries that ingest a filled template (one per sheet)."""
    return [
        {"path": source_file, "level": level, "year": year, "format": "wide", "sheet": sheet}
        for level, sheet in SHEETS.items()
    ]


def _variables(system: IndicatorSystem, level: str) -> list[Variable]:
    return [v for v in system.variables.values() if level in v.levels]


def _instructions(
    worksheet: Worksheet, system: IndicatorSystem, registry: DivisionRegistry, year: int
) -> None:
    counts = {level: len(registry.valid_in(year, level)) for level in SHEETS}
    snippet = yaml.safe_dump(
        {"files": manifest_entries(template_path(Path("."), year).name, year)},
        allow_unicode=True,
        sort_keys=False,
    ).splitlines()
    lines = [
        f"山东省区域创新能力监测统计数据填报模板（{year}年数据）",
        f"Shandong regional innovation monitoring: statistics template for data year {year}",
        "",
        "填报说明",
        f"1. 本模板由指标体系文件 indicators.yaml 生成，"
        f"填报 {year} 年（统计数据所反映的年份）数据。",
        f"2. “{SHEETS['city']}”工作表已列出 {counts['city']} 个设区市，“{SHEETS['county']}”工作表"
        f"已列出 {counts['county']} 个县（市、区）——即 {year} 年有效的行政区划。"
        "请勿增删行，勿修改地区代码和地区名称。",
        "3. 每列一个统计指标，列标题括号内为计量单位。"
        "请按该单位填写纯数字，不要填写单位或说明文字。",
        "4. 计数类指标（企业数、专利数、孵化器数等）只能填写非负整数；单元格设有数据有效性检查。",
        "5. 暂缺的数据请留空，不要填 0；有说明请写在本表，不要写在数据单元格中。",
        f"6. 各指标的口径、英文名、可接受的其他单位、别名和合理范围见“{DICTIONARY_SHEET}”工作表。",
        "7. 收到填好的文件后：放入数据目录，并在 dataset.yaml 的 files: 中为两个工作表各加一条：",
        *(f"    {line}" for line in snippet),
        "",
        "Instructions",
        f"1. Generated from the framework file indicators.yaml, for data year {year} (the year "
        "the statistics describe).",
        f"2. Sheet “{SHEETS['city']}” lists the {counts['city']} prefecture-level cities and "
        f"sheet “{SHEETS['county']}” the {counts['county']} county-level units valid in {year}. "
        "Do not add or delete rows or change the codes and names.",
        "3. One column per statistic; the unit is in brackets in the header. Enter plain numbers "
        "in that unit, without units or remarks.",
        "4. Counts (enterprises, patents, incubators, …) take whole non-negative numbers only; "
        "the cells check this.",
        "5. Leave a figure that is not available empty (do not enter 0); put remarks on this "
        "sheet.",
        f"6. Definitions, English names, accepted other units, aliases and plausible ranges are "
        f"on sheet “{DICTIONARY_SHEET}”.",
        "7. To load a filled template: put it into the data directory and add the two files: "
        "entries shown above to its dataset.yaml.",
        "",
        f"指标体系 Framework: {system.path.name}",
    ]
    for line in lines:
        worksheet.append([line])
    worksheet["A1"].font = Font(bold=True, size=14)
    worksheet["A2"].font = _BOLD
    worksheet.column_dimensions["A"].width = 120


def _data_sheet(
    worksheet: Worksheet, variables: list[Variable], divisions: list[Division], level: str
) -> None:
    worksheet.append([CODE_HEADER, NAME_HEADER, *(header(v) for v in variables)])
    for division in divisions:
        worksheet.append([division.code, division.name_zh])
    last = len(divisions) + 1
    for cell in worksheet[1]:
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    worksheet.row_dimensions[1].height = 48
    worksheet.freeze_panes = "C2"
    worksheet.column_dimensions["A"].width = 10
    worksheet.column_dimensions["B"].width = 14
    for offset, variable in enumerate(variables):
        column = get_column_letter(offset + 3)
        worksheet.column_dimensions[column].width = 16
        worksheet.add_data_validation(_validation(variable, level, f"{column}2:{column}{last}"))
        for row in range(2, last + 1):
            worksheet[f"{column}{row}"].number_format = "0" if variable.integer else "0.00"


def _validation(variable: Variable, level: str, cells: str) -> DataValidation:
    """Whole non-negative numbers for counts, any number otherwise; the prompt gives the unit
    and the plausible range (an implausible value is caught later, by validation)."""
    plausible = variable.range_for(level)
    hint = f"单位 unit: {variable.unit}"
    if plausible is not None:
        hint += f"; 合理范围 plausible: {plausible[0]:g} – {plausible[1]:g}"
    if variable.integer:
        rule = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0")
        message = "请填写非负整数 / Enter a whole number, 0 or more"
    else:
        rule = DataValidation(
            type="decimal", operator="between", formula1="-1E+15", formula2="1E+15"
        )
        message = "请填写数值 / Enter a number"
    rule.allow_blank = True
    rule.showErrorMessage = True
    rule.errorTitle = variable.name_zh
    rule.error = f"{message} ({hint})"
    rule.showInputMessage = True
    rule.promptTitle = variable.name_zh[:32]
    rule.prompt = hint
    rule.add(cells)
    return rule


def _dictionary(worksheet: Worksheet, system: IndicatorSystem) -> None:
    worksheet.append(
        [
            "变量代码 Variable code",
            "中文名称 Chinese name",
            "英文名称 English name",
            "计量单位 Unit",
            "可用单位（换算系数）Accepted units (factor into the unit)",
            "别名 Aliases",
            "合理范围 设区市 Plausible range, cities",
            "合理范围 县级 Plausible range, counties",
            "填报层级 Levels",
            "整数 Whole number",
            "类型 Kind",
        ]
    )
    level_names = {"city": "设区市 cities", "county": "县级 counties"}
    for variable in system.variables.values():
        ranges = [variable.range_for(level) if level in variable.levels else None
                  for level in SHEETS]  # fmt: skip
        worksheet.append(
            [
                variable.code,
                variable.name_zh,
                variable.name_en,
                variable.unit,
                "; ".join(f"{unit} ×{factor:g}" for unit, factor in variable.units.items()),
                "; ".join(variable.aliases),
                *(f"{r[0]:g} – {r[1]:g}" if r else "—" for r in ranges),
                ", ".join(level_names[level] for level in variable.levels),
                "是 yes" if variable.integer else "否 no",
                {"extensive": "可加总 extensive", "intensive": "不可加总 intensive"}.get(
                    variable.kind, variable.kind
                ),
            ]
        )
    for cell in worksheet[1]:
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    worksheet.freeze_panes = "B2"
    for column, width in zip("ABCDEFGHIJK", (26, 30, 44, 12, 36, 60, 22, 22, 24, 10, 18),
                             strict=True):  # fmt: skip
        worksheet.column_dimensions[column].width = width


def write_template(
    system: IndicatorSystem, registry: DivisionRegistry, year: int, path: Path
) -> Path:
    """Write the data provider's workbook for data ``year`` to ``path`` (an .xlsx file)."""
    if path.suffix.lower() != ".xlsx":
        raise DataError(f"template {path}: the file name must end in .xlsx")
    workbook = Workbook()
    _instructions(workbook.active, system, registry, year)
    workbook.active.title = INSTRUCTIONS_SHEET
    for level, title in SHEETS.items():
        divisions = registry.valid_in(year, level)
        if not divisions:
            raise DataError(f"template for {year}: the division registry has no {level} units")
        _data_sheet(workbook.create_sheet(title), _variables(system, level), divisions, level)
    _dictionary(workbook.create_sheet(DICTIONARY_SHEET), system)
    save_workbook(workbook, path)
    return path
