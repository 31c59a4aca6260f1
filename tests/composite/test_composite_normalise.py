"""Normalisation methods, direction handling, goalposts for panels, overrides and errors."""

import numpy as np
import pandas as pd
import pytest

from innovation_monitor.composite import Framework
from innovation_monitor.composite.normalise import normalise
from innovation_monitor.errors import DataError, FrameworkError

NAN = np.nan


def column(values, direction=1, target=None):
    """A one-indicator data set and framework."""
    data = pd.DataFrame({"uCode": [f"U{i}" for i in range(len(values))], "x": values})
    node = {"code": "x", "parent": "I", "direction": direction}
    if target is not None:
        node["target"] = target
    return data, Framework.from_dict({"nodes": [{"code": "I"}, node]})


def normalised(values, method, direction=1, target=None, **params):
    data, fw = column(values, direction, target)
    out, _ = normalise(data, fw, method=method, **params)
    return out["x"].tolist()


def same(got, expected):
    assert np.allclose(got, expected, rtol=0, atol=1e-12, equal_nan=True), (got, expected)


def test_minmax_with_direction(toy_data, toy_framework):
    out, record = normalise(toy_data, toy_framework, method="minmax", range=[0, 100])
    same(out["b"], [100, 100 / 3, 200 / 3, 0, NAN])  # b has direction -1
    same(out["c"], [100, 0, 50, 25, 75])
    assert record.details.set_index("iCode").loc["b", "min"] == -4


def test_minmax_range_and_zero_range():
    same(normalised([1.0, 2.0, 3.0], "minmax", range=[1, 100]), [1, 50.5, 100])
    data, fw = column([2.0, 2.0, NAN])
    out, record = normalise(data, fw)
    assert out["x"].isna().all() and "zero range" in record.notes[0]


def test_zero_sd_is_noted_like_a_zero_range():
    data, fw = column([2.0, 2.0, 2.0])
    out, record = normalise(data, fw, method="zscore")
    assert out["x"].isna().all() and record.notes == ("x: zero sd → NaN",)


def test_zscore_uses_sample_sd():
    x = np.array([1.0, 2.0, 4.0, 9.0])
    expected = (x - x.mean()) / x.std(ddof=1) * 10 + 50
    same(normalised(x, "zscore", mean=50, sd=10), expected)
    same(normalised(x, "zscore", direction=-1), -(x - x.mean()) / x.std(ddof=1))


def test_rank_methods_rank_ascending_with_min_ties():
    x = [3.0, 1.0, 3.0, NAN, 7.0]
    same(normalised(x, "rank"), [2, 1, 2, NAN, 4])
    same(normalised(x, "percentile_rank"), [1 / 3, 0, 1 / 3, NAN, 1])
    same(normalised(x, "borda"), [1, 0, 1, NAN, 3])
    same(normalised(x, "rank", direction=-1), [2, 4, 2, NAN, 1])


def test_distance_and_fraction_of_max():
    x = [2.0, 4.0, 10.0, NAN]
    same(normalised(x, "distance_to_max"), [0, 0.25, 1, NAN])
    same(normalised(x, "fraction_of_max"), [0.2, 0.4, 1, NAN])
    with pytest.raises(DataError, match=r"fraction_of_max of 'x'.*maximum, which is 0"):
        normalised([-1.0, 0.0], "fraction_of_max")


def test_fraction_of_max_refuses_a_non_positive_maximum_after_the_direction_step(toy_panel):
    # direction −1 makes the values −2, −4, −8, −1: x / max would give back 2, 4, 8, 1, the
    # worst unit scoring best
    with pytest.raises(
        DataError, match=r"fraction_of_max of 'x' divides by its maximum, which is -1 after"
    ):
        normalised([2.0, 4.0, 8.0, 1.0], "fraction_of_max", direction=-1)
    # per period, the message names the period
    panel = toy_panel.assign(c=[1.0, 2.0, 3.0, -1.0, -2.0, -3.0, 1.0, 2.0, 3.0])
    fw = Framework.from_dict(
        {"nodes": [{"code": "I"}] + [{"code": c, "parent": "I"} for c in "abcd"]}
    )
    with pytest.raises(DataError, match=r"fraction_of_max of 'c' in 2021 .* which is -1"):
        normalise(panel, fw, method="fraction_of_max")


