"""score_panel and assign_tiers on a two-pillar framework small enough to score by hand, and the
rankings table (rank changes on current boundaries, ranks within the city) on hand-made index
scores of real units, so that Laiwu's merger into Jinan (data year 2019) and its districts' new
codes are in play."""

from pathlib import Path

import polars as pl
import pytest

from innovation_monitor.framework import MonitoringFramework, build_indicator_system
from innovation_monitor.indicators import compute_indicators
from innovation_monitor.scoring.panel import score_panel
from innovation_monitor.scoring.rankings import build_rankings
from innovation_monitor.scoring.schemas import (
    IMPUTATIONS_SCHEMA,
    RANKINGS_SCHEMA,
    SCORES_SCHEMA,
    TIERS_SCHEMA,
)
from innovation_monitor.scoring.tiers import assign_tiers

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
    return score_panel(compute_indicators(stats, city), city).scores


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
    assert result.scores.is_empty() and result.scores.schema == pl.Schema(SCORES_SCHEMA)
    assert result.imputations.is_empty()
    assert result.imputations.schema == pl.Schema(IMPUTATIONS_SCHEMA)


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


# ------------------------------------------------------------------------------ rankings

JINAN, QINGDAO, ZIBO, YANTAI, LAIWU = "370100", "370200", "370300", "370600", "371200"


def index_scores(level: str, index: dict[int, dict[str, tuple[float, int | None]]]) -> pl.DataFrame:
    """Index rows (score, rank) of each unit-year, as the scores table holds them."""
    rows = [
        (year, level, code, "Index", score, rank)
        for year, units in index.items()
        for code, (score, rank) in units.items()
    ]
    return pl.DataFrame(rows, schema=SCORES_SCHEMA, orient="row")


def by_unit(rankings: pl.DataFrame, year: int, *columns: str) -> dict[str, tuple]:
    rows = rankings.filter(pl.col("year") == year).select("region_code", *columns)
    return {code: tuple(rest) for code, *rest in rows.iter_rows()}


def test_previous_ranks_are_restated_on_this_years_boundaries(registry) -> None:
    scores = index_scores(
        "city",
        {
            2018: {
                QINGDAO: (80.0, 1),
                JINAN: (75.0, 2),
                YANTAI: (60.0, 3),
                LAIWU: (50.0, 4),
                ZIBO: (40.0, 5),
            },
            2019: {JINAN: (82.0, 1), QINGDAO: (78.0, 2), ZIBO: (70.0, 3), YANTAI: (55.0, 4)},
        },
    )
    rankings = build_rankings(scores, pl.DataFrame(schema=TIERS_SCHEMA), registry, "city")
    assert rankings.schema == pl.Schema(RANKINGS_SCHEMA)
    columns = ("previous_year", "previous_rank", "rank_change", "previous_rank_restated")
    # 2018 on 2019 boundaries: Qingdao 80, Jinan (with Laiwu, counted once) 75, Yantai 60,
    # Zibo 40: Zibo was 4th, not the 5th published behind Laiwu, and climbed one place
    assert by_unit(rankings, 2019, *columns) == {
        JINAN: (2018, None, None, False),
        QINGDAO: (2018, 1, -1, False),
        ZIBO: (2018, 4, 1, True),
        YANTAI: (2018, 3, -1, False),
    }
    # Jinan took Laiwu in: not comparable with its 2018 self, whatever its previous rank
    assert by_unit(rankings, 2019, "merged_from", "is_new")[JINAN] == ([JINAN, LAIWU], False)
    first = rankings.filter(pl.col("year") == 2018)
    assert first["previous_year"].null_count() == first.height
    assert first["rank_change"].null_count() == first.height
    assert not first["is_new"].any() and not first["previous_rank_restated"].any()
    assert first["parent_code"].null_count() == first.height  # cities have no parent rank
    assert first["rank_in_parent"].null_count() == first.height


