"""Fitting on some periods and transforming all (frozen goalposts): the years fitted on keep,
to the bit, the values a build on those years alone gives them, whatever later years hold."""

import numpy as np
import pandas as pd
import pytest

from innovation_monitor.composite import Framework, run_build
from innovation_monitor.composite.normalise import normalise
from innovation_monitor.composite.treat import treat
from innovation_monitor.errors import DataError, FrameworkError

FRAMEWORK = Framework.from_dict(
    {
        "nodes": [
            {"code": "Index"},
            {"code": "P", "parent": "Index"},
            *({"code": c, "parent": "P"} for c in ("a", "b", "c")),
        ]
    }
)


def _panel(years: range, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frames = []
    for year in years:
        n = 40
        frames.append(
            pd.DataFrame(
                {
                    "uCode": [f"U{i}" for i in range(n)],
                    "Time": year,
                    "a": rng.lognormal(3, 1.5, n),  # skewed: winsorised or logged
                    "b": rng.normal(50, 10, n),
                    "c": rng.exponential(5, n) * (year - 2015),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


BUILD = [
    {"impute": {"method": "carry_forward", "limit": 2}},
    {"treat": {"method": "winsorise_then_log", "winmax": 6, "panel": "pooled"}},
    {"normalise": {"method": "minmax", "range": [0, 100], "goalposts": "pooled"}},
    {"aggregate": {"method": "arithmetic"}},
]


def _frozen(build: list[dict], years: list[int]) -> list[dict]:
    steps = [{k: dict(v) for k, v in step.items()} for step in build]
    for step in steps:
        if "treat" in step:
            step["treat"]["fit_periods"] = years
        if "normalise" in step:
            step["normalise"]["goalposts"] = {"reference_periods": years}
    return steps


def test_the_years_fitted_on_keep_their_scores_when_a_year_is_added() -> None:
    old = _panel(range(2016, 2023))
    new = _panel(range(2016, 2024))  # the same 2016–2022 rows (same seed), plus 2023
    new.loc[new["Time"] == 2023, "b"] += 100  # a new maximum: pooled goalposts would move
    assert new[new["Time"] < 2023].reset_index(drop=True).equals(old)
    published = run_build(old, FRAMEWORK, BUILD).results.scores
    frozen = run_build(new, FRAMEWORK, _frozen(BUILD, list(range(2016, 2023)))).results.scores
    kept = frozen[frozen["Time"] < 2023].reset_index(drop=True)
    pd.testing.assert_frame_equal(kept, published.reset_index(drop=True), check_exact=True)
    pooled = run_build(new, FRAMEWORK, BUILD).results.scores
    assert not pooled[pooled["Time"] < 2023].reset_index(drop=True).equals(kept)


def test_new_years_are_transformed_with_the_fitted_treatment_and_goalposts() -> None:
    data = _panel(range(2016, 2024))
    data.loc[data["Time"] == 2023, "b"] += 100
    fitted_on = list(range(2016, 2023))
    treated, record = treat(data, FRAMEWORK, panel="pooled", fit_periods=fitted_on)
    assert record.params["fit_periods"] == fitted_on
    normalised, record = normalise(
        treated, FRAMEWORK, method="minmax", goalposts={"reference_periods": fitted_on}
    )
    fit_rows = data["Time"] < 2023
    assert normalised.loc[fit_rows, ["a", "b", "c"]].min().min() == pytest.approx(0.0)
    assert normalised.loc[fit_rows, ["a", "b", "c"]].max().max() == pytest.approx(100.0)
    # 2023's "b" lies beyond the frozen maximum, and scores above it; "c" (winsorised when
    # fitted) is clipped at the fitted bound, as the fitted years were
    assert normalised.loc[~fit_rows, "b"].min() > 100.0
    assert normalised.loc[~fit_rows, "c"].max() == 100.0


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda d: treat(d, FRAMEWORK, fit_periods=[2016]), FrameworkError, "panel: pooled"),
        (lambda d: treat(d, FRAMEWORK, panel="pooled", fit_periods=[1999]), DataError, "1999"),
        (lambda d: treat(d, FRAMEWORK, panel="pooled", fit_periods=[]), FrameworkError, "empty"),
        (
            lambda d: normalise(d, FRAMEWORK, goalposts={"reference_periods": [1999]}),
            DataError,
            "1999",
        ),
    ],
)
def test_periods_to_fit_on_must_be_in_the_data(call, error, message) -> None:
    with pytest.raises(error, match=message):
        call(_panel(range(2016, 2018)))
