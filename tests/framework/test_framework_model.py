"""The framework objects: units, header spellings, tiers, targets and the tree's own checks."""

import math

import pytest

from innovation_monitor.errors import DataError, FrameworkError
from innovation_monitor.framework import (
    Indicator,
    IndicatorSystem,
    Methodology,
    MonitoringFramework,
    Pillar,
    Source,
    Target,
    Tier,
    Variable,
)


def _indicator(code: str, formula: str, pillar: str = "p1") -> Indicator:
    return Indicator(
        code=code,
        name_zh=code,
        name_en=code,
        formula=formula,
        unit="%",
        direction=1,
        weight=1.0,
        pillar=pillar,
        rationale_zh="测试",
        rationale_en="test",
    )


def _target(comparison: str, value: float = 10.0) -> Target:
    return Target(
        id="t",
        scope_code="370000",
        scope_name_zh="山东省",
        scope_name_en="Shandong",
        level="province",
        indicator=None,
        variable="x",
        year=2020,
        value=value / 10000,
        unit="亿元",
        canonical_value=value,
        source=Source("标题", "Title", "000_0123456789abcdef.txt", "引文"),
        comparison=comparison,
    )


def test_variable_factor_and_unknown_unit(toy_system: IndicatorSystem) -> None:
    x = toy_system.variables["x"]
    assert x.factor("亿元") == 10000 and x.factor("万元") == 1
    with pytest.raises(DataError, match=r"variable x \(变量X\): unit '美元'.*expected one of"):
        x.factor("美元")


def test_range_for_a_level(toy_system: IndicatorSystem) -> None:
    x = toy_system.variables["x"]
    assert x.range_for("city") == (100.0, 1.0e6)
    assert x.range_for("county") == (1.0, 1.0e5)
    assert toy_system.variables["z"].range_for("city") is None


def test_match_variable_by_header_spelling(toy_system: IndicatorSystem) -> None:
    assert toy_system.match_variable("X的总量（合计）").code == "x"  # full-width brackets
    assert toy_system.match_variable(" 变量 Y ").code == "y"  # white space
    assert toy_system.match_variable("Ｚ").code == "z"  # the code, full-width, any case
    assert toy_system.match_variable("变量W") is None


def test_tiers_by_rank_rank_share_and_score() -> None:
    by_rank = Methodology(tiers=(Tier("t1", "一", "One", max_rank=4), Tier("t2", "二", "Two")))
    assert [by_rank.tier_for(r, 16).code for r in (1, 4, 5, 16)] == ["t1", "t1", "t2", "t2"]
    by_share = Tier("s", "份", "Share", max_rank_share=0.2)
    assert by_share.admits(28, 136) and not by_share.admits(29, 136)  # ceil(0.2 * 136) = 28
    assert by_share.admits(2, 10) and not by_share.admits(3, 10)  # 0.2 * 10 is exactly 2
    by_score = Tier("m", "分", "Score", min_score=60)
    assert by_score.admits(9, 10, 60.0) and not by_score.admits(1, 10, 59.9)
    assert not by_score.admits(1, 10, None) and not by_score.admits(1, 10, math.nan)
    assert [t.bound for t in (by_share, by_score, Tier("r", "余", "Rest"))] == [
        "max_rank_share",
        "min_score",
        None,
    ]


def test_no_tier_admits() -> None:
    methodology = Methodology(tiers=(Tier("t1", "一", "One", max_rank=3),))
    with pytest.raises(FrameworkError, match="no tier admits rank 4 of 10"):
        methodology.tier_for(4, 10)


@pytest.mark.parametrize(
    ("comparison", "met"),
    [(">=", [False, True, True]), (">", [False, False, True]), ("<", [True, False, False])],
)
def test_target_is_met(comparison: str, met: list[bool]) -> None:
    target = _target(comparison)
    assert [target.is_met(v) for v in (9.0, 10.0, 11.0)] == met
    assert not target.is_met(None) and not target.is_met(math.nan)
    assert target.measure == "x"


def test_unknown_target_id(toy_system: IndicatorSystem) -> None:
    with pytest.raises(FrameworkError, match=r"toy/indicators\.yaml: no target with id 'nope'"):
        toy_system.target("nope")


def test_framework_lookups(toy_system: IndicatorSystem) -> None:
    city = toy_system.frameworks["city"]
    assert city.indicator("b").direction == -1
    assert [i.code for i in city.indicators_of("p_one")] == ["a", "b"]
    assert [t.code for t in city.tiers] == ["tier1", "tier2", "tier3"]
    assert city.indicator("c").variables == {"x", "y"}
    with pytest.raises(FrameworkError, match="framework city has no indicator 'd'"):
        city.indicator("d")


def test_framework_construction_checks_its_tree() -> None:
    pillars = [Pillar("p1", "一", "One", 1.0)]
    with pytest.raises(FrameworkError, match=r"\['Index'\] used more than once"):
        MonitoringFramework("city", "测", "T", pillars, [_indicator("Index", "gdp")])
    with pytest.raises(FrameworkError, match=r"\['p1'\] used more than once"):
        MonitoringFramework("city", "测", "T", pillars, [_indicator("p1", "gdp")])
    with pytest.raises(FrameworkError, match="under pillar 'p9'"):
        MonitoringFramework("city", "测", "T", pillars, [_indicator("a", "gdp", "p9")])
    with pytest.raises(FrameworkError, match=r"pillar\(s\) \['p2'\] have no indicator"):
        MonitoringFramework(
            "city", "测", "T", [*pillars, Pillar("p2", "二", "Two", 1.0)], [_indicator("a", "gdp")]
        )
    with pytest.raises(FrameworkError, match="indicator a: formula"):
        _indicator("a", "gdp ** 2")


def _variable(code: str, unit: str) -> Variable:
    return Variable(
        code=code,
        name_zh=code,
        name_en=code,
        aliases=(code,),
        unit=unit,
        units={unit: 1.0},
        kind="extensive",
        levels=("city",),
        range=None,
        integer=False,
    )


def test_variables_are_compared_in_a_common_unit() -> None:
    fte, employed = _variable("fte", "人年"), _variable("employed", "万人")
    assert fte.scale_of(employed) == 10000.0  # 1 万人 = 10 000 persons ≥ person-years
    assert employed.scale_of(fte) == 1.0e-4
    assert _variable("firms", "个").scale_of(_variable("enterprises", "家")) == 1.0
    with pytest.raises(FrameworkError, match=r"fte \(人年\) cannot be compared with gdp \(万元\)"):
        fte.scale_of(_variable("gdp", "万元"))


def test_a_variable_in_percent_is_a_share() -> None:
    assert _variable("urbanisation", "%").is_share
    assert not _variable("gdp", "万元").is_share
