"""Benchmark (not a test): building one year's reports from a warehouse, per format and level.

The reports are written for every year of every run, so their cost is part of each run. Timed
in-process on an existing warehouse (``make run`` builds ``data/warehouse.duckdb``), after one
warm-up (fonts loaded), as the median of ``--repeat`` runs of ``stages.write_level_reports``
for one year into a temporary folder:

* each level alone in each format, both languages (``html`` includes the ranking CSV and the
  charts),
* each level in all formats together, both languages (the PDFs are typeset in child processes
  while the next charts, pages and workbook are written),
* both levels in all formats, in Chinese (what ``report`` writes with ``--lang zh``) and in both
  languages (what a run writes per year), with one report writer for both levels as the
  ``report`` command has (the city PDFs are typeset while the county reports are laid out).

    .venv/bin/python benchmarks/bench_reports.py --warehouse data/warehouse.duckdb --year 2023
"""

import argparse
import os
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from bench_validation import median_seconds

from innovation_monitor import stages, warehouse
from innovation_monitor.divisions import DivisionRegistry
from innovation_monitor.framework import load_indicator_system
from innovation_monitor.paths import DEFAULT_WAREHOUSE
from innovation_monitor.reports.outputs import ReportWriter


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--warehouse", type=Path, default=DEFAULT_WAREHOUSE)
    parser.add_argument("--year", type=int, default=2023)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    system = load_indicator_system(None)
    registry = DivisionRegistry.load()
    with (
        warehouse.connect(args.warehouse, read_only=True) as con,
        tempfile.TemporaryDirectory() as out,
    ):

        def build(
            levels: Sequence[str], formats: Sequence[str], langs: Sequence[str]
        ) -> Callable[[], object]:
            def run() -> None:
                with ReportWriter(out, langs, formats) as writer:  # as the report command
                    for level in levels:
                        stages.write_level_reports(
                            con, system, registry, level, out, [args.year], langs, formats,
                            writer=writer,
                        )  # fmt: skip

            return run

        print(f"{time.strftime('%Y-%m-%d %H:%M')}  load average {os.getloadavg()[0]:.2f}")
        print(f"{'levels':<14}{'formats':<16}{'languages':<11}{'median s':>9}")
        both, every = ("zh", "en"), ("html", "pdf", "xlsx")
        cases: list[tuple[Sequence[str], Sequence[str], Sequence[str]]] = [
            ((level,), (fmt,), both) for level in ("city", "county") for fmt in every
        ]
        cases += [(("city",), every, both), (("county",), every, both)]
        cases += [(("city", "county"), every, ("zh",)), (("city", "county"), every, both)]
        for levels, formats, langs in cases:
            seconds = median_seconds(build(levels, formats, langs), args.repeat)
            print(
                f"{'+'.join(levels):<14}{','.join(formats):<16}{','.join(langs):<11}{seconds:>9.2f}"
            )
        print(f"load average after {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
