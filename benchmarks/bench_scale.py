"""The scale benchmarks of issue #15, one section per process (not a test).

Each section runs in its own process (``run.py`` starts it and reads its peak RSS from
``wait4``) and prints one JSON line: its figures, each a median of ``--repeat`` runs with the
1-minute load average seen. Sections:

    growth                 the engine in-process on synthetic_panel's panels: cost against
                           units (150, 3000), years (5, 10, 20) and indicators (10, 20, 40)
    ua UNITS REPS          run_uncertainty on bench_uncertainty's panel (UNITS × 8 years × 30
                           indicators), in this process; --cluster: on a LocalCluster of two
                           worker processes started here (its start is timed apart), and the
                           ranks checked equal to the in-process run's when --check is given
    cluster                start and stop a LocalCluster(2 processes) --repeat times
    microdata-gen DIR N    write N enterprise-year rows (3,000 counties × 20 years)
    microdata DIR          aggregate DIR to county statistics (DuckDB, 1 GB memory limit)
    national DIR           load → validate → indicators → scores of a national data folder
                           (innovation_monitor.synthetic.national) through the library stages

    .venv/bin/python benchmarks/bench_scale.py ua 2800 10000 --cluster
"""

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(work: Callable[[], object], repeat: int) -> dict[str, Any]:
    """Median wall and CPU seconds of ``repeat`` runs, the load average seen, the samples."""
    walls, cpus, loads = [], [], []
    for _ in range(repeat):
        loads.append(os.getloadavg()[0])
        wall, cpu = time.perf_counter(), time.process_time()
        work()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return {
        "wall": statistics.median(walls),
        "cpu": statistics.median(cpus),
        "load": statistics.median(loads),
        "n": repeat,
        "walls": walls,
    }


