"""Fixtures for the scoring-engine tests: the COINr ASEM inputs (read in place), a small toy
framework with data, and a comparison helper that holds results to COINr's to 1e-9."""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from innovation_monitor.composite import Framework

BUILDS_DIR = Path(__file__).parent / "builds"
TOLERANCE = 1e-9


@dataclass(frozen=True)
class Asem:
    folder: Path
    data: pd.DataFrame
    imeta: pd.DataFrame
    framework: Framework


@pytest.fixture(scope="session")
def asem(coinr_asem_dir: Path) -> Asem:
    data = pd.read_csv(coinr_asem_dir / "input_ASEM_iData.csv")
    imeta = pd.read_csv(coinr_asem_dir / "input_ASEM_iMeta.csv")
    return Asem(coinr_asem_dir, data, imeta, Framework.from_imeta(imeta))


@pytest.fixture(scope="session")
def builds_dir() -> Path:
    return BUILDS_DIR


def _assert_matches(reference: pd.DataFrame, mine: pd.DataFrame, what: str) -> None:
    """Same units, every reference column present, NaN in the same cells, |diff| <= 1e-9."""
    ref = reference.set_index("uCode")
    got = mine.set_index("uCode")
    assert sorted(got.index) == sorted(ref.index), f"{what}: different units"
    missing = [c for c in ref.columns if c not in got.columns]
    assert not missing, f"{what}: columns {missing} missing"
    got = got.loc[ref.index, list(ref.columns)].astype(float)
    ref = ref.astype(float)
    nan_ref, nan_got = ref.isna().to_numpy(), got.isna().to_numpy()
    assert (nan_ref == nan_got).all(), f"{what}: missing-value positions differ"
    diff = np.nanmax(np.abs(ref.to_numpy() - got.to_numpy()))
    assert diff <= TOLERANCE, f"{what}: max abs difference {diff:g} > {TOLERANCE:g}"


@pytest.fixture(scope="session")
def assert_matches() -> Callable[[pd.DataFrame, pd.DataFrame, str], None]:
    return _assert_matches


TOY_FRAMEWORK = {
    "nodes": [
        {"code": "Index", "name_zh": "综合指数", "name_en": "Index"},
        {"code": "P1", "parent": "Index", "weight": 2, "name_zh": "投入", "name_en": "Input"},
        {"code": "P2", "parent": "Index", "weight": 1, "name_zh": "产出", "name_en": "Output"},
        {"code": "a", "parent": "P1", "denominator": "pop", "target": 10.0},
        {"code": "b", "parent": "P1", "direction": -1, "target": 2.0},
        {"code": "c", "parent": "P2", "weight": 3},
        {"code": "d", "parent": "P2"},
    ],
    "groups": ["grp"],
    "denominators": ["pop"],
}


@pytest.fixture
def toy_framework() -> Framework:
    return Framework.from_dict(TOY_FRAMEWORK)


@pytest.fixture
def toy_data() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "uCode": ["U1", "U2", "U3", "U4", "U5"],
            "grp": ["x", "x", "y", "y", "y"],
            "pop": [10.0, 20.0, 5.0, 40.0, 25.0],
            "a": [100.0, 400.0, 50.0, np.nan, 250.0],
            "b": [1.0, 3.0, 2.0, 4.0, np.nan],
            "c": [5.0, 1.0, 3.0, 2.0, 4.0],
            "d": [10.0, 20.0, np.nan, 40.0, 50.0],
        }
    )


@pytest.fixture
def toy_panel() -> pd.DataFrame:
    """Three units over three years, with gaps inside and at the ends of the series."""
    return pd.DataFrame(
        {
            "uCode": ["U1", "U2", "U3"] * 3,
            "Time": [2020] * 3 + [2021] * 3 + [2022] * 3,
            "grp": ["x", "x", "y"] * 3,
            "pop": [10.0, 20.0, 5.0] * 3,
            "a": [1.0, 2.0, 3.0, np.nan, 4.0, 6.0, 3.0, np.nan, 9.0],
            "b": [np.nan, 1.0, 2.0, 3.0, 2.0, 1.0, 5.0, 3.0, 2.0],
            "c": [1.0, 2.0, 3.0, 2.0, 3.0, 4.0, 3.0, 4.0, 5.0],
            "d": [4.0, 5.0, 6.0, 5.0, 6.0, 7.0, 6.0, 7.0, np.nan],
        }
    )
