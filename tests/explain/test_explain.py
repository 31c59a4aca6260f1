"""``explain`` on a small warehouse scored by the engine (``toy_warehouse.py``): contributions
that add up to the stored scores, values carried forward and missing, methods whose scores are
not a sum of parts, weights fitted from the data, and the errors a user can make."""

import math
import re

import pytest

from innovation_monitor.divisions import DivisionRegistry
from innovation_monitor.errors import DataError
from innovation_monitor.explain import Explanation, explain
from innovation_monitor.framework import INDEX_CODE, IndicatorSystem
from tests.explain.printed import printed_checks
from tests.explain.toy_warehouse import (
    JINAN,
    QINGDAO,
    ZAOZHUANG,
    ZIBO,
    stored_score,
    toy_warehouse,
)
from tests.toy_framework import build_toy, toy_document


def _system(**steps: dict) -> IndicatorSystem:
    """The toy system with some city build steps replaced (by step name)."""
    document = toy_document()
    city = document["methodology"]["city"]
    city["steps"] = [
        {name: steps.get(name, params) for name, params in step.items()} for step in city["steps"]
    ]
    return build_toy(document)


def _index_terms(explanation: Explanation) -> list[float]:
    return printed_checks(explanation.text("en"))[explanation.index_name.en]


def test_printed_contributions_add_up_to_the_stored_scores(
    toy_system: IndicatorSystem, registry: DivisionRegistry
) -> None:
    con = toy_warehouse(toy_system, registry)
    found = explain(con, toy_system, registry, level="city", year=2023, region=JINAN)
    checks = printed_checks(found.text("en"))
    assert math.isclose(
        math.fsum(checks["Test index"]), stored_score(con, 2023, JINAN, INDEX_CODE), abs_tol=1e-9
    )
    for pillar in ("p_one", "p_two"):
        assert math.isclose(
            math.fsum(checks[f"Pillar {pillar} score"]),
            stored_score(con, 2023, JINAN, pillar),
            abs_tol=1e-9,
        )
    frame = found.to_frame()
    indicators = frame.filter(kind="indicator")
    assert math.isclose(
        math.fsum(indicators["index_contribution"].to_list()), found.score or 0, abs_tol=1e-9
    )
    # p_one: weights 1.5 and 1 of a and b; p_two's one indicator is the pillar
    assert indicators["share"].to_list() == pytest.approx([0.6, 0.4, 1.0])
    assert frame.filter(node="p_one")["share"].item() == pytest.approx(0.6)


def test_the_chain_names_the_cells_as_written_and_the_unit_conversion(
    toy_system: IndicatorSystem, registry: DivisionRegistry
) -> None:
    con = toy_warehouse(toy_system, registry)
    found = explain(con, toy_system, registry, level="city", year=2023, region=JINAN)
    zh = found.text("zh")
    assert "济南市（370100）2023年测试指数的计算过程" in zh
    assert "本报告基于合成样例数据" in zh
    assert (
        "变量X：city/2023.csv第2行“变量X(亿元)”列，原文“13.25”；"
        "文件单位亿元，×10,000 换算为 132,500 万元" in zh
    )
    assert "计算公式：变量X（万元） / 变量Y（万人） × 100" in zh
    en = found.text("en")
    assert "column 变量X(亿元), written '13.25'" in en
    cells = found.cells_frame().filter(indicator="a", variable="x")
    assert cells.select("source_file", "source_row", "raw_value", "value").row(0) == (
        "city/2023.csv",
        2,
        "13.25",
        132500.0,
    )


def test_a_carried_value_shows_the_quarantined_cell_and_the_year_it_comes_from(
    toy_system: IndicatorSystem, registry: DivisionRegistry
) -> None:
    con = toy_warehouse(toy_system, registry)
    found = explain(con, toy_system, registry, level="city", year=2023, region=ZIBO)
    part = next(p for p in found.pillars[0].indicators if p.code == "b")
    assert part.value is None
    assert part.estimate is not None and part.estimate.method == "carry_forward"
    assert part.carried_year == 2022
    assert part.used == pytest.approx(1500.0 / 470.0)
    z, y = part.cells  # z was quarantined
    assert y.value == 468.0
    assert (z.value, z.file, z.row, z.raw, z.reason) == (
        None,
        "city/2023.csv",
        4,
        "—",
        "not available ('—')",
    )
    assert [c.raw for c in part.carried_cells] == ["1500", "470"]
    en = found.text("en")
    assert "Scoring used 3.19149: carried forward from 2022" in en
    assert "Source cells of 2022 (the value carried):" in en
    assert "every city unit valid in the year has Variable z (warning)" in en
    assert math.isclose(
        math.fsum(_index_terms(found)), stored_score(con, 2023, ZIBO, INDEX_CODE), abs_tol=1e-9
    )


