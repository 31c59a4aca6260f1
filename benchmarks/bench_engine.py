"""Our composite engine beside COINr and beside the previous commit, in one run (not a test).

Usage: .venv/bin/python benchmarks/bench_engine.py [--repeat N] [--baseline REV] [--large] ...

Every comparison alternates its contenders round by round (the order rotates), so a change of
load on the shared machine affects all of them alike; each figure is a median, and carries the
1-minute load average seen while it was measured.

1. ASEM build, in-process: our ``run_build`` with ``tests/composite/builds/asem_default.yaml``
   (COINr's default build) in a long-lived Python worker, the same in a worker running the
   baseline commit (a ``git worktree``; same interpreter, PYTHONPATH at the worktree), and
   COINr's ``build_example_coin()`` in a long-lived Rscript worker (R start-up not counted).
2. Whole processes: ``innovation-monitor score`` on the ASEM CSVs vs an Rscript that builds the
   example coin and writes its data sets and results.
3. Synthetic panels (benchmarks/synthetic_panel.py) of U units × 20 years × 40 indicators with a
   county-like build: one fresh process per build, wall and CPU of the build and the peak RSS of
   the process; ours now, ours at the baseline, and COINr doing the same computation.

Results go to the console and to benchmarks/results.json. COINr is used when
``Rscript -e 'library(COINr)'`` works; otherwise its columns are left out.
"""

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy
import synthetic_panel  # beside this script, which puts its folder first on sys.path

from innovation_monitor.paths import PROJECT_ROOT, shared_reference_dir

HERE = Path(__file__).resolve().parent
WORKER = HERE / "engine_worker.py"
R_WORKER = HERE / "coinr_worker.R"
ASEM_BUILD = PROJECT_ROOT / "tests" / "composite" / "builds" / "asem_default.yaml"
CLI = Path(sys.executable).parent / "innovation-monitor"
SIZES = (150, 3000)
LARGE = 30000


# --- children ---------------------------------------------------------------------------------


def _load() -> float:
    return os.getloadavg()[0]


