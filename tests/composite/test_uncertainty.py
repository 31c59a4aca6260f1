"""Uncertainty analysis of a build's ranks: the vectorised replications against full builds,
the rank statistics against numpy over every replication's ranks, reproducibility, and a
Monte Carlo that collapses when nothing is perturbed."""

from typing import Any

import numpy as np
import pandas as pd
import pytest
from scipy.stats import rankdata

from innovation_monitor.composite import Framework, load_build, run_build
from innovation_monitor.composite import build as build_module
from innovation_monitor.composite.build import parse_steps, replay_steps
from innovation_monitor.composite.dataset import Data
from innovation_monitor.composite.perturbation import parse_uncertainty_spec
from innovation_monitor.composite.uncertainty import (
    prepare_uncertainty,
    replication_scores,
    run_uncertainty,
)
from innovation_monitor.errors import DataError, FrameworkError

YEARS = (2020, 2021, 2022)
CODES = [f"i{j}" for j in range(1, 8)]
PILLARS = {"P1": CODES[:3], "P2": CODES[3:5], "P3": CODES[5:]}


def panel_framework() -> Framework:
    """Index ← P1 (3 indicators), P2 (2), P3 (2); unequal weights, one indicator reversed."""
    nodes: list[dict[str, Any]] = [{"code": "Index"}]
    for p, (pillar, codes) in enumerate(PILLARS.items()):
        nodes.append({"code": pillar, "parent": "Index", "weight": 1 + p})
        nodes += [
            {"code": c, "parent": pillar, "weight": 1 + j % 2, "direction": -1 if c == "i4" else 1}
            for j, c in enumerate(codes)
        ]
    return Framework.from_dict({"nodes": nodes})


def panel_data(units: int = 14, seed: int = 3, missing: float = 0.05) -> pd.DataFrame:
    """``units`` units over three years, correlated indicators, a share ``missing`` of the
    cells missing."""
    rng = np.random.default_rng(seed)
    effect = rng.standard_normal(units)
    rows = []
    for year in YEARS:
        for u in range(units):
            row: dict[str, Any] = {"uCode": f"U{u:02d}", "Time": year}
            for j, code in enumerate(CODES):
                value = 50 + 10 * (0.6 * effect[u] + 0.8 * rng.standard_normal()) + j
                row[code] = np.nan if rng.random() < missing else value
            rows.append(row)
    return pd.DataFrame(rows)


BUILD = [
    {"normalise": {"method": "minmax", "range": [1, 100]}},
    {"aggregate": {"method": "arithmetic"}},
]


def spec(perturb: list[dict[str, Any]], **extra: Any) -> Any:
    return parse_uncertainty_spec({"replications": 300, "seed": 7, "perturb": perturb, **extra})


def full_build_index(data, framework, analysis, draws, r: int) -> np.ndarray:
    """Replication ``r`` as a plain build: its weights written into the framework, its
    alternatives into the steps."""
    weights = {c: framework[c].weight * f[r] for c, f in draws.factors.items()}
    steps = analysis.inputs.steps_for(draws.choices[r])
    build = run_build(data, framework.with_weights(weights), steps, keep=False)
    return build.results.scores[analysis.target].to_numpy()


AGGREGATES = [
    {"method": "arithmetic"},
    {"method": "geometric"},
    {"method": "harmonic"},
    {"method": "generalised", "p": 2},
    {"method": {2: "geometric", 3: "arithmetic"}, "dat_thresh": 0.6},
    {"method": "copeland"},
]


@pytest.mark.parametrize("missing", [0.05, 0.0], ids=["gaps", "complete"])
@pytest.mark.parametrize("levels", [(1,), (2,), (1, 2)])
@pytest.mark.parametrize("aggregate", AGGREGATES, ids=lambda a: str(a["method"]))
def test_vectorised_replications_equal_full_builds(levels, aggregate, missing):
    data, framework = panel_data(missing=missing), panel_framework()
    perturb: list[dict[str, Any]] = [{"weights": {"level": lv, "noise": 0.4}} for lv in levels]
    perturb.append(
        {"step": "normalise", "alternatives": [{"method": "minmax", "range": [1, 100]},
                                               {"method": "zscore", "mean": 10, "sd": 2}]}
    )  # fmt: skip
    steps = parse_steps([BUILD[0], {"aggregate": aggregate}])
    analysis = prepare_uncertainty(data, framework, steps, spec(perturb))
    draws = analysis.inputs.random_draws(40, seed=11)
    scores = replication_scores(analysis, draws)
    assert scores.shape == (len(data), 40)
    assert len(set(draws.choices[:, 0])) == 2  # both normalisations are drawn
    for r in (0, 1, 2, 17, 39):
        expected = full_build_index(data, framework, analysis, draws, r)
        assert np.array_equal(np.isnan(scores[:, r]), np.isnan(expected))
        assert np.nanmax(np.abs(scores[:, r] - expected)) <= 1e-9


