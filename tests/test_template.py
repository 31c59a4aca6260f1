"""The Excel template for data providers: layout, validation, and a fill-and-ingest round trip.

Built from the toy framework (``tests/toy_framework.py``); only the check that the committed
template is current uses the shipped ``indicators.yaml``.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
import yaml

from innovation_monitor.divisions import DivisionRegistry
from innovation_monitor.errors import DataError
from innovation_monitor.framework import IndicatorSystem, Variable
from innovation_monitor.ingest import ingest_directory
from innovation_monitor.ingest.matching import match_header
from innovation_monitor.template import (
    DICTIONARY_SHEET,
    INSTRUCTIONS_SHEET,
    SHEETS,
    TEMPLATE_DIR,
    TEMPLATE_YEAR,
    header,
    manifest_entries,
    template_path,
    write_template,
)
from tests.toy_framework import build_toy, toy_document


@pytest.fixture(scope="module")
def template(
    registry: DivisionRegistry,
    toy_system: IndicatorSystem,
    tmp_path_factory: pytest.TempPathFactory,
) -> Path:
    folder = tmp_path_factory.mktemp("template")
    return write_template(toy_system, registry, TEMPLATE_YEAR, template_path(folder, TEMPLATE_YEAR))


def _level_variables(system: IndicatorSystem, level: str) -> list[Variable]:
    return [v for v in system.variables.values() if level in v.levels]


def test_sheets_come_chinese_first(template: Path) -> None:
    workbook = openpyxl.load_workbook(template)
    assert workbook.sheetnames == [INSTRUCTIONS_SHEET, *SHEETS.values(), DICTIONARY_SHEET]
    lines = [row[0] for row in workbook[INSTRUCTIONS_SHEET].iter_rows(values_only=True) if row[0]]
    assert lines[0].startswith("山东省区域创新能力监测统计数据填报模板")
    assert lines.index("填报说明") < lines.index("Instructions")
    assert any("level: county" in line for line in lines)  # how to load a filled template


@pytest.mark.parametrize("level", ["city", "county"])
def test_data_sheets_list_the_units_of_the_year_under_the_expected_header(
    template: Path, registry: DivisionRegistry, toy_system: IndicatorSystem, level: str
) -> None:
    sheet = openpyxl.load_workbook(template)[SHEETS[level]]
    rows = list(sheet.iter_rows(values_only=True))
    variables = _level_variables(toy_system, level)
    assert list(rows[0]) == ["地区代码", "地区", *(f"{v.name_zh}({v.unit})" for v in variables)]
    units = registry.valid_in(TEMPLATE_YEAR, level)
    assert [(r[0], r[1]) for r in rows[1:]] == [(d.code, d.name_zh) for d in units]
    assert all(value is None for row in rows[1:] for value in row[2:])
    assert sheet.freeze_panes == "C2"
    assert len(rows) - 1 == {"city": 16, "county": 136}[level]


def test_the_template_follows_the_boundaries_of_its_year(
    registry: DivisionRegistry, toy_system: IndicatorSystem, tmp_path: Path
) -> None:
    path = write_template(toy_system, registry, 2018, template_path(tmp_path, 2018))
    codes = [
        row[0]
        for row in openpyxl.load_workbook(path)["设区市"].iter_rows(min_row=2, values_only=True)
    ]
    assert len(codes) == 17 and "371200" in codes


def test_value_cells_accept_numbers_only_and_counts_whole_and_non_negative(
    template: Path, toy_system: IndicatorSystem
) -> None:
    sheet = openpyxl.load_workbook(template)[SHEETS["county"]]
    variables = _level_variables(toy_system, "county")
    rules = {}
    for rule in sheet.data_validations.dataValidation:
        for cell_range in rule.sqref.ranges:
            rules[cell_range.coord] = rule
    last = sheet.max_row
    for offset, variable in enumerate(variables):
        column = openpyxl.utils.get_column_letter(offset + 3)
        rule = rules[f"{column}2:{column}{last}"]
        assert rule.showErrorMessage and rule.allow_blank
        assert variable.unit in rule.prompt
        if variable.integer:
            assert (rule.type, rule.operator, rule.formula1) == ("whole", "greaterThanOrEqual", "0")
        else:
            assert rule.type == "decimal"
    assert len(rules) == len(variables)
    assert {v.integer for v in variables} == {True, False}  # both kinds of rule were checked


def test_dictionary_describes_every_variable(registry: DivisionRegistry, tmp_path: Path) -> None:
    document = toy_document()
    z = next(v for v in document["variables"] if v["code"] == "z")
    z["range"] = {"city": [0, 1.0e5]}  # a range, but z is collected for cities only
    system = build_toy(document)
    path = write_template(system, registry, TEMPLATE_YEAR, template_path(tmp_path, TEMPLATE_YEAR))
    rows = list(openpyxl.load_workbook(path)[DICTIONARY_SHEET].iter_rows(values_only=True))
    by_code = {row[0]: row for row in rows[1:]}
    assert list(by_code) == list(system.variables)
    x = by_code["x"]
    assert x[1:4] == ("变量X", "Variable x", "万元")
    assert x[4] == "万元 ×1; 亿元 ×10000" and x[5] == "变量X; X的总量(合计)"
    assert x[6:8] == ("100 – 1e+06", "1 – 100000")  # a range per level
    assert x[8:11] == ("设区市 cities, 县级 counties", "否 no", "可加总 extensive")
    assert by_code["z"][6:10] == ("0 – 100000", "—", "设区市 cities", "是 yes")
    assert by_code["n"][6:8] == ("—", "—")  # no range


def test_the_committed_template_is_current(
    registry: DivisionRegistry, system: IndicatorSystem, tmp_path: Path
) -> None:
    fresh = write_template(system, registry, TEMPLATE_YEAR, template_path(tmp_path, TEMPLATE_YEAR))
    committed = template_path(TEMPLATE_DIR, TEMPLATE_YEAR)
    assert committed.read_bytes() == fresh.read_bytes()


def test_a_non_xlsx_path_is_refused(
    registry: DivisionRegistry, toy_system: IndicatorSystem, tmp_path: Path
) -> None:
    with pytest.raises(DataError, match=r"\.xlsx"):
        write_template(toy_system, registry, TEMPLATE_YEAR, tmp_path / "template.xls")


def _number(variable: Variable, level: str, row: int, column: int) -> float | int:
    """A plausible, exactly representable value for one cell of the round trip."""
    low, high = variable.range_for(level) or (0.0, 1000.0)
    fraction = ((row * 31 + column * 17) % 97 + 1) / 100
    value = low + (high - low) * fraction / 2
    return int(value) if variable.integer else round(value, 2)


def test_a_filled_template_ingests_to_every_value(
    template: Path, registry: DivisionRegistry, toy_system: IndicatorSystem, tmp_path: Path
) -> None:
    workbook = openpyxl.load_workbook(template)
    expected: dict[tuple[str, str, str], float] = {}
    blank = ("county", "370102", "n")  # a provider leaves one figure out
    for level, title in SHEETS.items():
        sheet = workbook[title]
        variables = {cell.column: toy_system.match_variable(cell.value.split("(")[0])
                     for cell in sheet[1][2:]}  # fmt: skip
        for row in sheet.iter_rows(min_row=2):
            code = row[0].value
            for cell in row[2:]:
                variable = variables[cell.column]
                if (level, code, variable.code) == blank:
                    continue
                cell.value = _number(variable, level, cell.row, cell.column)
                expected[(level, code, variable.code)] = cell.value * variable.factor(variable.unit)
    data_dir = tmp_path / "provider"
    data_dir.mkdir()
    workbook.save(data_dir / template.name)
    manifest = {"name_zh": "填报测试", "files": manifest_entries(template.name, TEMPLATE_YEAR)}
    (data_dir / "dataset.yaml").write_text(yaml.safe_dump(manifest, allow_unicode=True), "utf-8")

    result = ingest_directory(data_dir, toy_system, registry)

    got = {
        (row["level"], row["region_code"], row["variable"]): row["value"]
        for row in result.statistics.iter_rows(named=True)
    }
    assert set(result.statistics["year"]) == {TEMPLATE_YEAR}
    assert got.keys() == expected.keys()
    assert all(got[key] == pytest.approx(value, rel=1e-12) for key, value in expected.items())
    assert len(result.quarantine) == 1
    assert result.quarantine.row(0, named=True)["region_text"].startswith(blank[1])


def test_template_headers_read_back_as_the_variable_in_its_canonical_unit(
    toy_system: IndicatorSystem,
) -> None:
    for variable in toy_system.variables.values():
        assert header(variable) == f"{variable.name_zh}({variable.unit})"
        assert match_header(toy_system, header(variable)) == (variable, variable.unit)