def run_child(cmd: list[str], env: dict[str, str], timeout: float) -> dict[str, Any]:
    """Run one process to its end: wall time, CPU (user + system, its children included) and
    peak RSS from wait4, its last stdout line parsed as JSON when there is one."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start, load = time.perf_counter(), _load()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env, cwd=PROJECT_ROOT)
        timed_out = False
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - start > timeout:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                timed_out = True
                break
            time.sleep(0.02)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        lines = out.read().decode().strip().splitlines()
        stderr = err.read().decode()
    result: dict[str, Any] = {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "process_peak_rss_mib": usage.ru_maxrss / 1024,
        "load1": max(load, _load()),
        "returncode": proc.returncode,
        "timed_out": timed_out,
    }
    if proc.returncode != 0 and not timed_out:
        result["error"] = stderr.strip().splitlines()[-5:]
    elif lines and lines[-1].startswith("{"):
        result["report"] = json.loads(lines[-1])
    return result


class Worker:
    """A long-lived child answering one JSON line per "run" line."""

    def __init__(self, name: str, cmd: list[str], env: dict[str, str]) -> None:
        self.name = name
        self.proc = subprocess.Popen(
            cmd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            cwd=PROJECT_ROOT,
            text=True,
        )
        self.ready = self._answer()

    def _answer(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if line.startswith("{"):
                return json.loads(line)
        assert self.proc.stderr is not None
        raise RuntimeError(f"{self.name} worker stopped: {self.proc.stderr.read()[-2000:]}")

    def run(self) -> dict[str, Any]:
        assert self.proc.stdin is not None
        load = _load()
        self.proc.stdin.write("run\n")
        self.proc.stdin.flush()
        answer = self._answer()
        return {**answer, "load1": max(load, _load())}

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=60)


# --- contenders -------------------------------------------------------------------------------


def python_env(tree: Path) -> dict[str, str]:
    """The environment for our engine from ``tree`` (the working tree or a baseline worktree)."""
    return {**os.environ, "PYTHONPATH": str(tree)}


def coinr_available() -> bool:
    if shutil.which("Rscript") is None:
        return False
    probe = subprocess.run(
        ["Rscript", "-e", "suppressPackageStartupMessages(library(COINr))"],
        capture_output=True,
    )
    return probe.returncode == 0


@contextmanager
def baseline_tree(rev: str | None) -> Iterator[tuple[Path, str] | None]:
    """A detached ``git worktree`` of ``rev`` for the run, removed afterwards."""
    if rev is None:
        yield None
        return
    commit = _git("rev-parse", "--verify", f"{rev}^{{commit}}")
    folder = Path(tempfile.mkdtemp(prefix="bench-baseline-"))
    _git("worktree", "add", "--detach", str(folder), commit)
    try:
        yield folder, commit
    finally:
        _git("worktree", "remove", "--force", str(folder))


def _git(*args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(PROJECT_ROOT), *args], capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def _check_engine(name: str, reported: str, tree: Path) -> None:
    """Refuse a figure taken with the wrong code (e.g. the editable install winning)."""
    if not Path(reported).resolve().is_relative_to(tree.resolve()):
        raise RuntimeError(f"{name}: imported {reported}, expected a module under {tree}")


# --- statistics -------------------------------------------------------------------------------


def summary(samples: list[dict[str, Any]]) -> dict[str, Any]:
    """Median and best of wall and CPU seconds, and the load seen, over some samples."""
    if not samples:
        return {"n": 0}
    wall = [s["wall"] for s in samples]
    cpu = [s["cpu"] for s in samples]
    loads = [s["load1"] for s in samples]
    return {
        "n": len(samples),
        "wall_median": statistics.median(wall),
        "wall_min": min(wall),
        "cpu_median": statistics.median(cpu),
        "cpu_min": min(cpu),
        "load1_median": statistics.median(loads),
        "load1_max": max(loads),
        "samples": samples,
    }


def ratio(top: dict[str, Any], bottom: dict[str, Any]) -> dict[str, float] | None:
    """``top`` ÷ ``bottom`` of the median wall and median CPU times."""
    if not top.get("n") or not bottom.get("n"):
        return None
    return {
        "cpu": top["cpu_median"] / bottom["cpu_median"],
        "wall": top["wall_median"] / bottom["wall_median"],
    }


def rotated(names: list[str], round_: int) -> list[str]:
    k = round_ % len(names)
    return names[k:] + names[:k]


# --- the three sections -----------------------------------------------------------------------


def bench_asem(
    repeat: int, reference: Path, baseline: tuple[Path, str] | None, coinr: bool
) -> dict[str, Any]:
    data, meta = reference / "input_ASEM_iData.csv", reference / "input_ASEM_iMeta.csv"
    args = [sys.executable, str(WORKER), "asem", str(data), str(meta), str(ASEM_BUILD)]
    workers = {"ours": Worker("ours", args, python_env(PROJECT_ROOT))}
    _check_engine("ours", workers["ours"].ready["engine"], PROJECT_ROOT)
    if baseline is not None:
        workers["ours_baseline"] = Worker("baseline", args, python_env(baseline[0]))
        _check_engine("ours_baseline", workers["ours_baseline"].ready["engine"], baseline[0])
    if coinr:
        workers["coinr"] = Worker("coinr", ["Rscript", str(R_WORKER), "asem"], dict(os.environ))
    samples: dict[str, list[dict[str, Any]]] = {name: [] for name in workers}
    try:
        for i in range(repeat):
            for name in rotated(list(workers), i):
                samples[name].append(workers[name].run())
    finally:
        for worker in workers.values():
            worker.close()
    out: dict[str, Any] = {name: summary(s) for name, s in samples.items()}
    for name, worker in workers.items():
        out[name]["top_unit"] = worker.ready["top"]
        if name == "coinr":
            out[name]["versions"] = {"COINr": worker.ready["coinr"], "R": worker.ready["r"]}
    out["ratios"] = _ratios(out)
    return out


def bench_process(repeat: int, reference: Path, coinr: bool, workdir: Path) -> dict[str, Any]:
    ours_cmd = [
        str(CLI),
        "score",
        "--data",
        str(reference / "input_ASEM_iData.csv"),
        "--meta",
        str(reference / "input_ASEM_iMeta.csv"),
        "--build",
        str(ASEM_BUILD),
        "--out",
        str(workdir / "process_ours"),
    ]
    commands = {"ours": (ours_cmd, python_env(PROJECT_ROOT))}
    if coinr:
        r_cmd = ["Rscript", str(R_WORKER), "process", str(workdir / "process_coinr")]
        commands["coinr"] = (r_cmd, dict(os.environ))
    samples: dict[str, list[dict[str, Any]]] = {name: [] for name in commands}
    for i in range(repeat):
        for name in rotated(list(commands), i):
            cmd, env = commands[name]
            result = run_child(cmd, env, timeout=600)
            if result["returncode"] != 0:
                raise RuntimeError(f"process {name} failed: {result.get('error')}")
            samples[name].append(result)
    out: dict[str, Any] = {name: summary(s) for name, s in samples.items()}
    for name, runs in samples.items():
        out[name]["process_peak_rss_mib_median"] = statistics.median(
            r["process_peak_rss_mib"] for r in runs
        )
    out["ratios"] = _ratios(out)
    return out


def bench_panels(
    sizes: list[int],
    repeat: int,
    baseline: tuple[Path, str] | None,
    coinr: bool,
    workdir: Path,
    timeout: float,
) -> dict[str, Any]:
    panels: dict[str, Any] = {}
    given_up: set[str] = set()  # timed out at a smaller size: a larger one would too
    for units in sizes:
        folder = workdir / f"panel_{units}"
        started = time.perf_counter()
        paths = synthetic_panel.write_panel(units, folder)
        made = time.perf_counter() - started
        files = [str(paths["data"]), str(paths["meta"]), str(paths["build"])]
        commands: dict[str, tuple[list[str], dict[str, str]]] = {
            "ours": (
                [sys.executable, str(WORKER), "panel", *files, str(folder / "ours.csv")],
                python_env(PROJECT_ROOT),
            )
        }
        if baseline is not None:
            commands["ours_baseline"] = (
                [sys.executable, str(WORKER), "panel", *files, str(folder / "baseline.csv")],
                python_env(baseline[0]),
            )
        if coinr:
            commands["coinr"] = (
                [
                    "Rscript",
                    str(R_WORKER),
                    "panel",
                    str(paths["data"]),
                    str(paths["meta"]),
                    str(synthetic_panel.winmax(units)),
                    str(folder / "coinr.csv"),
                ],
                dict(os.environ),
            )
        samples: dict[str, list[dict[str, Any]]] = {name: [] for name in commands}
        timed_out: dict[str, float] = {}
        for i in range(repeat):
            for name in rotated(list(commands), i):
                if name in timed_out or name in given_up:
                    continue
                print(f"  panel {units}: {name} run {i + 1}/{repeat} …", flush=True)
                result = run_child(*commands[name], timeout=timeout)
                if result["timed_out"]:
                    timed_out[name] = timeout
                    given_up.add(name)
                    continue
                if result["returncode"] != 0 or "report" not in result:
                    raise RuntimeError(f"panel {units} {name} failed: {result.get('error')}")
                report = result.pop("report")
                if name != "coinr":
                    tree = PROJECT_ROOT if name == "ours" else baseline[0]  # type: ignore[index]
                    _check_engine(name, report.pop("engine"), tree)
                # The build's own wall and CPU (the reading of the CSV files is not counted).
                samples[name].append(
                    {
                        **report,
                        "process_wall": result["wall"],
                        "process_peak_rss_mib": result["process_peak_rss_mib"],
                        "load1": result["load1"],
                    }
                )
        figures: dict[str, Any] = {}
        for name, runs in samples.items():
            figures[name] = summary(runs)
            if runs:
                figures[name]["peak_rss_mib_median"] = statistics.median(
                    r["peak_rss_mib"] for r in runs
                )
            if name in timed_out:
                figures[name]["timed_out_after_s"] = timed_out[name]
            elif not runs:
                figures[name]["skipped"] = "timed out at a smaller size"
        panels[str(units)] = {
            "units": units,
            "rows": units * len(synthetic_panel.YEARS),
            "indicators": len(synthetic_panel.indicator_codes()),
            "winmax": synthetic_panel.winmax(units),
            "generate_s": made,
            **figures,
            "ratios": _ratios(figures),
            "agreement_max_abs_index_diff": _agreement(folder, list(samples)),
        }
    return panels


def _ratios(figures: dict[str, Any]) -> dict[str, Any]:
    ours = figures.get("ours", {})
    out = {
        "coinr_over_ours": ratio(figures.get("coinr", {}), ours),
        "ours_over_baseline": ratio(ours, figures.get("ours_baseline", {})),
    }
    coinr_limit = figures.get("coinr", {}).get("timed_out_after_s")
    if coinr_limit and ours.get("n"):  # COINr did not finish: a lower bound of its ratio
        out["coinr_over_ours"] = {"wall_at_least": coinr_limit / ours["wall_median"]}
    return out


def _agreement(folder: Path, names: list[str]) -> dict[str, float]:
    """Largest |index difference| of each contender's unit-year scores from ours."""
    files = {"ours_baseline": "baseline.csv", "coinr": "coinr.csv"}
    ours_csv = folder / "ours.csv"
    if not ours_csv.is_file():
        return {}
    ours = pd.read_csv(ours_csv, dtype={"uCode": str}).set_index(["uCode", "Time"])["Index"]
    out = {}
    for name in names:
        path = folder / files.get(name, "")
        if name in files and path.is_file():
            other = pd.read_csv(path, dtype={"uCode": str}).set_index(["uCode", "Time"])["Index"]
            other = other.reindex(ours.index)
            both = ours.notna() & other.notna()
            same_gaps = bool((ours.isna() == other.isna()).all())
            diff = float(np.abs(ours[both] - other[both]).max())
            out[name] = diff if same_gaps else float("inf")
    return out