def growth(repeat: int) -> dict[str, Any]:
    """The engine's build on sub-panels of one synthetic panel: units, years, indicators."""
    import synthetic_panel as sp

    from innovation_monitor.composite import Framework, parse_steps, run_build

    out: dict[str, Any] = {"units": [], "years": [], "indicators": []}
    data, imeta = sp.make_panel(3000)
    for units in (150, 1000, 3000):
        part = data[data["uCode"] < f"U{units:05d}"]
        steps = parse_steps(_steps(units * len(sp.YEARS)))
        fig = timed(lambda p=part, s=steps: run_build(p, Framework.from_imeta(imeta), s), repeat)
        out["units"].append({"units": units, "years": 20, "indicators": 40, **fig})
    for years in (5, 10, 20):
        part = data[data["Time"] >= 2025 - years]
        steps = parse_steps(_steps(3000 * years))
        fig = timed(lambda p=part, s=steps: run_build(p, Framework.from_imeta(imeta), s), repeat)
        out["years"].append({"units": 3000, "years": years, "indicators": 40, **fig})
    for count in (10, 20, 40):
        codes = [c for p in range(5) for c in sp.indicator_codes()[p * 8 : p * 8 + count // 5]]
        meta = imeta[(imeta["Level"] > 1) | imeta["iCode"].isin(codes)]
        part = data[["uCode", "uName", "Time", *codes]]
        steps = parse_steps(_steps(3000 * 20))
        fig = timed(
            lambda p=part, m=meta, s=steps: run_build(p, Framework.from_imeta(m), s), repeat
        )
        out["indicators"].append({"units": 3000, "years": 20, "indicators": count, **fig})
    return out


def _steps(rows: int) -> list[dict[str, Any]]:
    import synthetic_panel as sp

    return [
        {"impute": {"method": "carry_forward", "limit": 2}},
        {"treat": {"method": "winsorise_then_log", "winmax": round(sp.WINMAX_SHARE * rows),
                   "skew": 2.0, "kurtosis": 3.5, "panel": "pooled"}},
        {"normalise": {"method": "minmax", "range": [0, 100], "goalposts": "pooled"}},
        {"weight": {"method": "explicit"}},
        {"aggregate": {"method": "arithmetic"}},
    ]  # fmt: skip


def uncertainty(units: int, reps: int, repeat: int, cluster: bool, check: bool) -> dict[str, Any]:
    """``reps`` replications of ``units`` × 8 years, in-process or on a local cluster."""
    import bench_uncertainty as bu

    from innovation_monitor.composite import parse_steps
    from innovation_monitor.composite.uncertainty import run_uncertainty

    data, framework = bu.make_panel(units)
    steps = parse_steps(bu.PANEL_BUILD)
    spec = bu._spec(bu.PANEL_PERTURB, reps)
    out: dict[str, Any] = {"units": units, "years": 8, "replications": reps, "cluster": cluster}
    if not cluster:
        return {**out, **timed(lambda: run_uncertainty(data, framework, steps, spec), repeat)}
    from distributed import LocalCluster

    start = time.perf_counter()
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as local:
        out["cluster_start_s"] = time.perf_counter() - start
        address = local.scheduler_address
        result: dict[str, Any] = {}

        def remote() -> None:
            result["there"] = run_uncertainty(data, framework, steps, spec, scheduler=address)

        out.update(timed(remote, repeat))
    if check:
        here = run_uncertainty(data, framework, steps, spec)
        out["identical"] = all(
            getattr(here, n).equals(getattr(result["there"], n))
            for n in ("rank_stats", "units", "replications")
        )
    return out


def cluster_start(repeat: int) -> dict[str, Any]:
    from distributed import LocalCluster

    starts, stops = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        local = LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        )
        starts.append(time.perf_counter() - start)
        start = time.perf_counter()
        local.close()
        stops.append(time.perf_counter() - start)
    return {"start": statistics.median(starts), "stop": statistics.median(stops), "n": repeat,
            "starts": starts, "load": os.getloadavg()[0]}  # fmt: skip


def microdata_gen(folder: Path, rows: int) -> dict[str, Any]:
    from innovation_monitor.synthetic.microdata import write_microdata

    counties = [f"{11 + i // 100:02d}{i // 10 % 10 + 1:02d}{i % 10 + 21:02d}" for i in range(3000)]
    start = time.perf_counter()
    files = write_microdata(folder, counties, range(2005, 2025), rows // 20)
    size = sum(f.stat().st_size for f in files)
    return {"rows": rows, "files": len(files), "bytes": size, "wall": time.perf_counter() - start}


def microdata(folder: Path) -> dict[str, Any]:
    """Parquet → county statistics (DuckDB) → the shipped framework's county indicators (those
    the microdata's variables give; the others need yearbook figures and stay missing)."""
    import polars as pl

    from innovation_monitor.framework import load_indicator_system
    from innovation_monitor.indicators import compute_indicators
    from innovation_monitor.ingest.microdata import aggregate_microdata

    framework = load_indicator_system().frameworks["county"]
    with tempfile.TemporaryDirectory(prefix="spill-") as spill:
        start, cpu, load = time.perf_counter(), time.process_time(), os.getloadavg()[0]
        table = aggregate_microdata(folder, temp_dir=Path(spill), memory_limit="1GB")
        aggregated = time.perf_counter() - start
        values = compute_indicators(table, framework)
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    found = values.filter(pl.col("value").is_not_null())
    return {"wall": wall, "cpu": cpu, "load": load, "aggregate_s": aggregated,
            "statistics_rows": table.height, "counties": table["region_code"].n_unique(),
            "indicator_values": found.height,
            "indicators": sorted(found["indicator"].unique().to_list())}  # fmt: skip


def national(folder: Path) -> dict[str, Any]:
    """Each stage once (the library's, as the run's assets call them), with its seconds."""
    from innovation_monitor import stages, warehouse
    from innovation_monitor.divisions import DivisionRegistry
    from innovation_monitor.framework import load_indicator_system

    times: dict[str, float] = {}

    def stage(name: str, work: Callable[[], object]) -> None:
        start = time.perf_counter()
        work()
        times[name] = times.get(name, 0.0) + time.perf_counter() - start

    load = os.getloadavg()[0]
    registry = DivisionRegistry.load(folder / "divisions.csv")
    system = load_indicator_system(folder / "indicators.yaml")
    con = warehouse.connect(":memory:")
    stage("divisions", lambda: stages.load_divisions(con, registry))
    stage("ingest+load", lambda: stages.load_statistics(con, folder / "data", system, registry))
    for level in ("city", "county"):
        stage("validate", lambda lv=level: stages.check_statistics(con, system, registry, lv))
        stage("indicators", lambda lv=level: stages.compute_level_indicators(con, system, lv))
        stage("score", lambda lv=level: stages.score_level(con, system, registry, lv))
    values = warehouse.read(con, "statistics")
    ranks = warehouse.read(con, "rankings", level="county")
    return {
        "stages": times,
        "total": sum(times.values()),
        "load": load,
        "statistics_rows": values.height,
        "county_unit_years": ranks.height,
        "counties": ranks["region_code"].n_unique(),
        "years": ranks["year"].n_unique(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("section")
    parser.add_argument("args", nargs="*")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cluster", action="store_true")
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    section, rest = args.section, args.args
    if section == "growth":
        result = growth(args.repeat)
    elif section == "ua":
        result = uncertainty(int(rest[0]), int(rest[1]), args.repeat, args.cluster, args.check)
    elif section == "cluster":
        result = cluster_start(args.repeat)
    elif section == "microdata-gen":
        result = microdata_gen(Path(rest[0]), int(rest[1]))
    elif section == "microdata":
        result = microdata(Path(rest[0]))
    elif section == "national":
        result = national(Path(rest[0]))
    else:
        parser.error(f"unknown section {section!r}")
    print(json.dumps({**result, "peak_rss_mib": _peak_mib()}, default=float), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
