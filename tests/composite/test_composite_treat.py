"""Outlier treatment: COINr's skew/kurtosis test, winsorisation quirk, log and Box-Cox."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from innovation_monitor.composite import Framework
from innovation_monitor.composite.treat import treat
from innovation_monitor.composite.treatments import kurtosis, log_ct, passes, skewness, winsorise
from innovation_monitor.errors import FrameworkError

# 1..40 plus five doubling outliers: COINr winsorises four of them, one step at a time.
FOUR_STEPS = np.array([*range(1, 41), 80, 160, 320, 640, 1280], dtype=float)
# 1..60 plus seven doubling outliers: still skewed after COINr's winmax, so it is logged.
TOO_SKEWED = np.array([*range(1, 61), *(60 * 2.0 ** np.arange(1, 8))], dtype=float)


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


def test_test_passes_on_either_criterion():
    assert passes(np.arange(10.0), 2, 3.5)
    assert not passes(FOUR_STEPS, 2, 3.5)
    assert passes(FOUR_STEPS, 2, 1e6)  # kurtosis under the threshold is enough
    assert passes(np.ones(10), 2, 3.5)  # nothing to treat in a constant column


def test_winsorisation_counts_points_as_coinr_does():
    treated, ok = winsorise(FOUR_STEPS, winmax=5, skew=2, kurtosis=3.5)
    assert ok
    assert treated[:40].tolist() == FOUR_STEPS[:40].tolist()
    assert treated[40:].tolist() == [80, 80, 80, 80, 80]
    # After three steps it still fails: a running total of points replaced per step
    # (1 + 2 + 3 = 6 >= winmax) would have stopped there and log-transformed instead.
    three_steps = FOUR_STEPS.copy()
    three_steps[-4:] = 160
    assert not passes(three_steps, 2, 3.5)


def test_negative_skew_winsorises_the_low_end():
    treated, ok = winsorise(-FOUR_STEPS, winmax=5, skew=2, kurtosis=3.5)
    assert ok and treated[40:].tolist() == [-80] * 5


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
