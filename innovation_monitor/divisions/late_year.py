"""Changes of units that took effect in the last weeks of a year (Shandong's Laiwu), and which
of them apply to a registry."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class LateYearChange:
    """A change that took effect in the last weeks of a year.

    Year-end code lists already show it for that year, but the statistics for that year were
    still compiled by the old units, so in data years it takes effect one year later.
    """

    effective: date
    abolished: tuple[str, ...]
    created: tuple[str, ...]
    note: str

    @property
    def year(self) -> int:
        """The calendar year whose year-end code list already shows the change."""
        return self.effective.year


LATE_YEAR_CHANGES: tuple[LateYearChange, ...] = (
    LateYearChange(
        effective=date(2018, 12, 26),
        abolished=("371200", "371202", "371203"),
        created=("370116", "370117"),
        note=(
            "国务院批复撤销莱芜市, 莱城区、钢城区改设济南市莱芜区、钢城区 (2019-01-09 公布); "
            "2018 年统计仍按莱芜市及其两区汇总 / Laiwu abolished into Jinan; the 2018 statistics "
            "still report Laiwu and its two districts"
        ),
    ),
)
"""Every change whose data year differs from its calendar year (checked against the CSV)."""


def late_changes(codes: Iterable[str]) -> tuple[LateYearChange, ...]:
    """The late-year changes of the provinces a registry holds (Shandong's, or none)."""
    provinces = {code[:2] for code in codes}
    return tuple(c for c in LATE_YEAR_CHANGES if c.abolished[0][:2] in provinces)
