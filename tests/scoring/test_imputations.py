"""score_panel's imputations: every indicator value the scores rest on that is not the unit's own
figure of that year, on the toy framework (``tests/toy_framework.py``), whose county methodology
carries a value forward at most two years and then takes the city's median.

The toy's county indicators are ``a = x / y × 100`` and ``c = max(x, y) / y``; with ``y = 1``
they are ``100 x`` and ``x`` (every ``x`` here is at least 1), so each expected row is easy to
check by hand.
"""

import polars as pl
import pytest

from innovation_monitor.framework import IndicatorSystem
from innovation_monitor.indicators import compute_indicators
from innovation_monitor.scoring.panel import score_panel
from innovation_monitor.scoring.schemas import IMPUTATIONS_SCHEMA, MISSING
from tests.toy_framework import STEPS_TAIL, build_toy, toy_document

LIXIA, LICHENG, LAIWU_DISTRICT = "370102", "370112", "370116"  # 济南市 370100
HUANGDAO, JIAOZHOU = "370211", "370281"  # 青岛市 370200
# x of each county per year (None: not reported); y is 1 throughout.
X = {
    LIXIA: (1, None, None, None),  # carried into 2020 and 2021, then the city's median
    LICHENG: (2, 2, 2, 4),
    LAIWU_DISTRICT: (3, 3, None, 6),  # carried into 2021
    HUANGDAO: (None, 5, 5, 5),  # 2019: nothing to carry and no peer with a value: missing
    JIAOZHOU: (None, None, 7, 7),  # nothing to carry: Huangdao's value in 2020
}
YEARS = (2019, 2020, 2021, 2022)


def statistics(x: dict[str, tuple[float | None, ...]], level: str = "county") -> pl.DataFrame:
    rows = [
        (year, level, code, variable, float(value))
        for code, series in x.items()
        for year, own in zip(YEARS, series, strict=True)
        for variable, value in (("x", own), ("y", 1))
        if value is not None
    ]
    return pl.DataFrame(
        rows, schema=["year", "level", "region_code", "variable", "value"], orient="row"
    )


def with_steps(level: str, steps: list[dict]) -> IndicatorSystem:
    document = toy_document()
    document["methodology"][level]["steps"] = steps
    return build_toy(document)


def test_county_imputations_are_exact(toy_system: IndicatorSystem) -> None:
    county = toy_system.frameworks["county"]
    result = score_panel(compute_indicators(statistics(X), county), county)
    imputations = result.imputations
    assert imputations.schema == pl.Schema(IMPUTATIONS_SCHEMA)
    assert set(imputations["level"]) == {"county"}
    cf, gm = "carry_forward", "group_median"
    expected = [
        (2019, HUANGDAO, "a", None, MISSING, None),
        (2019, HUANGDAO, "c", None, MISSING, None),
        (2019, JIAOZHOU, "a", None, MISSING, None),
        (2019, JIAOZHOU, "c", None, MISSING, None),
        (2020, LIXIA, "a", 100.0, cf, "from=2019"),
        (2020, LIXIA, "c", 1.0, cf, "from=2019"),
        (2020, JIAOZHOU, "a", 500.0, gm, "group=370200; n=1"),
        (2020, JIAOZHOU, "c", 5.0, gm, "group=370200; n=1"),
        (2021, LIXIA, "a", 100.0, cf, "from=2019"),
        (2021, LIXIA, "c", 1.0, cf, "from=2019"),
        (2021, LAIWU_DISTRICT, "a", 300.0, cf, "from=2020"),
        (2021, LAIWU_DISTRICT, "c", 3.0, cf, "from=2020"),
        # three years after its last figure, beyond the limit of two: the median of 历城区 (4)
        # and 莱芜区 (6)
        (2022, LIXIA, "a", 500.0, gm, "group=370100; n=2"),
        (2022, LIXIA, "c", 5.0, gm, "group=370100; n=2"),
    ]
    assert imputations.drop("level").rows() == expected


def test_a_value_left_missing_is_what_the_aggregation_skipped(toy_system) -> None:
    county = toy_system.frameworks["county"]
    result = score_panel(compute_indicators(statistics(X), county), county)
    missing = result.imputations.filter(pl.col("method") == MISSING)
    scores = result.scores.join(
        missing.select("year", "region_code", pl.col("indicator").alias("node")),
        on=["year", "region_code", "node"],
        how="semi",
    )
    assert scores.height == missing.height == 4
    assert scores["score"].null_count() == 4 and scores["rank"].null_count() == 4


