"""The uncertainty analysis's speed, and its agreement with COINr's on ASEM (not a test).

Usage: .venv/bin/python benchmarks/bench_uncertainty.py [--repeat N] [--coinr-reps N]
       [--compare N] [--no-coinr] [--out FILE]

1. Synthetic panels of U units × 8 years × 30 indicators in 5 pillars (seeded, made here): the
   county-like build (impute, treat, pooled min-max, arithmetic mean) with the weights of
   levels 1 and 2 perturbed by ±25 %, min-max or z-score and arithmetic or geometric mean
   drawn; R replications, for U in 136 and 1000 and R in 1,000 and 10,000 (median of
   ``--repeat`` runs, in this process); and the Sobol sensitivity analysis of 136 units.
2. ASEM: ours with 10,000 replications of the spec COINr's vignette uses (weights of levels 2
   and 3 ±25 %, min-max [1, 100] or z-score (10, 2), arithmetic or geometric mean), against
   COINr's ``get_sensitivity(SA_type = "UA")`` with ``--coinr-reps`` replications (it rebuilds
   the coin for each: its time per replication is what compares), in ``coinr_worker.R``.
3. ``--compare N``: both with N replications on ASEM, and whether each unit's mean, median and
   5 / 95 % rank agree within Monte Carlo error (bootstrap of both samples' replications).

Figures go to the console (and to ``--out`` as JSON), each with the 1-minute load average.
"""

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from bench_scale import timed

from innovation_monitor.composite import Framework, load_build, parse_steps
from innovation_monitor.composite.perturbation import parse_uncertainty_spec
from innovation_monitor.composite.uncertainty import (
    prepare_uncertainty,
    replication_scores,
    run_uncertainty,
)
from innovation_monitor.paths import PROJECT_ROOT, shared_reference_dir

R_WORKER = Path(__file__).resolve().parent / "coinr_worker.R"
ASEM_BUILD = PROJECT_ROOT / "tests" / "composite" / "builds" / "asem_default.yaml"
YEARS = range(2016, 2024)
PILLARS, PER_PILLAR = 5, 6
PANEL_BUILD = [
    {"impute": {"method": "carry_forward", "limit": 2}},
    {"treat": {"method": "winsorise_then_log", "winmax": 100, "panel": "pooled"}},
    {"normalise": {"method": "minmax", "range": [1, 100], "goalposts": "pooled"}},
    {"aggregate": {"method": "arithmetic"}},
]
PANEL_PERTURB = [
    {"weights": {"level": 1, "noise": 0.25}},
    {"weights": {"level": 2, "noise": 0.25}},
    {
        "step": "normalise",
        "alternatives": [
            {"method": "minmax", "range": [1, 100], "goalposts": "pooled"},
            {"method": "zscore", "mean": 100, "sd": 10, "goalposts": "pooled"},
        ],
    },
    {"step": "aggregate", "alternatives": [{"method": "arithmetic"}, {"method": "geometric"}]},
]
ASEM_PERTURB = [
    {"weights": {"level": 2, "noise": 0.25}},
    {"weights": {"level": 3, "noise": 0.25}},
    {
        "step": "normalise",
        "alternatives": [
            {"method": "minmax", "range": [1, 100]},
            {"method": "zscore", "mean": 10, "sd": 2},
        ],
    },
    {"step": "aggregate", "alternatives": [{"method": "arithmetic"}, {"method": "geometric"}]},
]


def make_panel(units: int, seed: int = 136) -> tuple[pd.DataFrame, Framework]:
    """``units`` × 8 years × 30 log-normal and normal indicators, a unit effect, a trend,
    2 % missing; unequal weights, every seventh indicator with direction −1."""
    rng = np.random.default_rng(seed)
    codes = [f"x{j + 1:02d}" for j in range(PILLARS * PER_PILLAR)]
    u = np.repeat(np.arange(units), len(YEARS))
    t = np.tile(np.arange(len(YEARS), dtype=float), units)
    effect, growth = rng.standard_normal(units), rng.normal(0.03, 0.01, units)
    columns: dict[str, Any] = {
        "uCode": [f"U{i:04d}" for i in u],
        "Time": np.array(YEARS)[t.astype(int)],
    }
    for j, code in enumerate(codes):
        latent = 0.6 * effect[u] + 0.8 * rng.standard_normal(u.size) + growth[u] * t
        values = 50 + 10 * latent if j % 3 == 0 else np.exp(1 + 0.35 * latent)
        values[rng.random(u.size) < 0.02] = np.nan
        columns[code] = values
    nodes: list[dict[str, Any]] = [{"code": "Index"}]
    for p in range(PILLARS):
        nodes.append({"code": f"P{p + 1}", "parent": "Index", "weight": 2 if p == 0 else 1})
    for j, code in enumerate(codes):
        direction = -1 if j % 7 == 6 else 1
        nodes.append(
            {"code": code, "parent": f"P{j // PER_PILLAR + 1}", "weight": 1 + j % 3,
             "direction": direction}
        )  # fmt: skip
    return pd.DataFrame(columns), Framework.from_dict({"nodes": nodes})


