"""Benchmark (not a test): validating one year of county statistics against scoring it.

Validation must never be the reason a run is slow, and it is worth knowing what it costs next to
the scoring it guards. Both are timed in-process on the bundled sample, after one warm-up (Great
Expectations imported, caches filled), as the median of ``--repeat`` runs:

* validate: ``assess_statistics`` over one year of county statistics (all blocking and warning
  rules the run applies, with the whole table for the year-on-year and county-sum rules);
* score: ``score_panel`` over the same year's county indicator values (the county methodology).

    .venv/bin/python benchmarks/bench_validation.py --year 2019 --repeat 7
"""

import argparse
import os
import statistics
import time
from collections.abc import Callable

from innovation_monitor import stages, warehouse
from innovation_monitor.divisions import DivisionRegistry
from innovation_monitor.framework import load_indicator_system
from innovation_monitor.paths import SAMPLE_DIR
from innovation_monitor.scoring.classified import unit_type_map
from innovation_monitor.scoring.panel import score_panel
from innovation_monitor.validation import assess_statistics


def median_seconds(work: Callable[[], object], repeat: int) -> float:
    """Median wall time of ``repeat`` runs after one warm-up."""
    work()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=2019, help="2019 has a declared gap")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    system, registry = load_indicator_system(), DivisionRegistry.load()
    con = warehouse.connect(":memory:")
    stages.load_statistics(con, SAMPLE_DIR, system, registry)
    stages.compute_level_indicators(con, system, "county")
    table = warehouse.read(con, "statistics")
    quarantine = warehouse.read(con, "quarantine", years=[args.year], level="county")
    values = warehouse.read(con, "indicator_values", years=[args.year], level="county")
    framework = system.frameworks["county"]

    def validate() -> object:
        return assess_statistics(
            table, quarantine, system, registry, level="county", years=[args.year]
        )

    validating = median_seconds(validate, args.repeat)
    types = unit_type_map(framework, registry, values["region_code"].unique().to_list())
    scoring = median_seconds(lambda: score_panel(values, framework, types=types), args.repeat)
    units = values["region_code"].n_unique()
    print(f"county {args.year}: {units} units, {values.height} indicator values")
    print(f"validate one year: {validating * 1000:7.1f} ms (median of {args.repeat})")
    print(f"score one year:    {scoring * 1000:7.1f} ms (median of {args.repeat})")
    print(f"validate / score:  {validating / scoring:7.2f}")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
