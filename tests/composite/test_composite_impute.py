"""Imputation methods: cross-sectional (per period), panel (per unit over time), scikit-learn."""

import numpy as np
import pandas as pd
import pytest

from innovation_monitor.composite import Framework, run_build
from innovation_monitor.composite.impute import impute
from innovation_monitor.errors import DataError, FrameworkError

NAN = np.nan


def test_column_mean_and_median(toy_data, toy_framework):
    out, record = impute(toy_data, toy_framework, method="column_mean")
    assert out.loc[3, "a"] == 200 and out.loc[4, "b"] == 2.5 and out.loc[2, "d"] == 30
    assert record.cells[["uCode", "iCode", "after"]].values.tolist() == [
        ["U4", "a", 200.0],
        ["U5", "b", 2.5],
        ["U3", "d", 30.0],
    ]
    assert set(record.cells["action"]) == {"imputed (column_mean)"}
    out, _ = impute(toy_data, toy_framework, method="column_median")
    assert out.loc[3, "a"] == 175


def test_group_mean_and_median(toy_data, toy_framework):
    out, record = impute(toy_data, toy_framework, method="group_mean", group="grp")
    assert out.loc[3, "a"] == 150 and out.loc[4, "b"] == 3 and out.loc[2, "d"] == 45
    assert record.details["missing_after"].sum() == 0
    # group y is skewed: a = 50, missing, 250, 1000 → mean 433.3, median 250
    skewed = pd.concat(
        [toy_data, pd.DataFrame({"uCode": ["U6"], "grp": ["y"], "a": [1000.0]})],
        ignore_index=True,
    ).fillna({"b": 1.0, "c": 1.0, "d": 1.0})
    mean, _ = impute(skewed, toy_framework, method="group_mean", group="grp")
    assert mean.loc[3, "a"] == pytest.approx(1300 / 3)
    median, _ = impute(skewed, toy_framework, method="group_median", group="grp")
    assert median.loc[3, "a"] == 250


def test_a_group_without_data_stays_missing(toy_data, toy_framework):
    data = toy_data.assign(d=[10.0, 20.0, NAN, NAN, NAN])
    out, record = impute(data, toy_framework, method="group_mean", group="grp")
    assert out["d"].isna().tolist() == [False, False, True, True, True]
    assert record.details.set_index("iCode").loc["d", "missing_after"] == 3


def test_cross_sectional_methods_work_within_each_period(toy_panel, toy_framework):
    out, _ = impute(toy_panel, toy_framework, method="column_mean")
    assert out.loc[3, "a"] == 5  # mean of 2021's 4 and 6, not of every year
    assert out.loc[0, "b"] == 1.5


def test_carry_forward_and_linear(toy_panel, toy_framework):
    out, record = impute(toy_panel, toy_framework, method="carry_forward")
    assert out["a"].tolist() == [1, 2, 3, 1, 4, 6, 3, 4, 9]
    assert np.isnan(out.loc[0, "b"])  # nothing before 2020 to carry
    assert out.loc[8, "d"] == 7
    assert len(record.cells) == 3
    gappy = toy_panel.assign(a=[1.0, 2, 3, NAN, NAN, 6, NAN, NAN, 9])
    limited, _ = impute(gappy, toy_framework, method="carry_forward", limit=1)
    assert np.allclose(limited["a"], [1, 2, 3, 1, 2, 6, NAN, NAN, 9], equal_nan=True)
    out, _ = impute(toy_panel, toy_framework, method="linear")
    assert out.loc[3, "a"] == 2  # between 1 (2020) and 3 (2022)
    assert np.isnan(out.loc[7, "a"])  # no extrapolation past U2's last value


def test_panel_methods_fill_at_most_limit_periods_in_a_row(toy_framework):
    series = [0.0, NAN, NAN, NAN, 8.0, NAN, 12.0]
    data = pd.DataFrame(
        {"uCode": "U1", "Time": range(2010, 2017), "a": series, "b": 1.0, "c": 1.0, "d": 1.0}
    )
    unlimited, _ = impute(data, toy_framework, method="carry_forward")
    assert unlimited["a"].tolist() == [0, 0, 0, 0, 8, 8, 12]
    carried, _ = impute(data, toy_framework, method="carry_forward", limit=2)
    assert np.allclose(carried["a"], [0, 0, 0, NAN, 8, 8, 12], equal_nan=True)
    unlimited, _ = impute(data, toy_framework, method="linear")
    assert unlimited["a"].tolist() == [0, 2, 4, 6, 8, 10, 12]
    interpolated, record = impute(data, toy_framework, method="linear", limit=1)
    assert np.allclose(interpolated["a"], [0, 2, NAN, NAN, 8, 10, 12], equal_nan=True)
    assert record.params["limit"] == 1


