"""score_panel and assign_tiers on a two-pillar framework small enough to score by hand."""

from pathlib import Path

import polars as pl
import pytest

from innovation_monitor.indicator_system import MonitoringFramework, build_indicator_system
from innovation_monitor.indicators import compute_indicators
from innovation_monitor.scoring import SCORES_SCHEMA, assign_tiers, score_panel

CITIES = ("370100", "370200", "370300")


def _variable(code: str) -> dict:
    return {
        "code": code,
        "name_zh": f"变量{code}",
        "name_en": f"Variable {code}",
        "aliases": [f"变量{code}"],
        "unit": "万元",
        "units": {"万元": 1},
        "kind": "extensive",
        "levels": ["city", "county"],
        "integer": False,
    }


def _indicator(code: str, direction: int = 1) -> dict:
    return {
        "code": code,
        "name_zh": f"指标{code}",
        "name_en": f"Indicator {code}",
        "formula": code,  # the indicator is its variable
        "unit": "万元",
        "direction": direction,
        "weight": 1,
        "rationale_zh": "测试",
        "rationale_en": "test",
    }


FRAMEWORK = {
    "name_zh": "测试",
    "name_en": "Test",
    "index": {"name_zh": "综合指数", "name_en": "Index"},
    "pillars": [
        {
            "code": "inputs",
            "name_zh": "投入",
            "name_en": "Inputs",
            "weight": 3,
            "indicators": [_indicator("x"), _indicator("y", direction=-1)],
        },
        {
            "code": "outputs",
            "name_zh": "产出",
            "name_en": "Outputs",
            "weight": 1,
            "indicators": [_indicator("z")],
        },
    ],
}
METHODOLOGY = {
    "steps": [
        {"normalise": {"method": "minmax", "range": [0, 100]}},
        {"aggregate": {"method": "arithmetic"}},
    ],
    "tiers": [
        {"code": "tier1", "name_zh": "第一梯队", "name_en": "First tier", "max_rank": 1},
        {"code": "tier2", "name_zh": "第二梯队", "name_en": "Second tier"},
    ],
}

# x, y, z of each city; 370300 reported no x in 2021.
VALUES = {
    2020: {"x": (10, 20, 30), "y": (3, 1, 2), "z": (5, 5, 1)},
    2021: {"x": (10, 20, None), "y": (1, 2, 3), "z": (1, 2, 3)},
}


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> MonitoringFramework:
    document = {
        "schema_version": 1,
        "variables": [_variable(c) for c in "xyz"],
        "frameworks": {"city": FRAMEWORK, "county": FRAMEWORK},
        "methodology": {"city": METHODOLOGY, "county": METHODOLOGY},
        "targets": [],
    }
    path: Path = tmp_path_factory.mktemp("scoring") / "indicators.yaml"
    return build_indicator_system(document, path).frameworks["city"]


@pytest.fixture(scope="module")
def scores(city: MonitoringFramework) -> pl.DataFrame:
    rows = [
        (year, "city", code, variable, float(value))
        for year, columns in VALUES.items()
        for variable, values in columns.items()
        for code, value in zip(CITIES, values, strict=True)
        if value is not None
    ]
    stats = pl.DataFrame(
        rows, schema=["year", "level", "region_code", "variable", "value"], orient="row"
    )
    return score_panel(compute_indicators(stats, city), city)


def _column(scores: pl.DataFrame, year: int, node: str, name: str) -> list:
    """The column ``name`` of one node in one year, cities in code order."""
    rows = scores.filter((pl.col("year") == year) & (pl.col("node") == node))
    return rows.sort("region_code")[name].to_list()


def test_every_node_is_scored_for_every_city_and_year(scores: pl.DataFrame) -> None:
    assert scores.schema == pl.Schema(SCORES_SCHEMA)
    assert set(scores["level"]) == {"city"}
    assert sorted(set(scores["node"])) == ["Index", "inputs", "outputs", "x", "y", "z"]
    assert scores.height == 2 * 3 * 6


def test_scores_worked_by_hand(scores: pl.DataFrame) -> None:
    # 2020, min-max to [0, 100] per year: x 0, 50, 100; y (lower is better) 0, 100, 50;
    # z 100, 100, 0. inputs = mean(x, y); Index = (3 · inputs + outputs) / 4.
    assert _column(scores, 2020, "y", "score") == pytest.approx([0, 100, 50])
    assert _column(scores, 2020, "inputs", "score") == pytest.approx([0, 75, 75])
    assert _column(scores, 2020, "Index", "score") == pytest.approx([25, 81.25, 56.25])
    # 2021: 370300 has no x, so its inputs score is y alone (0) and x has no score
    assert _column(scores, 2021, "x", "score") == pytest.approx([0, 100, None])
    assert _column(scores, 2021, "inputs", "score") == pytest.approx([50, 75, 0])
    assert _column(scores, 2021, "Index", "score") == pytest.approx([37.5, 68.75, 25])


def test_ranks_are_per_year_higher_is_better_ties_min_and_missing_unranked(
    scores: pl.DataFrame,
) -> None:
    assert _column(scores, 2020, "Index", "rank") == [3, 1, 2]
    assert _column(scores, 2021, "Index", "rank") == [2, 1, 3]
    assert _column(scores, 2020, "inputs", "rank") == [3, 1, 1]  # 75 and 75 share rank 1
    assert _column(scores, 2020, "z", "rank") == [1, 1, 3]
    assert _column(scores, 2021, "x", "rank") == [2, 1, None]  # a NaN score is null, unranked


def test_rows_are_sorted_by_year_node_and_rank(scores: pl.DataFrame) -> None:
    assert scores.equals(scores.sort("year", "node", "rank", "region_code", nulls_last=True))
    assert scores.row(0, named=True) == {
        "year": 2020,
        "level": "city",
        "region_code": "370200",
        "node": "Index",
        "score": pytest.approx(81.25),
        "rank": 1,
    }


def test_no_values_give_an_empty_typed_table(city: MonitoringFramework) -> None:
    empty = pl.DataFrame(
        schema={
            "year": pl.Int64,
            "level": pl.String,
            "region_code": pl.String,
            "indicator": pl.String,
            "value": pl.Float64,
        }
    )
    result = score_panel(empty, city)
    assert result.is_empty() and result.schema == pl.Schema(SCORES_SCHEMA)


def test_tiers_follow_the_index_rank(scores: pl.DataFrame, city: MonitoringFramework) -> None:
    tiers = assign_tiers(scores, city)
    assert tiers.columns == ["year", "level", "region_code", "tier"]
    assert tiers.rows() == [
        (2020, "city", "370100", "tier2"),
        (2020, "city", "370200", "tier1"),
        (2020, "city", "370300", "tier2"),
        (2021, "city", "370100", "tier2"),
        (2021, "city", "370200", "tier1"),
        (2021, "city", "370300", "tier2"),
    ]


def test_no_tiers_without_ranked_index(scores: pl.DataFrame, city: MonitoringFramework) -> None:
    tiers = assign_tiers(scores.filter(pl.col("node") != "Index"), city)
    assert tiers.is_empty() and tiers.columns == ["year", "level", "region_code", "tier"]