def test_the_recorded_values_are_the_values_the_scores_used(toy_system) -> None:
    """Scoring the own values with the imputed ones filled in, and no impute step, gives the
    same scores: the table holds exactly what the engine used."""
    county = toy_system.frameworks["county"]
    values = compute_indicators(statistics(X), county)
    result = score_panel(values, county)
    filled = (
        values.join(
            result.imputations.select("year", "region_code", "indicator", "value"),
            on=["year", "region_code", "indicator"],
            how="left",
            suffix="_used",
        )
        .with_columns(pl.coalesce("value", "value_used").alias("value"))
        .drop("value_used")
    )
    plain = with_steps("county", STEPS_TAIL).frameworks["county"]
    again = score_panel(filled, plain)
    assert again.imputations["method"].to_list() == [MISSING] * 4
    keys = ["year", "region_code", "node"]
    joined = result.scores.join(again.scores, on=keys, suffix="_again")
    assert joined.height == result.scores.height
    assert joined["score"].to_list() == pytest.approx(joined["score_again"].to_list(), nan_ok=True)
    assert joined["rank"].to_list() == joined["rank_again"].to_list()


def test_city_values_are_carried_and_the_first_year_stays_missing(toy_system) -> None:
    city = toy_system.frameworks["city"]  # carry_forward (limit 2) only; a, b and c
    stats = statistics({"370100": (2, None, 2, 2), "370200": (None, 3, 3, 3)}, level="city")
    counts = pl.DataFrame(
        [(year, "city", code, "z", 10.0) for year in YEARS for code in ("370100", "370200")],
        schema=stats.schema,
        orient="row",
    )
    result = score_panel(compute_indicators(pl.concat([stats, counts]), city), city)
    assert result.imputations.drop("level").rows() == [
        (2019, "370200", "a", None, MISSING, None),
        (2019, "370200", "c", None, MISSING, None),
        (2020, "370100", "a", 200.0, "carry_forward", "from=2019"),
        (2020, "370100", "c", 2.0, "carry_forward", "from=2019"),
    ]
    # b (z / y) is 10 everywhere: min-max cannot score it, but no value was missing or imputed
    b = result.scores.filter(pl.col("node") == "b")
    assert b.height == 8 and b["score"].null_count() == 8


def test_screened_out_unit_years_are_not_listed(toy_system) -> None:
    """A unit-year the methodology leaves out is not scored, so nothing of it is listed."""
    screened = with_steps(
        "county",
        [
            {"impute": {"method": "carry_forward", "limit": 2}},
            {"screen": {"min_data": 1.0}},
            *STEPS_TAIL,
        ],
    ).frameworks["county"]
    result = score_panel(compute_indicators(statistics(X), screened), screened)
    gone = {(2019, HUANGDAO), (2019, JIAOZHOU), (2020, JIAOZHOU), (2022, LIXIA)}
    scored = set(result.scores.select("year", "region_code").unique().rows())
    assert gone.isdisjoint(scored)
    assert set(result.imputations.select("year", "region_code").unique().rows()) == {
        (2020, LIXIA),
        (2021, LIXIA),
        (2021, LAIWU_DISTRICT),
    }
    assert set(result.imputations["method"]) == {"carry_forward"}


def test_nothing_imputed_gives_an_empty_typed_table(toy_system) -> None:
    county = toy_system.frameworks["county"]
    complete = {code: (1, 2, 3, 4) for code in X}
    result = score_panel(compute_indicators(statistics(complete), county), county)
    assert result.imputations.is_empty()
    assert result.imputations.schema == pl.Schema(IMPUTATIONS_SCHEMA)
    assert result.scores.height > 0


@pytest.mark.parametrize(
    ("method", "params", "source"),
    [
        ("linear", {}, "from=2019; to=2021"),
        ("knn", {"k": 2}, "k=2"),
        ("column_mean", {}, "n=4"),
    ],
)
def test_any_imputer_is_recorded_with_its_method_and_source(method, params, source) -> None:
    system = with_steps("county", [{"impute": {"method": method, **params}}, *STEPS_TAIL])
    county = system.frameworks["county"]
    x = {code: (1, 2, 3, 4) for code in X} | {LICHENG: (2, None, 4, 4)}
    result = score_panel(compute_indicators(statistics(x), county), county)
    rows = result.imputations.select("year", "region_code", "indicator", "method", "source")
    assert rows.rows() == [
        (2020, LICHENG, "a", method, source),
        (2020, LICHENG, "c", method, source),
    ]
    if method == "linear":  # between 2 (2019) and 4 (2021)
        assert result.imputations["value"].to_list() == [300.0, 3.0]
