"""The shipped ``indicators.yaml``, pinned on purpose.

Every other test of the framework builds its own small document; this file alone asserts what
the shipped file says: the variables of the shared interface, the pillars and indicators of the
provincial plans, the methodology, and the real plan targets with their quotes from the seed
documents. An evaluator who edits ``indicators.yaml`` updates this file with it.
"""

import json
import os
import re
from pathlib import Path
from typing import Any

import jsonschema
import numpy as np
import polars as pl
import pytest
import yaml

from innovation_monitor import paths
from innovation_monitor.composite.build import run_build
from innovation_monitor.composite.framework import Framework
from innovation_monitor.divisions import province_indicators
from innovation_monitor.framework import (
    INDEX_CODE,
    IndicatorSystem,
    build_steps,
    imeta_table,
    load_indicator_system,
)
from innovation_monitor.framework.load import SCHEMA_FILE
from innovation_monitor.indicators import compute_indicators, indicator_frame
from innovation_monitor.ingest.cleaning import CellProblem, unit_factor
from innovation_monitor.ingest.matching import match_header
from innovation_monitor.template import header

# The shared interface fixes these codes, canonical units and kinds.
FIXED_VARIABLES = {
    "gdp": ("地区生产总值", "万元", "extensive"),
    "population": ("常住人口", "万人", "extensive"),
    "employed": ("就业人员", "万人", "extensive"),
    "rd_expenditure": ("R&D经费内部支出", "万元", "extensive"),
    "rd_personnel_fte": ("R&D人员折合全时当量", "人年", "extensive"),
    "fiscal_expenditure": ("一般公共预算支出", "万元", "extensive"),
    "fiscal_st_expenditure": ("科学技术支出", "万元", "extensive"),
    "invention_patents_valid": ("有效发明专利数", "件", "extensive"),
    "invention_patents_granted": ("发明专利授权量", "件", "extensive"),
    "patent_applications": ("专利申请量", "件", "extensive"),
    "large_firms": ("规模以上工业企业数", "个", "extensive"),
    "large_firms_with_rd": ("有R&D活动的规模以上工业企业数", "个", "extensive"),
    "large_firms_with_rd_institution": ("有研发机构的规模以上工业企业数", "个", "extensive"),
    "large_firms_rd_expenditure": ("规模以上工业企业R&D经费内部支出", "万元", "extensive"),
    "large_firms_revenue": ("规模以上工业企业营业收入", "万元", "extensive"),
    "new_product_revenue": ("规模以上工业企业新产品销售收入", "万元", "extensive"),
    "industrial_output": ("规模以上工业总产值", "万元", "extensive"),
    "hightech_output": ("高新技术产业产值", "万元", "extensive"),
    "hightech_enterprises": ("高新技术企业数", "家", "extensive"),
    "tech_smes": ("科技型中小企业数", "家", "extensive"),
    "specialised_smes": ("专精特新中小企业数", "家", "extensive"),
    "tech_contract_turnover": ("技术合同成交额", "万元", "extensive"),
    "incubators": ("科技企业孵化器数", "个", "extensive"),
    "innovation_platforms": ("省级以上创新平台数", "个", "extensive"),
    "energy_consumption": ("能源消费总量", "万吨标准煤", "extensive"),
    "tertiary_value_added": ("第三产业增加值", "万元", "extensive"),
    "hightech_exports": ("高新技术产品出口额", "万元", "extensive"),
    "broadband_users": ("互联网宽带接入用户", "万户", "extensive"),
    "higher_ed_students": ("普通高等学校在校学生数", "人", "extensive"),
    "urban_income": ("城镇居民人均可支配收入", "元", "intensive"),
}
PILLARS = {
    "创新资源": "resources",
    "企业创新": "enterprise",
    "创新产出": "output",
    "创新绩效": "performance",
    "创新环境": "environment",
}


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return yaml.safe_load(paths.INDICATORS_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """The source policy documents, read in place (as conftest's reference fixtures)."""
    folder = paths.shared_reference_dir().parent / "seeds"
    if not folder.is_dir():
        if os.environ.get("REQUIRE_SHARED_REFERENCE") == "1":
            pytest.fail(f"{folder} is absent (REQUIRE_SHARED_REFERENCE=1)")
        pytest.skip(f"{folder} is absent")
    return folder


# ------------------------------------------------------------------------- the real file


def test_real_file_is_valid_under_its_schema(document: dict[str, Any]) -> None:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(document)
    first_line = paths.INDICATORS_FILE.read_text(encoding="utf-8").splitlines()[0]
    assert first_line == "# yaml-language-server: $schema=./indicators.schema.json"


def test_it_is_the_default_file(system: IndicatorSystem) -> None:
    assert system.path == paths.INDICATORS_FILE
    assert list(load_indicator_system(paths.INDICATORS_FILE).variables) == list(system.variables)


def test_variables_are_exactly_the_shared_interface(system: IndicatorSystem) -> None:
    assert list(system.variables) == list(FIXED_VARIABLES)
    for code, (name_zh, unit, kind) in FIXED_VARIABLES.items():
        var = system.variables[code]
        assert (var.name_zh, var.unit, var.kind) == (name_zh, unit, kind), code
        assert var.units[var.unit] == 1.0
        assert name_zh in var.aliases
        assert var.range is not None and var.range[0] < var.range[1]
        expected_levels = ("city",) if code == "higher_ed_students" else ("city", "county")
        assert var.levels == expected_levels
    assert system.variables["rd_expenditure"].units["亿元"] == 10000
    assert system.variables["gdp"].factor("亿元") == 10000
    assert system.variables["rd_personnel_fte"].units["万人年"] == 10000
    assert system.variables["population"].units["人"] == 0.0001
    assert system.variables["hightech_enterprises"].integer
    assert not system.variables["gdp"].integer


def test_ranges_catch_unit_errors_at_each_level(system: IndicatorSystem) -> None:
    gdp = system.variables["gdp"]
    city_low, _ = gdp.range_for("city")
    county_low, county_high = gdp.range_for("county")
    # 济南 2020 ≈ 10141 亿元: right in 万元, far too small if read in 亿元
    assert city_low <= 10141 * 10000 <= gdp.range_for("city")[1]
    assert city_low > 10141
    # 胶州 ≈ 1300 亿元 in 万元 is plausible; the same figure in 亿元 is not
    assert county_low <= 1300 * 10000 <= county_high
    assert county_low > 1300
    # 人 read as 万人: 90 万 residents written as 900000 is out of range
    assert system.variables["population"].range_for("county")[1] < 900000
    assert gdp.range == (min(city_low, county_low), gdp.range_for("city")[1])


def test_parts_are_bounded_by_their_wholes(system: IndicatorSystem) -> None:
    """``at_most``: the pairs where a part above its whole is impossible by definition."""
    bounds = {code: v.at_most for code, v in system.variables.items() if v.at_most}
    assert bounds == {
        "rd_personnel_fte": ("employed",),  # person-years ≤ persons employed
        "fiscal_st_expenditure": ("fiscal_expenditure",),
        "large_firms_with_rd": ("large_firms",),
        "large_firms_with_rd_institution": ("large_firms",),
        "large_firms_rd_expenditure": ("rd_expenditure",),  # a performer's share of the total
        "new_product_revenue": ("large_firms_revenue",),
        "hightech_output": ("industrial_output",),
        "tertiary_value_added": ("gdp",),
    }
    fte, employed = system.variables["rd_personnel_fte"], system.variables["employed"]
    assert fte.scale_of(employed) == 10000  # 万人 → 人年


def test_change_and_county_sum_bounds_are_the_defaults(system: IndicatorSystem) -> None:
    """Measured on the sample: changes on the previous year lie within ×0.42–×4.8 and counties
    sum to 88–100 % of their city (development zones), so the defaults warn on neither."""
    for code, var in system.variables.items():
        assert var.year_on_year == (0.2, 5.0), code
        summed = var.kind == "extensive" and var.levels == ("city", "county")
        assert var.county_sum == ((0.6, 1.05) if summed else None), code


def test_match_variable_by_header_spelling(system: IndicatorSystem) -> None:
    assert system.match_variable("研究与试验发展（R&D）经费内部支出").code == "rd_expenditure"
    assert system.match_variable("地区生产总值 ").code == "gdp"
    assert system.match_variable("ｇｄｐ").code == "gdp"
    assert system.match_variable("规模以上工业企业R&D经费内部支出").code == (
        "large_firms_rd_expenditure"
    )
    assert system.match_variable("人均绿地面积") is None


@pytest.mark.parametrize(
    ("text", "code", "unit"),
    [
        ("地区生产总值(亿元)", "gdp", "亿元"),
        ("地区生产总值(GDP)", "gdp", None),  # an alias with brackets, as yearbooks print it
        ("地区生产总值(GDP)(亿元)", "gdp", "亿元"),
        (" R&D 经费内部支出 ", "rd_expenditure", None),
        ("专利申请量[件]", "patent_applications", "件"),
    ],
)
def test_yearbook_headers_name_the_shipped_variables(
    system: IndicatorSystem, text: str, code: str, unit: str | None
) -> None:
    variable, found_unit = match_header(system, text)
    assert variable is not None and (variable.code, found_unit) == (code, unit)


def test_counts_need_no_unit_and_money_does(system: IndicatorSystem) -> None:
    assert unit_factor(system.variables["large_firms"], None) == 1  # 个 = 家
    assert unit_factor(system.variables["patent_applications"], None) == 1  # 件 = 项
    for code in ("gdp", "rd_expenditure"):
        assert list(system.variables[code].units) == ["万元", "亿元", "元", "千元"]
        with pytest.raises(CellProblem, match=rf"^no unit stated .*; {code} needs one"):
            unit_factor(system.variables[code], None)


def test_every_template_header_reads_back_as_its_variable(system: IndicatorSystem) -> None:
    """The data providers' template (``innovation_monitor.template``) heads each column
    ``name_zh(unit)``; no shipped name or alias may turn that into another variable."""
    for variable in system.variables.values():
        assert match_header(system, header(variable)) == (variable, variable.unit)


def test_frameworks_follow_shandong_pillars_and_sizes(system: IndicatorSystem) -> None:
    city, county = system.frameworks["city"], system.frameworks["county"]
    assert 20 <= len(city.indicators) <= 26
    assert 14 <= len(county.indicators) <= 20
    for framework in (city, county):
        assert {p.name_zh: p.code for p in framework.pillars} == PILLARS
        assert all(p.weight > 0 for p in framework.pillars)
        assert all(framework.indicators_of(p.code) for p in framework.pillars)
        for ind in framework.indicators:
            assert ind.direction in (1, -1)
            assert ind.name_zh and ind.name_en and ind.rationale_zh and ind.rationale_en
            assert ind.variables <= {
                c for c, v in system.variables.items() if framework.level in v.levels
            }
    assert "higher_ed_students" in city.variables
    assert "higher_ed_students" not in county.variables


@pytest.mark.parametrize("level", ["city", "county"])
def test_provincial_plan_indicators_are_present(system: IndicatorSystem, level: str) -> None:
    framework = system.frameworks[level]
    formulas = {i.code: i.formula for i in framework.indicators}
    assert formulas["rd_intensity"] == "rd_expenditure / gdp * 100"
    assert formulas["invention_patents_density"] == "invention_patents_valid / population"
    assert formulas["large_firms_rd_share"] == "large_firms_with_rd / large_firms * 100"
    assert formulas["rd_personnel_density"] == "rd_personnel_fte / employed"
    assert formulas["hightech_enterprises_density"] == "hightech_enterprises / population"
    assert formulas["hightech_output_share"] == "hightech_output / industrial_output * 100"
    assert formulas["tech_contract_intensity"] == "tech_contract_turnover / gdp * 100"
    energy = framework.indicator("energy_intensity")
    assert (energy.formula, energy.unit, energy.direction) == (
        "energy_consumption / gdp * 10000",
        "吨标准煤/万元",
        -1,
    )


def test_build_steps_and_tiers(system: IndicatorSystem) -> None:
    city = system.frameworks["city"]
    steps = build_steps(city)
    assert [next(iter(s)) for s in steps] == ["impute", "normalise", "weight", "aggregate"]
    # the official presentation: each city's index in % of the province
    assert city.methodology.reference == "province"
    assert steps[1]["normalise"] == {"method": "ratio_to_reference", "unit": "370000", "scale": 100}
    county_steps = build_steps(system.frameworks["county"])
    # 分类评价: the same type in the same city, then the same type in the province
    assert [s["impute"] for s in county_steps[:3]] == [
        {"method": "carry_forward", "limit": 2},
        {"method": "group_median", "group": "city_type"},
        {"method": "group_median", "group": "unit_type"},
    ]
    assert system.frameworks["county"].methodology.types is not None
    tiers = city.methodology  # bands of the index in % of the province: 100, 70, 50
    scores = (150.0, 100.0, 99.9, 70.0, 69.9, 50.0, 49.9)
    assert [tiers.tier_for(1, 16, s).code for s in scores] == [
        "tier1",
        "tier1",
        "tier2",
        "tier2",
        "tier3",
        "tier3",
        "tier4",
    ]
    county_tiers = system.frameworks["county"].methodology
    assert county_tiers.tier_for(28, 136).code == "tier1"  # ceil(0.2 * 136) = 28
    assert county_tiers.tier_for(29, 136).code == "tier2"
    assert county_tiers.tier_for(82, 136).code == "tier2"  # ceil(0.6 * 136) = 82
    assert county_tiers.tier_for(83, 136).code == "tier3"


# ------------------------------------------------------------------------- iMeta


@pytest.mark.parametrize("level", ["city", "county"])
def test_imeta_rows(system: IndicatorSystem, level: str) -> None:
    framework = system.frameworks[level]
    imeta = imeta_table(framework)
    assert len(imeta) == len(framework.indicators) + len(framework.pillars) + 1
    row = imeta.set_index("iCode")
    assert row.loc[INDEX_CODE, "Level"] == 3
    assert row.loc["energy_intensity", "Direction"] == -1
    assert row.loc["rd_intensity", "Target"] == 2.5
    assert row.loc["rd_intensity", "iName"] == "R&D经费投入强度"
    assert row.loc["rd_intensity", "Weight"] == 1.5
    assert row.loc["enterprise", "Weight"] == 0.25


# ------------------------------------------------------------------------- targets


def test_targets_from_the_plans(system: IndicatorSystem) -> None:
    by_id = {t.id: t for t in system.targets}
    expected = {
        "province_2018_rd_intensity": (2018, 2.5, ">="),
        "province_2018_invention_patents_density": (2018, 9, ">="),
        "province_2018_large_firms_rd_share": (2018, 20, ">="),
        "province_2018_rd_personnel_density": (2018, 55, ">="),
        "province_2018_hightech_enterprises": (2018, 6000, ">"),
        "province_2020_hightech_enterprises": (2020, 8000, ">="),
        "province_2018_hightech_output_share": (2018, 35, ">="),
        "province_2020_hightech_output_share": (2020, 38, ">="),
        "province_2018_tech_contract_turnover": (2018, 600, ">"),
        "jinan_2025_tech_smes": (2025, 10000, ">"),
        "jinan_2025_hightech_enterprises": (2025, 8000, ">"),
        "jinan_2025_hightech_output_share": (2025, 60, ">="),
        "jiaozhou_2025_hightech_enterprises": (2025, 1000, ">"),
        "jiaozhou_2025_incubators": (2025, 20, ">="),
        "jiaozhou_2025_hightech_output_share": (2025, 60, ">="),
        "jiaozhou_2025_tech_contract_turnover": (2025, 60, ">="),
        "jiaozhou_2025_enterprise_rd_intensity": (2025, 3, ">="),
    }
    for target_id, (year, value, comparison) in expected.items():
        tgt = by_id[target_id]
        assert (tgt.year, tgt.value, tgt.comparison) == (year, value, comparison), target_id
    scopes = {(t.scope_code, t.scope_name_zh, t.level) for t in system.targets}
    assert scopes == {
        ("370000", "山东省", "province"),
        ("370100", "济南市", "city"),
        ("370281", "胶州市", "county"),
    }
    contracts = system.target("province_2018_tech_contract_turnover")
    assert (contracts.unit, contracts.canonical_value) == ("亿元", 6_000_000)
    assert contracts.is_met(6_000_001) and not contracts.is_met(6_000_000)
    assert not contracts.is_met(float("nan"))
    assert system.target("province_2018_rd_intensity").is_met(2.5)


def test_jiaozhou_baselines(system: IndicatorSystem) -> None:
    baselines = {(b.scope_code, b.measure, b.year): b for b in system.baselines}
    assert baselines[("370281", "hightech_enterprises", 2020)].value == 494
    assert baselines[("370281", "specialised_smes", 2020)].value == 723
    assert baselines[("370281", "hightech_output_share", 2020)].value == 56.28
    assert baselines[("370281", "invention_patents_valid", 2020)].value == 1009
    assert baselines[("370281", "incubators", 2020)].value == 12
    assert baselines[("370281", "tech_contract_turnover", 2020)].canonical_value == 390_000


def test_every_target_quotes_its_seed_document(system: IndicatorSystem, seeds_dir: Path) -> None:
    titles_in_readme = (seeds_dir / "README.md").read_text(encoding="utf-8")
    for item in [*system.targets, *system.baselines]:
        seed = seeds_dir / item.source.seed
        assert seed.is_file(), item.id
        assert item.source.seed in titles_in_readme
        text = re.sub(r"\s+", "", seed.read_text(encoding="utf-8"))
        assert re.sub(r"\s+", "", item.source.quote_zh) in text, item.id
        assert item.source.title_zh and item.source.title_en
        if item.note is None:  # the number itself is stated in the quote
            assert f"{item.value:g}" in re.sub(r"\s+", "", item.source.quote_zh), item.id


def _stats(rows: list[tuple]) -> pl.DataFrame:
    return pl.DataFrame(
        rows, schema=["year", "level", "region_code", "variable", "value"], orient="row"
    )


def test_real_city_framework_on_toy_city(system: IndicatorSystem) -> None:
    framework = system.frameworks["city"]
    stats = _stats(
        [
            (2020, "city", "370100", "rd_expenditure", 2_500_000.0),
            (2020, "city", "370100", "gdp", 100_000_000.0),
            (2020, "city", "370100", "population", 920.0),
            (2020, "city", "370100", "invention_patents_valid", 27_600.0),
            (2020, "city", "370100", "large_firms", 2000.0),
            (2020, "city", "370100", "large_firms_with_rd", 700.0),
            (2020, "city", "370100", "energy_consumption", 3000.0),
            (2020, "city", "370100", "tech_contract_turnover", 3_000_000.0),
            (2020, "city", "370100", "urban_income", 53_000.0),
        ]
    )
    result = compute_indicators(stats, framework)
    assert result.height == len(framework.indicators)
    values = dict(zip(result["indicator"], result["value"], strict=True))
    assert values["rd_intensity"] == pytest.approx(2.5)
    assert values["invention_patents_density"] == pytest.approx(30.0)
    assert values["large_firms_rd_share"] == pytest.approx(35.0)
    assert values["energy_intensity"] == pytest.approx(0.3)
    assert values["tech_contract_intensity"] == pytest.approx(3.0)
    assert values["urban_income"] == 53_000.0
    assert values["hightech_output_share"] is None


@pytest.mark.parametrize("level", ["city", "county"])
def test_methodology_runs_in_the_scoring_engine(system: IndicatorSystem, level: str) -> None:
    """The shipped methodology runs in the engine (a 3-year panel, gaps included)."""
    framework = system.frameworks[level]
    rng = np.random.default_rng(7)
    codes = (
        [f"37{i:02d}00" for i in range(1, 17)]
        if level == "city"
        else [f"37{c:02d}{k:02d}" for c in (1, 2, 3) for k in range(1, 7)]
    )
    rows = [
        (year, level, code, var.code, float(rng.uniform(1.0, 1000.0)))
        for year in (2020, 2021, 2022)
        for code in codes
        for var in system.variables.values()
        if level in var.levels and rng.random() > 0.05
    ]
    values = compute_indicators(_stats(rows), framework)
    if framework.methodology.reference == "province":  # the province joins as the reference
        values = pl.concat(
            [values, province_indicators(_stats(rows), system).select(values.columns)]
        )
    data = indicator_frame(values, framework, dict.fromkeys(codes, "县"))  # one type (分类评价)
    engine = Framework.from_imeta(imeta_table(framework))
    assert list(engine.indicators) == [i.code for i in framework.indicators]
    assert engine["energy_intensity"].direction == -1
    assert engine["rd_intensity"].name_en.startswith("R&D intensity")
    result = run_build(data, engine, build_steps(framework))
    scores = result.results.scores
    units = scores[~scores["uCode"].isin(framework.methodology.reference_units)]
    assert len(units) == len(codes) * 3
    if framework.methodology.reference == "province":  # in % of the province, which is 100
        assert (units["Index"] > 0).all()
        province = scores.loc[scores["uCode"] == "370000", "Index"]
        assert np.allclose(province, 100.0, rtol=0, atol=1e-9)
    else:
        assert units["Index"].between(0, 100).all()


def test_every_variable_has_a_plausible_range_at_each_of_its_levels(
    system: IndicatorSystem,
) -> None:
    """Validation checks the range of a variable only where it has one: every shipped variable
    has one at each of its levels, so a unit error in any of them is caught."""
    for var in system.variables.values():
        for level in var.levels:
            bounds = var.range_for(level)
            assert bounds is not None and 0 <= bounds[0] < bounds[1], (var.code, level)
