"""Year selections as people type them: ``2019-2023``, ``2021,2023``, ``2016-2018,2020``."""

from innovation_monitor.errors import InnovationMonitorError


def parse_years(text: str) -> list[int]:
    """Sorted, de-duplicated years; a clear error for anything else."""
    years: set[int] = set()
    for part in text.replace("，", ",").split(","):
        part = part.strip()
        if not part:
            continue
        first, sep, last = part.partition("-")
        try:
            start = int(first)
            end = int(last) if sep else start
        except ValueError:
            raise InnovationMonitorError(
                f"--years: cannot read {part!r}; expected a year (2023), a range (2019-2023) "
                "or a comma-separated list of those"
            ) from None
        if not 1949 <= start <= end <= 2100:
            raise InnovationMonitorError(
                f"--years: {part!r} is not a range of years from 1949 to 2100 (first <= last)"
            )
        years.update(range(start, end + 1))
    if not years:
        raise InnovationMonitorError("--years: no year given")
    return sorted(years)