def test_distance_to_target_is_direction_aware(toy_data, toy_framework):
    others = {"c": "minmax", "d": "minmax"}  # only a and b have targets
    out, _ = normalise(toy_data, toy_framework, method="distance_to_target", indicators=others)
    same(out["a"], [100, 100, 100, NAN, 100])  # 100/10 etc., capped
    same(out["b"], [100, 200 / 3, 100, 50, NAN])  # target 2, lower is better: 2/x
    same(normalised([5.0, 20.0], "distance_to_target", target=10, cap=False, scale=1), [0.5, 2])
    with pytest.raises(FrameworkError, match=r"'c' has no target"):
        normalise(toy_data, toy_framework, method="distance_to_target")


@pytest.mark.parametrize("bad", [0.0, -1.0])
def test_ratios_refuse_non_positive_divisors(toy_panel, toy_framework, bad):
    # b has direction −1 and target 2: 2 / x is ∞ at 0 and −200 at −0.01 (below any real score)
    panel = toy_panel.fillna(1.0).assign(b=[1.0, 2.0, 3.0, 1.0, bad, 3.0, 1.0, 2.0, 3.0])
    others = {"c": "minmax", "d": "minmax"}
    with pytest.raises(
        DataError,
        match=rf"indicator 'b': unit 'U2' in 2021 has {bad:g}; distance_to_target with "
        r"direction −1 divides by the value, which must be > 0",
    ):
        normalise(panel, toy_framework, method="distance_to_target", indicators=others)
    with pytest.raises(DataError, match=r"indicator 'b': unit 'U2' in 2021 .* ratio_to_reference"):
        normalise(panel, toy_framework, method="ratio_to_reference", unit="U1")
    # direction 1 divides by the target, not the value: a zero value scores 0
    same(normalised([0.0, 5.0], "distance_to_target", target=10, scale=1), [0, 0.5])


@pytest.mark.parametrize("target", [-10.0, 0.0])
def test_distance_to_target_needs_a_positive_target(target):
    with pytest.raises(FrameworkError, match=rf"'x' has target {target:g}; .* positive target"):
        normalised([5.0, 20.0], "distance_to_target", target=target)


def test_ratio_to_reference_needs_a_positive_reference_present_in_each_period(toy_panel):
    fw = Framework.from_dict(
        {"nodes": [{"code": "I"}] + [{"code": c, "parent": "I"} for c in "abcd"]}
    )
    complete = toy_panel.fillna(1.0)
    negative = complete.assign(c=[1.0, 2.0, 3.0, -2.0, 3.0, 4.0, 3.0, 4.0, 5.0])
    with pytest.raises(
        DataError, match=r"reference unit 'U1' has -2 for 'c' in 2021; .* needs a positive value"
    ):
        normalise(negative, fw, method="ratio_to_reference", unit="U1")
    absent = complete.drop(index=7)  # U2 in 2022
    with pytest.raises(DataError, match=r"reference unit 'U2' is not in the data in 2022"):
        normalise(absent, fw, method="ratio_to_reference", unit="U2")
    # with a reference period, the reference unit must be in that period
    with pytest.raises(DataError, match=r"reference unit 'U2' is not in the data in 2021"):
        normalise(
            complete.drop(index=4),  # U2 in 2021
            fw,
            method="ratio_to_reference",
            unit="U2",
            goalposts={"reference_period": 2021},
        )


