"""Aggregation methods worked by hand, per-level methods, thresholds, domain errors, TOPSIS."""

import numpy as np
import pandas as pd
import pytest

from innovation_monitor.composite import Framework
from innovation_monitor.composite import aggregate as aggregate_module
from innovation_monitor.composite.aggregate import aggregate
from innovation_monitor.composite.aggregators import copeland_scores
from innovation_monitor.errors import DataError, FrameworkError

NAN = np.nan


@pytest.fixture
def tree() -> Framework:
    return Framework.from_dict(
        {
            "nodes": [
                {"code": "I"},
                {"code": "P1", "parent": "I"},
                {"code": "P2", "parent": "I"},
                {"code": "x", "parent": "P1", "weight": 1},
                {"code": "y", "parent": "P1", "weight": 2},
                {"code": "z", "parent": "P2"},
            ]
        }
    )


@pytest.fixture
def values() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "uCode": ["U1", "U2", "U3"],
            "x": [10.0, NAN, 30.0],
            "y": [40.0, 20.0, 30.0],
            "z": [20.0, 50.0, NAN],
        }
    )


def same(got, expected):
    assert np.allclose(got, expected, rtol=0, atol=1e-12, equal_nan=True), (list(got), expected)


def test_arithmetic_skips_missing_and_rescales(values, tree):
    out, record = aggregate(values, tree)
    same(out["P1"], [30, 20, 30])  # U1: (10 + 2*40) / 3
    same(out["P2"], [20, 50, NAN])  # nothing to aggregate for U3
    same(out["I"], [25, 35, 30])
    assert list(out.columns) == ["uCode", "x", "y", "z", "P1", "P2", "I"]
    assert record.details.set_index("iCode").loc["P2", "missing"] == 1


def test_geometric_harmonic_generalised(values, tree):
    geo, _ = aggregate(values, tree, method="geometric")
    same(geo["P1"], [16000 ** (1 / 3), 20, 30])
    harm, _ = aggregate(values, tree, method="harmonic")
    same(harm["P1"], [20, 20, 30])  # U1: 3 / (1/10 + 2/40)
    gen, _ = aggregate(values, tree, method="generalised", p=2)
    same(gen["P1"], [np.sqrt(1100), NAN, 30])  # a missing child makes it missing (COINr)


def test_copeland_by_hand(values, tree):
    out, _ = aggregate(values, tree, method={2: "copeland"})
    same(out["P1"], [2, -2, 0])
    # no weights on both sides of a pair: a tie at one half
    same(copeland_scores(np.array([[1.0, 2.0], [2.0, 1.0]]), np.array([1.0, 1.0])), [0, 0])
    same(copeland_scores(np.array([[1.0], [NAN]]), np.array([1.0])), [0, NAN])


def test_copeland_is_antisymmetric_whatever_the_rounding_of_the_weights():
    # U1 wins on 0.1 + 0.2, U2 on 0.3: equal weight, a draw, though 0.1 + 0.2 != 0.3 in floats
    w = np.array([0.1, 0.2, 0.3])
    same(copeland_scores(np.array([[3.0, 3.0, 1.0], [1.0, 1.0, 3.0]]), w), [0, 0])
    same(copeland_scores(np.array([[1.0, 1.0, 3.0], [3.0, 3.0, 1.0]]), w), [0, 0])


def test_method_per_level(values, tree):
    out, record = aggregate(values, tree, method={2: "geometric", 3: "arithmetic"})
    same(out["I"], [(16000 ** (1 / 3) + 20) / 2, 35, 30])
    assert record.details["method"].tolist() == ["geometric", "geometric", "arithmetic"]
    string_keys, _ = aggregate(values, tree, method={"2": "geometric"})
    same(string_keys["I"], out["I"])


def test_data_threshold(values, tree):
    out, _ = aggregate(values, tree, dat_thresh=0.6)
    same(out["P1"], [30, NAN, 30])  # U2 has one child of two
    same(out["I"], [25, NAN, NAN])  # U2 and U3 each lack one pillar
    per_level, _ = aggregate(values, tree, dat_thresh={3: 1.0})
    same(per_level["I"], [25, 35, NAN])


def test_geometric_over_zero_names_aggregate_unit_and_child(values, tree):
    with pytest.raises(
        DataError, match=r"geometric mean for 'P1' \(level 2\).*'x' = 0 of unit 'U1'"
    ):
        aggregate(values.assign(x=[0.0, NAN, 30.0]), tree, method="geometric")
    # a unit below dat_thresh is not aggregated, so its zero is no error (as COINr)
    out, _ = aggregate(
        values.assign(x=[0.0, NAN, 30.0], y=[NAN, 20, 30]), tree, method="geometric", dat_thresh=0.6
    )
    assert np.isnan(out["P1"].iloc[0])


def test_other_domain_errors(values, tree):
    with pytest.raises(DataError, match=r"harmonic mean for 'P2'.*'z' = 0 of unit 'U2'"):
        aggregate(values.assign(z=[20.0, 0.0, NAN]), tree, method="harmonic")
    with pytest.raises(DataError, match=r"generalised mean.*p = -1"):
        aggregate(values.assign(y=[40.0, -1.0, 30.0]), tree, method="generalised", p=-1)
    with pytest.raises(FrameworkError, match=r"p ≠ 0"):
        aggregate(values, tree, method="generalised", p=0)
    with pytest.raises(FrameworkError, match=r"p ≠ 0"):
        aggregate(values, tree, method="generalised")


