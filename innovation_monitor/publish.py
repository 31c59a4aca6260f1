"""``innovation-monitor report``: the reports of both levels from an existing warehouse.

Unlike the reports stage of a run, this opens the warehouse read-only and writes nothing to it,
so reports can be re-published (another folder, one language, some years) without re-scoring.
"""

from collections.abc import Iterable, Sequence
from pathlib import Path

from innovation_monitor import warehouse
from innovation_monitor.divisions import LEVELS, DivisionRegistry
from innovation_monitor.framework import load_indicator_system
from innovation_monitor.stages import write_level_reports


def publish_reports(
    warehouse_path: Path | str,
    out_dir: Path | str,
    *,
    indicators_file: Path | str | None = None,
    years: Iterable[int] | None = None,
    langs: Sequence[str] = ("zh", "en"),
) -> list[Path]:
    """Reports for both levels from an existing warehouse (read only)."""
    system = load_indicator_system(Path(indicators_file) if indicators_file else None)
    registry = DivisionRegistry.load()
    with warehouse.connect(warehouse_path, read_only=True) as con:
        return [
            path
            for level in LEVELS
            for path in write_level_reports(con, system, registry, level, out_dir, years, langs)
        ]
