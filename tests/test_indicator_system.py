"""indicators.yaml: the real file against its schema, the loader's checks, iMeta and targets."""

import copy
import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from innovation_monitor import paths
from innovation_monitor.errors import DataError, FrameworkError
from innovation_monitor.indicator_system import (
    INDEX_CODE,
    SCHEMA_FILE,
    IndicatorSystem,
    build_indicator_system,
    load_indicator_system,
)

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


@pytest.fixture
def load_edited(document: dict[str, Any]) -> Callable[..., IndicatorSystem]:
    """Check a copy of the real document after ``edit(doc)`` changed it (parsed already, so
    the many cases stay fast; reading files is tested separately)."""

    def load(edit: Callable[[dict[str, Any]], Any]) -> IndicatorSystem:
        doc = copy.deepcopy(document)
        edit(doc)
        return build_indicator_system(doc, Path("edited/indicators.yaml"))

    return load


def _indicator(doc: dict[str, Any], level: str, code: str) -> dict[str, Any]:
    for pillar in doc["frameworks"][level]["pillars"]:
        for ind in pillar["indicators"]:
            if ind["code"] == code:
                return ind
    raise AssertionError(code)


def _variable(doc: dict[str, Any], code: str) -> dict[str, Any]:
    return next(v for v in doc["variables"] if v["code"] == code)


def _tier(doc: dict[str, Any], i: int, **bound: float) -> bool:
    """Give city tier ``i`` exactly ``bound``."""
    tier = doc["methodology"]["city"]["tiers"][i]
    for name in ("max_rank", "max_rank_share", "min_score"):
        tier.pop(name, None)
    tier.update(bound)
    return True


# ------------------------------------------------------------------------- the real file


def test_real_file_is_valid_under_its_schema(document: dict[str, Any]) -> None:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator(schema).validate(document)
    first_line = paths.INDICATORS_FILE.read_text(encoding="utf-8").splitlines()[0]
    assert first_line == "# yaml-language-server: $schema=./indicators.schema.json"


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


def test_variable_factor_and_unknown_unit(system: IndicatorSystem) -> None:
    assert system.variables["gdp"].factor("亿元") == 10000
    with pytest.raises(DataError, match=r"gdp .*'美元'.*expected one of"):
        system.variables["gdp"].factor("美元")


def test_match_variable_by_header_spelling(system: IndicatorSystem) -> None:
    assert system.match_variable("研究与试验发展（R&D）经费内部支出").code == "rd_expenditure"
    assert system.match_variable("地区生产总值 ").code == "gdp"
    assert system.match_variable("ｇｄｐ").code == "gdp"
    assert system.match_variable("规模以上工业企业R&D经费内部支出").code == (
        "large_firms_rd_expenditure"
    )
    assert system.match_variable("人均绿地面积") is None


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
    steps = city.build_steps
    assert [next(iter(s)) for s in steps] == ["impute", "treat", "normalise", "weight", "aggregate"]
    assert steps[2]["normalise"] == {"method": "minmax", "range": [0, 100], "goalposts": "pooled"}
    steps[2]["normalise"]["method"] = "rank"
    assert city.build_steps[2]["normalise"]["method"] == "minmax"  # a fresh copy each time
    county_steps = system.frameworks["county"].build_steps
    assert [s["impute"] for s in county_steps[:2]] == [
        {"method": "carry_forward", "limit": 2},
        {"method": "group_median", "group": "parent_code"},
    ]
    tiers = city.methodology
    assert [tiers.tier_for(r, 16).name_zh for r in (1, 4, 5, 10, 11, 16)] == [
        "第一梯队",
        "第一梯队",
        "第二梯队",
        "第二梯队",
        "第三梯队",
        "第三梯队",
    ]
    county_tiers = system.frameworks["county"].methodology
    assert county_tiers.tier_for(28, 136).code == "tier1"  # ceil(0.2 * 136) = 28
    assert county_tiers.tier_for(29, 136).code == "tier2"
    assert county_tiers.tier_for(82, 136).code == "tier2"  # ceil(0.6 * 136) = 82
    assert county_tiers.tier_for(83, 136).code == "tier3"


# ------------------------------------------------------------------------- iMeta


