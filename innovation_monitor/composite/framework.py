"""The indicator framework as a validated tree: index → sub-indices → pillars → indicators.

Levels follow COINr: level 1 is the indicators, each aggregate sits exactly one level above its
children, and the single node without a parent (the index) is the top. The tree is data: it is
read from a COINr ``iMeta`` table, a dict or a YAML file, checked once on load, and never mutated —
steps that change weights or drop indicators get a new :class:`Framework`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

import pandas as pd

from innovation_monitor.errors import FrameworkError
from innovation_monitor.yaml_file import read_yaml

INDICATOR = "Indicator"
AGGREGATE = "Aggregate"
GROUP = "Group"
DENOMINATOR = "Denominator"
OTHER = "Other"
_TREE_TYPES = (INDICATOR, AGGREGATE)
_DATA_TYPES = (GROUP, DENOMINATOR, OTHER)


@dataclass(frozen=True)
class Node:
    """One indicator or aggregate of the framework."""

    code: str
    level: int
    parent: str | None
    weight: float = 1.0
    direction: int = 1
    name_zh: str = ""
    name_en: str = ""
    unit: str | None = None
    denominator: str | None = None
    target: float | None = None
    type: str = INDICATOR

    @property
    def name(self) -> str:
        """Display name: Chinese first, then English, then the code."""
        return self.name_zh or self.name_en or self.code


_NODE_KEYS = tuple(f.name for f in fields(Node))

# COINr iMeta column -> Node field. Name columns accept a few spellings so that iMeta tables
# written by :mod:`innovation_monitor.indicator_system` (bilingual) and by COINr both load.
_IMETA_COLUMNS = {
    "iCode": "code",
    "Level": "level",
    "Parent": "parent",
    "Weight": "weight",
    "Direction": "direction",
    "Unit": "unit",
    "Denominator": "denominator",
    "Target": "target",
    "Type": "type",
}
_IMETA_NAME_EN = ("iName_en", "name_en", "iName")
_IMETA_NAME_ZH = ("iName_zh", "name_zh")


def _missing(value: Any) -> bool:
    """True for None, NaN and blank strings: the ways a table says 'no value'."""
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


class Framework:
    """A validated indicator tree plus the names of group and denominator columns."""

    def __init__(
        self,
        nodes: Iterable[Node],
        *,
        groups: Iterable[str] = (),
        denominators: Iterable[str] = (),
        allow_zero_weights: bool = False,
        tree_checked: bool = False,
    ) -> None:
        """``tree_checked`` skips the shape checks (codes, parents, cycles, one root) when the
        caller has just run them (loading) or derives the nodes from a checked framework."""
        node_list = list(nodes)
        if not tree_checked:
            _check_tree([{"code": n.code, "parent": n.parent} for n in node_list], "framework")
        self._nodes: dict[str, Node] = {node.code: node for node in node_list}
        self.groups: tuple[str, ...] = tuple(groups)
        self.denominators: tuple[str, ...] = tuple(denominators)
        self._children: dict[str, list[str]] = {code: [] for code in self._nodes}
        for node in node_list:
            if node.parent is not None and node.parent in self._children:
                self._children[node.parent].append(node.code)
        self._validate(allow_zero_weights)

    # ----------------------------------------------------------------------------- loading

    @classmethod
    def from_records(
        cls,
        records: Iterable[Mapping[str, Any]],
        *,
        groups: Iterable[str] = (),
        denominators: Iterable[str] = (),
        source: str = "framework",
    ) -> Framework:
        """Build from plain records (keys as :class:`Node` fields); level and type may be omitted.

        Omitted levels and types are inferred from the tree (leaves are level-1 indicators), so a
        hand-written framework only needs codes, parents and weights.
        """
        raw = [dict(r) for r in records]
        if not raw:
            raise FrameworkError(f"{source}: no indicators or aggregates")
        for rec in raw:
            unknown = sorted(set(rec) - set(_NODE_KEYS))
            if unknown:
                code = rec.get("code", "?")
                raise FrameworkError(
                    f"{source}: node {code!r} has unknown field(s) {unknown}; "
                    f"expected some of {list(_NODE_KEYS)}"
                )
            if _missing(rec.get("code")):
                raise FrameworkError(f"{source}: a node has no code: {rec}")
            rec["code"] = str(rec["code"]).strip()
            rec["parent"] = None if _missing(rec.get("parent")) else str(rec["parent"]).strip()
        _check_tree(raw, source)
        levels = _infer_levels(raw, source)
        has_children = {r["parent"] for r in raw if r["parent"] is not None}
        nodes = []
        for rec in raw:
            code = rec["code"]
            inferred_type = AGGREGATE if code in has_children else INDICATOR
            given_type = None if _missing(rec.get("type")) else str(rec["type"]).strip()
            if given_type is not None and given_type != inferred_type:
                what = "has children" if inferred_type == AGGREGATE else "has no children"
                raise FrameworkError(
                    f"{source}: node {code!r} is typed {given_type!r} but {what}; "
                    f"expected type {inferred_type!r}"
                )
            given_level = rec.get("level")
            if not _missing(given_level):
                level = _as_int(given_level, f"{source}: node {code!r} level")
                if level != levels[code]:
                    raise FrameworkError(
                        f"{source}: levels inconsistent at {code!r}: it is given level {level} "
                        f"but its place in the tree makes it level {levels[code]} "
                        "(indicators are level 1, each aggregate one above its children)"
                    )
            nodes.append(
                Node(
                    code=code,
                    level=levels[code],
                    parent=rec["parent"],
                    weight=_as_float(rec.get("weight", 1.0), f"{source}: weight of {code!r}", 1.0),
                    direction=_as_direction(rec.get("direction", 1), f"{source}: {code!r}"),
                    name_zh=_as_text(rec.get("name_zh")) or "",
                    name_en=_as_text(rec.get("name_en")) or "",
                    unit=_as_text(rec.get("unit")),
                    denominator=_as_text(rec.get("denominator")),
                    target=_as_float(rec.get("target"), f"{source}: target of {code!r}", None),
                    type=inferred_type,
                )
            )
        try:
            return cls(nodes, groups=groups, denominators=denominators, tree_checked=True)
        except FrameworkError as err:
            raise FrameworkError(f"{source}: {err}") from None

    @classmethod
    def from_imeta(cls, imeta: pd.DataFrame, *, source: str = "iMeta") -> Framework:
        """Read a COINr ``iMeta`` table (``Level, iCode, iName, Direction, Weight, Parent, Type,
        Denominator, Target`` and optionally ``Unit``; ``iName_zh`` / ``name_zh`` for Chinese)."""
        if "iCode" not in imeta.columns:
            raise FrameworkError(f"{source}: column 'iCode' is missing")
        if "Parent" not in imeta.columns:
            raise FrameworkError(f"{source}: column 'Parent' is missing")
        records: list[dict[str, Any]] = []
        groups: list[str] = []
        denominators: list[str] = []
        name_en_col = next((c for c in _IMETA_NAME_EN if c in imeta.columns), None)
        name_zh_col = next((c for c in _IMETA_NAME_ZH if c in imeta.columns), None)
        for row_no, row in enumerate(imeta.to_dict("records"), start=2):
            code = row.get("iCode")
            if _missing(code):
                raise FrameworkError(f"{source}: row {row_no} has no iCode")
            row_type = None if _missing(row.get("Type")) else str(row["Type"]).strip()
            if row_type in _DATA_TYPES:
                if row_type == GROUP:
                    groups.append(str(code))
                elif row_type == DENOMINATOR:
                    denominators.append(str(code))
                continue
            if row_type is not None and row_type not in _TREE_TYPES:
                raise FrameworkError(
                    f"{source}: row {row_no} ({code}) has Type {row_type!r}; expected one of "
                    f"{list(_TREE_TYPES + _DATA_TYPES)}"
                )
            rec = {
                field: row[col]
                for col, field in _IMETA_COLUMNS.items()
                if col in row and not _missing(row[col])
            }
            if name_en_col and not _missing(row.get(name_en_col)):
                rec["name_en"] = row[name_en_col]
            if name_zh_col and not _missing(row.get(name_zh_col)):
                rec["name_zh"] = row[name_zh_col]
            records.append(rec)
        return cls.from_records(records, groups=groups, denominators=denominators, source=source)

    @classmethod
    def from_dict(cls, spec: Mapping[str, Any], *, source: str = "framework") -> Framework:
        """Read ``{nodes: [{code, parent, weight, direction, ...}], groups: [...],
        denominators: [...]}`` — the YAML form of a framework."""
        if not isinstance(spec, Mapping):
            raise FrameworkError(f"{source}: expected a mapping with a 'nodes' list")
        unknown = sorted(set(spec) - {"nodes", "groups", "denominators"})
        if unknown:
            raise FrameworkError(
                f"{source}: unknown key(s) {unknown}; expected 'nodes', 'groups', 'denominators'"
            )
        nodes = spec.get("nodes")
        if not isinstance(nodes, list) or not all(isinstance(n, Mapping) for n in nodes):
            raise FrameworkError(f"{source}: 'nodes' must be a list of mappings")
        return cls.from_records(
            nodes,
            groups=spec.get("groups") or (),
            denominators=spec.get("denominators") or (),
            source=source,
        )

    @classmethod
    def from_yaml(cls, path: Path | str) -> Framework:
        """Read a framework YAML file (see :meth:`from_dict`)."""
        return cls.from_dict(read_yaml(path, "framework file"), source=str(path))

    # ----------------------------------------------------------------------------- validation

    def _validate(self, allow_zero_weights: bool) -> None:
        for node in self._nodes.values():
            kids = self._children[node.code]
            expected_type = AGGREGATE if kids else INDICATOR
            if node.type != expected_type:
                raise FrameworkError(
                    f"node {node.code!r} is typed {node.type!r} but expected {expected_type!r}"
                )
            if node.type == INDICATOR and node.level != 1:
                raise FrameworkError(
                    f"levels inconsistent: indicator {node.code!r} has level {node.level}, "
                    "expected 1"
                )
            for kid in kids:
                if self._nodes[kid].level != node.level - 1:
                    raise FrameworkError(
                        f"levels inconsistent: {kid!r} (level {self._nodes[kid].level}) is a "
                        f"child of {node.code!r} (level {node.level}); expected level "
                        f"{node.level - 1}"
                    )
            if node.direction not in (1, -1):
                raise FrameworkError(
                    f"node {node.code!r} has direction {node.direction}; expected 1 or -1"
                )
            if (
                not math.isfinite(node.weight)
                or node.weight < 0
                or (node.weight == 0 and not allow_zero_weights)
            ):
                rule = "a number >= 0" if allow_zero_weights else "a positive number"
                raise FrameworkError(
                    f"node {node.code!r} has weight {node.weight}; expected {rule}"
                )
        for parent, kids in self._children.items():
            if kids and sum(self._nodes[k].weight for k in kids) <= 0:
                raise FrameworkError(
                    f"the weights of the children of {parent!r} ({', '.join(kids)}) sum to zero"
                )

    # ----------------------------------------------------------------------------- queries

    @property
    def nodes(self) -> dict[str, Node]:
        """All nodes by code, in input order."""
        return dict(self._nodes)

    def __getitem__(self, code: str) -> Node:
        try:
            return self._nodes[code]
        except KeyError:
            raise FrameworkError(f"framework has no node {code!r}") from None

    def __contains__(self, code: object) -> bool:
        return code in self._nodes

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Framework):
            return NotImplemented
        return (
            list(self._nodes.values()) == list(other._nodes.values())
            and self.groups == other.groups
            and self.denominators == other.denominators
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (
            f"Framework(root={self.root!r}, levels={self.max_level}, "
            f"indicators={len(self.indicators)})"
        )

    @property
    def root(self) -> str:
        """Code of the top node (the index)."""
        return next(n.code for n in self._nodes.values() if n.parent is None)

    @property
    def max_level(self) -> int:
        return self._nodes[self.root].level

    @property
    def indicators(self) -> tuple[str, ...]:
        """Indicator (level-1) codes in input order."""
        return self.codes_at(1)

    @property
    def aggregates(self) -> tuple[str, ...]:
        """Aggregate codes, level by level upwards, each level in input order."""
        return tuple(c for lev in range(2, self.max_level + 1) for c in self.codes_at(lev))

    def codes_at(self, level: int) -> tuple[str, ...]:
        return tuple(n.code for n in self._nodes.values() if n.level == level)

    def children(self, code: str) -> tuple[str, ...]:
        return tuple(self._children[self[code].code])

    def ancestors(self, code: str) -> tuple[str, ...]:
        """Parent, grandparent, ... up to the root."""
        out = []
        parent = self[code].parent
        while parent is not None:
            out.append(parent)
            parent = self._nodes[parent].parent
        return tuple(out)

    def weights(self) -> pd.Series:
        return pd.Series({c: n.weight for c, n in self._nodes.items()}, name="Weight")

    def effective_weights(self) -> pd.Series:
        """Each node's share of the index: its weight relative to its siblings, multiplied down
        the tree (COINr's ``EffWeight``); the indicators' shares sum to 1."""
        out: dict[str, float] = {}
        for code in self._nodes:
            share = 1.0
            node = self._nodes[code]
            while node.parent is not None:
                siblings = self._children[node.parent]
                share *= node.weight / sum(self._nodes[s].weight for s in siblings)
                node = self._nodes[node.parent]
            out[code] = share
        return pd.Series(out, name="EffWeight")

    def lineage(self) -> pd.DataFrame:
        """One row per indicator: the code of its ancestor at every level (COINr ``Lineage``)."""
        rows = []
        for ind in self.indicators:
            chain = (ind, *self.ancestors(ind))
            rows.append({f"Level{lev}": code for lev, code in enumerate(chain, start=1)})
        return pd.DataFrame(rows)

    def to_imeta(self) -> pd.DataFrame:
        """The framework as a COINr ``iMeta`` table (groups and denominators appended)."""
        rows = [
            {
                "Level": n.level,
                "iCode": n.code,
                "iName": n.name_en or n.name_zh,
                "iName_zh": n.name_zh,
                "Direction": n.direction,
                "Weight": n.weight,
                "Unit": n.unit,
                "Target": n.target,
                "Denominator": n.denominator,
                "Parent": n.parent,
                "Type": n.type,
            }
            for n in self._nodes.values()
        ]
        rows += [{"iCode": g, "Type": GROUP} for g in self.groups]
        rows += [{"iCode": d, "Type": DENOMINATOR} for d in self.denominators]
        return pd.DataFrame(rows)

    # ----------------------------------------------------------------------------- derived copies

    def with_weights(self, weights: Mapping[str, float]) -> Framework:
        """A copy with the given node weights replaced; zero weights are allowed here (a
        data-driven method may switch an indicator off) but siblings must not all be zero."""
        unknown = sorted(set(weights) - set(self._nodes))
        if unknown:
            raise FrameworkError(f"weights given for unknown node(s) {unknown}")
        nodes = [
            replace(n, weight=float(weights[c])) if c in weights else n
            for c, n in self._nodes.items()
        ]
        return Framework(
            nodes,
            groups=self.groups,
            denominators=self.denominators,
            allow_zero_weights=True,
            tree_checked=True,
        )

    def without(self, codes: Iterable[str]) -> Framework:
        """A copy without the given indicators; aggregates left with no children go too."""
        drop = set(codes)
        unknown = sorted(drop - set(self._nodes))
        if unknown:
            raise FrameworkError(f"cannot drop unknown node(s) {unknown}")
        changed = True
        while changed:
            changed = False
            for code, kids in self._children.items():
                if code not in drop and kids and all(k in drop for k in kids):
                    drop.add(code)
                    changed = True
        if self.root in drop:
            raise FrameworkError("dropping these indicators would leave the framework empty")
        nodes = [n for c, n in self._nodes.items() if c not in drop]
        return Framework(
            nodes, groups=self.groups, denominators=self.denominators, allow_zero_weights=True
        )


# --------------------------------------------------------------------------------- helpers


def _check_tree(records: list[dict[str, Any]], source: str) -> None:
    """Duplicate codes, unknown parents, cycles and extra roots, each reported with the codes
    involved."""
    parent_of: dict[str, str | None] = {}
    for r in records:
        if r["code"] in parent_of:
            raise FrameworkError(f"{source}: duplicate code {r['code']!r}")
        parent_of[r["code"]] = r["parent"]
    for code, parent in parent_of.items():
        if parent is not None and parent not in parent_of:
            raise FrameworkError(f"{source}: node {code!r} has unknown parent {parent!r}")
    for start in parent_of:
        path = [start]
        current = parent_of[start]
        while current is not None:
            if current in path:
                loop = [*path[path.index(current) :], current]
                raise FrameworkError(f"{source}: cycle in the framework: {' → '.join(loop)}")
            path.append(current)
            current = parent_of[current]
    roots = [code for code, parent in parent_of.items() if parent is None]
    if len(roots) != 1:
        raise FrameworkError(
            f"{source}: {len(roots)} nodes have no parent ({', '.join(roots)}); every indicator "
            "and aggregate needs a parent except the single top node (the index)"
        )


def _infer_levels(records: list[dict[str, Any]], source: str) -> dict[str, int]:
    """Level of each node from the tree: leaves 1, an aggregate one above its children."""
    children: dict[str, list[str]] = {r["code"]: [] for r in records}
    for r in records:
        if r["parent"] is not None:
            children[r["parent"]].append(r["code"])
    levels: dict[str, int] = {}

    def level_of(code: str) -> int:
        if code not in levels:
            kids = children[code]
            if not kids:
                levels[code] = 1
            else:
                kid_levels = {k: level_of(k) for k in kids}
                if len(set(kid_levels.values())) > 1:
                    detail = ", ".join(f"{k} (level {v})" for k, v in kid_levels.items())
                    raise FrameworkError(
                        f"{source}: levels inconsistent under {code!r}: its children sit at "
                        f"different levels: {detail}"
                    )
                levels[code] = next(iter(kid_levels.values())) + 1
        return levels[code]

    for r in records:
        level_of(r["code"])
    return levels


def _as_int(value: Any, what: str) -> int:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise FrameworkError(f"{what} is {value!r}; expected a whole number") from None
    if not number.is_integer():
        raise FrameworkError(f"{what} is {value!r}; expected a whole number")
    return int(number)


def _as_float(value: Any, what: str, default: float | None) -> Any:
    if _missing(value):
        return default
    if isinstance(value, bool):
        raise FrameworkError(f"{what} is {value!r}; expected a number")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise FrameworkError(f"{what} is {value!r}; expected a number") from None


def _as_direction(value: Any, what: str) -> int:
    if _missing(value):
        return 1
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise FrameworkError(f"{what} has direction {value!r}; expected 1 or -1") from None
    if number not in (1.0, -1.0):
        raise FrameworkError(f"{what} has direction {value!r}; expected 1 or -1")
    return int(number)


def _as_text(value: Any) -> str | None:
    return None if _missing(value) else str(value).strip()
