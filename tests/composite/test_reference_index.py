"""Known answers for an index in % of a reference, computed by hand: the ratio to the province
(its own row scores 100), the ratio to a standard value capped at 100 (CASTED's 监测标准值
method), and the province's own index against a base year. Three cities, three indicators,
one of them higher-is-worse; the hand computation is written out below each case."""

import numpy as np
import pandas as pd
import pytest

from innovation_monitor.composite import Framework, run_build

FRAMEWORK = {
    "nodes": [
        {"code": "Index", "name_zh": "综合指数", "name_en": "Index"},
        {"code": "P1", "parent": "Index", "weight": 2, "name_zh": "投入", "name_en": "Input"},
        {"code": "P2", "parent": "Index", "weight": 1, "name_zh": "产出", "name_en": "Output"},
        {"code": "rd", "parent": "P1", "weight": 1, "target": 3.0},
        {"code": "talent", "parent": "P1", "weight": 3, "target": 50.0},
        # energy use per unit of GDP: lower is better
        {"code": "energy", "parent": "P2", "direction": -1, "target": 0.4},
    ],
}
PROVINCE = "370000"
DATA = pd.DataFrame(
    {
        "uCode": ["A", "B", "C", PROVINCE] * 2,
        "Time": [2020] * 4 + [2021] * 4,
        "rd": [3.0, 1.5, 2.4, 2.0, 3.3, 1.5, 2.4, 2.5],
        "talent": [60.0, 30.0, 45.0, 40.0, 66.0, 33.0, 45.0, 44.0],
        "energy": [0.5, 1.0, 0.8, 0.8, 0.5, 0.9, 0.8, 0.72],
    }
)


def _index(steps: list[dict]) -> pd.Series:
    build = run_build(DATA, Framework.from_dict(FRAMEWORK), {"steps": steps})
    scores = build.results.scores
    return scores.set_index(["Time", "uCode"])["Index"]


def _by_hand(rd: float, talent: float, energy: float) -> float:
    """Pillar 1 = (rd + 3 talent) / 4, pillar 2 = energy; index = (2 P1 + P2) / 3."""
    return (2 * (rd + 3 * talent) / 4 + energy) / 3


def test_the_index_in_percent_of_the_province_and_the_province_at_100() -> None:
    index = _index(
        [
            {"normalise": {"method": "ratio_to_reference", "unit": PROVINCE, "scale": 100}},
            {"aggregate": {"method": "arithmetic"}},
        ]
    )
    # 2020, city A: rd 3.0/2.0 = 150 %, talent 60/40 = 150 %, energy 0.8/0.5 = 160 % (inverted)
    assert index[2020, "A"] == pytest.approx(_by_hand(150, 150, 160), abs=1e-12)
    # city B: 75 %, 75 %, 80 %; city C: 120 %, 112.5 %, 100 %
    assert index[2020, "B"] == pytest.approx(_by_hand(75, 75, 80), abs=1e-12)
    assert index[2020, "C"] == pytest.approx(_by_hand(120, 112.5, 100), abs=1e-12)
    # 2021 against the province of 2021: A 132, 150, 144
    assert index[2021, "A"] == pytest.approx(_by_hand(132, 150, 144), abs=1e-12)
    for year in (2020, 2021):
        assert index[year, PROVINCE] == pytest.approx(100.0, abs=1e-12)


def test_the_ratio_to_a_standard_value_is_capped_at_100() -> None:
    index = _index(
        [
            {"normalise": {"method": "distance_to_target", "scale": 100, "cap": True}},
            {"aggregate": {"method": "arithmetic"}},
        ]
    )
    # A 2020: rd 3.0/3 = 100, talent 60/50 = 120 → 100 (cap), energy 0.4/0.5 = 80
    assert index[2020, "A"] == pytest.approx(_by_hand(100, 100, 80), abs=1e-12)
    # B 2020: 50, 60, 40
    assert index[2020, "B"] == pytest.approx(_by_hand(50, 60, 40), abs=1e-12)
    # C 2021: 80, 90, 50
    assert index[2021, "C"] == pytest.approx(_by_hand(80, 90, 50), abs=1e-12)
    assert (index <= 100 + 1e-12).all()


def test_the_province_index_against_its_base_year() -> None:
    """Each indicator of a year divided by the province's own value in 2020 (the base year):
    the province's 2021 index is its growth on 2020, in %; 2020 itself is 100."""
    province = DATA[DATA["uCode"] == PROVINCE].reset_index(drop=True)
    build = run_build(
        province,
        Framework.from_dict(FRAMEWORK),
        {
            "steps": [
                {
                    "normalise": {
                        "method": "ratio_to_reference",
                        "unit": PROVINCE,
                        "goalposts": {"reference_period": 2020},
                    }
                },
                {"aggregate": {"method": "arithmetic"}},
            ]
        },
    )
    index = build.results.scores.set_index("Time")["Index"]
    # 2021: rd 2.5/2.0 = 125, talent 44/40 = 110, energy 0.8/0.72 = 111.11… (inverted)
    assert index[2020] == pytest.approx(100.0, abs=1e-12)
    assert index[2021] == pytest.approx(_by_hand(125, 110, 0.8 / 0.72 * 100), abs=1e-12)


def test_a_reference_without_a_positive_value_is_a_clear_error() -> None:
    data = DATA.copy()
    data.loc[(data["uCode"] == PROVINCE) & (data["Time"] == 2021), "rd"] = np.nan
    with pytest.raises(Exception, match=r"reference unit '370000' has nan for 'rd' in 2021"):
        run_build(
            data,
            Framework.from_dict(FRAMEWORK),
            {"steps": [{"normalise": {"method": "ratio_to_reference", "unit": PROVINCE}}]},
        )