def _spec(perturb: list[dict[str, Any]], replications: int, sensitivity: Any = False) -> Any:
    return parse_uncertainty_spec(
        {"replications": replications, "seed": 1, "perturb": perturb, "sensitivity": sensitivity}
    )


def bench_panels(repeat: int) -> list[dict[str, Any]]:
    rows = []
    steps = parse_steps(PANEL_BUILD)
    for units in (136, 1000):
        data, framework = make_panel(units)
        for replications in (1000, 10000):
            spec = _spec(PANEL_PERTURB, replications)
            fig = timed(lambda d=data, f=framework, s=spec: run_uncertainty(d, f, steps, s), repeat)
            rows.append({"what": f"UA {units} units × 8 years, {replications:,} replications",
                         "units": units, "replications": replications, **fig})  # fmt: skip
            print(_line(rows[-1]), flush=True)
    data, framework = make_panel(136)
    spec = _spec(PANEL_PERTURB, 1000, {"samples": 1024})
    fig = timed(lambda: run_uncertainty(data, framework, steps, spec), repeat)
    rows.append({"what": "UA 1,000 + Sobol 1024 × (4 + 2) = 6,144 evaluations, 136 units",
                 "units": 136, "replications": 1000 + 6144, **fig})  # fmt: skip
    print(_line(rows[-1]), flush=True)
    return rows


def _asem() -> tuple[pd.DataFrame, Framework, list[Any]]:
    folder = shared_reference_dir() / "coinr-asem"
    data = pd.read_csv(folder / "input_ASEM_iData.csv")
    framework = Framework.from_imeta(pd.read_csv(folder / "input_ASEM_iMeta.csv"))
    return data, framework, load_build(ASEM_BUILD)


def coinr(replications: int, workdir: Path, seed: int = 1) -> dict[str, Any]:
    """COINr's uncertainty analysis in the R worker: its timing, RankStats and ranks."""
    stats, ranks = (
        workdir / f"coinr_stats_{replications}.csv",
        workdir / f"coinr_ranks_{replications}.csv",
    )
    load = os.getloadavg()[0]
    cmd = [
        "Rscript",
        str(R_WORKER),
        "uncertainty",
        str(replications),
        str(seed),
        str(stats),
        str(ranks),
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=PROJECT_ROOT)
    fig = json.loads(done.stdout.strip().splitlines()[-1])
    return {**fig, "load": load, "stats": pd.read_csv(stats), "ranks": pd.read_csv(ranks)}


def bench_asem(repeat: int, coinr_reps: int, use_coinr: bool, workdir: Path) -> dict[str, Any]:
    data, framework, steps = _asem()
    spec = _spec(ASEM_PERTURB, 10000)
    ours = timed(lambda: run_uncertainty(data, framework, steps, spec), repeat)
    out: dict[str, Any] = {"ours": {**ours, "replications": 10000}}
    print(_line({"what": "ASEM ours, 10,000 replications", **ours}), flush=True)
    if use_coinr:
        fig = coinr(coinr_reps, workdir)
        out["coinr"] = {k: fig[k] for k in ("wall", "cpu", "replications", "load")}
        print(_line({"what": f"ASEM COINr, {coinr_reps} replications", **out["coinr"], "n": 1}))
        per_ours = ours["cpu"] / 10000
        per_coinr = fig["cpu"] / coinr_reps
        out["per_replication"] = {"ours_ms": per_ours * 1e3, "coinr_ms": per_coinr * 1e3,
                                  "ratio": per_coinr / per_ours}  # fmt: skip
        print(
            f"  CPU per replication: ours {per_ours * 1e6:.1f} µs, COINr {per_coinr * 1e3:.1f} ms"
            f" — COINr ÷ ours {per_coinr / per_ours:,.0f}×"
        )
    return out