def test_ratio_to_reference(toy_data, toy_framework):
    out, _ = normalise(toy_data, toy_framework, method="ratio_to_reference", unit="U1")
    same(out["c"], [100, 20, 60, 40, 80])
    same(out["b"], [100, 100 / 3, 50, 25, NAN])  # direction -1: reference / x
    with pytest.raises(DataError, match=r"reference unit 'U9' is not in the data"):
        normalise(toy_data, toy_framework, method="ratio_to_reference", unit="U9")
    with pytest.raises(DataError, match=r"'U4' has nan for 'a'"):
        normalise(toy_data, toy_framework, method="ratio_to_reference", unit="U4")
    with pytest.raises(FrameworkError, match=r"missing required parameter\(s\) \['unit'\]"):
        normalise(toy_data, toy_framework, method="ratio_to_reference")


def test_per_indicator_overrides(toy_data, toy_framework):
    out, record = normalise(
        toy_data,
        toy_framework,
        method="minmax",
        range=[0, 10],
        indicators={"c": {"method": "rank"}, "d": {"range": [0, 1]}},
    )
    same(out["c"], [5, 1, 3, 2, 4])
    same(out["d"], [0, 0.25, NAN, 0.75, 1])
    same(out["a"], [50 / 35, 10, 0, NAN, 200 / 35])  # (x - 50) / 350 * 10
    assert record.details.set_index("iCode").loc["c", "method"] == "rank"


def test_goalposts_for_panels(toy_panel, toy_framework):
    per, _ = normalise(toy_panel, toy_framework)
    same(per["c"], [0, 50, 100] * 3)
    pooled, record = normalise(toy_panel, toy_framework, goalposts="pooled")
    same(pooled["c"], [0, 25, 50, 25, 50, 75, 50, 75, 100])
    # one fit for all years: one row per indicator, without a Time that would repeat it
    assert "Time" not in record.details.columns
    assert record.details.set_index("iCode").loc["c", ["min", "max"]].tolist() == [1, 5]
    assert record.details["iCode"].tolist() == ["a", "b", "c", "d"]
    ref, record = normalise(toy_panel, toy_framework, goalposts={"reference_period": 2020})
    same(ref["c"], [0, 50, 100, 50, 100, 150, 100, 150, 200])
    assert set(record.details["Time"]) == {2020, 2021, 2022}
    ranks, _ = normalise(toy_panel, toy_framework, method="rank", goalposts="pooled")
    same(ranks["c"], [1, 2, 4, 2, 4, 7, 4, 7, 9])


def test_goalpost_errors(toy_data, toy_panel, toy_framework):
    with pytest.raises(DataError, match=r"reference period 2019"):
        normalise(toy_panel, toy_framework, goalposts={"reference_period": 2019})
    with pytest.raises(FrameworkError, match=r"needs a 'Time' column"):
        normalise(toy_data, toy_framework, goalposts={"reference_period": 2020})
    with pytest.raises(FrameworkError, match=r"goalposts is 'global'"):
        normalise(toy_panel, toy_framework, goalposts="global")
    with pytest.raises(FrameworkError, match=r"'U1' has 3 rows"):
        normalise(
            toy_panel, toy_framework, method="ratio_to_reference", unit="U1", goalposts="pooled"
        )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"method": "min_max"}, r"unknown method 'min_max'"),
        ({"method": "minmax", "rnage": [0, 1]}, r"unknown parameter\(s\) \['rnage'\]"),
        ({"method": "minmax", "range": [100, 0]}, r"range is \[100, 0\]"),
        ({"method": "zscore", "sd": 0}, r"sd is 0"),
        ({"indicators": {"a": {"method": "log"}}}, r"indicator 'a': unknown method 'log'"),
    ],
)
def test_bad_parameters_are_named(toy_data, toy_framework, kwargs, message):
    with pytest.raises(FrameworkError, match=message):
        normalise(toy_data, toy_framework, **kwargs)
