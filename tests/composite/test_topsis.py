"""Tests for TOPSIS: published textbook examples, errors and properties."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from innovation_monitor.composite.topsis import topsis
from innovation_monitor.errors import DataError, FrameworkError

# Hwang, C.-L. & Yoon, K. (1981), Multiple Attribute Decision Making: Methods and Applications,
# Springer: the fighter-aircraft example. Attributes: maximum speed (Mach), ferry range (NM),
# maximum payload (lb), acquisition cost ($10^6, a cost attribute), reliability and
# maneuverability (linguistic ratings on an interval scale). Published: d+ = 0.0545, 0.1197,
# 0.0580, 0.1009; d- = 0.0983, 0.0439, 0.0920, 0.0458; closeness 0.643, 0.268, 0.613, 0.312.
AIRCRAFT = pd.DataFrame(
    [
        [2.0, 1500, 20000, 5.5, 5, 9],
        [2.5, 2700, 18000, 6.5, 3, 5],
        [1.8, 2000, 21000, 4.5, 7, 7],
        [2.2, 1800, 20000, 5.0, 5, 5],
    ],
    index=pd.Index(["A1", "A2", "A3", "A4"], name="uCode"),
    columns=["speed", "range", "payload", "cost", "reliability", "maneuverability"],
    dtype=float,
)
AIRCRAFT_WEIGHTS = [0.2, 0.1, 0.1, 0.1, 0.2, 0.3]
AIRCRAFT_DIRECTIONS = [1, 1, 1, -1, 1, 1]


def test_hwang_yoon_fighter_aircraft() -> None:
    result = topsis(AIRCRAFT, AIRCRAFT_WEIGHTS, AIRCRAFT_DIRECTIONS)
    assert list(result.columns) == ["d_plus", "d_minus", "closeness", "rank"]
    assert result.index.equals(AIRCRAFT.index)
    # Published values are rounded to 3-4 decimals (the book rounds intermediate steps too).
    assert result["closeness"].tolist() == pytest.approx([0.643, 0.268, 0.613, 0.312], abs=1e-3)
    assert result["d_plus"].tolist() == pytest.approx([0.0545, 0.1197, 0.0580, 0.1009], abs=5e-4)
    assert result["d_minus"].tolist() == pytest.approx([0.0983, 0.0439, 0.0920, 0.0458], abs=5e-4)
    assert result["rank"].tolist() == [1, 4, 2, 3]


def test_tzeng_huang_four_alternatives() -> None:
    # Tzeng, G.-H. & Huang, J.-J. (2011), Multiple Attribute Decision Making: Methods and
    # Applications, CRC Press: 4 alternatives, 3 benefit criteria, w = (0.3, 0.4, 0.3);
    # published closeness 0.5037, 0.6581, 0.7482, 0.3340.
    X = pd.DataFrame([[5, 8, 4], [7, 6, 8], [8, 8, 6], [7, 4, 6]], columns=["c1", "c2", "c3"])
    result = topsis(X, [0.3, 0.4, 0.3])
    assert result["closeness"].tolist() == pytest.approx([0.5037, 0.6581, 0.7482, 0.3340], abs=1e-4)
    assert result["rank"].tolist() == [3, 2, 1, 4]


def test_weights_and_directions_by_name_in_any_order() -> None:
    by_position = topsis(AIRCRAFT, AIRCRAFT_WEIGHTS, AIRCRAFT_DIRECTIONS)
    names = list(AIRCRAFT.columns)
    weights = dict(zip(reversed(names), reversed(AIRCRAFT_WEIGHTS), strict=True))
    directions = pd.Series(AIRCRAFT_DIRECTIONS, index=names).iloc[::-1]
    pd.testing.assert_frame_equal(topsis(AIRCRAFT, weights, directions), by_position)


def test_weights_are_rescaled_to_sum_one() -> None:
    doubled = topsis(AIRCRAFT, [2 * w for w in AIRCRAFT_WEIGHTS], AIRCRAFT_DIRECTIONS)
    pd.testing.assert_frame_equal(doubled, topsis(AIRCRAFT, AIRCRAFT_WEIGHTS, AIRCRAFT_DIRECTIONS))


def test_no_normalisation_uses_values_as_given() -> None:
    # Two units, already on [0, 1]: unit a is the ideal on x and the anti-ideal on y.
    X = pd.DataFrame({"x": [1.0, 0.0], "y": [0.0, 1.0]}, index=["a", "b"])
    result = topsis(X, {"x": 0.75, "y": 0.25}, normalise="none")
    assert result.loc["a", "d_plus"] == pytest.approx(0.25)
    assert result.loc["a", "d_minus"] == pytest.approx(0.75)
    assert result["closeness"].tolist() == pytest.approx([0.75, 0.25])
    vector = topsis(X * 10, {"x": 0.75, "y": 0.25})
    assert vector["closeness"].tolist() == pytest.approx([0.75, 0.25])


def test_cost_direction_reverses_the_ranking() -> None:
    X = pd.DataFrame({"price": [10.0, 20.0, 30.0]}, index=["cheap", "mid", "dear"])
    assert topsis(X, [1.0])["rank"].tolist() == [3, 2, 1]
    assert topsis(X, [1.0], [-1])["rank"].tolist() == [1, 2, 3]


def test_ties_share_the_best_rank() -> None:
    X = pd.DataFrame({"a": [1.0, 2.0, 2.0, 3.0]}, index=list("pqrs"))
    assert topsis(X, [1.0])["rank"].tolist() == [4, 2, 2, 1]


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"weights": [0.5, 0.5]}, FrameworkError, r"6 weights expected"),
        ({"weights": {"speed": 1.0, "fuel": 1.0}}, FrameworkError, r"missing \['range'"),
        ({"weights": [0.2, 0.1, 0.1, -0.1, 0.2, 0.3]}, FrameworkError, "non-negative"),
        ({"weights": [0.0] * 6}, FrameworkError, "not all zero"),
        ({"directions": [1, 1, 1, 0, 1, 1]}, FrameworkError, r"\['cost'\] have \[0.0\]"),
        ({"normalise": "minmax"}, FrameworkError, "'vector' or 'none'"),
    ],
)
def test_invalid_parameters(kwargs: dict, error: type[Exception], message: str) -> None:
    arguments = {"weights": AIRCRAFT_WEIGHTS, "directions": AIRCRAFT_DIRECTIONS} | kwargs
    with pytest.raises(error, match=message):
        topsis(AIRCRAFT, **arguments)


def test_invalid_data() -> None:
    gap = AIRCRAFT.copy()
    gap.loc["A2", "range"] = np.nan
    with pytest.raises(DataError, match=r"\['range'\] for units \['A2'\]"):
        topsis(gap, AIRCRAFT_WEIGHTS)
    with pytest.raises(DataError, match=r"\['range'\] are all zero"):
        topsis(AIRCRAFT.assign(range=0.0), AIRCRAFT_WEIGHTS)
    with pytest.raises(DataError, match="same value on every weighted indicator"):
        topsis(pd.DataFrame({"a": [1.0, 1.0], "b": [2.0, 2.0]}), [1, 1])
    with pytest.raises(DataError, match="'name_zh' is not numeric"):
        topsis(AIRCRAFT.assign(name_zh="歼"), [*AIRCRAFT_WEIGHTS, 0.1])


@settings(max_examples=80, deadline=None)
@given(
    st.integers(1, 10).flatmap(
        lambda rows: st.integers(1, 5).flatmap(
            lambda cols: st.tuples(
                arrays(np.float64, (rows, cols), elements=st.floats(-100, 100)),
                st.lists(st.floats(0, 1), min_size=cols, max_size=cols),
                st.lists(st.sampled_from([1, -1]), min_size=cols, max_size=cols),
            )
        )
    ),
    st.sampled_from(["vector", "none"]),
)
def test_closeness_lies_in_unit_interval(
    case: tuple[np.ndarray, list[float], list[int]], normalise: str
) -> None:
    values, weights, directions = case
    weighted_spread = np.ptp(values, axis=0) * np.array(weights)
    assume(sum(weights) > 0 and (weighted_spread > 1e-6).any())
    assume(normalise == "none" or (np.abs(values).max(axis=0) > 0).all())
    X = pd.DataFrame(values, columns=[f"i{j}" for j in range(values.shape[1])])
    result = topsis(X, weights, directions, normalise=normalise)  # type: ignore[arg-type]
    assert result["closeness"].between(0, 1).all()
    assert (result["rank"] >= 1).all()
    assert result["rank"].min() == 1
    assert result.loc[result["closeness"].idxmax(), "rank"] == 1
