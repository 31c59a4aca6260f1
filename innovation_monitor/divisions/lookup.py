"""A unit asked for by a person (command line, notebook): its 6-digit code or its name, in a
data year, at a level or at whichever level has it; an error that lists what would have fitted
otherwise."""

from innovation_monitor.divisions.registry import LEVELS, Division, DivisionRegistry
from innovation_monitor.errors import DataError


def find_unit(
    registry: DivisionRegistry, region: str, year: int, level: str | None = None
) -> Division:
    """The unit ``region`` (code or name) denotes in ``year``; without ``level``, at the one
    level that has it."""
    text = region.strip()
    if level is None:
        found = [lv for lv in LEVELS if registry.match(text, year, lv) is not None]
        if len(found) > 1:
            raise DataError(
                f"{region!r} names both a city and a county-level unit in {year}; give the "
                f"level (one of {', '.join(LEVELS)}) / 该名称同时对应市和县级单位，请指定层级"
            )
        level = found[0] if found else None
    division = None if level is None else registry.match(text, year, level)
    if division is None:
        raise _unknown_region(registry, region, year, level)
    return division


def _unknown_region(
    registry: DivisionRegistry, region: str, year: int, level: str | None
) -> DataError:
    kind = f"{level}-level unit" if level else "city or county-level unit"
    rivals = registry.candidates(region, year, level)
    if len(rivals) > 1:
        listed = ", ".join(f"{d.code} {d.name_zh}" for d in rivals)
        return DataError(
            f"{region!r} names {len(rivals)} units in {year} ({listed}); give the code / "
            "该名称对应多个地区，请给出地区代码"
        )
    units = registry.valid_in(year, level)
    example = ", ".join(f"{d.code} {d.name_zh}" for d in units[:2])
    return DataError(
        f"no {kind} {region!r} in {year}; expected the 6-digit code or the name of one of the "
        f"{len(units)} such units of {year} (e.g. {example}) / {year}年没有该地区"
    )
