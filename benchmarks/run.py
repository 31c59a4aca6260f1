"""``make bench``: every benchmark of issues #10 and #15 in one run, and BENCHMARKS.md from it.

Usage: .venv/bin/python benchmarks/run.py [--full] [--only NAME ...] [--out FILE]

Each section is one or more fresh processes (their wall time, CPU and peak RSS read with
``wait4``, their figures from their last JSON line or their ``--out`` file), run one after the
other so that they do not compete for the two cores. The results go to
``benchmarks/results_scale.json`` and ``BENCHMARKS.md`` is rewritten from them
(``benchmarks/report.py``); a section not run keeps its last figures, with their date.
``make bench`` runs the whole pipeline on the sample once (about two minutes on a quiet machine,
every report of every year); ``--full`` adds what does not fit in its ten minutes on the 2-core
machine: two more pipeline runs, COINr on the 3000-unit panel (about five minutes a build), and
three runs of the large uncertainty analyses. Inputs
are generated, seeded, into a temporary folder and removed after.
"""

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import bench_engine  # beside this script, which puts its folder first on sys.path
import report

from innovation_monitor.paths import PROJECT_ROOT

HERE = Path(__file__).resolve().parent
PY = sys.executable
SCALE = str(HERE / "bench_scale.py")
ENGINE = str(HERE / "bench_engine.py")
CLI = str(Path(PY).parent / "innovation-monitor")
SECTIONS = ("engine", "engine_large", "growth", "pipeline", "uncertainty", "microdata", "national")
#: sections only ``--full`` runs (none: the pipeline runs once in make bench, three times in full)
FULL_ONLY: tuple[str, ...] = ()


def child(cmd: list[str], timeout: float = 1200, env: dict[str, str] | None = None) -> dict:
    """One process to its end, its figures and its own wall, CPU and peak RSS."""
    result = bench_engine.run_child(cmd, env or dict(os.environ), timeout)
    if result["returncode"] != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {result.get('error')}")
    return {**result.get("report", {}), "process": {k: result[k] for k in
            ("wall", "cpu", "process_peak_rss_mib", "load1")}}  # fmt: skip


def scale(*args: str, timeout: float = 1200) -> dict:
    return child([PY, SCALE, *args], timeout)


def engine(tmp: Path, name: str, *args: str) -> dict:
    """bench_engine.py with its figures written to a file of its own."""
    out = tmp / f"{name}.json"
    child([PY, ENGINE, *args, "--out", str(out)], timeout=3600)
    return json.loads(out.read_text(encoding="utf-8"))


def pipeline(tmp: Path, repeat: int) -> dict:
    """``innovation-monitor run`` on the bundled sample, as a user runs it, ``repeat`` times."""
    runs = []
    for i in range(repeat):
        home = tmp / f"home{i}"
        home.mkdir()
        shutil.copy(PROJECT_ROOT / ".dagster_home" / "dagster.yaml", home / "dagster.yaml")
        cmd = [CLI, "run", "--warehouse", str(tmp / f"w{i}.duckdb"), "--out", str(tmp / f"o{i}")]
        runs.append(child(cmd, env={**os.environ, "DAGSTER_HOME": str(home)})["process"])
    return _medians(runs)


def _medians(runs: list[dict]) -> dict:
    keys = ("wall", "cpu", "process_peak_rss_mib", "load1")
    return {"n": len(runs), **{k: statistics.median(r[k] for r in runs) for k in keys},
            "walls": [r["wall"] for r in runs]}  # fmt: skip


def uncertainty(full: bool) -> dict:
    big = "3" if full else "1"
    out = {
        "cluster_start": scale("cluster", "--repeat", "2"),
        "136x10000": scale("ua", "136", "10000", "--repeat", "3"),
        "136x10000_cluster": scale("ua", "136", "10000", "--cluster", "--check", "--repeat", "1"),
        "by_units": [scale("ua", str(u), "1000", "--repeat", "1") for u in (136, 700, 2800)],
        "2800x10000": scale("ua", "2800", "10000", "--repeat", big),
        "2800x1000_cluster": scale("ua", "2800", "1000", "--cluster", "--repeat", "1"),
    }
    if full:  # the cluster at full size: minutes on this machine, where it shares two cores
        out["2800x10000_cluster"] = scale("ua", "2800", "10000", "--cluster", "--repeat", big)
    return out