@pytest.mark.parametrize("limit", [0, 1.5, True, "2"])
def test_limit_must_be_a_whole_number_of_periods(toy_panel, toy_framework, limit):
    with pytest.raises(FrameworkError, match=rf"limit is {limit!r}; expected a whole number"):
        impute(toy_panel, toy_framework, method="carry_forward", limit=limit)


def test_linear_uses_the_spacing_of_years(toy_framework):
    data = pd.DataFrame(
        {
            "uCode": ["U1"] * 3,
            "Time": [2010, 2011, 2014],
            "a": [0.0, NAN, 8.0],
            "b": 1.0,
            "c": 1.0,
            "d": 1.0,
        }
    )
    out, _ = impute(data, toy_framework, method="linear")
    assert out.loc[1, "a"] == 2


def test_knn_fills_from_the_nearest_units():
    data = pd.DataFrame(
        {
            "uCode": ["A", "B", "C", "D"],
            "x": [1.0, 1.1, 10.0, 10.2],
            "y": [100.0, NAN, 900.0, 1000.0],
            "z": [5.0, 5.0, 50.0, NAN],
        }
    )
    fw = Framework.from_dict(
        {"nodes": [{"code": "I"}] + [{"code": c, "parent": "I"} for c in "xyz"]}
    )
    out, record = impute(data, fw, method="knn", k=1)
    assert out.loc[1, "y"] == 100 and out.loc[3, "z"] == 50
    assert len(record.cells) == 2


def test_iterative_recovers_a_linear_relation():
    x = np.arange(1.0, 21.0)
    data = pd.DataFrame({"uCode": [f"U{i}" for i in range(20)], "x": x, "y": 3 * x + 1})
    data.loc[[4, 11], "y"] = NAN
    fw = Framework.from_dict(
        {"nodes": [{"code": "I"}, {"code": "x", "parent": "I"}, {"code": "y", "parent": "I"}]}
    )
    out, _ = impute(data, fw, method="iterative")
    assert out.loc[[4, 11], "y"].tolist() == pytest.approx([16, 37], rel=1e-3)
    again, _ = impute(data, fw, method="iterative")
    assert again.equals(out)  # seeded: builds reproduce


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"method": "hot_deck"}, FrameworkError, r"unknown method 'hot_deck'"),
        ({"method": "group_mean"}, FrameworkError, r"missing required parameter\(s\) \['group'\]"),
        ({"method": "column_mean", "group": "grp"}, FrameworkError, r"\['group'\]"),
        ({"method": "group_mean", "group": "region"}, DataError, r"group column 'region'"),
        ({"method": "linear"}, FrameworkError, r"'linear' imputes along time"),
        ({"method": "knn", "limit": 2}, FrameworkError, r"unknown parameter\(s\) \['limit'\]"),
    ],
)
def test_bad_parameters_are_named(toy_data, toy_framework, kwargs, error, message):
    with pytest.raises(error, match=message):
        impute(toy_data, toy_framework, **kwargs)


def _pandas_series_fill(data: pd.DataFrame, codes: list[str], method: str, limit) -> pd.DataFrame:
    """Each unit's series filled by pandas, one unit at a time (what the engine must equal)."""
    out = data.copy()
    for _, unit in data.groupby("uCode", sort=False):
        in_time = unit.sort_values("Time")
        series = in_time[codes].set_axis(in_time["Time"].to_numpy())
        if method == "carry_forward":
            filled = series.ffill(limit=limit)
        else:
            filled = series.interpolate(method="index", limit=limit, limit_area="inside")
        out.loc[in_time.index, codes] = filled.to_numpy()
    return out


@pytest.mark.parametrize("method", ["carry_forward", "linear"])
@pytest.mark.parametrize("limit", [None, 1, 3])
def test_panel_methods_equal_pandas_unit_by_unit(method, limit):
    """All units at once, on shuffled rows with uneven years and long gaps, equal to pandas'
    ``ffill`` / ``interpolate(method="index")`` of each unit's series, bit for bit."""
    rng = np.random.default_rng(11)
    rows = []
    for unit in range(30):
        years = np.sort(rng.choice(np.arange(2000, 2030), size=rng.integers(1, 12), replace=False))
        rows += [(f"U{unit}", int(t)) for t in years]
    data = pd.DataFrame(rows, columns=["uCode", "Time"]).sample(frac=1, random_state=2)
    data = data.reset_index(drop=True)
    fw = Framework.from_dict(
        {"nodes": [{"code": "I"}] + [{"code": c, "parent": "I"} for c in ("x", "y")]}
    )
    for code in ("x", "y"):
        values = rng.lognormal(size=len(data)) * 100
        values[rng.random(len(data)) < 0.4] = np.nan
        data[code] = values
    out, _ = impute(data, fw, method=method, limit=limit)
    want = _pandas_series_fill(data, ["x", "y"], method, limit)
    assert np.array_equal(out[["x", "y"]].to_numpy(), want[["x", "y"]].to_numpy(), equal_nan=True)


# ------------------------------------------------------------------------------ sources