def test_the_steps_before_the_first_perturbed_one_run_once(monkeypatch):
    """The treatment runs for the nominal build and once more for all the replications; each
    normalisation alternative once, whatever the number of replications."""
    calls: dict[str, int] = {"treat": 0, "normalise": 0}
    for name in calls:
        original = build_module.STEPS[name]

        def counting(*args: Any, _name: str = name, _f: Any = original, **kw: Any) -> Any:
            calls[_name] += 1
            return _f(*args, **kw)

        monkeypatch.setitem(build_module.STEPS, name, counting)
    steps = [{"treat": {}}, *BUILD]
    alternatives = [{"method": "minmax", "range": [1, 100]}, {"method": "rank"}]
    analysis_spec = spec(
        [{"weights": {"level": 2, "noise": 0.2}},
         {"step": "normalise", "alternatives": alternatives}],
        sensitivity=False,
    )  # fmt: skip
    run_uncertainty(panel_data(), panel_framework(), parse_steps(steps), analysis_spec)
    assert calls == {"treat": 2, "normalise": 3}


def numpy_rank_stats(scores: np.ndarray, data: pd.DataFrame) -> pd.DataFrame:
    """Every replication's ranks (scipy, ties "min", within each year), then numpy's mean and
    (linear) quantiles of each row."""
    ranks = np.full(scores.shape, np.nan)
    for year in YEARS:
        rows = np.flatnonzero(data["Time"].to_numpy() == year)
        for r in range(scores.shape[1]):
            column = scores[rows, r]
            ok = ~np.isnan(column)
            ranks[rows[ok], r] = rankdata(-column[ok], method="min")
    return pd.DataFrame(
        {
            "mean": np.nanmean(ranks, axis=1),
            "median": np.nanmedian(ranks, axis=1),
            "q05": np.nanquantile(ranks, 0.05, axis=1),
            "q95": np.nanquantile(ranks, 0.95, axis=1),
        }
    )


def test_rank_statistics_are_numpys_over_every_replication():
    data, framework = panel_data(), panel_framework()
    perturb = [
        {"weights": {"level": 1, "noise": 0.5}},
        {"weights": {"level": 2, "noise": 0.5}},
        {"step": "aggregate", "alternatives": [{"method": "arithmetic"}, {"method": "geometric"}]},
    ]
    the_spec = spec(perturb, sensitivity=False)
    steps = parse_steps(BUILD)
    result = run_uncertainty(data, framework, steps, the_spec)
    analysis = prepare_uncertainty(data, framework, steps, the_spec)
    draws = analysis.inputs.random_draws(the_spec.replications, the_spec.seed)
    expected = numpy_rank_stats(replication_scores(analysis, draws), data)
    stats = result.rank_stats
    assert list(stats.columns) == ["uCode", "Time", "nominal", "mean", "median", "q05", "q95"]
    assert stats["q05"].lt(stats["q95"]).any()  # the perturbation moves ranks
    pd.testing.assert_frame_equal(
        stats[list(expected.columns)], expected, check_exact=False, rtol=0, atol=1e-12
    )
    nominal = run_build(data, framework, steps).results.ranks["Index"]
    assert stats["nominal"].tolist() == nominal.tolist()


def test_an_unranked_reference_unit_is_built_but_never_ranked_among_the_units():
    """U00 (a reference unit, e.g. the province) is scored with the others but holds no rank
    statistics, and the others' ranks are theirs among themselves: numpy's over every
    replication's scores with U00's row left out."""
    data, framework = panel_data(), panel_framework()
    perturb = [{"weights": {"level": 2, "noise": 0.5}}]
    the_spec = spec(perturb, sensitivity=False)
    steps = parse_steps(BUILD)
    result = run_uncertainty(data, framework, steps, the_spec, unranked=["U00"])
    stats = result.rank_stats
    reference = stats["uCode"] == "U00"
    assert stats.loc[reference, ["nominal", "mean", "q05", "q95"]].isna().all().all()
    analysis = prepare_uncertainty(data, framework, steps, the_spec)
    draws = analysis.inputs.random_draws(the_spec.replications, the_spec.seed)
    others = ~reference.to_numpy()
    expected = numpy_rank_stats(
        replication_scores(analysis, draws)[others], data[others].reset_index(drop=True)
    )
    pd.testing.assert_frame_equal(
        stats.loc[others, list(expected.columns)].reset_index(drop=True),
        expected,
        check_exact=False,
        rtol=0,
        atol=1e-12,
    )
    for year in YEARS:  # ranks 1..n among the others, no place taken by U00
        nominal = stats.loc[others & (stats["Time"] == year).to_numpy(), "nominal"]
        assert sorted(nominal.dropna().astype(int)) == sorted(
            run_build(data[others], framework, steps)
            .results.ranks.query("Time == @year")["Index"]
            .dropna()
            .astype(int)
        )


