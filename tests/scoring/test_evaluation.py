"""The evaluation cycle and the advanced units (先进市), by hand on four units over four years."""

import polars as pl
import pytest

from innovation_monitor.errors import FrameworkError
from innovation_monitor.framework import INDEX_CODE, build_indicator_system
from innovation_monitor.scoring.evaluation import evaluate_period
from tests.toy_framework import TOY_PATH, toy_document

BANDS = [
    {"code": "t1", "name_zh": "第一梯队", "name_en": "First tier", "min_score": 100},
    {"code": "t2", "name_zh": "第二梯队", "name_en": "Second tier", "min_score": 70},
    {"code": "t3", "name_zh": "第三梯队", "name_en": "Third tier"},
]
#: index scores 2020–2023; the period is 2021–2023
SCORES = {
    "370100": [150.0, 120.0, 110.0, 100.0],  # mean 110, change −20
    "370200": [90.0, 90.0, 100.0, 110.0],  # mean 100, change +20
    "370300": [50.0, 60.0, 80.0, 100.0],  # mean 80, change +40
    "370400": [70.0, 70.0, 70.0, 70.0],  # mean 70, change 0
}


def _framework(**evaluation: object):
    document = toy_document()
    document["methodology"]["city"]["tiers"] = BANDS
    document["methodology"]["city"]["evaluation"] = evaluation
    return build_indicator_system(document, TOY_PATH).frameworks["city"]


def _scores() -> pl.DataFrame:
    rows = [
        (year, "city", code, INDEX_CODE, score, 1)
        for code, series in SCORES.items()
        for year, score in zip(range(2020, 2024), series, strict=True)
    ]
    return pl.DataFrame(
        rows, schema=["year", "level", "region_code", "node", "score", "rank"], orient="row"
    )


def test_the_period_mean_ranks_and_tiers_and_the_rules_choose_the_advanced() -> None:
    framework = _framework(
        period=3,
        advanced={
            "max": 2,
            "rules": [{"rule": "tier", "tier": "t1"}, {"rule": "improvement", "top": 1}],
        },
    )
    result = evaluate_period(_scores(), framework)
    rows = {r["region_code"]: r for r in result.iter_rows(named=True)}
    assert {r["period_start"] for r in rows.values()} == {2021}
    assert rows["370100"]["period_mean"] == pytest.approx(110.0)
    assert rows["370100"]["improvement"] == pytest.approx(-20.0)
    assert [rows[c]["period_rank"] for c in SCORES] == [1, 2, 3, 4]
    assert [rows[c]["period_tier"] for c in SCORES] == ["t1", "t1", "t2", "t2"]
    # tier t1: 370100 and 370200; largest improvement: 370300 (+40); at most two, by period rank
    assert [c for c in SCORES if rows[c]["advanced"]] == ["370100", "370200"]
    assert rows["370100"]["advanced_rule"] == "tier:t1"
    assert rows["370300"]["advanced_rule"] is None


def test_ranking_on_improvement_and_no_cap() -> None:
    framework = _framework(
        period=3, rank_on="improvement", advanced={"rules": [{"rule": "improvement", "top": 2}]}
    )
    rows = {
        r["region_code"]: r for r in evaluate_period(_scores(), framework).iter_rows(named=True)
    }
    assert [rows[c]["period_rank"] for c in SCORES] == [4, 2, 1, 3]
    assert {c for c in SCORES if rows[c]["advanced"]} == {"370200", "370300"}
    assert rows["370300"]["advanced_rule"] == "improvement:2"


def test_a_rule_naming_an_unknown_tier_is_refused() -> None:
    with pytest.raises(FrameworkError, match="tier 'gold' is not one of this level's tiers"):
        _framework(period=3, advanced={"rules": [{"rule": "tier", "tier": "gold"}]})