@pytest.mark.parametrize("method", ["arithmetic", "geometric", "copeland"])
@pytest.mark.parametrize("bad", [np.inf, -np.inf])
def test_infinite_children_are_refused_by_every_method(values, tree, method, bad):
    with pytest.raises(
        DataError,
        match=rf"{method} mean for 'P1' \(level 2\) cannot take 'x' = {bad:g} of unit 'U3': "
        r"every value must be finite; find the division by zero",
    ):
        aggregate(values.assign(x=[10.0, NAN, bad]), tree, method=method)


def test_infinite_child_error_names_the_period(tree):
    panel = pd.DataFrame(
        {"uCode": ["U1", "U1"], "Time": [2020, 2021], "x": [1.0, 1.0], "y": [1.0, 1.0]}
    ).assign(z=[1.0, np.inf])
    with pytest.raises(DataError, match=r"'z' = inf of unit 'U1' in 2021"):
        aggregate(panel, tree)


def test_harmonic_and_fractional_generalised_means_refuse_negative_children(values, tree):
    negative = values.assign(y=[40.0, -1.0, 30.0])
    with pytest.raises(
        DataError, match=r"harmonic mean for 'P1' \(level 2\).*'y' = -1 of unit 'U2'.*> 0"
    ):
        aggregate(negative, tree, method="harmonic")
    with pytest.raises(
        DataError, match=r"generalised mean for 'P1'.*'y' = -1 of unit 'U2'.*p = 0.5"
    ):
        aggregate(negative, tree, method="generalised", p=0.5)
    # a whole p > 0 takes negative values, as COINr: U3 is ((30² + 2·30²) / 3)^½
    squares, _ = aggregate(negative.assign(x=[10.0, 5.0, 30.0]), tree, method="generalised", p=2)
    same(squares["P1"], [np.sqrt(1100), np.sqrt(9), 30])  # U2: ((25 + 2·1) / 3)^½
    # an odd p whose mean of powers is negative has no real root: an error, not a silent NaN;
    # U2: (2³ + 2·(−5)³) / 3 = −242 / 3
    with pytest.raises(
        DataError,
        match=r"'P1' \(level 2\) of unit 'U2'.*x\^3 is -80.6667, which has no real root of order 3",
    ):
        aggregate(
            negative.assign(x=[10.0, 2.0, 30.0], y=[40.0, -5.0, 30.0]),
            tree,
            method="generalised",
            p=3,
        )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"method": "median"}, r"unknown method 'median'"),
        ({"method": {4: "geometric"}}, r"level 4; the framework builds levels \[2, 3\]"),
        ({"dat_thresh": 1.5}, r"dat_thresh for level 2 is 1.5; expected a share from 0 to 1"),
        ({"method": "generalised", "p": "2"}, r"needs a number p ≠ 0 \(got '2'\)"),
        ({"topsis": {"norm": "none"}}, r"unknown topsis parameter\(s\) \['norm'\]"),
    ],
)
def test_bad_parameters_are_named(values, tree, kwargs, message):
    with pytest.raises(FrameworkError, match=message):
        aggregate(values.fillna(1.0), tree, **kwargs)


def test_topsis_alternative_ranking(values, tree):
    complete = values.fillna({"x": 20.0, "z": 35.0})
    _, record = aggregate(complete, tree, topsis=True)
    table = record.tables["topsis"]
    assert list(table.columns) == ["uCode", "closeness", "rank"]
    assert table["closeness"].between(0, 1).all()
    assert sorted(table["rank"]) == [1, 2, 3]
    with pytest.raises(DataError, match="impute first"):
        aggregate(values, tree, topsis=True)


def test_panel_copeland_compares_within_each_period(tree):
    panel = pd.DataFrame(
        {
            "uCode": ["U1", "U2"] * 2,
            "Time": [2020, 2020, 2021, 2021],
            "x": [1.0, 2.0, 100.0, 50.0],
            "y": [1.0, 2.0, 100.0, 50.0],
            "z": [1.0, 1.0, 1.0, 1.0],
        }
    )
    out, _ = aggregate(panel, tree, method={2: "copeland"})
    same(out["P1"], [-1, 1, 1, -1])


@pytest.mark.parametrize("method", ["arithmetic", "geometric", "harmonic", "copeland"])
def test_blocks_of_rows_give_the_same_scores_and_errors(tree, monkeypatch, method):
    """A large panel is aggregated a block of rows at a time: the same scores bit for bit, and
    a domain error still names the right unit."""
    rng = np.random.default_rng(4)
    data = pd.DataFrame(
        {
            "uCode": [f"U{i}" for i in range(10)] * 3,
            "Time": np.repeat([2020, 2021, 2022], 10),
            **{c: rng.uniform(1, 100, 30) for c in ("x", "y", "z")},
        }
    )
    data.loc[[3, 17], "y"] = NAN
    whole, _ = aggregate(data, tree, method=method)
    monkeypatch.setattr(aggregate_module, "ROWS", 4)
    blocks, _ = aggregate(data, tree, method=method)
    pd.testing.assert_frame_equal(blocks, whole, check_exact=True)
    if method in ("geometric", "harmonic"):
        with pytest.raises(DataError, match=r"= 0 of unit 'U3' in 2021"):
            aggregate(
                data.assign(z=np.where(np.arange(30) == 13, 0.0, data["z"])), tree, method=method
            )
