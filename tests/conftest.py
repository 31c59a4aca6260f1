"""Shared test fixtures.

Reference data lives in ``../shared/reference`` and is read in place. When it is absent the
tests that need it skip with a reason; with ``REQUIRE_SHARED_REFERENCE=1`` (as ``.ci/run`` sets)
a missing reference fails instead.
"""

import os
from pathlib import Path

import pytest

from innovation_monitor.divisions import DivisionRegistry
from innovation_monitor.framework import IndicatorSystem, load_indicator_system
from innovation_monitor.paths import shared_reference_dir
from tests.toy_framework import build_toy, toy_document


def _reference(name: str) -> Path:
    folder = shared_reference_dir() / name
    if not folder.is_dir():
        message = f"shared reference {folder} is absent"
        if os.environ.get("REQUIRE_SHARED_REFERENCE") == "1":
            pytest.fail(message + " (REQUIRE_SHARED_REFERENCE=1)")
        pytest.skip(message)
    return folder


@pytest.fixture(scope="session")
def coinr_asem_dir() -> Path:
    """COINr 1.1.14 reference run on the ASEM example."""
    return _reference("coinr-asem")


@pytest.fixture(scope="session")
def divisions_reference_dir() -> Path:
    """Shandong division codes 1981-2024 with start/end years and successors."""
    return _reference("divisions")


@pytest.fixture(scope="session")
def census_reference_dir() -> Path:
    """Shandong 2010 and 2020 census population by city and county."""
    return _reference("census")


@pytest.fixture(scope="session")
def province_reference_dir() -> Path:
    """Shandong province-level S&T statistics 2000-2024."""
    return _reference("province")


@pytest.fixture(scope="session")
def system() -> IndicatorSystem:
    """The shipped indicators.yaml, loaded once (frozen, safe to share): for tests of the shipped
    file and of what is built from it; tests of a mechanism use ``toy_system``."""
    return load_indicator_system()


@pytest.fixture(scope="session")
def toy_system() -> IndicatorSystem:
    """The small framework of ``tests/toy_framework.py``, built once (frozen, safe to share)."""
    return build_toy(toy_document())


@pytest.fixture(scope="session")
def registry() -> DivisionRegistry:
    """The division registry, loaded once (immutable, safe to share)."""
    return DivisionRegistry.load()
