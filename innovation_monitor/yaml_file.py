"""Reading the project's YAML files (framework, build, manifest): safely, with clear errors.

Some of them come with a data folder from outside, so parsing is bounded: a size limit, only the
standard tags (no Python objects, no custom ``!tags``), and a limit on what aliases expand to, so
that a "billion laughs" document is refused at once instead of filling memory in the checks that
walk it. Anchors and merge keys (``<<: *plan``) work as usual.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from innovation_monitor.errors import FrameworkError, InnovationMonitorError

MAX_YAML_BYTES = 5 * 1024 * 1024
"""Largest YAML file read (the shipped ``indicators.yaml`` is about 60 kB)."""

MAX_YAML_NODES = 1_000_000
"""Most nodes a document may have once every alias is expanded."""

STANDARD_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}"
    for name in ("null", "bool", "int", "float", "str", "timestamp", "seq", "map", "merge")
)
"""The tags a document may hold, implicitly or written out (``!!str``)."""


@dataclass(frozen=True)
class YamlDocument:
    """A parsed YAML file: its data, and its node tree for the line of a key."""

    path: Path
    data: Any
    root: yaml.Node | None

    def line(self, *keys: str | int) -> int | None:
        """The 1-based line of the mapping key or list item at ``keys`` (``"files", 0, "path"``),
        also when the key comes from a merged anchor; None when there is no such key."""
        found: tuple[yaml.Node, yaml.Node] | None = None
        node = self.root
        for key in keys:
            found = _child(node, key) if node is not None else None
            if found is None:
                return None
            node = found[1]
        return found[0].start_mark.line + 1 if found is not None else None


def _child(node: yaml.Node, key: str | int) -> tuple[yaml.Node, yaml.Node] | None:
    """The (key node, value node) of a mapping's ``key`` or (item, item) of a sequence's;
    merge keys are followed."""
    if isinstance(node, yaml.SequenceNode) and isinstance(key, int):
        return (node.value[key],) * 2 if 0 <= key < len(node.value) else None
    if not isinstance(node, yaml.MappingNode):
        return None
    merged: list[yaml.Node] = []
    for key_node, value_node in node.value:
        if key_node.tag.endswith(":merge"):
            many = isinstance(value_node, yaml.SequenceNode)
            merged += value_node.value if many else [value_node]
        elif isinstance(key_node, yaml.ScalarNode) and key_node.value == str(key):
            return key_node, value_node
    for source in merged:
        found = _child(source, key)
        if found is not None:
            return found
    return None


def load_yaml(
    path: Path | str, what: str, error: type[InnovationMonitorError] = FrameworkError
) -> YamlDocument:
    """Parse ``path`` within the limits above; any problem raises ``error`` naming the file,
    ``what`` it is and, for bad YAML, the line and column."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_YAML_BYTES:
            raise error(
                f"{path}: the {what} is {size / 2**20:.1f} MB; at most "
                f"{MAX_YAML_BYTES // 2**20} MB of YAML is read"
            )
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        reason = getattr(err, "strerror", None) or str(err)
        raise error(f"{path}: cannot read the {what} ({reason})") from None
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return YamlDocument(path, None, None)
        _check_nodes(root, path, what, error)
        return YamlDocument(path, loader.construct_document(root), root)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}:" if mark else ""
        problem = getattr(err, "problem", None) or str(err)
        raise error(f"{path}:{where} not valid YAML in the {what} ({problem})") from None
    except RecursionError:
        raise error(f"{path}: the {what} is nested too deeply to be read") from None
    finally:
        loader.dispose()


def read_yaml(
    path: Path | str, what: str, error: type[InnovationMonitorError] = FrameworkError
) -> Any:
    """The data of :func:`load_yaml` (for callers that need no line numbers)."""
    return load_yaml(path, what, error).data


def _check_nodes(
    root: yaml.Node, path: Path, what: str, error: type[InnovationMonitorError]
) -> None:
    """Refuse a non-standard tag, a recursive alias, or more than :data:`MAX_YAML_NODES` nodes
    after alias expansion; counted once per distinct node, so a bomb is refused quickly."""
    expanded: dict[int, int] = {}  # id(node) → its size once expanded
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if id(node) in expanded:
            continue
        children = _children(node)
        if children_done:
            open_nodes.discard(id(node))
            expanded[id(node)] = 1 + sum(expanded[id(child)] for child in children)
            if expanded[id(node)] > MAX_YAML_NODES:
                raise error(
                    f"{path}: the {what} expands to more than {MAX_YAML_NODES:,} values through "
                    "its aliases (*name); refused (a document that large is an attack or a "
                    "mistake)"
                )
            continue
        where = f"{path}: line {node.start_mark.line + 1}, column {node.start_mark.column + 1}:"
        if node.tag not in STANDARD_TAGS:
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            raise error(
                f"{where} not valid YAML in the {what} (tag {tag} is not allowed; only plain "
                "values: text, numbers, true/false, dates, lists, mappings)"
            )
        if id(node) in open_nodes:
            raise error(f"{where} not valid YAML in the {what} (an alias refers to itself)")
        open_nodes.add(id(node))
        stack.append((node, True))
        stack.extend((child, False) for child in children if id(child) not in expanded)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []
