"""Screening units and indicators by data availability."""

import pytest

from innovation_monitor.composite.screen import screen
from innovation_monitor.errors import DataError, FrameworkError


def test_units_below_the_threshold_are_dropped(toy_data, toy_framework):
    out, record = screen(toy_data, toy_framework, min_data=1.0)
    assert out["uCode"].tolist() == ["U1", "U2"]
    assert record.dropped_units == ("U3", "U4", "U5")
    assert record.details["data_share"].tolist() == [1, 1, 0.75, 0.75, 0.75]
    assert record.details["reason"].tolist()[2] == "too little data"
    kept, record = screen(toy_data, toy_framework, min_data=0.75)
    assert len(kept) == 5 and record.dropped_units == ()


def test_indicators_are_screened_first(toy_data, toy_framework):
    out, record = screen(toy_data, toy_framework, min_data=1.0, min_data_indicators=0.9)
    assert record.dropped_indicators == ("a", "b", "d")
    assert "a" not in out.columns and len(out) == 5  # every unit has c


def test_forced_keep_and_remove(toy_data, toy_framework):
    out, record = screen(toy_data, toy_framework, min_data=1.0, keep=["U3"], remove=["U1"])
    assert out["uCode"].tolist() == ["U2", "U3"]
    reasons = dict(zip(record.details["uCode"], record.details["reason"], strict=True))
    assert reasons["U1"] == "removed by request" and reasons["U3"] == "kept by request"


def test_bad_parameters(toy_data, toy_framework):
    with pytest.raises(FrameworkError, match=r"min_data is 90; expected a share from 0 to 1"):
        screen(toy_data, toy_framework, min_data=90)
    with pytest.raises(DataError, match=r"keep lists unit\(s\) \['U9'\]"):
        screen(toy_data, toy_framework, keep=["U9"])
    with pytest.raises(FrameworkError, match=r"\['U1'\] are in both"):
        screen(toy_data, toy_framework, keep=["U1"], remove=["U1"])
    with pytest.raises(DataError, match="no unit has at least"):
        screen(toy_data.assign(c=float("nan")), toy_framework, min_data=1.0)


def test_panel_screens_unit_years(toy_panel, toy_framework):
    out, record = screen(toy_panel, toy_framework, min_data=1.0)
    assert list(zip(out["uCode"], out["Time"], strict=True)) == [
        ("U2", 2020),
        ("U3", 2020),
        ("U2", 2021),
        ("U3", 2021),
        ("U1", 2022),
    ]
    assert list(record.details.columns[:2]) == ["uCode", "Time"]
    # only those unit-years go: U1 stays in 2022, so a bare "U1" would mislead
    assert record.dropped_units == (("U1", 2020), ("U1", 2021), ("U2", 2022), ("U3", 2022))


def test_panel_indicators_are_screened_over_all_periods(toy_panel, toy_framework):
    # a has 7 of 9 values pooled (78 %) though 2021 alone has 2 of 3 (67 %)
    _, record = screen(toy_panel, toy_framework, min_data_indicators=0.7)
    assert record.dropped_indicators == ()
    _, record = screen(toy_panel, toy_framework, min_data_indicators=0.8)
    assert record.dropped_indicators == ("a",)