def test_a_merged_unit_is_ranked_in_the_previous_year_rescored_on_its_boundaries(
    registry,
) -> None:
    """Given 2018 re-scored on 2019 boundaries (Jinan with Laiwu: 70), Jinan's previous rank is
    its place in that panel (3rd behind Qingdao 80 and Yantai 72), and so is everyone's."""
    scores = index_scores(
        "city",
        {
            2018: {QINGDAO: (80.0, 1), JINAN: (75.0, 2), YANTAI: (72.0, 3), LAIWU: (50.0, 4)},
            2019: {JINAN: (82.0, 1), QINGDAO: (78.0, 2), YANTAI: (55.0, 3)},
        },
    )
    rescored = {2019: {JINAN: 70.0, QINGDAO: 80.0, YANTAI: 72.0}}
    rankings = build_rankings(scores, pl.DataFrame(schema=TIERS_SCHEMA), registry, "city", rescored)
    columns = ("previous_rank", "rank_change", "previous_score", "previous_rank_restated")
    assert by_unit(rankings, 2019, *columns) == {
        JINAN: (3, 2, 70.0, True),
        QINGDAO: (1, -1, 80.0, False),
        YANTAI: (2, -1, 72.0, True),
    }


def test_recoded_units_are_compared_with_their_predecessor_and_new_ones_are_new(
    registry,
) -> None:
    laicheng, laiwu_district, lixia, chiping = "371202", "370116", "370102", "371503"
    scores = index_scores(
        "county",
        {
            2018: {lixia: (85.0, 1), laicheng: (50.0, 2)},
            2019: {laiwu_district: (60.0, 1), lixia: (55.0, 2), chiping: (20.0, 3)},
        },
    )
    rankings = build_rankings(scores, pl.DataFrame(schema=TIERS_SCHEMA), registry, "county")
    assert by_unit(
        rankings, 2019, "predecessor_code", "previous_rank", "rank_change", "is_new"
    ) == {
        laiwu_district: (laicheng, 2, 1, False),  # 莱城区 → 莱芜区
        lixia: (None, 1, -1, False),
        chiping: (None, None, None, True),  # 茌平县 had no 2018 rank
    }


def test_rank_in_parent_counts_the_ranked_units_of_the_city(registry) -> None:
    lixia, licheng, laiwu_district, huangdao, jiaozhou = (
        "370102",
        "370112",
        "370116",
        "370211",
        "370281",
    )
    scores = index_scores(
        "county",
        {
            2019: {
                huangdao: (90.0, 1),
                lixia: (80.0, 2),
                licheng: (70.0, 3),
                laiwu_district: (70.0, 3),
                jiaozhou: (60.0, 5),
                "370117": (float("nan"), None),  # 钢城区 unscored: no rank in Jinan either
            }
        },
    )
    rankings = build_rankings(scores, pl.DataFrame(schema=TIERS_SCHEMA), registry, "county")
    assert by_unit(rankings, 2019, "parent_code", "rank_in_parent") == {
        huangdao: (QINGDAO, 1),
        jiaozhou: (QINGDAO, 2),
        lixia: (JINAN, 1),
        licheng: (JINAN, 2),  # a tie shares the place
        laiwu_district: (JINAN, 2),
        "370117": (JINAN, None),
    }
    ranked = rankings.drop_nulls("rank_in_parent")
    sizes = ranked.group_by("parent_code").len("units")
    assert (
        ranked.join(sizes, on="parent_code")
        .filter(pl.col("rank_in_parent") > pl.col("units"))
        .is_empty()
    )


def test_rankings_carry_the_tiers_and_an_empty_panel_gives_an_empty_table(
    scores: pl.DataFrame, city: MonitoringFramework, registry
) -> None:
    rankings = build_rankings(scores, assign_tiers(scores, city), registry, "city")
    assert rankings.select("year", "region_code", "rank", "tier").rows() == [
        (2020, "370100", 3, "tier2"),
        (2020, "370200", 1, "tier1"),
        (2020, "370300", 2, "tier2"),
        (2021, "370100", 2, "tier2"),
        (2021, "370200", 1, "tier1"),
        (2021, "370300", 3, "tier2"),
    ]
    empty = build_rankings(scores.clear(), assign_tiers(scores.clear(), city), registry, "city")
    assert empty.is_empty() and empty.schema == pl.Schema(RANKINGS_SCHEMA)