@pytest.mark.parametrize("level", ["city", "county"])
def test_to_imeta_shape(system: IndicatorSystem, level: str) -> None:
    framework = system.frameworks[level]
    imeta = framework.to_imeta()
    n_ind, n_pil = len(framework.indicators), len(framework.pillars)
    assert len(imeta) == n_ind + n_pil + 1
    for column in ("Level", "iCode", "iName", "Direction", "Weight", "Parent", "Type"):
        assert column in imeta.columns
    assert {"Denominator", "Target"} <= set(imeta.columns)
    assert imeta["iCode"].is_unique
    assert (imeta["Level"].value_counts().sort_index().tolist()) == [n_ind, n_pil, 1]
    index = imeta[imeta["Level"] == 3].iloc[0]
    assert index["iCode"] == INDEX_CODE == "Index"
    assert index["Type"] == "Aggregate"
    assert imeta.loc[imeta["Level"] == 1, "Type"].eq("Indicator").all()
    assert set(imeta.loc[imeta["Level"] == 1, "Parent"]) == {p.code for p in framework.pillars}
    assert imeta.loc[imeta["Level"] == 2, "Parent"].eq("Index").all()
    row = imeta.set_index("iCode")
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
    with pytest.raises(FrameworkError, match="no target with id 'nope'"):
        system.target("nope")


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


# ------------------------------------------------------------------------- broken copies


