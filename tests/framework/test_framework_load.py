"""Loading a framework document: file reading, the JSON Schema, and the checks a schema cannot
express, each error naming the file and the key path (on a small document built here)."""

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from innovation_monitor.errors import FrameworkError
from innovation_monitor.framework import IndicatorSystem, load_indicator_system
from innovation_monitor.framework.load import SCHEMA_FILE
from innovation_monitor.framework.model import DEFAULT_COUNTY_SUM, DEFAULT_YEAR_ON_YEAR


def _write(document: Any, tmp_path: Path) -> Path:
    path = tmp_path / "indicators.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), "utf-8")
    return path


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


def test_schema_is_a_2020_12_schema() -> None:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_file_is_read_checked_and_built(document: dict[str, Any], tmp_path: Path) -> None:
    path = _write(document, tmp_path)
    system = load_indicator_system(path)
    assert system.path == path
    assert list(system.variables) == ["x", "y", "z", "n"]
    city, county = system.frameworks["city"], system.frameworks["county"]
    assert [i.code for i in city.indicators] == ["a", "b", "c"]
    assert [i.code for i in county.indicators] == ["a", "c"]
    assert [p.weight for p in city.pillars] == [0.6, 0.4]
    assert (city.index_name_zh, city.index_name_en) == ("测试指数", "Test index")
    assert city.variables == {"x", "y", "z"} and county.variables == {"x", "y"}
    assert [s for step in city.methodology.steps for s in step] == [
        "impute",
        "normalise",
        "weight",
        "aggregate",
    ]


def test_targets_and_baselines_in_canonical_units(toy_system: IndicatorSystem) -> None:
    on_indicator = toy_system.target("t_a")
    assert (on_indicator.indicator, on_indicator.measure, on_indicator.canonical_value) == (
        "a",
        "a",
        2.5,
    )
    on_variable = toy_system.target("t_x")
    assert (on_variable.measure, on_variable.unit, on_variable.canonical_value) == (
        "x",
        "亿元",
        60_000,
    )
    assert (on_variable.scope_code, on_variable.level) == ("370100", "city")
    assert toy_system.target("t_c").note == "a test figure"
    (baseline,) = toy_system.baselines
    assert (baseline.measure, baseline.year, baseline.canonical_value) == ("x", 2020, 390_000)


def test_indicator_targets_become_target_values(toy_system: IndicatorSystem) -> None:
    city, county = toy_system.frameworks["city"], toy_system.frameworks["county"]
    assert city.indicator("a").target_value == 2.5
    assert city.indicator("c").target_value is None
    assert county.indicator("a").target_value is None
    assert county.indicator("c").target_value == 3.0


def test_ranges_per_level_and_shared(toy_system: IndicatorSystem) -> None:
    x, y, z = (toy_system.variables[c] for c in "xyz")
    assert x.ranges == {"city": (100.0, 1.0e6), "county": (1.0, 1.0e5)}
    assert x.range == (1.0, 1.0e6)  # the envelope of the levels
    assert y.ranges == {"city": (0.5, 2000.0), "county": (0.5, 2000.0)}
    assert z.range is None and z.ranges == {}
    assert z.integer and not x.integer


def test_validation_keys_and_their_defaults(load_edited: Callable) -> None:
    """``at_most``, ``year_on_year`` and ``county_sum`` (the data checks of a variable)."""
    system = load_edited(
        lambda d: (
            _variable(d, "x").update(year_on_year=[0.5, 2], county_sum=[0.7, 1.01])
            or _variable(d, "z").update(unit="个", units={"个": 1}, at_most=["n"])
        )
    )
    x, y, z = (system.variables[c] for c in "xyz")
    assert (x.year_on_year, x.county_sum) == ((0.5, 2.0), (0.7, 1.01))
    assert (y.year_on_year, y.county_sum) == (DEFAULT_YEAR_ON_YEAR, DEFAULT_COUNTY_SUM)
    assert z.at_most == ("n",) and z.county_sum is None  # collected at city level only
    assert y.at_most == ()


