"""The indicator framework as a validated tree: index → sub-indices → pillars → indicators.

Levels follow COINr: level 1 is the indicators, each aggregate sits exactly one level above its
children, and the single node without a parent (the index) is the top. The tree is data: it is
read from a COINr ``iMeta`` table, a dict or a YAML file, checked once on load, and never mutated —
steps that change weights or drop indicators get a new :class:`Framework`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd

from innovation_monitor.composite.imeta import build_nodes, clean_records, split_imeta
from innovation_monitor.composite.tree import (
    AGGREGATE,
    DENOMINATOR,
    GROUP,
    INDICATOR,
    Node,
    check_tree,
    infer_levels,
)
from innovation_monitor.errors import FrameworkError
from innovation_monitor.yaml_file import read_yaml


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
            check_tree([{"code": n.code, "parent": n.parent} for n in node_list], "framework")
        self._nodes: dict[str, Node] = {node.code: node for node in node_list}
        self.groups: tuple[str, ...] = tuple(groups)
        self.denominators: tuple[str, ...] = tuple(denominators)
        self._children: dict[str, list[str]] = {code: [] for code in self._nodes}
        for node in node_list:
            if node.parent is not None and node.parent in self._children:
                self._children[node.parent].append(node.code)
        levels: dict[int, list[str]] = {}
        for node in self._nodes.values():
            levels.setdefault(node.level, []).append(node.code)
        self._levels = {level: tuple(codes) for level, codes in levels.items()}  # input order
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
        raw = clean_records(records, source)
        check_tree(raw, source)
        nodes = build_nodes(raw, infer_levels(raw, source), source)
        try:
            return cls(nodes, groups=groups, denominators=denominators, tree_checked=True)
        except FrameworkError as err:
            raise FrameworkError(f"{source}: {err}") from None

    @classmethod
    def from_imeta(cls, imeta: pd.DataFrame, *, source: str = "iMeta") -> Framework:
        """Read a COINr ``iMeta`` table (``Level, iCode, iName, Direction, Weight, Parent, Type,
        Denominator, Target`` and optionally ``Unit``; ``iName_zh`` / ``name_zh`` for Chinese)."""
        records, groups, denominators = split_imeta(imeta, source)
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
        return self._levels.get(level, ())

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
