"""``innovation-monitor report``: the reports of both levels from an existing warehouse.

Unlike the reports stage of a run, this opens the warehouse read-only and writes nothing to it,
so reports can be re-published (another folder, one language, some years or formats) without
re-scoring. A year the warehouse has no scores of is an error naming the years it has.
"""

from collections.abc import Iterable, Sequence
from pathlib import Path

from innovation_monitor import warehouse
from innovation_monitor.divisions import LEVELS, DivisionRegistry
from innovation_monitor.editions import edition_status
from innovation_monitor.errors import DataError
from innovation_monitor.framework import INDEX_CODE, load_indicator_system
from innovation_monitor.reports.outputs import FORMATS, ReportWriter, check_formats
from innovation_monitor.stages import write_level_reports


def publish_reports(
    warehouse_path: Path | str,
    out_dir: Path | str,
    *,
    indicators_file: Path | str | None = None,
    years: Iterable[int] | None = None,
    langs: Sequence[str] = ("zh", "en"),
    formats: Sequence[str] = FORMATS,
    edition: int | None = None,
) -> list[Path]:
    """Reports for both levels from an existing warehouse (read only), in ``formats``; with
    ``edition``, that edition's report from the rows it holds (a published edition's frozen
    copy), an error naming the editions held when a level has no such edition."""
    formats = check_formats(formats)
    system = load_indicator_system(Path(indicators_file) if indicators_file else None)
    registry = DivisionRegistry.load()
    wanted = None if years is None else sorted(set(years))
    if not Path(warehouse_path).exists():
        raise DataError(f"warehouse {warehouse_path} does not exist; run innovation-monitor run")
    with warehouse.connect(warehouse_path, read_only=True) as con:
        if edition is not None:
            for level in LEVELS:
                edition_status(con, level, edition)
        elif wanted is not None:
            scored = {
                int(y)
                for level in LEVELS
                for y in warehouse.read(con, "scores", level=level)
                .filter(node=INDEX_CODE)["year"]
                .unique()
                .to_list()
            }
            missing = [y for y in wanted if y not in scored]
            if missing:
                raise DataError(
                    f"the warehouse {warehouse_path} has no scores of {missing}; it has "
                    f"{sorted(scored) or 'none'}: run innovation-monitor run for those years"
                )
        with ReportWriter(out_dir, langs, formats) as writer:  # one for both levels: the city
            paths = [  # PDFs are typeset while the county reports are laid out
                path
                for level in LEVELS
                for path in write_level_reports(
                    con, system, registry, level, out_dir, wanted, langs, formats, edition, writer
                )
            ]
        return writer.paths + paths
