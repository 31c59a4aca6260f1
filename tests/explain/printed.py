"""Reading the check lines of an explanation's text back into numbers, as a reader re-adding
the printed contributions would."""

import re

CHECK = re.compile(r"^\s*Check: (?P<what>.+?) = (?P<terms>.+) = (?P<total>\S+) \(stored \S+\)$")


def _number(text: str) -> float:
    return float(text.strip().strip("()"))


def printed_checks(text: str) -> dict[str, list[float]]:
    """The printed contributions of each aggregate's check line (English text), by what the
    line checks (``Pillar p_one score``, the index name)."""
    found: dict[str, list[float]] = {}
    for line in text.splitlines():
        match = CHECK.match(line)
        if match:
            found[match["what"]] = [_number(t) for t in match["terms"].split(" + ")]
    return found