# --- report -----------------------------------------------------------------------------------


def machine(coinr: bool) -> dict[str, Any]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem_kib = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    info: dict[str, Any] = {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(mem_kib / 2**20, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "pandas": pd.__version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "coinr_available": coinr,
    }
    return info


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:9.1f} ms" if seconds < 10 else f"{seconds:9.1f} s "


def _row(label: str, fig: dict[str, Any]) -> str:
    if not fig.get("n"):
        if "timed_out_after_s" in fig:
            return f"  {label:<16} did not finish in {fig['timed_out_after_s']:.0f} s"
        if "skipped" in fig:
            return f"  {label:<16} skipped ({fig['skipped']})"
        return f"  {label:<16} —"
    text = (
        f"  {label:<16} CPU {_ms(fig['cpu_median'])}  wall {_ms(fig['wall_median'])}  "
        f"(n={fig['n']}, load {fig['load1_median']:.1f}"
    )
    peak = fig.get("peak_rss_mib_median", fig.get("process_peak_rss_mib_median"))
    return text + (f", peak RSS {peak:.0f} MiB)" if peak else ")")


def _ratio_text(ratios: dict[str, Any]) -> list[str]:
    lines = []
    for key, label in (
        ("coinr_over_ours", "COINr ÷ ours"),
        ("ours_over_baseline", "ours ÷ baseline"),
    ):
        r = ratios.get(key)
        if r and "wall_at_least" in r:
            lines.append(f"  {label:<16} wall > {r['wall_at_least']:.1f}× (did not finish)")
        elif r:
            lines.append(f"  {label:<16} CPU {r['cpu']:.2f}×   wall {r['wall']:.2f}×")
    return lines


