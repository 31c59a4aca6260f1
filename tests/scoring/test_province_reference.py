"""``reference: province``: the cities' index in % of the province, whose indicators come from
the sum of the cities' statistics; the province is the yardstick, never ranked or stored; tiers
by score bands (> 100 %, 70–100 %, …). On the toy framework (``a = x / y * 100``, ``b = z / y``
higher-is-worse, ``c = max(x, y) / y``) and all 16 cities of two years."""

from pathlib import Path

import polars as pl
import pytest

from innovation_monitor import stages, warehouse
from innovation_monitor.divisions import DivisionRegistry, province_indicators, restated_indicators
from innovation_monitor.divisions.registry import PROVINCE_CODE
from innovation_monitor.errors import FrameworkError
from innovation_monitor.framework import INDEX_CODE, IndicatorSystem, build_indicator_system
from innovation_monitor.indicators import compute_indicators
from innovation_monitor.scoring.panel import score_panel
from innovation_monitor.scoring.tiers import assign_tiers
from tests.corpus import editing
from tests.corpus.conftest import cut_sample
from tests.toy_framework import TOY_PATH, toy_document

JINAN, LAIWU = "370100", "371200"

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


def test_jinans_2019_change_is_against_jinan_and_laiwu_restated_for_2018(
    tmp_path: Path, system: IndicatorSystem, registry: DivisionRegistry
) -> None:
    """On the shipped city methodology (each year in % of its province) and the sample's
    2018–2019: Laiwu joined Jinan, so Jinan's 2018 index is scored again from the two cities'
    summed 2018 statistics, and its 2019 change in points is measured against that, not
    against Jinan's or Laiwu's own 2018 score. A city with unchanged boundaries is compared with
    its own 2018 score."""
    data = cut_sample(tmp_path / "data", years=(2018, 2019))
    with warehouse.connect(tmp_path / "w.duckdb") as con:
        stages.load_divisions(con, registry)
        stages.load_statistics(con, data, system, registry, levels=["city"])
        stages.compute_level_indicators(con, system, "city")
        stages.score_level(con, system, registry, "city")
        rankings = warehouse.read(con, "rankings", level="city")
        scores = warehouse.read(con, "scores", level="city").filter(pl.col("node") == INDEX_CODE)
        statistics = warehouse.read(con, "statistics", years=[2018], level="city")
    framework = system.frameworks["city"]
    restated = restated_indicators(statistics, system, registry, to_year=2019, level="city")
    province = province_indicators(statistics, system)
    panel = score_panel(pl.concat([restated, province.select(restated.columns)]), framework)
    index_2018 = panel.scores.filter(pl.col("node") == INDEX_CODE, pl.col("region_code") == JINAN)
    jinan = rankings.filter(pl.col("year") == 2019, pl.col("region_code") == JINAN).row(
        0, named=True
    )
    own = dict(scores.filter(pl.col("year") == 2018).select("region_code", "score").iter_rows())
    now = dict(scores.filter(pl.col("year") == 2019).select("region_code", "score").iter_rows())
    assert jinan["merged_from"] == [JINAN, LAIWU]
    assert jinan["previous_score"] == pytest.approx(index_2018["score"][0], rel=1e-12)
    assert jinan["previous_score"] not in (pytest.approx(own[JINAN]), pytest.approx(own[LAIWU]))
    assert jinan["score_change"] == pytest.approx(now[JINAN] - index_2018["score"][0], rel=1e-12)
    # its previous rank is the restated Jinan's among the 2018 cities (Laiwu gone)
    others = [s for code, s in own.items() if code not in (JINAN, LAIWU)]
    assert jinan["previous_rank"] == 1 + sum(s > jinan["previous_score"] for s in others)
    assert jinan["previous_rank_restated"]
    current = rankings.filter(pl.col("year") == 2019, pl.col("region_code") == JINAN)["rank"][0]
    assert jinan["rank_change"] == jinan["previous_rank"] - current
    qingdao = rankings.filter(pl.col("year") == 2019, pl.col("region_code") == "370200").row(
        0, named=True
    )
    assert qingdao["score_change"] == pytest.approx(now["370200"] - own["370200"], rel=1e-12)


def test_the_provinces_own_figures_replace_the_sum_of_its_cities_where_the_data_give_them(
    registry: DivisionRegistry,
) -> None:
    """The province's own x (level province, a 全省 row) is above its cities' sum (provincial
    institutions report to no city): its indicator a = x / y × 100 takes the own x over the
    summed y it does not report; b = z / y stays the ratio of sums."""
    system = build_indicator_system(
        _document(reference="province", steps=RATIO_STEPS, tiers=BANDS), TOY_PATH
    )
    statistics = _statistics(registry)
    city = statistics.filter(pl.col("year") == 2023)
    sums = dict(city.group_by("variable").agg(pl.col("value").sum()).iter_rows())
    own = pl.DataFrame(
        [(2023, "province", PROVINCE_CODE, "x", 1.25 * sums["x"])],
        schema=statistics.schema,
        orient="row",
    )
    with_own = province_indicators(pl.concat([statistics, own]), system)
    summed = province_indicators(statistics, system)

    def value(frame: pl.DataFrame, indicator: str, year: int = 2023) -> float:
        return frame.filter(pl.col("indicator") == indicator, pl.col("year") == year)["value"][0]

    assert value(with_own, "a") == pytest.approx(1.25 * sums["x"] / sums["y"] * 100, rel=1e-12)
    assert value(with_own, "b") == pytest.approx(value(summed, "b"), rel=1e-12)
    assert value(with_own, "a", 2022) == pytest.approx(value(summed, "a", 2022), rel=1e-12)


def test_a_provinces_own_row_is_loaded_as_the_reference_and_goes_with_its_file(
    tmp_path: Path, system: IndicatorSystem, registry: DivisionRegistry
) -> None:
    """On the sample's 2019 city table with a 全省 row (Jinan's figures ×3, so its ratios are
    Jinan's): the row is stored as the province's own statistics, the cities are scored against
    it (not the sum of their figures), and reloading the table without the row removes it."""
    data = cut_sample(tmp_path / "data", years=(2019,))
    table = next((data / "city").glob("2019.*"))
    original = table.read_bytes()
    rows, _ = editing.read_rows(table)
    jinan = rows[editing.row_index(rows, JINAN)]
    tripled = [f"{float(c) * 3:.0f}" if c.replace(".", "").isdigit() else c for c in jinan[2:]]
    editing.add_row(table, [PROVINCE_CODE, "全省", *tripled], JINAN)
    with warehouse.connect(tmp_path / "w.duckdb") as con:
        stages.load_divisions(con, registry)

        def jinan_index() -> float:
            stages.load_statistics(con, data, system, registry, levels=["city"])
            stages.compute_level_indicators(con, system, "city")
            stages.score_level(con, system, registry, "city")
            scores = warehouse.read(con, "scores", level="city")
            return scores.filter(pl.col("node") == INDEX_CODE, pl.col("region_code") == JINAN)[
                "score"
            ][0]

        with_row = jinan_index()
        own = warehouse.read(con, "statistics", level="province")
        assert set(own["region_code"]) == {PROVINCE_CODE} and own.height > 10
        assert (
            warehouse.read(con, "indicator_values")
            .filter(pl.col("region_code") == PROVINCE_CODE)
            .is_empty()
        )  # a reference, not a unit
        table.write_bytes(original)
        without = jinan_index()
        assert warehouse.read(con, "statistics", level="province").is_empty()
    assert with_row != pytest.approx(without, rel=1e-3)  # another yardstick, another index
