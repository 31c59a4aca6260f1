"""Denomination by the framework's denominator columns, overrides and bad data."""

import numpy as np
import pytest

from innovation_monitor.composite.denominate import denominate
from innovation_monitor.errors import DataError, FrameworkError


def test_divides_by_the_framework_denominator(toy_data, toy_framework):
    out, record = denominate(toy_data, toy_framework)
    assert out["a"].tolist()[:3] == [10.0, 20.0, 10.0] and np.isnan(out["a"].iloc[3])
    assert out["b"].equals(toy_data["b"]) and out["grp"].equals(toy_data["grp"])
    assert record.details.to_dict("records") == [{"iCode": "a", "denominator": "pop", "scale": 1.0}]
    assert len(record.cells) == 4 and set(record.cells["action"]) == {"divided by pop"}
    assert toy_data["a"].iloc[0] == 100.0  # the input is not modified


def test_scale_and_overrides(toy_data, toy_framework):
    out, _ = denominate(toy_data, toy_framework, scale=1000)
    assert out["a"].iloc[0] == 10_000
    out, record = denominate(
        toy_data,
        toy_framework,
        indicators={"a": {"denominator": None}, "c": {"denominator": "pop"}},
    )
    assert out["a"].equals(toy_data["a"]) and out["c"].iloc[1] == 1 / 20
    assert record.details["iCode"].tolist() == ["c"]


def test_missing_denominator_gives_a_missing_value(toy_data, toy_framework):
    out, _ = denominate(toy_data.assign(pop=[10.0, np.nan, 5.0, 40.0, 25.0]), toy_framework)
    assert np.isnan(out["a"].iloc[1])


def test_bad_denominators_are_named(toy_data, toy_framework):
    with pytest.raises(DataError, match=r"denominator column 'pop' \(for a\) is not in the data"):
        denominate(toy_data.drop(columns="pop"), toy_framework)
    with pytest.raises(DataError, match=r"unit 'U2' has denominator 'pop' = 0"):
        denominate(toy_data.assign(pop=[10.0, 0.0, 5.0, 40.0, 25.0]), toy_framework)
    with pytest.raises(DataError, match=r"column 'pop' is not numeric: unit 'U1' has 'ten'"):
        denominate(toy_data.assign(pop=["ten", "20", "5", "40", "25"]), toy_framework)
    with pytest.raises(FrameworkError, match=r"unknown parameter\(s\) \['by'\]"):
        denominate(toy_data, toy_framework, indicators={"a": {"by": "pop"}})


def test_indicator_missing_or_not_numeric_is_a_data_error(toy_data, toy_framework):
    with pytest.raises(DataError, match=r"indicator 'd' is in the framework but not in the data"):
        denominate(toy_data.drop(columns="d"), toy_framework)
    bad = toy_data.astype({"c": object})
    bad.loc[2, "c"] = "n/a"
    with pytest.raises(DataError, match=r"column 'c' is not numeric: unit 'U3' has 'n/a'"):
        denominate(bad, toy_framework)
