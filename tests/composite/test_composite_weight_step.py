"""The weight step: explicit, equal, data-driven per parent or overall, and AHP matrices."""

import numpy as np
import pandas as pd
import pytest

from innovation_monitor.composite import Framework, normalise, weight
from innovation_monitor.composite.weighting import critic_weights, entropy_weights
from innovation_monitor.errors import FrameworkError


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


def test_entropy_per_parent(normalised, toy_framework):
    new, record = weight(normalised, toy_framework, method="entropy")
    expected = entropy_weights(normalised[["c", "d"]])
    assert new["c"].weight == pytest.approx(expected["c"]) and new["d"].weight == pytest.approx(
        expected["d"]
    )
    assert new["P1"].weight == 2  # aggregates keep their weights
    assert record.details["EffWeight"][record.details["Level"] == 1].sum() == pytest.approx(1)


def test_critic_over_all_indicators(normalised, toy_framework):
    new, _ = weight(normalised, toy_framework, method="critic", level="all")
    expected = critic_weights(normalised[["a", "b", "c", "d"]])
    assert [new[c].weight for c in "abcd"] == pytest.approx(expected.tolist())


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
    ],
)
def test_bad_parameters_are_named(normalised, toy_framework, kwargs, message):
    with pytest.raises(FrameworkError, match=message):
        weight(normalised, toy_framework, **kwargs)
