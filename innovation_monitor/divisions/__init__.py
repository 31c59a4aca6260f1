"""Shandong's administrative units by data year: the registry, their names, restatement.

``registry`` reads ``divisions.csv`` and answers which units exist in a data year, what a
yearbook's name or code denotes and where a unit's territory went (crosswalk); ``names`` holds
the name rules (English names, short forms, codes in text); ``lookup`` finds the unit a person
asks for; ``restatement`` puts older years
on a later year's boundaries and sums the cities into the province.
"""

from innovation_monitor.divisions.lookup import find_unit
from innovation_monitor.divisions.names import english_name
from innovation_monitor.divisions.registry import LEVELS, Division, DivisionRegistry
from innovation_monitor.divisions.restatement import (
    province_indicators,
    province_statistics,
    restate_statistics,
    restate_totals,
    restated_indicators,
)

__all__ = [
    "LEVELS",
    "Division",
    "DivisionRegistry",
    "english_name",
    "find_unit",
    "province_indicators",
    "province_statistics",
    "restate_statistics",
    "restate_totals",
    "restated_indicators",
]