def _our_ranks(replications: int, seed: int) -> pd.DataFrame:
    """Every one of our replications' ranks of the ASEM index (units × replications)."""
    data, framework, steps = _asem()
    spec = parse_uncertainty_spec(
        {"replications": replications, "seed": seed, "perturb": ASEM_PERTURB}
    )
    analysis = prepare_uncertainty(data, framework, steps, spec)
    scores = replication_scores(analysis, analysis.inputs.random_draws(replications, seed))
    ranks = pd.DataFrame(scores).rank(ascending=False, method="min").to_numpy()
    return pd.DataFrame(ranks, index=analysis.ids["uCode"])


def compare(replications: int, workdir: Path) -> dict[str, Any]:
    """Our and COINr's rank statistics on ASEM from N replications each."""
    ours = _our_ranks(replications, seed=1)
    theirs = coinr(replications, workdir)["ranks"].set_index("uCode").drop(columns="Nominal")
    print("  ours (seed 1) against COINr (set.seed(1)):")
    out = compare_ranks(ours, theirs)
    print("  the Monte Carlo error alone: ours (seed 1) against ours (seed 2):")
    out["control"] = compare_ranks(ours, _our_ranks(replications, seed=2))
    return out


def compare_ranks(ours: pd.DataFrame, theirs: pd.DataFrame, boot: int = 200) -> dict[str, Any]:
    """Whether two samples of ranks (units × replications) agree within Monte Carlo error:
    each unit's difference in mean, median, 5 % and 95 % rank against 3 standard errors of
    that difference (bootstrap over each sample's replications)."""
    a_ranks = ours.to_numpy(dtype=float)
    b_ranks = theirs.loc[ours.index].to_numpy(dtype=float)
    rng = np.random.default_rng(5)

    def stats(ranks: np.ndarray) -> dict[str, np.ndarray]:
        return {
            "mean": ranks.mean(axis=-1),
            "median": np.quantile(ranks, 0.5, axis=-1),
            "q05": np.quantile(ranks, 0.05, axis=-1),
            "q95": np.quantile(ranks, 0.95, axis=-1),
        }

    def bootstrap(ranks: np.ndarray) -> dict[str, np.ndarray]:
        picks = rng.integers(0, ranks.shape[1], (boot, ranks.shape[1]))
        return stats(np.stack([ranks[:, p] for p in picks]))

    a, b = stats(a_ranks), stats(b_ranks)
    boot_a, boot_b = bootstrap(a_ranks), bootstrap(b_ranks)
    out: dict[str, Any] = {"replications": [a_ranks.shape[1], b_ranks.shape[1]], "units": len(ours)}
    for name in a:
        diff = a[name] - b[name]
        se = np.sqrt(boot_a[name].var(axis=0, ddof=1) + boot_b[name].var(axis=0, ddof=1))
        out[name] = {
            "max_abs_diff": float(np.abs(diff).max()),
            "units_equal": int((diff == 0).sum()),
            "units_within_1": int((np.abs(diff) <= 1).sum()),
            "units_beyond_3se": int((np.abs(diff) > 3 * se + 1e-12).sum()),
            "largest_diff_in_se": float(np.max(np.abs(diff) / np.where(se > 0, se, np.inf))),
        }
        print(f"  {name:6s} {out[name]}")
    return out


def _line(fig: dict[str, Any]) -> str:
    return (
        f"{fig['what']:<66s} wall {fig['wall']:7.2f} s  CPU {fig['cpu']:7.2f} s  "
        f"(n={fig.get('n', 1)}, load {fig['load']:.2f})"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--coinr-reps", type=int, default=300)
    parser.add_argument("--compare", type=int, default=0, help="replications of each (0: none)")
    parser.add_argument("--no-coinr", action="store_true")
    parser.add_argument("--only", choices=["panels", "asem", "compare"], action="append")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    use_coinr = not args.no_coinr and shutil.which("Rscript") is not None
    only = set(args.only or ["panels", "asem", "compare"])
    print(f"bench_uncertainty: {time.strftime('%Y-%m-%d %H:%M:%S %Z')}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, numpy {np.__version__}, "
          f"load {os.getloadavg()}")  # fmt: skip
    results: dict[str, Any] = {"date": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    with tempfile.TemporaryDirectory() as tmp:
        if "panels" in only:
            results["panels"] = bench_panels(args.repeat)
        if "asem" in only:
            results["asem"] = bench_asem(args.repeat, args.coinr_reps, use_coinr, Path(tmp))
        if "compare" in only and args.compare and use_coinr:
            print(f"ASEM: ours and COINr with {args.compare} replications each")
            results["compare"] = compare(args.compare, Path(tmp))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this process: {peak:.0f} MiB; load at the end {os.getloadavg()}")
    if args.out:
        args.out.write_text(json.dumps(results, indent=2, default=float), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
