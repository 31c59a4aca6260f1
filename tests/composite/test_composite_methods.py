"""The method registries: every registered method passes the common checks, the schema's method
enums and the report labels name exactly the registered methods, a method registered later is
picked up by both, and the package never hides a module behind an exported name."""

import copy
import importlib
import inspect
import json
import pkgutil
from typing import Self

import numpy as np
import pytest
from method_checks import FAMILIES, check_method, registered

import innovation_monitor.composite as composite
from innovation_monitor.composite.normalisers import NORMALISERS, Goalposts, Normaliser
from innovation_monitor.composite.spec import REQUIRED
from innovation_monitor.paths import PROJECT_ROOT
from innovation_monitor.reports.labels import STEP_METHODS, Bilingual

SCHEMA = json.loads((PROJECT_ROOT / "indicators.schema.json").read_text(encoding="utf-8"))


def _step_schema(schema: dict, family: str) -> dict:
    return schema["$defs"]["step"]["properties"][family]


def disagreements(schema: dict) -> list[str]:
    """Where the schema's method enum or the report labels differ from a family's registry."""
    problems = []
    for family, registry in FAMILIES.items():
        enum = _step_schema(schema, family)["properties"]["method"]["enum"]
        labelled = {method for step, method in STEP_METHODS if step == family}
        if len(enum) != len(set(enum)):
            problems.append(f"{family}: the schema's method enum repeats a method")
        for name in registry:
            if name not in enum:
                problems.append(f"{family}: {name!r} is registered but not in the schema's enum")
            if name not in labelled:
                problems.append(f"{family}: {name!r} is registered but has no report label")
        for name in sorted({*enum, *labelled} - set(registry)):
            problems.append(f"{family}: {name!r} is in the schema or the labels but not registered")
    return problems


def test_schema_enums_registries_and_report_labels_agree():
    assert disagreements(SCHEMA) == []


def test_schema_conditions_on_required_parameters_follow_the_registry():
    """``if method in [...] then required: [param]`` lists the methods declaring it REQUIRED."""
    checked = 0
    for family, registry in FAMILIES.items():
        for rule in _step_schema(SCHEMA, family).get("allOf", []):
            for param in rule["then"]["required"]:
                needing = [n for n, cls in registry.items() if cls.defaults.get(param) is REQUIRED]
                assert rule["if"]["properties"]["method"]["enum"] == needing, (family, param)
                checked += 1
    assert checked >= 1


def test_closed_schema_steps_list_every_declared_parameter():
    for family, registry in FAMILIES.items():
        step = _step_schema(SCHEMA, family)
        if step.get("additionalProperties", True) is False:
            declared = {p for cls in registry.values() for p in cls.defaults}
            assert declared <= set(step["properties"]), (family, declared - set(step["properties"]))


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize(("family", "name"), registered())
def test_every_registered_method_passes_the_common_checks(family, name):
    check_method(family, name)


def test_the_package_exports_no_name_of_a_module():
    for info in pkgutil.iter_modules(composite.__path__):
        name = f"innovation_monitor.composite.{info.name}"
        namespace: dict = {}
        exec(f"import {name} as m", namespace)
        assert inspect.ismodule(namespace["m"]), info.name
        assert namespace["m"] is importlib.import_module(name)


# ----------------------------------------------------------------------- a method added later


class UnitInterval(Normaliser):
    """Min-max onto [0, 1]: a toy method, registered only by the fixture below."""

    recorded = ("min", "max")

    def fit(self, x: np.ndarray, goalposts: Goalposts) -> Self:
        self.min_, self.max_ = float(np.nanmin(x)), float(np.nanmax(x))
        return self

    def transform(self, x: np.ndarray) -> np.ndarray:
        return (x - self.min_) / (self.max_ - self.min_)


class UpsideDown(UnitInterval):
    """Breaks the protocol: higher values score lower."""

    def transform(self, x: np.ndarray) -> np.ndarray:
        return 1 - super().transform(x)


@pytest.fixture
def toy_normalisers():
    """Register the toy classes for one test and remove them afterwards."""
    NORMALISERS.register("unit_interval")(UnitInterval)
    NORMALISERS.register("upside_down")(UpsideDown)
    yield
    del NORMALISERS["unit_interval"], NORMALISERS["upside_down"]


def test_a_registered_normaliser_is_picked_up_by_the_common_checks(toy_normalisers):
    assert ("normalise", "unit_interval") in registered()
    check_method("normalise", "unit_interval")
    with pytest.raises(AssertionError, match="reversed"):
        check_method("normalise", "upside_down", profile="method-checks-failing")


def test_a_registered_normaliser_is_picked_up_by_the_agreement_check(toy_normalisers, monkeypatch):
    missing = {
        f"normalise: {n!r} is registered but {w}"
        for n in ("unit_interval", "upside_down")
        for w in ("not in the schema's enum", "has no report label")
    }
    assert set(disagreements(SCHEMA)) == missing
    schema = copy.deepcopy(SCHEMA)
    _step_schema(schema, "normalise")["properties"]["method"]["enum"] += [
        "unit_interval",
        "upside_down",
    ]
    for name in ("unit_interval", "upside_down"):
        monkeypatch.setitem(STEP_METHODS, ("normalise", name), Bilingual(name, name))
    assert disagreements(schema) == []


def test_registering_a_name_twice_or_a_foreign_class_is_refused(toy_normalisers):
    with pytest.raises(ValueError, match="'unit_interval' is already registered"):
        NORMALISERS.register("unit_interval")(UnitInterval)
    with pytest.raises(TypeError, match="must subclass Normaliser"):
        NORMALISERS.register("foreign")(dict)
    assert "foreign" not in NORMALISERS