def test_schema_error_names_file_key_path_and_schema(
    document: dict[str, Any], tmp_path: Path
) -> None:
    _indicator(document, "city", "a")["direction"] = 2
    path = _write(document, tmp_path)
    with pytest.raises(FrameworkError) as info:
        load_indicator_system(path)
    message = str(info.value)
    assert message.startswith(f"{path}: ")
    assert "frameworks.city.pillars[0] (p_one).indicators[0] (a).direction" in message
    assert "indicators.schema.json" in message


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda d: _variable(d, "x").update(kind="summable"), r"variables\[0\] \(x\)\.kind"),
        (lambda d: _variable(d, "x").update(unit="美元"), r"\(x\)\.unit"),
        (lambda d: _variable(d, "x").pop("aliases"), "'aliases' is a required property"),
        (lambda d: d["frameworks"].pop("county"), "'county' is a required property"),
        (
            lambda d: d["frameworks"]["city"]["pillars"][1].update(weight=0),
            r"\(p_two\)\.weight",
        ),
        (lambda d: d["targets"][0].update(comparison="=="), r"targets\[0\].*comparison"),
        (lambda d: d["methodology"]["city"]["steps"].append({"smooth": {}}), "'smooth'"),
        (
            lambda d: d["methodology"]["county"]["steps"][1]["impute"].pop("group"),
            r"methodology\.county\.steps\[1\]\.impute.*'group' is a required property",
        ),
        (
            lambda d: _indicator(d, "city", "a").update(code="R&D"),
            r"\(p_one\)\.indicators\[0\].*code",
        ),
        (
            lambda d: _indicator(d, "county", "c").update(code="Index"),
            r"indicators\[0\] \(Index\)\.code: 'Index' does not match",
        ),
        (lambda d: d.update(extra_section=1), "extra_section"),
        (lambda d: _variable(d, "x").update(at_most="y"), r"\(x\)\.at_most"),
        (lambda d: _variable(d, "x").update(year_on_year=[0, 2]), r"\(x\)\.year_on_year"),
        (lambda d: _variable(d, "x").update(county_sum=[0.9]), r"\(x\)\.county_sum"),
    ],
)
def test_schema_errors(load_edited: Callable, edit: Callable, expected: str) -> None:
    with pytest.raises(FrameworkError, match=expected):
        load_edited(edit)


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            lambda d: _indicator(d, "city", "a").update(formula="x / yy"),
            r"indicators\[0\] \(a\)\.formula: .*unknown variable\(s\) \['yy'\]",
        ),
        (
            lambda d: _indicator(d, "county", "a").update(formula="x / y * 100 + z * 0"),
            r"frameworks\.county.*\['z'\] that are not collected at level county",
        ),
        (
            lambda d: _indicator(d, "city", "a").update(formula="__import__('os')"),
            r"\(a\)\.formula: indicator a: .*only the functions",
        ),
        (
            lambda d: _indicator(d, "city", "c").update(code="a"),
            r"frameworks\.city: .*\['a'\] used more than once",
        ),
        (
            lambda d: _indicator(d, "city", "c").update(code="p_two"),
            r"\['p_two'\] used more than once",
        ),
        (
            lambda d: _variable(d, "y").update(code="x"),
            r"variables\[1\] \(x\)\.code: variable code 'x' is used twice",
        ),
        (
            lambda d: _variable(d, "y")["aliases"].append("变量X"),
            r"\(y\)\.aliases: spelling '变量X' also names variable 'x'",
        ),
        (
            lambda d: _variable(d, "y")["aliases"].append("X的总量（合计） "),
            r"\(y\)\.aliases: spelling 'X的总量（合计） ' also names variable 'x'",
        ),
        (
            lambda d: _variable(d, "y")["aliases"].append("X"),
            r"\(y\)\.aliases: spelling 'X' also names variable 'x'",
        ),
        (
            lambda d: _variable(d, "x")["units"].update({"万元": 10}),
            r"\(x\)\.units: must map the canonical unit '万元' to 1",
        ),
        (
            lambda d: _variable(d, "x").update(range={"city": [5, 1]}),
            r"\(x\)\.range\.city: low end 5 must be below high end 1",
        ),
        (
            lambda d: _variable(d, "y").update(range=[5, 5]),
            r"\(y\)\.range: low end 5 must be below high end 5",
        ),
        (
            lambda d: _variable(d, "z").update(range={"county": [0, 1]}),
            r"\(z\)\.range\.county: level 'county' is not in levels",
        ),
        (
            lambda d: _variable(d, "z").update(at_most=["zz"]),
            r"variables\[2\] \(z\)\.at_most\[0\]: 'zz' is not another variable",
        ),
        (
            lambda d: _variable(d, "n").update(at_most=["n"]),
            r"\(n\)\.at_most\[0\]: 'n' is not another variable",
        ),
        (
            lambda d: _variable(d, "n").update(at_most=["x"]),
            r"\(n\)\.at_most\[0\]: variable n \(个\) cannot be compared with x \(万元\)",
        ),
        (
            lambda d: _variable(d, "n").update(levels=["county"], at_most=["z"]),
            r"\(n\)\.at_most\[0\]: z is not collected at any level of n",
        ),
        (
            lambda d: _variable(d, "x").update(year_on_year=[1.5, 3]),
            r"\(x\)\.year_on_year: \[1\.5, 3\] must hold 1",
        ),
        (
            lambda d: _variable(d, "z").update(county_sum=[0.8, 1.1]),
            r"\(z\)\.county_sum: only an extensive variable collected at both levels",
        ),
        (
            lambda d: _indicator(d, "city", "a").update(target="no_such_target"),
            r"\(a\)\.target: no target with id 'no_such_target'",
        ),
        (
            lambda d: _indicator(d, "city", "b").update(target="t_a"),
            r"\(b\)\.target: target t_a is on a",
        ),
        (
            lambda d: _indicator(d, "city", "c").update(target="t_c"),
            r"target t_c is on c for a county scope; expected a target on indicator c for the "
            r"province or a city",
        ),
        (
            lambda d: _indicator(d, "county", "a").update(formula="x / y"),
            r"indicator a has formula 'x / y' here but 'x / y \* 100' in another framework",
        ),
        (
            lambda d: _indicator(d, "county", "a").update(direction=-1),
            r"indicator a has direction -1 here but 1 in another framework",
        ),
        (
            lambda d: d["targets"][0].update(indicator="aa"),
            r"targets\[0\] \(t_a\)\.indicator: no indicator 'aa' in the city/county framework",
        ),
        (
            lambda d: d["targets"][2].update(indicator="b"),
            r"targets\[2\] \(t_c\)\.indicator: no indicator 'b' in the county framework",
        ),
        (
            lambda d: d["targets"][0].update(unit="件/万人"),
            r"\.unit: unit '件/万人' differs from indicator a's unit '%'",
        ),
        (
            lambda d: d["targets"][1].update(variable="xx"),
            r"targets\[1\].*\.variable: no variable 'xx'",
        ),
        (
            lambda d: d["targets"][1].update(unit="件"),
            r"\.unit: unit '件' is not accepted for x",
        ),
        (
            lambda d: d["targets"][1].update(id="t_a"),
            r"targets\[1\].*\.id: id 't_a' is used twice",
        ),
        (
            lambda d: d["baselines"][0].update(id="t_a"),
            r"baselines\[0\].*\.id: id 't_a' is used twice",
        ),
        (
            lambda d: d["targets"][0]["scope"].update(code="370100"),
            r"targets\[0\].*\.scope: scope 370100 with level province",
        ),
        (
            lambda d: d["targets"][1]["scope"].update(code="370000"),
            r"targets\[1\].*\.scope: scope 370000 with level city",
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
            lambda d: d["methodology"]["city"]["tiers"][1].update(code="tier1"),
            r"methodology\.city\.tiers: tier codes \['tier1', 'tier1', 'tier3'\] are not unique",
        ),
        (
            lambda d: _tier(d, 0, max_rank=5) and _tier(d, 1, max_rank=2),
            r"bounds \[5, 2\] must run from the best tier to the worst",
        ),
        (
            lambda d: _tier(d, 0, max_rank=5) and _tier(d, 1, max_rank=5),
            r"bounds \[5, 5\] must run from the best tier to the worst",
        ),
        (
            lambda d: _tier(d, 0, min_score=50) and _tier(d, 1, min_score=80),
            r"bounds \[50, 80\] must run from the best tier to the worst",
        ),
        (
            lambda d: _tier(d, 1, min_score=50),
            r"tiers\[1\] \(tier2\): uses min_score but the first tier uses max_rank",
        ),
    ],
)
def test_semantic_errors(load_edited: Callable, edit: Callable, expected: str) -> None:
    with pytest.raises(FrameworkError, match=expected) as info:
        load_edited(edit)
    assert str(info.value).startswith("toy/indicators.yaml: ")


def test_score_tiers_run_from_high_to_low(load_edited: Callable) -> None:
    system = load_edited(lambda d: _tier(d, 0, min_score=80) and _tier(d, 1, min_score=50))
    methodology = system.frameworks["city"].methodology
    assert [methodology.tier_for(1, 10, s).code for s in (90, 80, 60, 10)] == [
        "tier1",
        "tier1",
        "tier2",
        "tier3",
    ]


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
