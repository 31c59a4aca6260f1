"""Benchmark (not a test): ``innovation-monitor run`` on the bundled sample, and how much of its
wall time is Dagster's and the process's rather than the work itself.

Each repetition runs the command as a user does (a new process) into a temporary warehouse,
output folder and ``DAGSTER_HOME`` (the project's instance settings). The run's step times come
from its event log; wall time minus their sum is the overhead: Python start and imports, loading
the definitions, creating the run, the event log between steps, the staged copy and its commit.
Then each stage is timed with the domain library alone (no Dagster), the work's lower bound.

    .venv/bin/python benchmarks/bench_pipeline.py --repeat 3
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from innovation_monitor import stages, warehouse
from innovation_monitor.divisions import LEVELS, DivisionRegistry
from innovation_monitor.framework import load_indicator_system
from innovation_monitor.paths import PROJECT_ROOT, SAMPLE_DIR

COMMAND = str(Path(sys.executable).parent / "innovation-monitor")


@dataclass(frozen=True)
class Run:
    wall: float
    steps: dict[str, float]  # step key → seconds, from the run's event log

    @property
    def in_steps(self) -> float:
        return sum(self.steps.values())


def _home(root: Path) -> Path:
    home = root / "home"
    home.mkdir()
    shutil.copy(PROJECT_ROOT / ".dagster_home" / "dagster.yaml", home / "dagster.yaml")
    return home


def time_command_run() -> Run:
    import dagster as dg

    with tempfile.TemporaryDirectory() as tmp:
        home = _home(Path(tmp))
        command = [COMMAND, "run", "--warehouse", f"{tmp}/w.duckdb", "--out", f"{tmp}/out"]
        environment = {**os.environ, "DAGSTER_HOME": str(home)}
        start = time.perf_counter()
        done = subprocess.run(command, env=environment, capture_output=True, text=True)
        wall = time.perf_counter() - start
        if done.returncode != 0:
            raise SystemExit(f"innovation-monitor run failed:\n{done.stderr[-2000:]}")
        with dg.DagsterInstance.from_config(str(home)) as instance:
            (record,) = instance.get_run_records(limit=1)
            stats = instance.get_run_step_stats(record.dagster_run.run_id)
    steps = {s.step_key: (s.end_time or 0.0) - (s.start_time or 0.0) for s in stats}
    return Run(wall, steps)


def time_imports() -> float:
    """A new process importing what ``innovation-monitor run`` imports before it starts the run."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import pipelines.runner"], cwd=PROJECT_ROOT, check=True)
    return time.perf_counter() - start


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
        for level in LEVELS:
            with stopwatch(times, "ingest+load"):
                stages.load_statistics(con, SAMPLE_DIR, system, registry, levels=[level])
        for level in LEVELS:
            with stopwatch(times, "validate (GX)"):
                stages.check_statistics(con, system, registry, level)
            with stopwatch(times, "indicators"):
                stages.compute_level_indicators(con, system, level)
            with stopwatch(times, "check indicators"):
                stages.check_indicators(con, system, registry, level)
            with stopwatch(times, "score"):
                stages.score_level(con, system, registry, level)
            with stopwatch(times, "check scores"):
                stages.check_scores(con, registry, level)
            with stopwatch(times, "reports"):
                stages.write_level_reports(con, system, registry, level, Path(tmp) / "out")
    return times


def _share(part: float, whole: float) -> str:
    return f"{part:5.1f} s = {100 * part / whole:3.0f} %"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    runs = [time_command_run() for _ in range(args.repeat)]
    imports = statistics.median(time_imports() for _ in range(args.repeat))
    median = sorted(runs, key=lambda run: run.wall)[len(runs) // 2]
    listed = ", ".join(f"{run.wall:.1f}" for run in runs)
    print(f"innovation-monitor run, wall (s): {listed}; median {median.wall:.1f}")
    print(f"  in the run's steps         {_share(median.in_steps, median.wall)}")
    overhead = median.wall - median.in_steps
    print(f"  Dagster and the process    {_share(overhead, median.wall)}, of which")
    print(f"    Python start and imports {_share(imports, median.wall)}")
    print(f"    the rest (run, event log, staging) {_share(overhead - imports, median.wall)}")
    for step, seconds in sorted(median.steps.items(), key=lambda item: -item[1])[:5]:
        print(f"  step {step:<26} {seconds:5.2f} s")
    library = time_stages()
    print(f"library alone (no Dagster), both levels: {sum(library.values()):.1f} s")
    for name, seconds in library.items():
        print(f"  stage {name:<17} {seconds:6.2f} s")


if __name__ == "__main__":
    main()
