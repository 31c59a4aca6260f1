"""The weight step: explicit, equal, data-driven per parent or overall, and AHP matrices."""

import math

import numpy as np
import pandas as pd
import pytest

from innovation_monitor.composite import Framework
from innovation_monitor.composite.normalise import normalise
from innovation_monitor.composite.weight import weight
from innovation_monitor.errors import DataError, FrameworkError


@pytest.fixture
def normalised(toy_data, toy_framework) -> pd.DataFrame:
    complete = toy_data.fillna({"a": 200.0, "b": 2.5, "d": 30.0})
    out, _ = normalise(complete, toy_framework, range=[1, 100])
    return out


def test_explicit_keeps_and_equal_resets(normalised, toy_framework):
    same, record = weight(normalised, toy_framework, method="explicit")
    assert same == toy_framework
    assert record.details.set_index("iCode")["EffWeight"]["d"] == pytest.approx(1 / 12)
    equal, record = weight(normalised, toy_framework, method="equal")
    assert set(equal.weights()) == {1.0}
    assert record.details.set_index("iCode")["weight_before"]["c"] == 3


@pytest.fixture
def two_units() -> tuple[pd.DataFrame, Framework]:
    """Two units, so every share is worked by hand: x (1, 4), y (2, 16), z (1, 3), v (3, 1)."""
    data = pd.DataFrame(
        {"uCode": ["U1", "U2"], "x": [1.0, 4.0], "y": [2.0, 16.0], "z": [1.0, 3.0], "v": [3.0, 1.0]}
    )
    nodes = [
        {"code": "I"},
        {"code": "P1", "parent": "I", "weight": 3},
        {"code": "P2", "parent": "I"},
    ]
    nodes += [{"code": c, "parent": "P1" if c in "xy" else "P2", "weight": 5} for c in "xyzv"]
    return data, Framework.from_dict({"nodes": nodes})


def entropy_divergence(shares: list[float]) -> float:
    """1 − e for one column, e = −Σ p ln p / ln n (here n = 2 units)."""
    return 1 + sum(p * math.log(p) for p in shares) / math.log(2)


# 1 − e of each column: x has shares (0.2, 0.8), y (1/9, 8/9), z and v (0.25, 0.75)
D = {
    "x": entropy_divergence([0.2, 0.8]),  # 0.27807190511...
    "y": entropy_divergence([1 / 9, 8 / 9]),  # 0.49674166522...
    "z": entropy_divergence([0.25, 0.75]),  # 0.18872187554...
    "v": entropy_divergence([0.75, 0.25]),
}


def test_entropy_per_parent(two_units):
    data, fw = two_units
    new, record = weight(data, fw, method="entropy")
    assert new["x"].weight == pytest.approx(0.35888879048891)  # D[x] / (D[x] + D[y])
    assert new["y"].weight == pytest.approx(0.64111120951109)
    assert (new["z"].weight, new["v"].weight) == pytest.approx((0.5, 0.5))  # mirror images
    assert (new["P1"].weight, new["P2"].weight) == (3, 1)  # aggregates keep their weights
    eff = record.details.set_index("iCode")["EffWeight"]
    assert eff["x"] == pytest.approx(0.75 * 0.35888879048891)


def test_entropy_over_all_indicators_gives_the_effective_weights(two_units):
    data, fw = two_units
    new, record = weight(data, fw, method="entropy", level="all")
    total = sum(D.values())
    expected = {c: D[c] / total for c in "xyzv"}  # x 0.2413..., y 0.4311..., z = v 0.1638...
    assert expected["x"] == pytest.approx(0.24132795682327)
    eff = record.details.set_index("iCode")["EffWeight"]
    assert [eff[c] for c in "xyzv"] == pytest.approx([expected[c] for c in "xyzv"])
    # each pillar weighs what its indicators weigh together, not its old 3 : 1
    assert new["P1"].weight == pytest.approx(expected["x"] + expected["y"])