@pytest.mark.parametrize(
    ("method", "params", "sources"),
    [
        ("carry_forward", {}, ["from=2020", "from=2021", "from=2021"]),  # a U1, a U2, d U3
        ("linear", {}, ["from=2020; to=2022"]),
        ("group_median", {"group": "grp"}, ["group=x; n=1"] * 3),  # U3 alone in group y
        ("column_mean", {}, ["n=2", "n=2", "n=2", "n=2"]),
        ("knn", {"k": 2}, ["k=2"] * 4),
        pytest.param(
            "iterative",
            {"max_iter": 3},
            [None] * 4,
            # three rounds on a toy panel do not converge, and need not: only sources are tested
            marks=pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning"),
        ),
    ],
)
def test_each_filled_cell_names_its_source(toy_panel, toy_framework, method, params, sources):
    _, record = impute(toy_panel, toy_framework, method=method, **params)
    assert record.cells["source"].tolist() == sources
    assert list(record.cells.columns[-1:]) == ["source"]


def test_a_step_that_fills_nothing_still_has_a_source_column(toy_framework, toy_data):
    complete = toy_data.fillna(1.0)
    _, record = impute(complete, toy_framework, method="column_mean")
    assert record.cells.empty and "source" in record.cells.columns


def _shuffled_panel(seed: int) -> pd.DataFrame:
    """30 units in 3 groups over uneven years, rows shuffled, 40 % of the values missing."""
    rng = np.random.default_rng(seed)
    rows = []
    for unit in range(30):
        years = np.sort(rng.choice(np.arange(2000, 2012), size=rng.integers(1, 10), replace=False))
        rows += [(f"U{unit}", f"G{unit % 3}", int(t)) for t in years]
    data = pd.DataFrame(rows, columns=["uCode", "grp", "Time"]).sample(frac=1, random_state=seed)
    data = data.reset_index(drop=True)
    for code in ("x", "y"):
        values = rng.lognormal(size=len(data)) * 100
        values[rng.random(len(data)) < 0.4] = np.nan
        data[code] = values
    return data


XY = Framework.from_dict(
    {"nodes": [{"code": "I"}, {"code": "x", "parent": "I"}, {"code": "y", "parent": "I"}]}
)


def _fields(source: str) -> dict[str, str]:
    return dict(part.split("=", 1) for part in source.split("; "))


@pytest.mark.parametrize("limit", [None, 2])
def test_carried_and_interpolated_values_are_the_named_years_values(limit):
    """Every source points at the cells the value was made from, on shuffled rows."""
    data = _shuffled_panel(5)
    own = data.set_index(["uCode", "Time"]).sort_index()
    _, carried = impute(data, XY, method="carry_forward", limit=limit)
    assert len(carried.cells) > 20
    for cell in carried.cells.itertuples():
        year = int(_fields(cell.source)["from"])
        assert year < cell.Time and own.loc[(cell.uCode, year), cell.iCode] == cell.after
        series = own.loc[cell.uCode, cell.iCode]  # and it is the last year with a value
        assert series[(series.index > year) & (series.index < cell.Time)].isna().all()
    _, interpolated = impute(data, XY, method="linear", limit=limit)
    for cell in interpolated.cells.itertuples():
        fields = _fields(cell.source)
        lo, hi = int(fields["from"]), int(fields["to"])
        y_lo, y_hi = own.loc[(cell.uCode, lo), cell.iCode], own.loc[(cell.uCode, hi), cell.iCode]
        assert cell.after == pytest.approx(y_lo + (y_hi - y_lo) * (cell.Time - lo) / (hi - lo))


def test_a_group_statistic_names_the_group_and_its_peers():
    data = _shuffled_panel(8)
    _, record = impute(data, XY, method="group_median", group="grp")
    assert len(record.cells) > 20
    for cell in record.cells.itertuples():
        fields = _fields(cell.source)
        peers = data[(data["Time"] == cell.Time) & (data["grp"] == fields["group"])][cell.iCode]
        unit_group = data.loc[data["uCode"] == cell.uCode, "grp"].iloc[0]
        assert fields["group"] == unit_group
        assert int(fields["n"]) == peers.notna().sum()
        assert cell.after == np.median(peers.dropna())


def test_sources_come_from_the_data_set_a_build_keeps(toy_panel, toy_framework):
    """Inside a build the changed cells are read from the kept data sets: same sources."""
    steps = [
        {"impute": {"method": "carry_forward"}},
        {"impute": {"method": "group_median", "group": "grp"}},
        {"normalise": {}},
        {"aggregate": {}},
    ]
    build = run_build(toy_panel, toy_framework, steps)
    _, first = impute(toy_panel, toy_framework, method="carry_forward")
    assert build.records[0].cells.equals(first.cells)
    assert build.records[1].cells[["uCode", "Time", "iCode", "source"]].values.tolist() == [
        ["U1", 2020, "b", "group=x; n=1"]
    ]
