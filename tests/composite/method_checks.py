"""The common checks every registered method of every step family must pass, searched by
hypothesis — the engine's counterpart of scikit-learn's ``check_estimator``.

:func:`check_method` runs the checks of one ``(family, name)``; the test module parametrises it
over :func:`registered`, so a method registered anywhere (also in a test) is checked. Methods
with a required parameter get it from :data:`EXAMPLE_PARAMS`. Data are drawn from a seeded
generator (hypothesis draws the seed, the size and the gaps), so values do not tie by accident.
Every example checks several columns, periods and permutations, so the ``method-checks``
settings profile runs a dozen examples per method (half for a method that optimises per column);
a check expected to fail (a broken toy method) runs under ``method-checks-failing``, which
reports the first failure unshrunk.
"""

from collections.abc import Callable
from dataclasses import replace

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from innovation_monitor.composite import Framework
from innovation_monitor.composite.aggregators import AGGREGATORS, Children
from innovation_monitor.composite.dataset import Data
from innovation_monitor.composite.imputers import IMPUTERS
from innovation_monitor.composite.normalisers import NORMALISERS, Block, Goalposts
from innovation_monitor.composite.registry import Method, Registry
from innovation_monitor.composite.spec import REQUIRED
from innovation_monitor.composite.treatments import TREATMENTS
from innovation_monitor.composite.tree import Node
from innovation_monitor.composite.weight import weight
from innovation_monitor.composite.weighters import WEIGHTERS

