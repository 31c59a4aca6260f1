"""County types for 分类评价: which units are ranked, tiered and imputed together, and the
weights each type's own index uses.

002 asks for classified, layered evaluation with common and type-specific indicators (分类分层，
共性指标和个性指标). Every county-level unit belongs to one type: by default the registry's
administrative type (市辖区, 县级市, 县), or a functional classification the evaluator lists
per unit in a YAML file (``methodology.county.types.file``). A type's ``weights`` replace the
framework's weights of the listed indicators or pillars for that type's own index: an indicator
weighted 0 in the common framework and above 0 for one type is that type's own indicator
(个性指标). The province-wide ranking always uses the common weights.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from innovation_monitor.errors import DataError, FrameworkError
from innovation_monitor.yaml_file import read_yaml

#: the registry's county-level types, in the order reports list them
REGISTRY_TYPES: dict[str, str] = {
    "市辖区": "Urban districts",
    "县级市": "County-level cities",
    "县": "Counties",
}


@dataclass(frozen=True)
class UnitType:
    """One type: ``name_zh`` is what the warehouse stores as ``unit_type``."""

    name_zh: str
    name_en: str
    weights: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class UnitTypes:
    """The types of a level, best-known first, and (from a file) each unit's type."""

    types: tuple[UnitType, ...]
    source: str = "registry"  # or the classification file's path
    assigned: Mapping[str, str] = field(default_factory=dict)

    def type_of(self, code: str, registry_type: str) -> str:
        """The unit's type: its listed one (from a file) or the registry's."""
        if self.source == "registry":
            return registry_type
        try:
            return self.assigned[code]
        except KeyError:
            raise DataError(
                f"{self.source}: unit {code} has no type; list it under one of "
                f"{', '.join(t.name_zh for t in self.types)}"
            ) from None

    def get(self, name_zh: str) -> UnitType:
        """The type named ``name_zh``."""
        for unit_type in self.types:
            if unit_type.name_zh == name_zh:
                return unit_type
        raise FrameworkError(
            f"unit type {name_zh!r} is not one of {', '.join(t.name_zh for t in self.types)}"
        )

    @property
    def weighted(self) -> bool:
        """Whether some type has weights of its own."""
        return any(t.weights for t in self.types)


Fail = Callable[[Sequence[Any], str], FrameworkError]


def parse_unit_types(
    raw: Mapping[str, Any] | None,
    keys: list[Any],
    base: Path,
    nodes: Mapping[str, float],
    fail: Fail,
) -> UnitTypes | None:
    """The ``types`` section of a level's methodology, checked: ``nodes`` are the framework's
    indicator and pillar codes with their common weights; ``base`` the folder the file is
    relative to."""
    if raw is None:
        return None
    weights = raw.get("weights", {})
    source = raw.get("file")
    if source is None:
        types = [UnitType(zh, en) for zh, en in REGISTRY_TYPES.items()]
        assigned: dict[str, str] = {}
        where = "registry"
    else:
        path = base / source
        types, assigned = _classification(path, fail, [*keys, "file"])
        where = str(path)
    names = [t.name_zh for t in types]
    for name, given in weights.items():
        if name not in names:
            raise fail([*keys, "weights", name], f"expected one of the types {', '.join(names)}")
        unknown = sorted(set(given) - set(nodes))
        if unknown:
            raise fail([*keys, "weights", name], f"{unknown}: not indicators or pillars")
    return UnitTypes(
        tuple(UnitType(t.name_zh, t.name_en, weights.get(t.name_zh, {})) for t in types),
        where,
        assigned,
    )


def _classification(
    path: Path, fail: Fail, keys: list[Any]
) -> tuple[list[UnitType], dict[str, str]]:
    """A functional classification file: ``types: [{name_zh, name_en, units: [code, …]}]``,
    each unit in exactly one type."""
    if not path.is_file():
        raise fail(keys, f"{path}: no such file; expected a YAML list of types with their units")
    document = read_yaml(path, "county type classification")
    listed = document.get("types") if isinstance(document, dict) else None
    if not isinstance(listed, list) or not listed:
        raise fail(keys, f"{path}: expected `types:` a list of {{name_zh, name_en, units}}")
    types: list[UnitType] = []
    assigned: dict[str, str] = {}
    for i, entry in enumerate(listed):
        where = f"{path}: types[{i}]"
        if not isinstance(entry, dict) or not {"name_zh", "name_en", "units"} <= set(entry):
            raise fail(keys, f"{where}: expected name_zh, name_en and units")
        for code in entry["units"]:
            code = str(code)
            if code in assigned:
                raise fail(keys, f"{where}: unit {code} is already of type {assigned[code]}")
            assigned[code] = str(entry["name_zh"])
        types.append(UnitType(str(entry["name_zh"]), str(entry["name_en"])))
    return types, assigned
