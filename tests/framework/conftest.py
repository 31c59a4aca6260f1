"""Fixtures for the framework tests: the toy document (``tests/toy_framework.py``) to edit, so
the loader's checks do not depend on the shipped ``indicators.yaml``."""

from collections.abc import Callable
from typing import Any

import pytest

from innovation_monitor.framework import IndicatorSystem
from tests.toy_framework import build_toy, toy_document


@pytest.fixture
def document() -> dict[str, Any]:
    """A fresh :func:`toy_document` (tests may change it)."""
    return toy_document()


@pytest.fixture
def load_edited() -> Callable[..., IndicatorSystem]:
    """Check :func:`toy_document` after ``edit(doc)`` changed it."""

    def load(edit: Callable[[dict[str, Any]], Any]) -> IndicatorSystem:
        doc = toy_document()
        edit(doc)
        return build_toy(doc)

    return load
