"""The uncertainty analysis on a Dask cluster: a local cluster of two worker processes, started
here and stopped after, gives the in-process result to the bit; a bad address is one clear
message (exit status 2)."""

from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
import pytest
from distributed import LocalCluster

from innovation_monitor.composite import Framework, parse_steps
from innovation_monitor.composite import distributed as distributed_module
from innovation_monitor.composite import uncertainty as uncertainty_module
from innovation_monitor.composite.distributed import SchedulerError
from innovation_monitor.composite.perturbation import parse_uncertainty_spec
from innovation_monitor.composite.uncertainty import UncertaintyResult, run_uncertainty
from pipelines.cli import main

PERTURB: list[dict[str, Any]] = [
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
BUILD = parse_steps(
    [
        {"impute": {"method": "carry_forward", "limit": 2}},
        {"normalise": {"method": "minmax", "range": [1, 100], "goalposts": "pooled"}},
        {"aggregate": {"method": "arithmetic"}},
    ]
)


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    """Two worker processes of one thread each, for this module only."""
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as local:
        yield local


def panel(units: int = 40, seed: int = 5) -> tuple[pd.DataFrame, Framework]:
    """``units`` units × 4 years × 9 indicators in 3 pillars, 3 % missing, unequal weights."""
    rng = np.random.default_rng(seed)
    codes = [f"x{j}" for j in range(9)]
    u = np.repeat(np.arange(units), 4)
    effect = rng.standard_normal(units)
    data: dict[str, Any] = {
        "uCode": [f"U{i:03d}" for i in u],
        "Time": np.tile([2020, 2021, 2022, 2023], units),
    }
    for code in codes:
        values = np.exp(1 + 0.3 * (0.6 * effect[u] + 0.8 * rng.standard_normal(u.size)))
        values[rng.random(u.size) < 0.03] = np.nan
        data[code] = values
    nodes: list[dict[str, Any]] = [{"code": "Index"}]
    nodes += [{"code": f"P{p}", "parent": "Index", "weight": 1 + p} for p in range(3)]
    nodes += [
        {"code": c, "parent": f"P{j // 3}", "weight": 1 + j % 2, "direction": -1 if j == 4 else 1}
        for j, c in enumerate(codes)
    ]
    return pd.DataFrame(data), Framework.from_dict({"nodes": nodes})


def spec(replications: int, seed: int = 11) -> Any:
    return parse_uncertainty_spec({"replications": replications, "seed": seed, "perturb": PERTURB})


def assert_same(a: UncertaintyResult, b: UncertaintyResult) -> None:
    for name in ("rank_stats", "units", "replications"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name), check_exact=True)


def test_the_cluster_gives_the_in_process_result_to_the_bit(cluster, monkeypatch):
    data, framework = panel()
    # small blocks, so the replications are spread over many tasks on both workers
    monkeypatch.setattr(uncertainty_module, "CELLS", 160 * 23)
    here = run_uncertainty(data, framework, BUILD, spec(240))
    there = run_uncertainty(data, framework, BUILD, spec(240), scheduler=cluster.scheduler_address)
    assert_same(here, there)
    assert here.replications["mean_abs_shift"].gt(0).all()


def test_one_block_per_group_too_and_another_seed_differs(cluster):
    data, framework = panel(units=25, seed=8)
    here = run_uncertainty(data, framework, BUILD, spec(300, seed=3))
    there = run_uncertainty(
        data, framework, BUILD, spec(300, seed=3), scheduler=cluster.scheduler_address
    )
    assert_same(here, there)
    other = run_uncertainty(
        data, framework, BUILD, spec(300, seed=4), scheduler=cluster.scheduler_address
    )
    assert not other.replications.equals(there.replications)


def test_the_command_runs_on_the_cluster(cluster, tmp_path):
    data, framework = panel(units=20)
    paths = {"data": tmp_path / "d.csv", "meta": tmp_path / "m.csv", "build": tmp_path / "b.yaml"}
    data.to_csv(paths["data"], index=False)
    framework.to_imeta().to_csv(paths["meta"], index=False)
    paths["build"].write_text(
        "steps:\n  - impute: {method: carry_forward, limit: 2}\n"
        "  - normalise: {method: minmax, range: [1, 100], goalposts: pooled}\n"
        "  - aggregate: {method: arithmetic}\n",
        encoding="utf-8",
    )
    (tmp_path / "ua.yaml").write_text(
        "replications: 200\nseed: 2\nperturb:\n  - weights: {level: 2, noise: 0.25}\n",
        encoding="utf-8",
    )
    argv = ["uncertainty", *[a for k, p in paths.items() for a in (f"--{k}", str(p))]]
    argv += ["--spec", str(tmp_path / "ua.yaml")]
    assert main([*argv, "--out", str(tmp_path / "here")]) == 0
    address = cluster.scheduler_address
    assert main([*argv, "--out", str(tmp_path / "there"), "--scheduler", address]) == 0
    for name in ("rank_stats.csv", "units.csv", "replications.csv"):
        assert (tmp_path / "here" / name).read_bytes() == (tmp_path / "there" / name).read_bytes()
    assert main([*argv, "--out", str(tmp_path / "bad"), "--scheduler", "localhost:8786"]) == 2


@pytest.mark.parametrize("address", ["localhost:8786", "http://x:1", "tcp://"])
def test_a_malformed_address_is_refused(address):
    with pytest.raises(SchedulerError, match="expected a Dask scheduler address"):
        distributed_module.connect_scheduler(address)


def test_an_address_where_nothing_answers_is_one_message(monkeypatch):
    monkeypatch.setattr(distributed_module, "CONNECT_TIMEOUT", 1)
    with pytest.raises(SchedulerError, match="no Dask scheduler answered"):
        distributed_module.connect_scheduler("tcp://127.0.0.1:9")
