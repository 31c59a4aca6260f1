"""Child process of bench_engine.py: times our composite engine on files it is given.

Run with the same interpreter for the working tree and for a baseline commit (PYTHONPATH set to
that commit's worktree), so it uses only the public API both have: ``Framework.from_imeta``,
``load_build``, ``run_build``.

    engine_worker.py asem DATA META BUILD       reads "run" lines on stdin, answers one JSON
                                                line each: {"wall": s, "cpu": s}
    engine_worker.py panel DATA META BUILD OUT  one build; JSON with wall, CPU and peak RSS;
                                                writes the index scores to OUT (CSV)
"""

import json
import resource
import sys
import time
from typing import Any

import pandas as pd

import innovation_monitor
from innovation_monitor.composite import Framework, load_build, run_build


def _peak_rss_mib() -> float:
    """The process's high-water resident set so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _say(message: dict[str, Any]) -> None:
    print(json.dumps(message), flush=True)


def _timed(data: pd.DataFrame, imeta: pd.DataFrame, steps: Any) -> tuple[Any, float, float]:
    """One build from in-memory tables, framework construction included (COINr's
    ``build_example_coin`` also starts from its tables with ``new_coin``)."""
    wall, cpu = time.perf_counter(), time.process_time()
    build = run_build(data, Framework.from_imeta(imeta), steps)
    return build, time.perf_counter() - wall, time.process_time() - cpu


def _treat_summary(build: Any) -> dict[str, int]:
    """How many indicators each treatment was applied to, and points winsorised in all."""
    for record in build.records:
        if record.step == "treat":
            details = record.details
            counts = details["treatment"].value_counts().to_dict()
            return {
                **{str(k): int(v) for k, v in counts.items()},
                "points_winsorised": int(details["winsorised"].sum()),
            }
    return {}


def asem(data_csv: str, meta_csv: str, build_yaml: str) -> int:
    data, imeta = pd.read_csv(data_csv), pd.read_csv(meta_csv)
    steps = load_build(build_yaml)
    build, _, _ = _timed(data, imeta, steps)  # warm-up, and a check that it is the real thing
    top = build.results.table().iloc[0]
    root = build.framework.root
    _say(
        {
            "ready": True,
            "engine": innovation_monitor.__file__,
            "top": [str(top["uCode"]), float(top[root])],
        }
    )
    for line in sys.stdin:
        if line.strip() != "run":
            break
        _, wall, cpu = _timed(data, imeta, steps)
        _say({"wall": wall, "cpu": cpu})
    return 0


def panel(data_csv: str, meta_csv: str, build_yaml: str, out_csv: str) -> int:
    data = pd.read_csv(data_csv, dtype={"uCode": str, "uName": str})
    imeta = pd.read_csv(meta_csv)
    steps = load_build(build_yaml)
    before = _peak_rss_mib()
    build, wall, cpu = _timed(data, imeta, steps)
    peak = _peak_rss_mib()
    scores = build.results.scores
    scores[["uCode", "Time", build.framework.root]].to_csv(
        out_csv, index=False, float_format="%.17g"
    )
    _say(
        {
            "wall": wall,
            "cpu": cpu,
            "peak_rss_mib": peak,
            "rss_before_mib": before,
            "engine": innovation_monitor.__file__,
            "treat": _treat_summary(build),
        }
    )
    return 0


if __name__ == "__main__":
    mode, *args = sys.argv[1:]
    sys.exit({"asem": asem, "panel": panel}[mode](*args))