def test_no_perturbation_collapses_onto_the_nominal_ranks():
    perturb = [
        {"weights": {"level": 1, "noise": 0}},
        {"weights": {"level": 2, "noise": 0}},
        {"step": "normalise", "alternatives": [BUILD[0]["normalise"]]},
        {"step": "aggregate", "alternatives": [BUILD[1]["aggregate"]]},
    ]
    the_spec = spec(perturb, sensitivity={"samples": 64})
    result = run_uncertainty(panel_data(), panel_framework(), parse_steps(BUILD), the_spec)
    stats = result.rank_stats
    for column in ("mean", "median", "q05", "q95"):
        assert stats[column].tolist() == stats["nominal"].astype(float).tolist(), column
    assert (result.units["mean_abs_shift"] == 0).all()
    assert (result.replications["mean_abs_shift"] == 0).all()
    sensitivity = result.sensitivity
    assert sensitivity is not None
    assert sensitivity["input"].tolist() == [
        "weights_level_1",
        "weights_level_2",
        "normalise",
        "aggregate",
    ]
    assert (sensitivity[["S1", "S1_conf", "ST", "ST_conf"]].to_numpy() == 0).all()


def test_the_seed_reproduces_the_analysis_exactly():
    perturb = [
        {"weights": {"level": 2, "noise": 0.3}},
        {"step": "aggregate", "alternatives": [{"method": "arithmetic"}, {"method": "geometric"}]},
    ]
    data, framework, steps = panel_data(), panel_framework(), parse_steps(BUILD)
    first = run_uncertainty(data, framework, steps, spec(perturb, sensitivity={"samples": 32}))
    again = run_uncertainty(data, framework, steps, spec(perturb, sensitivity={"samples": 32}))
    other = run_uncertainty(
        data, framework, steps, spec(perturb, seed=8, sensitivity={"samples": 32})
    )
    for name in ("rank_stats", "units", "replications", "sensitivity"):
        pd.testing.assert_frame_equal(getattr(first, name), getattr(again, name), check_exact=True)
    assert not first.replications.equals(other.replications)
    assert not first.sensitivity.equals(other.sensitivity)


def test_a_sensitivity_analysis_finds_the_input_that_matters():
    """Weights perturbed by nothing explain nothing; the aggregation method all of it."""
    perturb = [
        {"weights": {"level": 2, "noise": 0}},
        {"step": "aggregate", "alternatives": [{"method": "arithmetic"}, {"method": "copeland"}]},
    ]
    result = run_uncertainty(
        panel_data(),
        panel_framework(),
        parse_steps(BUILD),
        spec(perturb, sensitivity={"samples": 128}),
    )
    indices = result.sensitivity.set_index("input")
    assert indices.loc["weights_level_2", "S1"] == 0 and indices.loc["weights_level_2", "ST"] == 0
    assert indices.loc["aggregate", "ST"] > 0.9 and indices.loc["aggregate", "S1"] > 0.9


def test_an_impossible_combination_is_an_error_naming_it():
    data = panel_data()
    perturb = [
        {"step": "normalise", "alternatives": [{"method": "minmax", "range": [0, 100]}]},
        {"step": "aggregate", "alternatives": [{"method": "geometric"}]},
    ]
    with pytest.raises(DataError, match=r"normalise alternative 1 .* aggregate alternative 1"):
        run_uncertainty(data, panel_framework(), parse_steps(BUILD), spec(perturb))


def test_replaying_the_steps_gives_the_builds_scores(asem, builds_dir):
    """``replay_steps`` over the ASEM build, split after the treatment, is the build itself."""
    steps = load_build(builds_dir / "asem_default.yaml")
    build = run_build(asem.data, asem.framework, steps, keep=False)
    data = Data.from_frame(asem.data, asem.framework.indicators)
    treated, framework = replay_steps(data, asem.framework, steps[:4])
    final, framework = replay_steps(treated, framework, steps[4:])
    assert framework == build.framework
    index = final.column("Index")
    assert np.array_equal(index, build.results.scores["Index"].to_numpy())


