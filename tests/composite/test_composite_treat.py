"""Outlier treatment: COINr's skew/kurtosis test, winsorisation quirk, log and Box-Cox."""

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from innovation_monitor.composite import Framework
from innovation_monitor.composite.outliers import log_ct, moments, passing, winsorise
from innovation_monitor.composite.treat import treat
from innovation_monitor.errors import FrameworkError

# 1..40 plus five doubling outliers: COINr winsorises four of them, one step at a time.
FOUR_STEPS = np.array([*range(1, 41), 80, 160, 320, 640, 1280], dtype=float)
# 1..60 plus seven doubling outliers: still skewed after COINr's winmax, so it is logged.
TOO_SKEWED = np.array([*range(1, 61), *(60 * 2.0 ** np.arange(1, 8))], dtype=float)


def skewness(x: np.ndarray) -> float:
    return moments(x)[0]


def kurtosis(x: np.ndarray) -> float:
    return moments(x)[1]


def passes(x: np.ndarray, skew: float, kurt: float) -> np.ndarray:
    return passing(*moments(x), skew, kurt)


def one_indicator(values: np.ndarray, code: str = "x") -> tuple[pd.DataFrame, Framework]:
    data = pd.DataFrame({"uCode": [f"U{i}" for i in range(len(values))], code: values})
    fw = Framework.from_dict({"nodes": [{"code": "I"}, {"code": code, "parent": "I"}]})
    return data, fw


def test_moments_are_the_bias_corrected_estimators():
    rng = np.random.default_rng(7)
    x = rng.lognormal(size=30)
    assert skewness(x) == pytest.approx(stats.skew(x, bias=False), rel=1e-12)
    assert kurtosis(x) == pytest.approx(stats.kurtosis(x, bias=False), rel=1e-12)
    with_gap = np.append(x, np.nan)
    assert skewness(with_gap) == pytest.approx(skewness(x), rel=1e-15)
    assert np.isnan(skewness(np.array([1.0, 2.0]))) and np.isnan(kurtosis(np.ones(3)))