FAMILIES: dict[str, Registry] = {
    "normalise": NORMALISERS,
    "impute": IMPUTERS,
    "treat": TREATMENTS,
    "weight": WEIGHTERS,
    "aggregate": AGGREGATORS,
}
CODES = ["a", "b", "c", "d"]
TREE = Framework.from_dict(
    {
        "nodes": [
            {"code": "Index"},
            {"code": "P1", "parent": "Index", "weight": 2},
            {"code": "P2", "parent": "Index"},
            {"code": "a", "parent": "P1"},
            {"code": "b", "parent": "P1", "direction": -1},
            {"code": "c", "parent": "P2", "weight": 3},
            {"code": "d", "parent": "P2"},
        ]
    }
)
REFERENCE_UNIT = "U00"
EXAMPLE_PARAMS: dict[tuple[str, str], dict] = {
    ("normalise", "ratio_to_reference"): {"unit": REFERENCE_UNIT},
    ("impute", "group_mean"): {"group": "grp"},
    ("impute", "group_median"): {"group": "grp"},
    ("weight", "ahp"): {"matrix": {"P1": {"a": {"b": 2}}, "P2": {"c": {"d": 1 / 3}}}},
    ("aggregate", "generalised"): {"p": 2},
    # fewer chained-regression rounds: the checks are about filling, not convergence
    ("impute", "iterative"): {"max_iter": 3},
}
settings.register_profile(
    "method-checks", max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
#: methods that run a numerical optimisation per column: half the examples
OPTIMISING = {("treat", "boxcox"), ("impute", "iterative")}
settings.register_profile(
    "method-checks-optimising", settings.get_profile("method-checks"), max_examples=6
)
settings.register_profile(
    "method-checks-failing",
    settings.get_profile("method-checks"),
    phases=[Phase.explicit, Phase.generate],
)
seeds = st.integers(0, 2**32 - 1)


def registered() -> list[tuple[str, str]]:
    """Every ``(family, name)`` in the registries, at the moment of the call."""
    return [(family, name) for family, registry in FAMILIES.items() for name in registry]


def make(family: str, name: str) -> Method:
    """The method with its defaults, plus example values for its required parameters."""
    cls = FAMILIES[family][name]
    params = EXAMPLE_PARAMS.get((family, name), {})
    required = [k for k, v in cls.defaults.items() if v is REQUIRED and k not in params]
    assert not required, f"{family} {name!r}: give example values of {required} in EXAMPLE_PARAMS"
    method = cls(params, where=f"{family} {{method: {name}}}")
    method.check(family)
    return method


def check_method(family: str, name: str, *, profile: str | None = None) -> None:
    """Run the common checks of ``family`` on the registered method ``name`` (with the
    hypothesis settings ``profile``; by default ``method-checks``, or
    ``method-checks-optimising`` for the methods in :data:`OPTIMISING`)."""
    if profile is None:
        optimising = (family, name) in OPTIMISING
        profile = "method-checks-optimising" if optimising else "method-checks"
    _FAMILY_CHECKS[family](name, settings.get_profile(profile))


def _same(a: np.ndarray, b: np.ndarray, what: str, tolerance: float = 1e-9) -> None:
    assert np.array_equal(np.isnan(a), np.isnan(b)), f"{what}: missing values differ"
    assert np.allclose(a, b, rtol=tolerance, atol=tolerance, equal_nan=True), f"{what}: differ"


def _never_reversed(x: np.ndarray, out: np.ndarray, what: str) -> None:
    """Monotone: a higher x never gets a lower result."""
    present = ~np.isnan(x) & ~np.isnan(out)
    order = np.argsort(x[present], kind="stable")
    ranked = out[present][order]
    assert np.all(np.diff(ranked) >= -1e-9 * max(1.0, np.abs(ranked).max())), f"{what}: reversed"


def _column(rng: np.random.Generator, n: int, holes: int, skew: float = 0.0) -> np.ndarray:
    """Positive values (log-normal with spread ``skew``, else uniform) with ``holes`` gaps; the
    first three rows are always present."""
    x = rng.lognormal(0.0, skew, n) * 100 if skew else rng.uniform(1.0, 1000.0, n)
    x[rng.choice(np.arange(3, n), size=min(holes, n - 3), replace=False)] = np.nan
    return x


def _panel(rng: np.random.Generator, units: int, years: int, holes: int) -> pd.DataFrame:
    """``units`` units over ``years`` years, two groups, indicators with gaps per column."""
    frame = pd.DataFrame(
        {
            "uCode": [f"U{i:02d}" for i in range(units)] * years,
            "Time": np.repeat(np.arange(2020, 2020 + years), units),
            "grp": (["x", "y"] * units)[:units] * years,
        }
    )
    for code in CODES:
        frame[code] = _column(rng, units * years, holes)
    return frame


# --------------------------------------------------------------------------------- normalisers


def _normaliser_checks(name: str, checks: settings) -> None:
    @checks
    @given(
        seed=seeds,
        n=st.integers(4, 15),
        holes=st.integers(0, 3),
        direction=st.sampled_from([1, -1]),
    )
    def run(seed: int, n: int, holes: int, direction: int) -> None:
        rng = np.random.default_rng(seed)
        raw = _column(rng, n, holes)
        units = np.array([f"U{i:02d}" for i in range(n)])
        node = Node("a", 1, "P", direction=direction, target=float(np.nanmedian(raw)))
        normaliser = make("normalise", name)
        # a ratio method gets the raw values and the direction; the others get values the step
        # has already multiplied by the direction (positive here, as fraction_of_max needs)
        x = raw
        out = normaliser.fit_transform(x, Goalposts(node, units))
        assert out.shape == x.shape, "output shape differs from input"
        assert np.array_equal(np.isnan(out), np.isnan(x)), "missing-value positions change"
        _same(make("normalise", name).fit_transform(x, Goalposts(node, units)), out, "rerun")
        perm = rng.permutation(n)
        again = make("normalise", name).fit_transform(x[perm], Goalposts(node, units[perm]))
        _same(again, out[perm], "rows permuted")
        goal = np.sort(rng.choice(np.arange(1, n), size=n // 2, replace=False))
        goal = np.concatenate([[0, 1, 2], goal[goal > 2]])  # the reference unit and 3 values
        fitted = make("normalise", name).fit(x[goal], Goalposts(node, units[goal]))
        whole = make("normalise", name).fit_transform(x[goal], Goalposts(node, units[goal]))
        _same(fitted.transform(x)[goal], whole, "fit on goalpost rows, then transform")
        _never_reversed(raw * direction if normaliser.ratio else raw, out, "direction-adjusted")
        assert set(normaliser.fitted()) == set(normaliser.recorded), "recorded parameters"
        _columns_as_each_alone(name, x, units, node, goal, rng)

    run()


def _columns_as_each_alone(
    name: str, x: np.ndarray, units: np.ndarray, node: Node, goal: np.ndarray, rng
) -> None:
    """``normalise_columns`` over several columns and blocks gives, bit for bit, what fitting
    each column on each block alone gives, and the same fitted parameters (zeros of both signs
    included: the record keeps the sign the column's own fit finds)."""
    zeros = x.copy()
    zeros[3:][rng.random(x.size - 3) < 0.4] = 0.0
    zeros[3:][rng.random(x.size - 3) < 0.3] = -0.0
    columns = np.column_stack([x, zeros, 3.0 * x])
    nodes = [replace(node, code=code) for code in ("a", "b", "c")]
    half = x.size // 2
    blocks = [Block(np.arange(half), goal, 2020), Block(np.arange(half, x.size), slice(None))]
    with np.errstate(divide="ignore"):  # a ratio of a zero (the step refuses those)
        scaled, fits = make("normalise", name).normalise_columns(columns, blocks, nodes, units)
        expected = np.full(columns.shape, np.nan)
        alone = []
        for j, column_node in enumerate(nodes):
            for block in blocks:
                one = make("normalise", name)
                goalposts = Goalposts(column_node, units[block.fit], block.period)
                one.fit(columns[block.fit, j], goalposts)
                expected[block.apply, j] = one.transform(columns[block.apply, j])
                alone.append((one.fitted(), one.degenerate()))
    assert np.array_equal(scaled, expected, equal_nan=True), "columns together: values differ"
    assert np.array_equal(np.signbit(scaled), np.signbit(expected)), "columns together: signs"
    assert repr([tuple(fit) for fit in fits]) == repr(alone), "columns together: fitted"


# --------------------------------------------------------------------------------- imputers


def _imputer_checks(name: str, checks: settings) -> None:
    @checks
    @given(seed=seeds, units=st.integers(4, 10), years=st.integers(1, 3), holes=st.integers(0, 4))
    def run(seed: int, units: int, years: int, holes: int) -> None:
        rng = np.random.default_rng(seed)
        frame = _panel(rng, units, years, holes)
        data = Data.from_frame(frame, CODES)
        matrix = data.values(CODES)
        values = matrix.copy()
        out = make("impute", name).transform(data, matrix)
        assert out.shape == values.shape, "output shape differs from input"
        assert np.array_equal(matrix, values, equal_nan=True), "the input matrix changed"
        known = ~np.isnan(values)
        assert np.array_equal(out[known], values[known]), "a known value changed"
        assert not (np.isnan(out) & known).any(), "new gaps"
        rows, columns = np.nonzero(np.isnan(values) & ~np.isnan(out))
        sources = make("impute", name).sources(data, np.asarray(CODES, dtype=object)[columns], rows)
        assert len(sources) == rows.size, "one source per filled cell"
        assert all(s is None or isinstance(s, str) for s in sources), "sources are texts"
        _same(make("impute", name).transform(data, matrix), out, "rerun")
        if IMPUTERS[name].columnwise:  # the step may hand it a few columns at a time
            alone = [
                make("impute", name).transform(data, matrix[:, [j]]) for j in range(len(CODES))
            ]
            assert np.array_equal(np.hstack(alone), out, equal_nan=True), "columns alone: differ"
        if IMPUTERS[name].row_order_ties:
            return
        perm = rng.permutation(len(frame))
        shuffled = Data.from_frame(frame.iloc[perm].reset_index(drop=True), CODES)
        again = make("impute", name).transform(shuffled, shuffled.values(CODES))
        # to rounding: iterative regressions sum the rows in another order
        _same(again, out[perm], "rows permuted", 1e-6)

    run()


# --------------------------------------------------------------------------------- treatments


def _treatment_checks(name: str, checks: settings) -> None:
    @checks
    @given(seed=seeds, n=st.integers(5, 40), holes=st.integers(0, 3), skew=st.floats(0.1, 3))
    def run(seed: int, n: int, holes: int, skew: float) -> None:
        rng = np.random.default_rng(seed)
        x = np.column_stack([_column(rng, n, holes, skew), _column(rng, n, holes, skew * 2)])
        treatment = make("treat", name).fit(x)
        out = treatment.transform(x)
        assert out.shape == x.shape, "output shape differs from input"
        assert np.array_equal(np.isnan(out), np.isnan(x)), "missing-value positions change"
        _same(make("treat", name).fit_transform(x), out, "fit_transform")
        for j in range(x.shape[1]):  # columns fitted together as each fitted alone
            alone = make("treat", name).fit_transform(x[:, [j]])
            _same(alone[:, 0], out[:, j], f"column {j} fitted alone")
        perm = rng.permutation(n)
        # to the optimiser's tolerance: a fitted Box-Cox lambda moves with the summation order
        _same(make("treat", name).fit_transform(x[perm]), out[perm], "rows permuted", 1e-6)
        for j in range(x.shape[1]):
            _never_reversed(x[:, j], out[:, j], "order")
        assert treatment.passed_ is None or treatment.passed_.dtype == bool
        assert all(isinstance(t, str) for t in treatment.treatment_)
        assert (treatment.winsorised_ >= 0).all()
        untreated = treatment.treatment_ == "none"
        assert np.array_equal(out[:, untreated], x[:, untreated], equal_nan=True)

    run()


# --------------------------------------------------------------------------------- weighters


def _weighter_checks(name: str, checks: settings) -> None:
    @checks
    @given(seed=seeds, units=st.integers(6, 20))
    def run(seed: int, units: int) -> None:
        rng = np.random.default_rng(seed)
        data = _panel(rng, units, 1, 0)
        params = make("weight", name).params
        framework, record = weight(data, TREE, method=name, **params)
        assert list(framework.nodes) == list(TREE.nodes), "the nodes change"
        w = framework.weights().to_numpy()
        assert np.all(np.isfinite(w)) and np.all(w >= 0), "weights not finite and >= 0"
        effective = framework.effective_weights()[list(framework.indicators)]
        assert abs(effective.sum() - 1) < 1e-12, "effective weights do not sum to 1"
        assert list(record.details["iCode"]) == list(TREE.nodes)
        again, _ = weight(data, TREE, method=name, **params)
        _same(again.weights().to_numpy(), w, "rerun")
        shuffled = data.iloc[rng.permutation(units)].reset_index(drop=True)
        permuted, _ = weight(shuffled, TREE, method=name, **params)
        _same(permuted.weights().to_numpy(), w, "rows permuted")

    run()


# --------------------------------------------------------------------------------- aggregators


def _aggregator_checks(name: str, checks: settings) -> None:
    @checks
    @given(seed=seeds, n=st.integers(3, 12), k=st.integers(1, 5), scale=st.floats(0.01, 100))
    def run(seed: int, n: int, k: int, scale: float) -> None:
        rng = np.random.default_rng(seed)
        x = rng.uniform(1.0, 100.0, (n, k))
        x[0] = np.nan  # a unit without data
        w = rng.uniform(0.1, 5.0, k)
        kids = [f"x{j}" for j in range(k)]
        data = pd.DataFrame({"uCode": [f"U{i:02d}" for i in range(n)]})
        aggregator = make("aggregate", name)
        out = aggregator.transform(x, w, Children("A", 2, kids, data))
        assert out.shape == (n,), "one value per unit expected"
        assert np.isnan(out[0]) and not np.isnan(out[1:]).any(), "missing exactly where no data"
        _same(make("aggregate", name).transform(x, w, Children("A", 2, kids, data)), out, "rerun")
        _same(aggregator.transform(x, w * scale, Children("A", 2, kids, data)), out, "w scaled")
        perm = rng.permutation(n)
        shuffled = data.iloc[perm].reset_index(drop=True)
        _same(
            aggregator.transform(x[perm], w, Children("A", 2, kids, shuffled)),
            out[perm],
            "rows permuted",
        )
        if aggregator.mean:
            same = np.repeat(x[:, :1], k, axis=1)
            _same(
                aggregator.transform(same, w, Children("A", 2, kids, data)),
                same[:, 0],
                "identical children",
            )
            low, high = np.nanmin(x[1:], axis=1), np.nanmax(x[1:], axis=1)
            inside = (out[1:] >= low * (1 - 1e-12)) & (out[1:] <= high * (1 + 1e-12))
            assert inside.all(), "a mean outside its children's range"

    run()


_FAMILY_CHECKS: dict[str, Callable[[str, settings], None]] = {
    "normalise": _normaliser_checks,
    "impute": _imputer_checks,
    "treat": _treatment_checks,
    "weight": _weighter_checks,
    "aggregate": _aggregator_checks,
}
