"""Yearbook cell text → numbers in the canonical unit, or the reason why not.

Yearbook cells carry full-width digits, thousand separators, placeholders for "not available"
(…, —, -, /) and units in header brackets. Every problem becomes a :class:`CellProblem` whose
message is the quarantine reason, so nothing is dropped without a trace. Numbers are parsed and
converted as :class:`~decimal.Decimal` so that 1.23 亿元 becomes exactly 12300 万元.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Protocol

from innovation_monitor.errors import DataError
from innovation_monitor.ingest.result import DECLARED_GAP, PROBLEM, QuarantineKind
from innovation_monitor.text import compact, normalize


class CellProblem(Exception):
    """One cell cannot become a statistic; the message is its quarantine reason and ``kind``
    its quarantine kind (:data:`~innovation_monitor.ingest.result.QUARANTINE_KINDS`)."""

    def __init__(self, reason: str, kind: QuarantineKind = PROBLEM) -> None:
        super().__init__(reason)
        self.kind = kind


class UnitVariable(Protocol):
    """What cleaning needs of an indicator-system variable (read-only, so frozen ones fit)."""

    @property
    def code(self) -> str: ...

    @property
    def unit(self) -> str: ...

    @property
    def units(self) -> Mapping[str, float]: ...

    @property
    def integer(self) -> bool: ...

    def factor(self, unit: str) -> float: ...


# After NFKC: dashes, ellipses (… becomes ...), dots, slashes and similar marks only.
_PLACEHOLDER = re.compile(r"[-‐‑‒–—―−_.·/\\~]+")
_PLACEHOLDER_WORDS = frozenset({"na", "n/a", "nan", "null", "none"})
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")
_BRACKETED = re.compile(r"^(?P<name>.*?)\s*[(\[【〔](?P<unit>[^()\[\]【】〔〕]*)[)\]】〕]$")
_UNIT_PREFIX = re.compile(r"^(计量)?单位[:]?")


def cell_text(raw: object) -> str | None:
    """The text of a cell as the file holds it (kept as ``raw_value``); None for an empty cell."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        return "TRUE" if raw else "FALSE"
    if isinstance(raw, dt.datetime | dt.date | dt.time):
        return raw.isoformat()
    return str(raw)


def is_blank(raw: object) -> bool:
    """An empty cell: nothing, or only whitespace."""
    return raw is None or (isinstance(raw, str) and not raw.strip())


def parse_number(raw: object) -> Decimal:
    """A cell's number, or :class:`CellProblem` saying why it is not one."""
    if is_blank(raw):
        raise CellProblem("not available (empty cell)", DECLARED_GAP)
    if isinstance(raw, bool) or not isinstance(raw, str | int | float | Decimal):
        raise CellProblem(f"not a number ({cell_text(raw)!r} is a {type(raw).__name__})")
    if isinstance(raw, float):
        if not math.isfinite(raw):
            raise CellProblem(f"not available ({raw!r})", DECLARED_GAP)
        return Decimal(repr(raw))
    if isinstance(raw, int | Decimal):
        return Decimal(raw)
    text = compact(raw)
    if _PLACEHOLDER.fullmatch(text) or text.casefold() in _PLACEHOLDER_WORDS:
        raise CellProblem(f"not available ({raw.strip()!r})", DECLARED_GAP)
    if "," in text:
        if not _THOUSANDS.fullmatch(text):
            raise CellProblem(f"not a number ({raw.strip()!r}: misplaced thousand separator)")
        text = text.replace(",", "")
    if not _NUMBER.fullmatch(text):
        raise CellProblem(f"not a number ({raw.strip()!r})")
    return Decimal(text)


def split_unit(header: str) -> tuple[str, str | None]:
    """``'地区生产总值(亿元)'`` → ``('地区生产总值', '亿元')``; brackets may be full-width."""
    text = normalize(header)
    found = _BRACKETED.match(text)
    if not found:
        return text, None
    return found["name"].strip(), normalize_unit(found["unit"])


def normalize_unit(text: str | None) -> str | None:
    """A unit as written (``（万元）``, ``单位：万元``, ``万 元``) → ``万元``; None if empty."""
    if text is None:
        return None
    unit = compact(text)
    while unit[:1] in "([【〔" and unit[-1:] in ")]】〕" and len(unit) >= 2:
        unit = unit[1:-1]
    unit = _UNIT_PREFIX.sub("", unit)
    return unit or None


def unit_factor(variable: UnitVariable, unit: str | None) -> Decimal:
    """The factor from ``unit`` into the variable's canonical unit.

    No unit (None) is the canonical unit only when every accepted unit has the same factor
    (个 = 家): for 万元 vs 亿元 a bare 3.2 is ambiguous, and guessing would be off by 10⁴.
    """
    key = normalize_unit(unit)
    accepted = ", ".join(variable.units)
    if key is None:
        if len(set(variable.units.values())) > 1:
            raise CellProblem(
                f"no unit stated (accepted: {accepted}; {variable.code} needs one in the header "
                "bracket, a unit row, a 单位： title row or the unit column)"
            )
        return Decimal(1)
    try:
        return Decimal(repr(float(variable.factor(key))))
    except DataError:
        raise CellProblem(
            f"unknown unit ({unit!r} for {variable.code}; accepted: {accepted})"
        ) from None


def to_canonical(
    number: Decimal,
    factor: Decimal,
    variable: UnitVariable,
    plausible: tuple[float, float] | None,
) -> float:
    """Convert into the canonical unit; check counts and the plausible range (canonical unit)."""
    value = number * factor
    if variable.integer:
        if value < 0:
            raise CellProblem(f"negative count ({value.normalize():f} for {variable.code})")
        if value != value.to_integral_value():
            raise CellProblem(
                f"not a whole number ({value.normalize():f} {variable.unit} for a count)"
            )
    result = float(value)
    if plausible is not None:
        low, high = plausible
        if not low <= result <= high:
            raise CellProblem(
                f"outside the plausible range [{low:g}, {high:g}] {variable.unit} "
                f"({result:g} for {variable.code})"
            )
    return result