def print_report(results: dict[str, Any]) -> None:
    labels = {"ours": "ours (now)", "ours_baseline": "ours (baseline)", "coinr": "COINr"}
    titles = {
        "asem": "ASEM default build, in-process (median)",
        "process": "ASEM default build, whole process (median)",
    }
    for section, title in titles.items():
        if section not in results:
            continue
        print(title)
        for key, label in labels.items():
            if key in results[section]:
                print(_row(label, results[section][key]))
        print("\n".join(_ratio_text(results[section]["ratios"])))
    for units, panel in results.get("panels", {}).items():
        print(
            f"Synthetic panel {units} units × 20 years × {panel['indicators']} indicators "
            f"({panel['rows']} rows, winmax {panel['winmax']}), build only (median)"
        )
        for key, label in labels.items():
            if key in panel:
                print(_row(label, panel[key]))
        print("\n".join(_ratio_text(panel["ratios"])))
        steps = _median_steps(panel.get("coinr", {}).get("samples", []))
        if steps:
            print("  COINr CPU by step: " + ", ".join(f"{k} {v:.2f} s" for k, v in steps.items()))
        for name, diff in panel["agreement_max_abs_index_diff"].items():
            print(f"  index agrees with {labels[name]} to {diff:.1e}")


def _median_steps(samples: list[dict[str, Any]]) -> dict[str, float]:
    """COINr's CPU seconds per build step, median over the samples."""
    if not samples:
        return {}
    return {
        k: statistics.median(s["steps_cpu"][k] for s in samples) for k in samples[0]["steps_cpu"]
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="rounds for the ASEM figures")
    parser.add_argument(
        "--panel-repeat", type=int, default=3, help="processes per contender per panel"
    )
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="panel unit counts")
    parser.add_argument("--large", action="store_true", help=f"add a {LARGE}-unit panel")
    parser.add_argument("--baseline", default="HEAD~1", help="commit to compare with")
    parser.add_argument("--no-baseline", action="store_true", help="skip the baseline commit")
    parser.add_argument("--no-coinr", action="store_true", help="skip COINr even if installed")
    parser.add_argument(
        "--only",
        choices=["asem", "process", "panels"],
        action="append",
        help="run only these sections (repeatable)",
    )
    parser.add_argument(
        "--timeout", type=float, default=1800, help="seconds one panel build may take"
    )
    parser.add_argument("--reference", type=Path, default=shared_reference_dir() / "coinr-asem")
    parser.add_argument("--out", type=Path, default=HERE / "results.json")
    args = parser.parse_args(argv)
    if not (args.reference / "input_ASEM_iData.csv").is_file():
        print(f"bench_engine: no ASEM inputs in {args.reference}", file=sys.stderr)
        return 1
    sections = args.only or ["asem", "process", "panels"]
    sizes = [int(s) for s in args.sizes.split(",") if s] + ([LARGE] if args.large else [])
    coinr = not args.no_coinr and coinr_available()
    if not coinr and not args.no_coinr:
        print("bench_engine: Rscript with COINr not found; COINr is left out", file=sys.stderr)
    results: dict[str, Any] = {
        "started": time.strftime("%Y-%m-%d %H:%M:%S %z"),
        "machine": machine(coinr),
        "command": " ".join(["benchmarks/bench_engine.py", *(argv or sys.argv[1:])]),
        "ours": {
            "commit": _git("rev-parse", "HEAD"),
            # The figures are of the working tree: say whether it differs from that commit.
            "uncommitted_engine_changes": bool(_git("status", "--porcelain", "innovation_monitor")),
        },
    }
    rev = None if args.no_baseline else args.baseline
    with tempfile.TemporaryDirectory(prefix="bench-engine-") as tmp, baseline_tree(rev) as base:
        if base is not None:
            results["baseline"] = {"rev": rev, "commit": base[1]}
        workdir = Path(tmp)
        if "asem" in sections:
            print("ASEM in-process …", flush=True)
            results["asem"] = bench_asem(args.repeat, args.reference, base, coinr)
        if "process" in sections:
            print("ASEM whole processes …", flush=True)
            results["process"] = bench_process(args.repeat, args.reference, coinr, workdir)
        if "panels" in sections:
            print("Synthetic panels …", flush=True)
            results["panels"] = bench_panels(
                sizes, args.panel_repeat, base, coinr, workdir, args.timeout
            )
    results["finished"] = time.strftime("%Y-%m-%d %H:%M:%S %z")
    print_report(results)
    args.out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