def microdata(tmp: Path) -> dict:
    out: dict[str, Any] = {}
    for rows in (1_000_000, 10_000_000):
        folder = tmp / f"microdata_{rows}"
        made = scale("microdata-gen", str(folder), str(rows))
        runs = [scale("microdata", str(folder)) for _ in range(3)]
        out[str(rows)] = {
            "generate": made,
            "n": len(runs),
            "wall": statistics.median(r["wall"] for r in runs),
            "cpu": statistics.median(r["cpu"] for r in runs),
            "load": statistics.median(r["load"] for r in runs),
            "peak_rss_mib": statistics.median(r["process"]["process_peak_rss_mib"] for r in runs),
            "walls": [r["wall"] for r in runs],
            "aggregate_s": statistics.median(r["aggregate_s"] for r in runs),
            "statistics_rows": runs[0]["statistics_rows"],
            "indicator_values": runs[0]["indicator_values"],
            "indicators": runs[0]["indicators"],
        }
        shutil.rmtree(folder)
    return out


def national(tmp: Path, full: bool) -> dict:
    folder = tmp / "national"
    years = "2005-2024" if full else "2015-2024"  # 20 years take a minute more
    cmd = [PY, "-m", "innovation_monitor.synthetic.national", str(folder), "--provinces", "30",
           "--cities", "10", "--counties", "10", "--years", years]  # fmt: skip
    made = child(cmd)["process"]
    return {"generate_s": made["wall"], **scale("national", str(folder))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--full", action="store_true", help="the pipeline, COINr at 3000 units, more repeats"
    )
    parser.add_argument("--only", choices=SECTIONS, action="append")
    parser.add_argument("--out", type=Path, default=HERE / "results_scale.json")
    parser.add_argument("--doc", type=Path, default=PROJECT_ROOT / "BENCHMARKS.md")
    parser.add_argument(
        "--doc-only", action="store_true", help="rewrite the document from --out, run nothing"
    )
    args = parser.parse_args(argv)
    if args.doc_only:
        args.doc.write_text(report.render(json.loads(args.out.read_text("utf-8"))), "utf-8")
        return 0
    sections = args.only or [s for s in SECTIONS if args.full or s not in FULL_ONLY]
    started = time.perf_counter()
    results: dict[str, Any] = {
        "started": time.strftime("%Y-%m-%d %H:%M:%S %z"),
        "command": "make bench-full" if args.full else "make bench",
        "argv": ["benchmarks/run.py", *(argv if argv is not None else sys.argv[1:])],
        "load_start": os.getloadavg(),
    }
    if args.out.is_file():  # sections not run this time keep their last figures, and their date
        last = json.loads(args.out.read_text(encoding="utf-8"))
        kept = {**last.get("previous", {}), **{k: last[k] for k in SECTIONS if k in last}}
        results["previous"] = {k: v for k, v in kept.items() if k not in sections}
    with tempfile.TemporaryDirectory(prefix="bench-") as folder:
        tmp = Path(folder)
        for name in sections:
            print(f"[{time.perf_counter() - started:6.0f} s] {name} …", flush=True)
            section_start = time.perf_counter()
            if name == "engine":
                results[name] = engine(tmp, name, "--repeat", "10", "--sizes", "150")
            elif name == "engine_large":
                results[name] = {
                    "3000": engine(tmp, "e3000", "--only", "panels", "--sizes", "3000",
                                   "--no-coinr"),
                    "30000": engine(tmp, "e30000", "--only", "panels", "--sizes", "30000",
                                    "--no-coinr", "--no-baseline", "--panel-repeat", "2"),
                }  # fmt: skip
                if args.full:
                    results[name]["coinr_3000"] = engine(
                        tmp, "c3000", "--only", "panels", "--sizes", "3000", "--no-baseline",
                        "--panel-repeat", "1",
                    )  # fmt: skip
            elif name == "growth":
                results[name] = scale("growth", "--repeat", "3")
            elif name == "pipeline":
                results[name] = pipeline(tmp, 3 if args.full else 1)
            elif name == "uncertainty":
                results[name] = uncertainty(args.full)
            elif name == "microdata":
                results[name] = microdata(tmp)
            elif name == "national":
                results[name] = national(tmp, args.full)
            results[name]["measured"] = {"date": results["started"], "command": results["command"]}
            results.setdefault("durations", {})[name] = time.perf_counter() - section_start
    results["machine"] = bench_engine.machine(bench_engine.coinr_available())
    results["versions"] = report.versions()
    results["load_end"] = os.getloadavg()
    results["duration_s"] = time.perf_counter() - started
    results["finished"] = time.strftime("%Y-%m-%d %H:%M:%S %z")
    args.out.write_text(json.dumps(results, indent=1, default=float) + "\n", encoding="utf-8")
    args.doc.write_text(report.render(results), encoding="utf-8")
    print(f"[{results['duration_s']:6.0f} s] wrote {args.out} and {args.doc}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