def test_a_missing_value_is_left_out_and_the_other_weights_rescaled(
    toy_system: IndicatorSystem, registry: DivisionRegistry
) -> None:
    con = toy_warehouse(toy_system, registry)
    found = explain(con, toy_system, registry, level="city", year=2022, region=ZAOZHUANG)
    a, b = found.pillars[0].indicators
    assert b.estimate is not None and b.estimate.method == "missing"
    assert (b.score, b.share, b.contribution) == (None, None, None)
    assert a.share == 1.0 and a.contribution == a.score
    assert found.pillars[0].score == pytest.approx(a.score)
    assert "No normalised score: left out (its weight 1 does not count" in found.text("en")
    assert math.isclose(
        math.fsum(_index_terms(found)),
        stored_score(con, 2022, ZAOZHUANG, INDEX_CODE),
        abs_tol=1e-9,
    )


def test_a_pillar_below_the_data_threshold_has_no_score_and_says_why(
    registry: DivisionRegistry,
) -> None:
    system = _system(aggregate={"method": "arithmetic", "dat_thresh": {2: 0.6}})
    con = toy_warehouse(system, registry)
    found = explain(con, system, registry, level="city", year=2022, region=ZAOZHUANG)
    pillar = found.pillars[0]
    assert pillar.score is None and pillar.contribution is None
    assert pillar.note is not None
    assert pillar.note.en == "no score: 1 of 2 indicators have a value, fewer than 60%"
    assert found.pillars[1].share == 1.0  # the index rests on p_two alone
    assert math.isclose(
        math.fsum(_index_terms(found)),
        stored_score(con, 2022, ZAOZHUANG, INDEX_CODE),
        abs_tol=1e-9,
    )


def test_a_geometric_mean_is_said_to_be_no_sum_of_parts(registry: DivisionRegistry) -> None:
    system = _system(
        normalise={"method": "minmax", "range": [1, 100], "goalposts": "pooled"},
        aggregate={"method": "geometric"},
    )
    con = toy_warehouse(system, registry)
    found = explain(con, system, registry, level="city", year=2023, region=JINAN)
    assert all(p.contribution is None for p in found.pillars[0].indicators)
    assert all(p.contribution is None for p in found.pillars)
    for note in (found.pillars[0].note, found.note):
        assert note is not None
        assert "aggregated by a weighted geometric mean, which is not a sum of parts" in note.en
    en = found.text("en")
    assert printed_checks(en) == {}  # no check line without contributions
    assert "Test index: " + f"{stored_score(con, 2023, JINAN, INDEX_CODE):.2f}" in en


def test_contributions_that_do_not_rebuild_the_stored_score_are_not_shown(
    toy_system: IndicatorSystem, registry: DivisionRegistry
) -> None:
    con = toy_warehouse(toy_system, registry, scores_changed={(2023, JINAN, "p_one"): 99.0})
    found = explain(con, toy_system, registry, level="city", year=2023, region=JINAN)
    pillar = found.pillars[0]
    assert pillar.note is not None and "cannot be rebuilt from the stored parts" in pillar.note.en
    assert all(p.contribution is None for p in pillar.indicators)
    assert found.note is not None  # the index no longer adds up either
    p_two = stored_score(con, 2023, JINAN, "p_two")
    assert printed_checks(found.text("en")) == {"Pillar p_two score": [pytest.approx(p_two)]}


def test_weights_fitted_from_the_data_are_replayed_on_the_stored_scores(
    registry: DivisionRegistry,
) -> None:
    system = _system(weight={"method": "entropy"})
    con = toy_warehouse(system, registry)
    found = explain(con, system, registry, level="city", year=2023, region=QINGDAO)
    a = found.pillars[0].indicators[0]
    assert a.share is not None and a.share != pytest.approx(0.6)  # not the explicit weights
    assert math.isclose(
        math.fsum(_index_terms(found)), stored_score(con, 2023, QINGDAO, INDEX_CODE), abs_tol=1e-9
    )