def _scipy_moments(column: np.ndarray) -> tuple[float, float]:
    """scipy's estimators of the column's values, with the engine's minimum counts (scipy
    warns about identical values, for which both are NaN)."""
    v = column[~np.isnan(column)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        skew = stats.skew(v, bias=False) if v.size >= 3 else np.nan
        kurt = stats.kurtosis(v, bias=False) if v.size >= 4 else np.nan
    return float(skew), float(kurt)


@pytest.mark.parametrize("seed", range(5))
def test_column_moments_equal_scipys_on_gappy_and_short_columns(seed):
    """Every column at once, each equal to scipy's bias-corrected estimators of its values
    (e1071 type 2) to 1e-12: long and short columns, gaps, ties and constant columns."""
    rng = np.random.default_rng(seed)
    x = rng.lognormal(0, rng.uniform(0.1, 2.5, 40), (60, 40)) * rng.uniform(-5, 5, 40)
    x[rng.random(x.shape) < 0.3] = np.nan
    x[:, 0] = 7.0  # constant
    x[:, 1] = np.round(x[:, 1])  # ties
    for j, keep in enumerate([0, 1, 2, 3, 4, 5], start=2):  # 0 to 5 values
        x[:keep, j] = rng.lognormal(size=keep)
        x[keep:, j] = np.nan
    x[:, 8] = 100 + rng.normal(size=60)  # a mean far from zero: the centring matters
    skew, kurt = moments(x)
    assert skew.shape == kurt.shape == (40,)
    for j in range(40):
        want_skew, want_kurt = _scipy_moments(x[:, j])
        for got, want in ((skew[j], want_skew), (kurt[j], want_kurt)):
            assert np.isnan(got) == np.isnan(want), j
            if not np.isnan(want):
                assert abs(got - want) <= 1e-12 * max(1.0, abs(want)), (j, got, want)
    assert np.isnan(skew[[0, 2, 3, 4]]).all() and not np.isnan(skew[5])
    assert np.isnan(kurt[[0, 2, 3, 4, 5]]).all() and not np.isnan(kurt[6])
    three = moments(x.reshape(60, 8, 5))
    assert np.array_equal(three[0], skew.reshape(8, 5), equal_nan=True)


def test_test_passes_on_either_criterion():
    assert passes(np.arange(10.0), 2, 3.5)
    assert not passes(FOUR_STEPS, 2, 3.5)
    assert passes(FOUR_STEPS, 2, 1e6)  # kurtosis under the threshold is enough
    assert passes(np.ones(10), 2, 3.5)  # nothing to treat in a constant column
    both = np.column_stack([np.arange(45.0), FOUR_STEPS])
    assert passes(both, 2, 3.5).tolist() == [True, False]


def winsorised(x: np.ndarray, winmax: int | None) -> tuple[np.ndarray, bool]:
    low, high, ok = winsorise(x, winmax=winmax, skew=2, kurtosis=3.5)
    return np.clip(x, low, high), bool(ok)


def test_winsorisation_counts_points_as_coinr_does():
    treated, ok = winsorised(FOUR_STEPS, 5)
    assert ok
    assert treated[:40].tolist() == FOUR_STEPS[:40].tolist()
    assert treated[40:].tolist() == [80, 80, 80, 80, 80]
    # After three steps it still fails: a running total of points replaced per step
    # (1 + 2 + 3 = 6 >= winmax) would have stopped there and log-transformed instead.
    three_steps = FOUR_STEPS.copy()
    three_steps[-4:] = 160
    assert not passes(three_steps, 2, 3.5)


def test_negative_skew_winsorises_the_low_end():
    treated, ok = winsorised(-FOUR_STEPS, 5)
    assert ok and treated[40:].tolist() == [-80] * 5


def coinr_winsorise(x: np.ndarray, winmax: int | None) -> tuple[np.ndarray, bool]:
    """COINr's loop written out one point at a time, with scipy's moments."""
    x = x.copy()

    def fails(v: np.ndarray) -> bool:
        skew, kurt = _scipy_moments(v)
        return not (np.isnan(skew) or np.isnan(kurt) or abs(skew) < 2 or kurt < 3.5)

    imax = imin = np.array([], dtype=int)
    while fails(x) and (winmax is None or imax.size + imin.size < winmax):
        if _scipy_moments(x)[0] >= 0:
            imax = np.flatnonzero(x == np.nanmax(x))
            x[imax] = np.nanmax(np.delete(x, imax))
        else:
            imin = np.flatnonzero(x == np.nanmin(x))
            x[imin] = np.nanmin(np.delete(x, imin))
    return x, not fails(x)


@pytest.mark.parametrize("seed", range(2))
def test_lock_step_winsorisation_equals_coinrs_loop_column_by_column(seed):
    """Long columns (past the sorted ends the steps work on), ties, gaps, both tails."""
    rng = np.random.default_rng(seed)
    n, k = 300, 12
    x = rng.lognormal(0, rng.uniform(0.5, 2.5, k), (n, k))
    x[:, 1] = np.round(x[:, 1])  # ties at the bottom
    x[:, 2] = -x[:, 2]  # skewed to the left
    x[:, 3] = np.r_[rng.normal(50, 5, n - 70), np.full(70, 500.0)]  # a tied block of outliers
    x[rng.random(x.shape) < 0.1] = np.nan
    for winmax in (3, 40, None):
        low, high, ok = winsorise(x, winmax=winmax, skew=2, kurtosis=3.5)
        for j in range(k):
            want, want_ok = coinr_winsorise(x[:, j], winmax)
            assert np.array_equal(np.clip(x[:, j], low[j], high[j]), want, equal_nan=True), j
            assert ok[j] == want_ok, j


def test_still_failing_column_gets_the_log_of_the_untreated_values():
    data, fw = one_indicator(TOO_SKEWED)
    out, record = treat(data, fw)
    expected = np.log(TOO_SKEWED - TOO_SKEWED.min() + 0.01 * np.ptp(TOO_SKEWED))
    assert np.allclose(out["x"], expected, rtol=0, atol=1e-12)
    low, high = TOO_SKEWED.min(), TOO_SKEWED.max()
    assert np.allclose(log_ct(TOO_SKEWED, low, high), expected, rtol=0, atol=1e-12)
    row = record.details.iloc[0]
    assert row["treatment"] == "log" and not row["passed_before"]
    assert set(record.cells["action"]) == {"log"} and len(record.cells) == len(TOO_SKEWED)


def test_winsorised_cells_are_flagged_high_or_low():
    data, fw = one_indicator(FOUR_STEPS)
    _, record = treat(data, fw, method="winsorise_then_log", winmax=5, skew=2.0, kurtosis=3.5)
    assert record.details.iloc[0]["winsorised"] == 4
    assert record.cells["uCode"].tolist() == ["U41", "U42", "U43", "U44"]
    assert set(record.cells["action"]) == {"winsorised (high)"}
    assert (record.cells["after"] == 80).all()
    _, low_record = treat(data.assign(x=-FOUR_STEPS), fw)
    assert set(low_record.cells["action"]) == {"winsorised (low)"}


def test_missing_values_are_left_alone():
    values = np.append(FOUR_STEPS, np.nan)
    data, fw = one_indicator(values)
    out, record = treat(data, fw)
    assert np.isnan(out["x"].iloc[-1]) and out["x"].iloc[40:45].tolist() == [80] * 5
    assert record.details.iloc[0]["winsorised"] == 4 == len(record.cells)


def test_boxcox_with_and_without_lambda():
    data, fw = one_indicator(TOO_SKEWED)
    out, record = treat(data, fw, method="boxcox", **{"lambda": 0.5})
    shifted = TOO_SKEWED - TOO_SKEWED.min() + 1
    assert np.allclose(out["x"], (np.sqrt(shifted) - 1) / 0.5)
    fitted, record = treat(data, fw, method="boxcox")
    lmbda = stats.boxcox(shifted)[1]
    assert record.details.iloc[0]["lambda"] == pytest.approx(lmbda)
    assert np.allclose(fitted["x"], stats.boxcox(shifted, lmbda=lmbda))


def test_passing_columns_and_none_are_untouched(toy_data, toy_framework):
    out, record = treat(toy_data, toy_framework)
    assert out[["a", "b", "c", "d"]].equals(toy_data[["a", "b", "c", "d"]])
    assert record.cells.empty
    out, _ = treat(toy_data, toy_framework, method="none")
    assert out[["a", "b"]].equals(toy_data[["a", "b"]])


def test_per_indicator_override():
    data = pd.DataFrame({"uCode": [f"U{i}" for i in range(45)], "x": FOUR_STEPS, "y": FOUR_STEPS})
    fw = Framework.from_dict(
        {"nodes": [{"code": "I"}, {"code": "x", "parent": "I"}, {"code": "y", "parent": "I"}]}
    )
    out, record = treat(data, fw, indicators={"y": {"method": "none"}, "x": {"winmax": 1}})
    assert out["y"].tolist() == FOUR_STEPS.tolist()
    # winmax 1: one step, still failing, so x is logged
    assert record.details.set_index("iCode").loc["x", "treatment"] == "log"


def test_panel_per_period_and_pooled():
    values = np.concatenate([FOUR_STEPS, np.arange(45.0)])
    data = pd.DataFrame(
        {"uCode": [f"U{i}" for i in range(45)] * 2, "Time": [2020] * 45 + [2021] * 45, "x": values}
    )
    fw = Framework.from_dict({"nodes": [{"code": "I"}, {"code": "x", "parent": "I"}]})
    per, record = treat(data, fw)
    assert per["x"].iloc[40:45].tolist() == [80] * 5 and per["x"].iloc[45:].equals(data["x"][45:])
    assert record.details[["Time", "treatment"]].values.tolist() == [
        [2020, "winsorised"],
        [2021, "none"],
    ]
    _, record = treat(data, fw, panel="pooled")
    assert len(record.details) == 1 and "Time" not in record.details.columns


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"method": "winsorize"}, r"unknown method 'winsorize'"),
        ({"winmx": 5}, r"unknown parameter\(s\) \['winmx'\]"),
        ({"panel": "yearly"}, r"panel is 'yearly'"),
        ({"indicators": {"zz": {"method": "none"}}}, r"unknown indicator 'zz'"),
        ({"indicators": {"a": {"method": "boxcox", "winmax": 3}}}, r"'a'.*\['winmax'\]"),
    ],
)
def test_bad_parameters_are_named(toy_data, toy_framework, kwargs, message):
    with pytest.raises(FrameworkError, match=message):
        treat(toy_data, toy_framework, **kwargs)
