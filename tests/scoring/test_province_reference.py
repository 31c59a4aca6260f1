"""``reference: province``: the cities' index in % of the province, whose indicators come from
the sum of the cities' statistics; the province is the yardstick, never ranked or stored; tiers
by score bands (> 100 %, 70–100 %, …). On the toy framework (``a = x / y * 100``, ``b = z / y``
higher-is-worse, ``c = max(x, y) / y``) and all 16 cities of two years."""

import polars as pl
import pytest

from innovation_monitor.divisions import DivisionRegistry, province_indicators
from innovation_monitor.divisions.registry import PROVINCE_CODE
from innovation_monitor.errors import FrameworkError
from innovation_monitor.framework import INDEX_CODE, build_indicator_system
from innovation_monitor.indicators import compute_indicators
from innovation_monitor.scoring.panel import score_panel
from innovation_monitor.scoring.tiers import assign_tiers
from tests.toy_framework import TOY_PATH, toy_document

RATIO_STEPS = [
    {"impute": {"method": "carry_forward", "limit": 2}},
    {"normalise": {"method": "ratio_to_reference", "unit": PROVINCE_CODE, "scale": 100}},
    {"weight": {"method": "explicit"}},
    {"aggregate": {"method": "arithmetic"}},
]
BANDS = [
    {"code": "t1", "name_zh": "第一梯队", "name_en": "First tier", "min_score": 100},
    {"code": "t2", "name_zh": "第二梯队", "name_en": "Second tier", "min_score": 70},
    {"code": "t3", "name_zh": "第三梯队", "name_en": "Third tier"},
]


def _document(**city: object) -> dict:
    document = toy_document()
    document["methodology"]["city"].update(city)
    return document


def _statistics(registry: DivisionRegistry) -> pl.DataFrame:
    rows = []
    for year in (2022, 2023):
        for i, division in enumerate(registry.valid_in(year, "city"), start=1):
            x, y, z = 100.0 * i + year - 2022, 10.0 + i, 3.0 * (17 - i)
            for variable, value in (("x", x), ("y", y), ("z", z)):
                rows.append((year, "city", division.code, variable, value))
    return pl.DataFrame(
        rows, schema=["year", "level", "region_code", "variable", "value"], orient="row"
    )


def test_cities_score_in_percent_of_the_province_which_is_never_ranked(
    registry: DivisionRegistry,
) -> None:
    system = build_indicator_system(
        _document(reference="province", steps=RATIO_STEPS, tiers=BANDS), TOY_PATH
    )
    framework = system.frameworks["city"]
    statistics = _statistics(registry)
    values = compute_indicators(statistics, framework)
    province = province_indicators(statistics, system)
    panel = score_panel(pl.concat([values, province.select(values.columns)]), framework)
    scores = panel.scores
    assert PROVINCE_CODE not in scores["region_code"].to_list()
    assert PROVINCE_CODE not in panel.imputations["region_code"].to_list()
    index = scores.filter(pl.col("node") == INDEX_CODE, pl.col("year") == 2023)
    assert sorted(index["rank"].to_list()) == list(range(1, 17))  # 16 cities, no province

    # a of Jinan in 2023 against Σx / Σy of the 16 cities; b (lower is better) inverted
    jinan = statistics.filter(pl.col("year") == 2023, pl.col("region_code") == "370100")
    cities = statistics.filter(pl.col("year") == 2023)
    total = {v: cities.filter(pl.col("variable") == v)["value"].sum() for v in "xyz"}
    own = dict(zip(jinan["variable"], jinan["value"], strict=True))
    normalised = scores.filter(
        pl.col("year") == 2023, pl.col("region_code") == "370100", pl.col("node").is_in(["a", "b"])
    )
    got = dict(zip(normalised["node"], normalised["score"], strict=True))
    province_a = total["x"] / total["y"] * 100
    assert got["a"] == pytest.approx(own["x"] / own["y"] * 100 / province_a * 100, rel=1e-12)
    province_b = total["z"] / total["y"]
    assert got["b"] == pytest.approx(province_b / (own["z"] / own["y"]) * 100, rel=1e-12)

    tiers = assign_tiers(scores, framework).join(
        index.select("region_code", "score"), on="region_code"
    )
    tiers = tiers.filter(pl.col("year") == 2023)
    assert (tiers.filter(pl.col("tier") == "t1")["score"] >= 100).all()
    assert (tiers.filter(pl.col("tier") == "t3")["score"] < 70).all()
    assert set(tiers["tier"]) == {"t1", "t2", "t3"}


def test_the_province_is_a_reference_of_the_cities_only_and_only_when_asked() -> None:
    with pytest.raises(FrameworkError, match="only the cities have the province"):
        document = toy_document()
        document["methodology"]["county"]["reference"] = "province"
        build_indicator_system(document, TOY_PATH)
    with pytest.raises(FrameworkError, match="with `reference: province`"):
        build_indicator_system(_document(steps=RATIO_STEPS), TOY_PATH)
