"""Benchmark (not a test): the whole monitoring pipeline on the bundled sample, in-process.

Runs ``innovation-monitor run`` into a temporary warehouse, DAGSTER_HOME and output folder and
prints the wall time of each repetition and the best, plus the time of each stage taken from the
domain library alone (no Dagster), so orchestration overhead is visible.

    .venv/bin/python benchmarks/bench_pipeline.py --repeat 3
"""

import argparse
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from innovation_monitor import stages, warehouse
from innovation_monitor.divisions import LEVELS, DivisionRegistry
from innovation_monitor.framework import load_indicator_system
from innovation_monitor.paths import SAMPLE_DIR


def time_dagster_run() -> float:
    from pipelines.cli import main

    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        home.mkdir()
        (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
        os.environ["DAGSTER_HOME"] = str(home)
        start = time.perf_counter()
        status = main(["run", "--warehouse", f"{tmp}/w.duckdb", "--out", f"{tmp}/out"])
        elapsed = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"pipeline failed with status {status}")
    return elapsed


@contextmanager
def stopwatch(times: dict[str, float], name: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    times[name] = times.get(name, 0.0) + time.perf_counter() - start


def time_stages() -> dict[str, float]:
    system, registry = load_indicator_system(), DivisionRegistry.load()
    times: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp, warehouse.connect(f"{tmp}/w.duckdb") as con:
        with stopwatch(times, "divisions"):
            stages.load_divisions(con, registry)
        with stopwatch(times, "ingest+load"):
            stages.load_statistics(con, SAMPLE_DIR, system, registry)
        for level in LEVELS:
            with stopwatch(times, "validate (GX)"):
                stages.check_statistics(con, system, registry, level)
            with stopwatch(times, "indicators"):
                stages.compute_level_indicators(con, system, level)
            with stopwatch(times, "score"):
                stages.score_level(con, system, registry, level)
            with stopwatch(times, "reports"):
                stages.write_level_reports(con, system, registry, level, Path(tmp) / "out")
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    runs = [time_dagster_run() for _ in range(args.repeat)]
    listed = ", ".join(f"{t:.1f}" for t in runs)
    print(f"full Dagster run (s): {listed}; best {min(runs):.1f}")
    for name, seconds in time_stages().items():
        print(f"  stage {name:<14} {seconds:6.2f} s (both levels, library only)")


if __name__ == "__main__":
    main()
