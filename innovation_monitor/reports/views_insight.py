"""The insight parts of a report's views: a unit's strengths, weaknesses and drivers of change
(from the stored ``strengths`` and ``drivers``) and its index over the years.

Apart from :mod:`.views` only to keep that module within the size limit.
"""

from __future__ import annotations

from dataclasses import dataclass

from innovation_monitor.reports.labels import Bilingual


@dataclass(frozen=True)
class StrengthView:
    """An indicator listed as a strength or a weakness, with the unit's rank on it of ``units``."""

    indicator: str
    name: Bilingual
    rank: int | None
    units: int | None


@dataclass(frozen=True)
class DriverView:
    """An indicator's change of contribution to the index on the previous year, index points."""

    indicator: str
    name: Bilingual
    change: float


@dataclass(frozen=True)
class ProfileInsight:
    """What the insight stage stored about one unit-year; ``has_drivers``: compared with a
    previous year at all (else the drivers are not shown as 'none')."""

    strengths: tuple[StrengthView, ...] = ()
    weaknesses: tuple[StrengthView, ...] = ()
    drivers_up: tuple[DriverView, ...] = ()
    drivers_down: tuple[DriverView, ...] = ()
    has_drivers: bool = False
    score_history: tuple[tuple[int, float | None], ...] = ()