def test_the_asem_uncertainty_keeps_the_builds_nominal_ranks(asem, builds_dir):
    steps = load_build(builds_dir / "asem_default.yaml")
    perturb = [
        {"weights": {"level": 2, "noise": 0.25}},
        {"weights": {"level": 3, "noise": 0.25}},
        {"step": "normalise", "alternatives": [{"method": "minmax", "range": [1, 100]},
                                               {"method": "zscore", "mean": 10, "sd": 2}]},
        {"step": "aggregate", "alternatives": [{"method": "arithmetic"},
                                               {"method": "geometric"}]},
    ]  # fmt: skip
    result = run_uncertainty(asem.data, asem.framework, steps, spec(perturb, sensitivity={}))
    build = run_build(asem.data, asem.framework, steps)
    stats = result.rank_stats.set_index("uCode")
    ranks = build.results.ranks.set_index("uCode")["Index"]
    assert len(stats) == 51 and stats.index.is_unique
    assert stats["nominal"].to_dict() == ranks.to_dict()
    assert ((stats["q05"] <= stats["median"]) & (stats["median"] <= stats["q95"])).all()
    assert stats[["mean", "median", "q05", "q95"]].ge(1).all().all()
    assert stats[["mean", "median", "q05", "q95"]].le(51).all().all()
    assert (stats["q95"] - stats["q05"]).max() >= 3  # these choices do move ASEM's ranks
    assert result.sensitivity["input"].tolist() == [
        "weights_level_2",
        "weights_level_3",
        "normalise",
        "aggregate",
    ]
    # as in COINr's vignette, the aggregation method matters most
    assert result.sensitivity.set_index("input")["ST"].idxmax() == "aggregate"


def test_leaving_one_indicator_out_equals_a_build_without_it():
    """``exclude``: each replication keeps every indicator or leaves one listed indicator out;
    a replication that left i2 out scores as a build of the framework without i2 does (its
    pillar's other weights rescaled), one that kept all as the nominal build."""
    data, framework = panel_data(missing=0.0), panel_framework()
    the_spec = spec([{"exclude": ["i2", "i6"]}], sensitivity=False)
    steps = parse_steps(BUILD)
    analysis = prepare_uncertainty(data, framework, steps, the_spec)
    draws = analysis.inputs.random_draws(the_spec.replications, the_spec.seed)
    scores = replication_scores(analysis, draws)
    for code in ("i2", "i6", None):
        kept = np.ones(len(draws), bool)
        for other in ("i2", "i6"):
            left_out = draws.factors[other] == 0
            kept &= left_out if other == code else ~left_out
        assert kept.any(), code  # every case is drawn in 300 replications
        tree = framework if code is None else framework.without([code])
        expected = run_build(data, tree, steps).results.scores["Index"].to_numpy()
        np.testing.assert_allclose(
            scores[:, kept], expected[:, None].repeat(kept.sum(), 1), atol=1e-9
        )


def test_an_exclusion_of_an_unknown_indicator_is_refused():
    the_spec = spec([{"exclude": ["i2", "nope"]}], sensitivity=False)
    with pytest.raises(FrameworkError, match=r"exclude: \['nope'\] are not indicators"):
        prepare_uncertainty(panel_data(), panel_framework(), parse_steps(BUILD), the_spec)
    with pytest.raises(FrameworkError, match="expected 'all' or a list of indicator codes"):
        spec([{"exclude": 3}])


def test_sobol_indices_on_each_units_rank():
    """``per_unit``: one pair of indices per input and ranked unit-year; a unit whose rank
    nothing moves has 0; with the pillar weights and the aggregation perturbed, a unit's
    indices say which of the two moves it (estimates within [-0.1, 1.1] as Monte Carlo
    allows), and the aggregation matters to some unit."""
    data, framework = panel_data(missing=0.0), panel_framework()
    quiet = spec(
        [{"weights": {"level": 2, "noise": 0.0}}],
        sensitivity={"samples": 64, "bootstrap": 10, "per_unit": True},
    )
    result = run_uncertainty(data, framework, parse_steps(BUILD), quiet)
    per_unit = result.unit_sensitivity
    assert per_unit is not None
    assert list(per_unit.columns) == ["uCode", "Time", "input", "S1", "S1_conf", "ST", "ST_conf"]
    assert len(per_unit) == len(data)  # every unit-year, one input
    assert (per_unit[["S1", "ST"]] == 0).all().all()
    noisy = spec(
        [
            {"weights": {"level": 2, "noise": 0.9}},
            {
                "step": "aggregate",
                "alternatives": [{"method": "arithmetic"}, {"method": "geometric"}],
            },
        ],
        sensitivity={"samples": 256, "bootstrap": 10, "per_unit": True},
    )
    moved = run_uncertainty(data, framework, parse_steps(BUILD), noisy).unit_sensitivity
    assert moved is not None and len(moved) == 2 * len(data)
    assert set(moved["input"]) == {"weights_level_2", "aggregate"}
    assert moved["ST"].between(-0.1, 1.1).all()
    assert (moved.loc[moved["input"] == "aggregate", "ST"] > 0.1).any()


def test_per_unit_must_be_a_yes_or_no():
    with pytest.raises(FrameworkError, match=r"per_unit: is 'yes'; expected true or false"):
        spec([{"weights": {"level": 2, "noise": 0.1}}], sensitivity={"per_unit": "yes"})
