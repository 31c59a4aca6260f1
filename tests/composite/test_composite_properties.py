"""Properties that must hold for any data: permutation, scale invariance, monotonicity, weights."""

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from method_checks import CODES, TREE  # the tree the common method suite uses

from innovation_monitor.composite import Framework, run_build
from innovation_monitor.composite.normalise import normalise
from innovation_monitor.composite.weight import weight
from innovation_monitor.composite.weighters import WEIGHTERS

FAST = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
values = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)


@st.composite
def datasets(draw, missing: bool = True) -> pd.DataFrame:
    """4 to 12 units with distinct codes; each indicator has at least two distinct values."""
    n = draw(st.integers(4, 12))
    frame = {"uCode": [f"U{i:02d}" for i in range(n)]}
    for code in CODES:
        column = draw(arrays(np.float64, n, elements=values))
        column[0], column[1] = -1e6 - 1, 1e6 + 1  # guarantee a non-zero range
        if missing:
            holes = draw(st.lists(st.integers(2, n - 1), max_size=2))
            column[holes] = np.nan
        frame[code] = column
    return pd.DataFrame(frame)


def scores(data: pd.DataFrame, steps: list[dict]) -> pd.DataFrame:
    return run_build(data, TREE, steps).results.scores.set_index("uCode").sort_index()


BUILDS = {
    "arithmetic": [{"normalise": {"range": [0, 100]}}, {"aggregate": {"method": "arithmetic"}}],
    "geometric": [
        {"treat": {}},
        {"normalise": {"range": [1, 100]}},
        {"aggregate": {"method": {2: "geometric", 3: "harmonic"}}},
    ],
    "copeland": [{"normalise": {"method": "rank"}}, {"aggregate": {"method": "copeland"}}],
}


@FAST
@given(data=datasets(), build=st.sampled_from(sorted(BUILDS)), seed=st.integers(0, 2**32 - 1))
def test_permuting_units_permutes_results(data, build, seed):
    order = np.random.default_rng(seed).permutation(len(data))
    before = scores(data, BUILDS[build])
    after = scores(data.iloc[order].reset_index(drop=True), BUILDS[build])
    pd.testing.assert_frame_equal(before, after, check_exact=False, rtol=0, atol=1e-9)


@FAST
@given(data=datasets(), code=st.sampled_from(CODES), factor=st.floats(1e-3, 1e3))
def test_scaling_an_indicator_leaves_minmax_scores_unchanged(data, code, factor):
    before, _ = normalise(data, TREE, method="minmax")
    after, _ = normalise(data.assign(**{code: data[code] * factor}), TREE, method="minmax")
    assert np.allclose(before[code], after[code], rtol=0, atol=1e-9, equal_nan=True)


@FAST
@given(
    data=datasets(),
    code=st.sampled_from(("a", "c", "d")),  # the positive-direction indicators
    unit=st.integers(0, 11),
    rise=st.floats(0, 1e7),
)
def test_raising_a_positive_value_never_lowers_the_units_score(data, code, unit, rise):
    unit %= len(data)
    raised = data.copy()
    if np.isnan(raised.loc[unit, code]):
        raised.loc[unit, code] = data[code].min()
    baseline = scores(raised, BUILDS["arithmetic"])
    raised.loc[unit, code] += rise
    after = scores(raised, BUILDS["arithmetic"])
    name = data.loc[unit, "uCode"]
    for node in ("Index", "P1" if code == "a" else "P2"):
        assert after.loc[name, node] >= baseline.loc[name, node] - 1e-9


@st.composite
def trees(draw) -> Framework:
    """Random three-level frameworks with random positive weights."""
    nodes = [{"code": "Index"}]
    for p in range(draw(st.integers(1, 4))):
        nodes.append({"code": f"P{p}", "parent": "Index", "weight": draw(st.floats(0.01, 100))})
        for i in range(draw(st.integers(1, 5))):
            weight_ = draw(st.floats(0.01, 100))
            nodes.append({"code": f"P{p}i{i}", "parent": f"P{p}", "weight": weight_})
    return Framework.from_dict({"nodes": nodes})


@FAST
@given(tree=trees())
def test_effective_weights_always_sum_to_one(tree):
    eff = tree.effective_weights()
    assert abs(eff[list(tree.indicators)].sum() - 1) < 1e-12
    for level in range(2, tree.max_level + 1):
        assert abs(eff[list(tree.codes_at(level))].sum() - 1) < 1e-12


@FAST
@given(
    tree=trees(),
    method=st.sampled_from(["entropy", "critic"]),
    level=st.sampled_from(["parent", "all"]),
    seed=st.integers(0, 2**32 - 1),
)
def test_data_driven_weights_are_the_effective_weights_where_they_apply(tree, method, level, seed):
    """``all``: every indicator's effective weight is its weight from all indicators at once;
    ``parent``: its share within its pillar is its weight from that pillar's indicators, and
    the pillars keep their effective weights."""
    rng = np.random.default_rng(seed)
    codes = list(tree.indicators)
    data = pd.DataFrame(rng.uniform(1, 100, size=(15, len(codes))), columns=codes)
    data.insert(0, "uCode", [f"U{i}" for i in range(15)])
    new, _ = weight(data, tree, method=method, level=level)
    eff = new.effective_weights()
    func = WEIGHTERS[method].function
    if level == "all" and len(codes) > 1:
        assert np.allclose(eff[codes], func(data[codes])[codes], rtol=0, atol=1e-12)
    if level == "parent":
        before = tree.effective_weights()
        for pillar in tree.codes_at(2):
            kids = list(tree.children(pillar))
            expected = func(data[kids])[kids] if len(kids) > 1 else pd.Series(1.0, index=kids)
            assert np.allclose(eff[kids] / eff[pillar], expected, rtol=0, atol=1e-12)
            assert abs(eff[pillar] - before[pillar]) < 1e-12