def test_weights_that_cannot_be_replayed_are_said_to_be_unknown(
    registry: DivisionRegistry,
) -> None:
    system = _system(weight={"method": "entropy"})
    # a stored normalised score below zero, which entropy weighting refuses
    con = toy_warehouse(system, registry, scores_changed={(2022, QINGDAO, "a"): -5.0})
    found = explain(con, system, registry, level="city", year=2023, region=JINAN)
    assert found.note is not None and "the weights cannot be rebuilt" in found.note.en
    assert all(p.contribution is None for p in found.pillars)
    assert printed_checks(found.text("en")) == {}


def test_one_indicator_shows_only_its_chain_and_its_way_to_the_index(
    toy_system: IndicatorSystem, registry: DivisionRegistry
) -> None:
    con = toy_warehouse(toy_system, registry)
    found = explain(
        con, toy_system, registry, level="city", year=2023, region=JINAN, indicator="指标b"
    )
    assert found.indicator == "b"
    en = found.text("en")
    assert "Indicator b" in en and "Indicator a (" not in en and "Indicator c" not in en
    b = found.pillars[0].indicators[1]
    assert f"Contribution to the Test index {b.index_contribution:.2f}" in en
    assert printed_checks(en) == {}
    assert found.to_frame().height == 6  # every node still, so the frame adds up


def test_the_level_is_inferred_from_the_unit_and_names_are_accepted(
    toy_system: IndicatorSystem, registry: DivisionRegistry
) -> None:
    con = toy_warehouse(toy_system, registry)
    found = explain(con, toy_system, registry, year=2023, region="济南市")
    assert (found.level, found.unit.code, found.rank, found.ranked) == ("city", JINAN, 2, 4)
    assert found.tier is not None and found.tier.zh == "第一梯队"


def test_the_text_shows_no_code_of_the_framework(
    toy_system: IndicatorSystem, registry: DivisionRegistry
) -> None:
    con = toy_warehouse(toy_system, registry)
    zh = explain(con, toy_system, registry, level="city", year=2023, region=ZIBO).text("zh")
    codes = ["p_one", "p_two", "carry_forward", "minmax", "explicit", "arithmetic", "tier1"]
    assert [c for c in codes if re.search(rf"\b{c}\b", zh)] == []


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"level": "province", "year": 2023, "region": JINAN}, "expected one of city, county"),
        ({"level": "city", "year": 2019, "region": JINAN}, "years scored: 2022, 2023"),
        (
            {"level": "city", "year": 2023, "region": "999999"},
            "no city-level unit '999999' in 2023; expected the 6-digit code or the name",
        ),
        (
            {"level": "city", "year": 2023, "region": "370102"},  # a district, not a city
            "no city-level unit '370102' in 2023",
        ),
        (
            {"level": "city", "year": 2023, "region": "370500"},  # a city the toy did not score
            "370500 东营市 has no city scores in 2023; the warehouse scores 4 city units",
        ),
        (
            {"level": "city", "year": 2023, "region": JINAN, "indicator": "zz"},
            "indicator 'zz' is not in the city framework of indicators.yaml; expected one of "
            "a (指标a), b (指标b), c (指标c)",
        ),
        ({"year": 2023, "region": "不存在市"}, "no city or county-level unit '不存在市' in 2023"),
        (
            {"year": 2023, "region": "市中区"},
            "'市中区' names 2 units in 2023 (370103 市中区, 370402 市中区); give the code",
        ),
    ],
)
def test_mistakes_are_named_with_what_was_expected(
    toy_system: IndicatorSystem,
    registry: DivisionRegistry,
    arguments: dict,
    message: str,
) -> None:
    con = toy_warehouse(toy_system, registry)
    with pytest.raises(DataError, match=re.escape(message)):
        explain(con, toy_system, registry, **arguments)


def test_an_unknown_language_is_refused(
    toy_system: IndicatorSystem, registry: DivisionRegistry
) -> None:
    con = toy_warehouse(toy_system, registry)
    found = explain(con, toy_system, registry, level="city", year=2023, region=JINAN)
    with pytest.raises(ValueError, match="unknown language 'fr'; expected one of zh, en"):
        found.text("fr")