def test_critic_over_all_indicators(two_units):
    data, fw = two_units
    _, record = weight(data, fw, method="critic", level="all")
    # scaled columns are (0, 1) except v (1, 0): same sd σ, r = +1 among x, y, z and −1 with v,
    # so C = 2σ for x, y, z and 6σ for v
    eff = record.details.set_index("iCode")["EffWeight"]
    assert [eff[c] for c in "xyzv"] == pytest.approx([1 / 6, 1 / 6, 1 / 6, 1 / 2])


def test_entropy_can_shift_negative_columns(two_units):
    data, fw = two_units
    negative = data.assign(x=[-3.0, 0.0])  # shifted by its minimum: (0, 3), one share is 0
    with pytest.raises(DataError, match=r"\['x'\] contain negative values.*negative to 'shift'"):
        weight(negative, fw, method="entropy")
    new, _ = weight(negative, fw, method="entropy", negative="shift")
    # x has shares (0, 1): e = 0, so 1 − e = 1
    assert new["x"].weight == pytest.approx(1 / (1 + D["y"]))


def test_ahp_matrix_per_parent(normalised, toy_framework):
    new, record = weight(
        normalised, toy_framework, method="ahp", matrix={"Index": {"P1": {"P2": 3}}}
    )
    assert (new["P1"].weight, new["P2"].weight) == pytest.approx((0.75, 0.25))
    assert new["c"].weight == 3  # untouched parents keep their weights
    assert record.tables["ahp"]["consistency_ratio"].iloc[0] == pytest.approx(0)


def test_ahp_errors(normalised, toy_framework):
    with pytest.raises(FrameworkError, match=r"'c' is not a child; expected \['a', 'b'\]"):
        weight(normalised, toy_framework, method="ahp", matrix={"P1": {"a": {"c": 2}}})
    with pytest.raises(FrameworkError, match=r"no comparison of 'a' with 'b'"):
        weight(normalised, toy_framework, method="ahp", matrix={"P1": {}})
    with pytest.raises(FrameworkError, match=r"ahp needs 'matrix"):
        weight(normalised, toy_framework, method="ahp")
    with pytest.raises(FrameworkError, match=r"'a' is not an aggregate"):
        weight(normalised, toy_framework, method="ahp", matrix={"a": {}})
    with pytest.raises(FrameworkError, match=r"\[P1, P2\] = -3"):
        weight(normalised, toy_framework, method="ahp", matrix={"Index": {"P1": {"P2": -3}}})


def test_inconsistent_judgements_are_refused():
    fw = Framework.from_dict(
        {"nodes": [{"code": "I"}] + [{"code": c, "parent": "I"} for c in "xyz"]}
    )
    data = pd.DataFrame({"uCode": ["U1", "U2"], "x": [1.0, 2], "y": [1.0, 2], "z": [1.0, 2]})
    # x > y, y > z but z > x: intransitive
    matrix = {"I": {"x": {"y": 9, "z": 1 / 9}, "y": {"z": 9}}}
    with pytest.raises(FrameworkError, match=r"consistency ratio .* exceeds 0.1"):
        weight(data, fw, method="ahp", matrix=matrix)
    relaxed, _ = weight(data, fw, method="ahp", matrix=matrix, max_consistency_ratio=None)
    assert np.isclose(sum(relaxed[c].weight for c in "xyz"), 1)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"method": "random"}, r"unknown method 'random'"),
        ({"method": "entropy", "level": "pillar"}, r"level is 'pillar'"),
        ({"method": "equal", "level": "all"}, r"unknown parameter\(s\) \['level'\]"),
        ({"method": "critic", "negative": "shift"}, r"unknown parameter\(s\) \['negative'\]"),
        ({"method": "entropy", "negative": "clip"}, r"negative must be 'raise' or 'shift'"),
    ],
)
def test_bad_parameters_are_named(normalised, toy_framework, kwargs, message):
    with pytest.raises(FrameworkError, match=message):
        weight(normalised, toy_framework, **kwargs)
