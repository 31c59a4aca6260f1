"""The nodes of an indicator framework and the checks of the tree they form.

A framework is a tree of :class:`Node`: indicators (level 1, no children) and aggregates (one
level above their children), with a single node without a parent (the index). The checks here
run on plain ``{code, parent}`` records, before any node is built, so that a malformed table is
reported with the codes involved rather than as a failure further on.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from innovation_monitor.errors import FrameworkError

INDICATOR = "Indicator"
AGGREGATE = "Aggregate"
GROUP = "Group"
DENOMINATOR = "Denominator"
OTHER = "Other"
TREE_TYPES = (INDICATOR, AGGREGATE)
DATA_TYPES = (GROUP, DENOMINATOR, OTHER)


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


NODE_KEYS = tuple(f.name for f in fields(Node))


def check_tree(records: list[dict[str, Any]], source: str) -> None:
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


def infer_levels(records: list[dict[str, Any]], source: str) -> dict[str, int]:
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
