"""Framework nodes from plain records and COINr ``iMeta`` tables.

What a record or an iMeta row may hold, how its values are read (numbers, directions, blank
cells as "no value") and what each malformed value is reported as. The tree the records form
is checked by :mod:`innovation_monitor.composite.tree`; :class:`Framework` composes the two.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from innovation_monitor.composite.dataset import column_arrays
from innovation_monitor.composite.tree import (
    AGGREGATE,
    DATA_TYPES,
    DENOMINATOR,
    GROUP,
    INDICATOR,
    NODE_KEYS,
    TREE_TYPES,
    Node,
)
from innovation_monitor.errors import FrameworkError

# COINr iMeta column -> Node field. Name columns accept a few spellings so that iMeta tables
# written by :mod:`innovation_monitor.framework.engine` (bilingual) and by COINr both load.
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
    kind = type(value)  # the common cells first, without the general checks below
    if kind is str:
        return value.strip() == ""
    if kind is float:
        return value != value  # NaN
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    if isinstance(value, float):
        return value != value  # NaN
    if isinstance(value, int):  # the common case in a table's cells: no pandas call needed
        return False
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def clean_records(records: Iterable[Mapping[str, Any]], source: str) -> list[dict[str, Any]]:
    """Copies of the records with known fields only, a code each, and stripped codes and
    parents (a blank parent is none) — the form the tree checks read."""
    raw = [dict(r) for r in records]
    if not raw:
        raise FrameworkError(f"{source}: no indicators or aggregates")
    known = set(NODE_KEYS)
    for rec in raw:
        unknown = sorted(set(rec) - known)
        if unknown:
            code = rec.get("code", "?")
            raise FrameworkError(
                f"{source}: node {code!r} has unknown field(s) {unknown}; "
                f"expected some of {list(NODE_KEYS)}"
            )
        if _missing(rec.get("code")):
            raise FrameworkError(f"{source}: a node has no code: {rec}")
        rec["code"] = str(rec["code"]).strip()
        rec["parent"] = None if _missing(rec.get("parent")) else str(rec["parent"]).strip()
    return raw


def build_nodes(raw: list[dict[str, Any]], levels: Mapping[str, int], source: str) -> list[Node]:
    """Nodes from cleaned records whose tree has been checked; a given type or level must
    agree with the one the tree implies (``levels``)."""
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
            level = _as_int(given_level, source, code)
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
                weight=_as_float(rec.get("weight", 1.0), source, "weight of", code, 1.0),
                direction=_as_direction(rec.get("direction", 1), source, code),
                name_zh=_as_text(rec.get("name_zh")) or "",
                name_en=_as_text(rec.get("name_en")) or "",
                unit=_as_text(rec.get("unit")),
                denominator=_as_text(rec.get("denominator")),
                target=_as_float(rec.get("target"), source, "target of", code, None),
                type=inferred_type,
            )
        )
    return nodes


def split_imeta(
    imeta: pd.DataFrame, source: str
) -> tuple[list[dict[str, Any]], list[str], list[str]]:
    """The node records of an iMeta table (keys as :class:`Node` fields), and the codes of its
    group and denominator rows."""
    if "iCode" not in imeta.columns:
        raise FrameworkError(f"{source}: column 'iCode' is missing")
    if "Parent" not in imeta.columns:
        raise FrameworkError(f"{source}: column 'Parent' is missing")
    records: list[dict[str, Any]] = []
    groups: list[str] = []
    denominators: list[str] = []
    name_en_col = next((c for c in _IMETA_NAME_EN if c in imeta.columns), None)
    name_zh_col = next((c for c in _IMETA_NAME_ZH if c in imeta.columns), None)
    names = list(imeta.columns)
    # the columns each record reads, by position (the last of a repeated name, as a dict)
    at = {name: j for j, name in enumerate(names)}
    fields = [(at[col], field) for col, field in _IMETA_COLUMNS.items() if col in at]
    fields += [
        (at[col], field)
        for col, field in ((name_en_col, "name_en"), (name_zh_col, "name_zh"))
        if col
    ]
    code_at, type_at = at["iCode"], at.get("Type")
    # Python values, as to_dict("records") gives them, read column by column
    columns = [
        values.tolist()
        if isinstance(values, np.ndarray)
        else values.to_numpy(dtype=object).tolist()
        for values in column_arrays(imeta, range(len(names)))
    ]
    rows = list(zip(*columns, strict=True))
    for row_no, row in enumerate(rows, start=2):
        code = row[code_at]
        if _missing(code):
            raise FrameworkError(f"{source}: row {row_no} has no iCode")
        given = None if type_at is None else row[type_at]
        row_type = None if _missing(given) else str(given).strip()
        if row_type in DATA_TYPES:
            if row_type == GROUP:
                groups.append(str(code))
            elif row_type == DENOMINATOR:
                denominators.append(str(code))
            continue
        if row_type is not None and row_type not in TREE_TYPES:
            raise FrameworkError(
                f"{source}: row {row_no} ({code}) has Type {row_type!r}; expected one of "
                f"{list(TREE_TYPES + DATA_TYPES)}"
            )
        records.append({field: row[j] for j, field in fields if not _missing(row[j])})
    return records, groups, denominators


# The readers below make their error messages only when they raise one: a framework is read
# at every build, and making a message for each value beforehand cost more than the reading.


def _as_int(value: Any, source: str, code: str) -> int:
    """A node's level as a whole number."""
    try:
        number: float | None = float(value)
    except (TypeError, ValueError):
        number = None
    if number is None or not number.is_integer():
        raise FrameworkError(f"{source}: node {code!r} level is {value!r}; expected a whole number")
    return int(number)


def _as_float(value: Any, source: str, what: str, code: str, default: float | None) -> Any:
    if _missing(value):
        return default
    if isinstance(value, bool):
        raise FrameworkError(f"{source}: {what} {code!r} is {value!r}; expected a number")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise FrameworkError(f"{source}: {what} {code!r} is {value!r}; expected a number") from None


def _as_direction(value: Any, source: str, code: str) -> int:
    if _missing(value):
        return 1
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise FrameworkError(
            f"{source}: {code!r} has direction {value!r}; expected 1 or -1"
        ) from None
    if number not in (1.0, -1.0):
        raise FrameworkError(f"{source}: {code!r} has direction {value!r}; expected 1 or -1")
    return int(number)


def _as_text(value: Any) -> str | None:
    return None if _missing(value) else str(value).strip()
