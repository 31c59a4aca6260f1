"""分类评价 on the toy framework: county-level units ranked and tiered among their type (the
registry's 市辖区 / 县级市 / 县, or a functional classification file), a type's own weights
giving it its own index, and imputation within the type.

The toy's county index is 0.5 × p_one (indicator ``a`` = 100 x / y) + 0.5 × p_two (indicator
``c`` = max(x, y) / y), each min-max normalised over the pooled panel.
"""

from pathlib import Path

import polars as pl
import pytest
import yaml

from innovation_monitor.divisions import DivisionRegistry
from innovation_monitor.errors import DataError, FrameworkError
from innovation_monitor.framework import INDEX_CODE, IndicatorSystem, build_indicator_system
from innovation_monitor.indicators import compute_indicators
from innovation_monitor.scoring.classified import type_tiers, unit_type_map
from innovation_monitor.scoring.panel import score_panel
from innovation_monitor.scoring.rankings import build_rankings
from innovation_monitor.scoring.tiers import assign_tiers
from tests.toy_framework import STEPS_TAIL, build_toy, toy_document

# 市辖区: 历下区, 市中区, 黄岛区; 县级市: 胶州市, 平度市; 县: 平阴县, 商河县
LIXIA, SHIZHONG, HUANGDAO = "370102", "370103", "370211"
JIAOZHOU, PINGDU = "370281", "370283"
PINGYIN, SHANGHE = "370124", "370126"
# (x, y) per unit, one year: a = 100 x / y, c = max(x, y) / y
XY = {
    LIXIA: (9.0, 1.0),
    SHIZHONG: (6.0, 2.0),
    HUANGDAO: (8.0, 4.0),
    JIAOZHOU: (5.0, 1.0),
    PINGDU: (2.0, 2.0),
    PINGYIN: (3.0, 1.0),
    SHANGHE: (1.0, 1.0),
}


def _statistics(xy: dict[str, tuple[float | None, float]], year: int = 2022) -> pl.DataFrame:
    rows = [
        (year, "county", code, variable, value)
        for code, (x, y) in xy.items()
        for variable, value in (("x", x), ("y", y))
        if value is not None
    ]
    return pl.DataFrame(
        rows, schema=["year", "level", "region_code", "variable", "value"], orient="row"
    )


def _system(types: dict, steps: list[dict] | None = None, path: Path | None = None):
    document = toy_document()
    county = document["methodology"]["county"]
    county["types"] = types
    if steps is not None:
        county["steps"] = steps
    return build_toy(document) if path is None else build_indicator_system(document, path)


def _rankings(system: IndicatorSystem, registry: DivisionRegistry, xy=XY) -> pl.DataFrame:
    county = system.frameworks["county"]
    values = compute_indicators(_statistics(xy), county)
    types = unit_type_map(county, registry, values["region_code"].unique().to_list())
    panel = score_panel(values, county, types=types)
    assert panel.type_scores is not None
    return build_rankings(
        panel.scores,
        assign_tiers(panel.scores, county),
        registry,
        "county",
        type_scores=panel.type_scores,
        type_tiers=type_tiers(panel.type_scores, county),
    ).join(
        panel.scores.filter(pl.col("node").is_in([INDEX_CODE, "p_two"])).pivot(
            on="node", index=["year", "region_code"], values="score"
        ),
        on=["year", "region_code"],
    )


def _by_unit(rankings: pl.DataFrame, *columns: str) -> dict[str, tuple]:
    return {code: tuple(rest) for code, *rest in rankings.select("region_code", *columns).rows()}


def test_units_are_ranked_and_tiered_within_their_registry_type(
    registry: DivisionRegistry,
) -> None:
    rankings = _rankings(_system({}), registry)
    # a: 900, 300, 200, 500, 100, 300, 100; c: 9, 3, 2, 5, 1, 3, 1 — the index follows a
    assert _by_unit(rankings, "unit_type", "rank", "rank_in_type") == {
        LIXIA: ("市辖区", 1, 1),
        SHIZHONG: ("市辖区", 3, 2),
        HUANGDAO: ("市辖区", 5, 3),
        JIAOZHOU: ("县级市", 2, 1),
        PINGDU: ("县级市", 6, 2),
        PINGYIN: ("县", 3, 1),
        SHANGHE: ("县", 6, 2),
    }
    # without type weights the type score is the common index
    assert rankings["type_score"].to_list() == rankings[INDEX_CODE].to_list()
    # tiers by rank share (top 20 %, next 40 %) within the type: of 3 市辖区, ceil(0.6) = 1
    # is first and ceil(1.8) = 2 second; of 2 county-level cities, 1 and 2
    assert _by_unit(rankings, "tier", "tier_in_type") == {
        LIXIA: ("tier1", "tier1"),
        SHIZHONG: ("tier2", "tier2"),
        HUANGDAO: ("tier2", "tier3"),
        JIAOZHOU: ("tier1", "tier1"),
        PINGDU: ("tier3", "tier2"),
        PINGYIN: ("tier2", "tier1"),
        SHANGHE: ("tier3", "tier2"),
    }