def test_broken_copy_fails_schema_with_key_path(tmp_path: Path) -> None:
    text = paths.INDICATORS_FILE.read_text(encoding="utf-8")
    broken = text.replace(
        'rd_expenditure / gdp * 100\n            unit: "%"\n            direction: 1',
        'rd_expenditure / gdp * 100\n            unit: "%"\n            direction: 2',
        1,
    )
    assert broken != text
    path = tmp_path / "indicators.yaml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(FrameworkError) as info:
        load_indicator_system(path)
    message = str(info.value)
    assert message.startswith(f"{path}: ")
    assert (
        "frameworks.city.pillars[0] (resources).indicators[0] (rd_intensity).direction" in message
    )
    assert "indicators.schema.json" in message


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda d: _variable(d, "gdp").update(kind="summable"), r"variables\[0\] \(gdp\)\.kind"),
        (lambda d: _variable(d, "gdp").update(unit="美元"), r"\(gdp\)\.unit"),
        (lambda d: _variable(d, "gdp").pop("aliases"), "'aliases' is a required property"),
        (lambda d: d["frameworks"].pop("county"), "'county' is a required property"),
        (
            lambda d: d["frameworks"]["city"]["pillars"][1].update(weight=0),
            r"\(enterprise\)\.weight",
        ),
        (lambda d: d["targets"][0].update(comparison="=="), r"targets\[0\].*comparison"),
        (lambda d: d["methodology"]["city"]["steps"].append({"smooth": {}}), "'smooth'"),
        (
            lambda d: d["methodology"]["county"]["steps"][1]["impute"].pop("group"),
            r"methodology\.county\.steps\[1\]\.impute.*'group' is a required property",
        ),
        (
            lambda d: _indicator(d, "city", "rd_intensity").update(code="R&D"),
            r"\(resources\)\.indicators\[0\].*code",
        ),
        (lambda d: d.update(extra_section=1), "extra_section"),
    ],
)
def test_schema_errors(load_edited: Callable, edit: Callable, expected: str) -> None:
    with pytest.raises(FrameworkError, match=expected):
        load_edited(edit)


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            lambda d: _indicator(d, "city", "rd_intensity").update(formula="rd_expenditure / gpd"),
            r"indicators\[0\] \(rd_intensity\)\.formula: .*unknown variable\(s\) \['gpd'\]",
        ),
        (
            lambda d: _indicator(d, "county", "rd_intensity").update(
                formula="rd_expenditure / gdp * 100 + higher_ed_students * 0"
            ),
            r"frameworks\.county.*\['higher_ed_students'\] that are not collected at level county",
        ),
        (
            lambda d: _indicator(d, "city", "rd_intensity").update(formula="__import__('os')"),
            r"\(rd_intensity\)\.formula: indicator rd_intensity: .*only the functions",
        ),
        (
            lambda d: _indicator(d, "city", "tertiary_share").update(code="rd_intensity"),
            r"frameworks\.city: .*\['rd_intensity'\] used more than once",
        ),
        (
            lambda d: _indicator(d, "city", "tertiary_share").update(code="output"),
            r"\['output'\] used more than once",
        ),
        (
            lambda d: _indicator(d, "county", "incubators_density").update(code="Index"),
            r"indicators\[1\] \(Index\)\.code: 'Index' does not match",
        ),
        (
            lambda d: _variable(d, "employed").update(code="population"),
            r"variables\[2\] \(population\)\.code: variable code 'population' is used twice",
        ),
        (
            lambda d: _variable(d, "employed")["aliases"].append("年末常住人口"),
            r"\(employed\)\.aliases: spelling '年末常住人口' also names variable 'population'",
        ),
        (
            lambda d: _variable(d, "employed")["aliases"].append("Population"),
            r"\(employed\)\.aliases: spelling 'Population' also names variable 'population'",
        ),
        (
            lambda d: _variable(d, "gdp")["units"].update({"万元": 10}),
            r"\(gdp\)\.units: must map the canonical unit '万元' to 1",
        ),
        (
            lambda d: _variable(d, "gdp").update(range={"city": [5, 1]}),
            r"\(gdp\)\.range\.city: low end 5 must be below high end 1",
        ),
        (
            lambda d: _variable(d, "higher_ed_students").update(range={"county": [0, 1]}),
            r"\(higher_ed_students\)\.range\.county: level 'county' is not in levels",
        ),
        (
            lambda d: _indicator(d, "city", "rd_intensity").update(target="no_such_target"),
            r"\(rd_intensity\)\.target: no target with id 'no_such_target'",
        ),
        (
            lambda d: _indicator(d, "city", "tertiary_share").update(
                target="province_2018_rd_intensity"
            ),
            r"\(tertiary_share\)\.target: target province_2018_rd_intensity is on rd_intensity",
        ),
        (
            lambda d: _indicator(d, "city", "rd_intensity").update(
                target="jiaozhou_2025_hightech_output_share"
            ),
            r"is on hightech_output_share for a county scope",
        ),
        (
            lambda d: _indicator(d, "county", "rd_intensity").update(
                formula="rd_expenditure / gdp"
            ),
            r"indicator rd_intensity has formula 'rd_expenditure / gdp' here but",
        ),
        (
            lambda d: d["targets"][0].update(indicator="rd_intensty"),
            r"targets\[0\] \(province_2018_rd_intensity\)\.indicator: no indicator 'rd_intensty'",
        ),
        (
            lambda d: d["targets"][0].update(unit="件/万人"),
            r"\.unit: unit '件/万人' differs from indicator rd_intensity's unit '%'",
        ),
        (
            lambda d: d["targets"][4].update(variable="hightech_firms"),
            r"targets\[4\].*\.variable: no variable 'hightech_firms'",
        ),
        (
            lambda d: d["targets"][6].update(unit="件"),
            r"\.unit: unit '件' is not accepted for tech_contract_turnover",
        ),
        (
            lambda d: d["targets"][1].update(id=d["targets"][0]["id"]),
            r"targets\[1\].*\.id: id 'province_2018_rd_intensity' is used twice",
        ),
        (
            lambda d: d["targets"][0]["scope"].update(code="370100"),
            r"targets\[0\].*\.scope: scope 370100 with level province",
        ),
        (
            lambda d: d["methodology"]["city"]["tiers"][2].update(max_rank=16),
            r"methodology\.city\.tiers\[2\] \(tier3\): the last tier must have no bound",
        ),
        (
            lambda d: d["methodology"]["city"]["tiers"][1].pop("max_rank"),
            r"methodology\.city\.tiers\[1\] \(tier2\): only the last tier may have no bound",
        ),
        (
            lambda d: _tier(d, 0, max_rank=5) and _tier(d, 1, max_rank=2),
            r"bounds \[5, 2\] must run from the best tier to the worst",
        ),
        (
            lambda d: _tier(d, 1, min_score=50),
            r"tiers\[1\] \(tier2\): uses min_score but the first tier uses max_rank",
        ),
    ],
)
def test_semantic_errors(load_edited: Callable, edit: Callable, expected: str) -> None:
    with pytest.raises(FrameworkError, match=expected):
        load_edited(edit)


def test_unsafe_yaml_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "indicators.yaml"
    path.write_text("variables: !!python/object/apply:os.system ['echo hacked']\n", "utf-8")
    with pytest.raises(FrameworkError, match=r"indicators\.yaml.*not valid YAML"):
        load_indicator_system(path)


def test_yaml_syntax_error_names_line(tmp_path: Path) -> None:
    path = tmp_path / "indicators.yaml"
    path.write_text("variables:\n  - code: gdp\n   name_zh: [\n", "utf-8")
    with pytest.raises(FrameworkError, match=r"indicators\.yaml: line \d+, column \d+"):
        load_indicator_system(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FrameworkError, match=r"absent\.yaml: cannot read the indicator file"):
        load_indicator_system(tmp_path / "absent.yaml")


def test_empty_file_is_a_schema_error(tmp_path: Path) -> None:
    path = tmp_path / "indicators.yaml"
    path.write_text("# nothing\n", "utf-8")
    with pytest.raises(FrameworkError, match=r"\(top level\): None is not of type 'object'"):
        load_indicator_system(path)
