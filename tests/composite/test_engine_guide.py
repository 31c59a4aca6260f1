"""docs/engine.md: every example of the engine guide runs and prints what the guide says."""

import doctest

import pytest
from method_checks import FAMILIES

from innovation_monitor.paths import PROJECT_ROOT

GUIDE = PROJECT_ROOT / "docs" / "engine.md"


@pytest.fixture
def registries_restored():
    """The guide registers an example method; leave every registry as it was, even if the
    guide fails half-way."""
    saved = {family: dict(registry) for family, registry in FAMILIES.items()}
    yield
    for family, registry in FAMILIES.items():
        registry.clear()
        registry.update(saved[family])


def test_the_engine_guide_examples_run(registries_restored):
    result = doctest.testfile(
        str(GUIDE),
        module_relative=False,
        optionflags=doctest.NORMALIZE_WHITESPACE,
        raise_on_error=False,
    )
    assert result.attempted >= 8, "the guide has lost its examples"
    assert result.failed == 0, f"{result.failed} example(s) of {GUIDE.name} failed (see above)"
