"""Time the COINr ASEM default build in-process: best of N runs (not a test).

Usage: .venv/bin/python benchmarks/bench_asem.py [--repeat N] [--reference DIR]

The inputs are read once from ``../shared/reference/coinr-asem`` (in place); each timed run is
``run_build`` over the in-memory data and framework with ``tests/composite/builds/
asem_default.yaml`` (denominate, impute, screen, treat, normalise, aggregate, results).
"""

import argparse
import statistics
import sys
import time
import timeit
from pathlib import Path

import pandas as pd

from innovation_monitor.composite import Framework, load_build, run_build
from innovation_monitor.paths import PROJECT_ROOT, shared_reference_dir

BUILD_FILE = PROJECT_ROOT / "tests" / "composite" / "builds" / "asem_default.yaml"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="timed runs (default 20)")
    parser.add_argument(
        "--reference",
        type=Path,
        default=shared_reference_dir() / "coinr-asem",
        help="folder with input_ASEM_iData.csv and input_ASEM_iMeta.csv",
    )
    args = parser.parse_args(argv)
    data_csv = args.reference / "input_ASEM_iData.csv"
    if not data_csv.is_file():
        print(f"bench_asem: {data_csv} not found (pass --reference)", file=sys.stderr)
        return 1
    data = pd.read_csv(data_csv)
    framework = Framework.from_imeta(pd.read_csv(args.reference / "input_ASEM_iMeta.csv"))
    steps = load_build(BUILD_FILE)
    build = run_build(data, framework, steps)  # warm-up, and a check that it is the real thing
    top = build.results.table().iloc[0]

    def run() -> None:
        run_build(data, framework, steps)

    wall = timeit.repeat(run, number=1, repeat=args.repeat)
    # CPU time of this process too: on a busy machine wall-clock best-of still wanders.
    cpu = timeit.repeat(run, number=1, repeat=args.repeat, timer=time.process_time)
    print(
        f"ASEM default build ({len(data)} units, {len(framework.indicators)} indicators, "
        f"{len(steps)} steps): best of {args.repeat}: {min(wall) * 1e3:.1f} ms wall "
        f"(median {statistics.median(wall) * 1e3:.1f} ms), {min(cpu) * 1e3:.1f} ms CPU; "
        f"top unit {top['uCode']} {top[framework.root]:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