def test_a_types_own_weights_give_it_its_own_index_and_ranks_in_type(
    registry: DivisionRegistry,
) -> None:
    """县 weigh p_two only: their type score is their p_two score (pooled normalisation, so on
    the same scale as everyone's) and their ranks in type follow it; the others keep the common
    index, and the province-wide index and ranks do not change."""
    # 平阴县 a = 50, 商河县 a = 90: 商河县 leads on the common index; both have c = 1 (the
    # lowest), so on p_two alone they tie
    xy = {**XY, PINGYIN: (0.5, 1.0), SHANGHE: (0.9, 1.0)}
    weighted = _rankings(_system({"weights": {"县": {"p_one": 0.0, "p_two": 1.0}}}), registry, xy)
    common = _rankings(_system({}), registry, xy)
    counties = weighted.filter(pl.col("unit_type") == "县")
    assert counties["type_score"].to_list() == pytest.approx(counties["p_two"].to_list(), 1e-12)
    assert counties["type_score"].to_list() == [0.0, 0.0]
    assert _by_unit(common.filter(pl.col("unit_type") == "县"), "rank_in_type") == {
        SHANGHE: (1,),
        PINGYIN: (2,),
    }
    assert _by_unit(counties, "rank_in_type") == {PINGYIN: (1,), SHANGHE: (1,)}
    others = weighted.filter(pl.col("unit_type") != "县")
    assert others["type_score"].to_list() == others[INDEX_CODE].to_list()
    assert weighted["rank"].to_list() == common["rank"].to_list()
    assert weighted[INDEX_CODE].to_list() == common[INDEX_CODE].to_list()


def test_a_functional_classification_file_sets_the_types(
    tmp_path: Path, registry: DivisionRegistry
) -> None:
    listed = {
        "types": [
            {"name_zh": "城区型", "name_en": "Urban", "units": [LIXIA, SHIZHONG, HUANGDAO]},
            {"name_zh": "工业型", "name_en": "Industrial", "units": [JIAOZHOU, PINGDU]},
            {"name_zh": "农业型", "name_en": "Agricultural", "units": [PINGYIN]},
        ]
    }
    (tmp_path / "county_types.yaml").write_text(yaml.safe_dump(listed, allow_unicode=True))
    system = _system({"file": "county_types.yaml"}, path=tmp_path / "indicators.yaml")
    types = system.frameworks["county"].methodology.types
    assert types is not None and [t.name_en for t in types.types] == [
        "Urban",
        "Industrial",
        "Agricultural",
    ]
    with pytest.raises(DataError, match=r"county_types.yaml: unit 370126 has no type"):
        _rankings(system, registry)
    rankings = _rankings(system, registry, {k: v for k, v in XY.items() if k != SHANGHE})
    assert _by_unit(rankings, "unit_type", "rank_in_type")[PINGYIN] == ("农业型", 1)


@pytest.mark.parametrize(
    ("types", "files", "message"),
    [
        (
            {"weights": {"乡": {"p_one": 1}}},
            {},
            r"methodology.county.types.weights.乡: expected one of the types",
        ),
        ({"weights": {"县": {"nope": 1}}}, {}, r"\['nope'\]: not indicators or pillars"),
        ({"file": "absent.yaml"}, {}, r"absent.yaml: no such file"),
        (
            {"file": "t.yaml"},
            {
                "t.yaml": "types:\n- {name_zh: 甲, name_en: A, units: ['370102']}\n"
                "- {name_zh: 乙, name_en: B, units: ['370102']}\n"
            },
            r"unit 370102 is already of type 甲",
        ),
        ({"file": "t.yaml"}, {"t.yaml": "types: []\n"}, r"expected `types:` a list"),
    ],
)
def test_bad_type_settings_are_refused_naming_the_setting(
    tmp_path: Path, types: dict, files: dict[str, str], message: str
) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    with pytest.raises(FrameworkError, match=message):
        _system(types, path=tmp_path / "indicators.yaml")


def test_missing_values_are_imputed_from_the_same_type_in_the_same_city(
    registry: DivisionRegistry,
) -> None:
    """平阴县 misses x: the median of 济南's other 县 (商河县, a = 100), not of all 济南 units
    (历下区 900 and 市中区 300 would pull it up); 黄岛区, alone of its type in 青岛 here, takes
    the median of the province's 市辖区 (历下区 900, 市中区 300), not 青岛's 县级市."""
    steps = [
        {"impute": {"method": "group_median", "group": "city_type"}},
        {"impute": {"method": "group_median", "group": "unit_type"}},
        *STEPS_TAIL,
    ]
    system = _system({}, steps=steps)
    county = system.frameworks["county"]
    xy = {**XY, PINGYIN: (None, 1.0), HUANGDAO: (None, 1.0)}
    values = compute_indicators(_statistics(xy), county)
    types = unit_type_map(county, registry, values["region_code"].unique().to_list())
    imputed = score_panel(values, county, types=types).imputations.filter(
        pl.col("indicator") == "a"
    )
    assert _by_unit(imputed, "value", "source") == {
        PINGYIN: (100.0, "group=370100/县; n=1"),
        HUANGDAO: (600.0, "group=市辖区; n=2"),
    }
