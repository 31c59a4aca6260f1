"""Conformance with COINr 1.1.14 on its ASEM example, to 1e-9, read from ../shared in place.

Each build runs from its BUILD.yaml in ``builds/`` (so the example files are tested too) and
every data set, score, rank and effective weight is compared by unit and column name.
"""

from pathlib import Path

import pandas as pd
import pytest

from innovation_monitor.composite import Build, load_build, run_build, run_build_files
from innovation_monitor.composite.build import DATASET_NAMES

# build file -> {our data set: COINr reference file}
DATASETS = {
    "asem_default.yaml": {
        "Raw": "dset_Raw.csv",
        "Denominated": "dset_Denominated.csv",
        "Imputed": "dset_Imputed.csv",
        "Screened": "dset_Screened.csv",
        "Treated": "dset_Treated.csv",
        "Normalised": "dset_Normalised.csv",
        "Aggregated": "dset_Aggregated.csv",
    },
    "asem_geometric_1_100.yaml": {
        "Normalised": "dset_Normalised_1_100.csv",
        "Aggregated": "dset_Aggregated_gmean.csv",
    },
    "asem_arithmetic_1_100.yaml": {
        "Normalised": "dset_Normalised_1_100.csv",
        "Aggregated": "dset_Aggregated_amean_1_100.csv",
    },
    "simple_arithmetic.yaml": {
        "Normalised": "simple_dset_Normalised.csv",
        "Aggregated": "simple_dset_Aggregated_amean.csv",
    },
    "simple_geometric.yaml": {
        "Normalised": "simple_dset_Normalised_1_100.csv",
        "Aggregated": "simple_dset_Aggregated_gmean.csv",
    },
}
RESULTS = {
    "asem_default.yaml": ("results_amean_full_scores.csv", "results_amean_index_rank.csv"),
    "asem_geometric_1_100.yaml": ("results_gmean_full_scores.csv", "results_gmean_index_rank.csv"),
}

_cache: dict[str, Build] = {}


@pytest.fixture
def built(asem, builds_dir: Path):
    def run(name: str) -> Build:
        if name not in _cache:
            _cache[name] = run_build(asem.data, asem.framework, load_build(builds_dir / name))
        return _cache[name]

    return run


@pytest.mark.parametrize(
    ("build_file", "dataset", "reference"),
    [(b, d, r) for b, sets in DATASETS.items() for d, r in sets.items()],
)
def test_dataset_matches_coinr(built, asem, assert_matches, build_file, dataset, reference):
    mine = built(build_file).datasets[dataset]
    assert_matches(pd.read_csv(asem.folder / reference), mine, f"{build_file}:{dataset}")


@pytest.mark.parametrize("build_file", sorted(RESULTS))
def test_scores_and_ranks_match_coinr(built, asem, assert_matches, build_file):
    full_file, index_file = RESULTS[build_file]
    results = built(build_file).results
    root = asem.framework.root
    mine = results.scores.assign(Rank=results.ranks[root].astype(float))
    assert_matches(pd.read_csv(asem.folder / full_file), mine, full_file)
    assert_matches(pd.read_csv(asem.folder / index_file), mine, index_file)


def test_full_ranks_match_coinr(built, asem, assert_matches):
    ranks = built("asem_default.yaml").results.ranks
    reference = pd.read_csv(asem.folder / "results_amean_full_ranks.csv")
    assert_matches(reference, ranks.astype({c: float for c in ranks.columns[2:]}), "ranks")
    assert ranks.set_index("uCode")["Index"].idxmin() == "CHE"


def test_effective_weights_match_coinr(built, asem):
    reference = pd.read_csv(asem.folder / "results_amean_effective_weights.csv")
    mine = built("asem_default.yaml").results.effective_weights.set_index("iCode")
    mine = mine.loc[reference["iCode"]]
    assert (mine["Level"].to_numpy() == reference["Level"].to_numpy()).all()
    assert (mine["Weight"].to_numpy() == reference["Weight"].to_numpy()).all()
    assert abs(mine["EffWeight"].to_numpy() - reference["EffWeight"].to_numpy()).max() <= 1e-12


def test_treatment_record_lists_every_changed_cell(built):
    build = built("asem_default.yaml")
    treat = next(r for r in build.records if r.step == "treat")
    before, after = build.datasets["Screened"], build.datasets["Treated"]
    changed = before[list(build.framework.indicators)] != after[list(build.framework.indicators)]
    assert len(treat.cells) == int(changed.to_numpy().sum()) > 0
    assert set(treat.cells["action"]) <= {"winsorised (high)", "winsorised (low)", "log"}
    winsorised = treat.details.set_index("iCode")["winsorised"]
    assert winsorised.sum() == len(treat.cells)


def test_impute_record_flags_each_filled_cell(built, asem):
    build = built("asem_default.yaml")
    impute = next(r for r in build.records if r.step == "impute")
    codes = list(asem.framework.indicators)
    # 63 gaps in the raw data plus LAO's Elec and Gas, whose denominator Energy is missing.
    missing = int(build.datasets["Denominated"][codes].isna().to_numpy().sum())
    assert len(impute.cells) == missing == 65
    assert impute.cells["before"].isna().all() and impute.cells["after"].notna().all()


@pytest.mark.parametrize("build_file", ["asem_default.yaml", "asem_geometric_1_100.yaml"])
def test_written_files_match_coinr(asem, assert_matches, builds_dir, tmp_path, build_file):
    written = run_build_files(
        asem.folder / "input_ASEM_iData.csv",
        asem.folder / "input_ASEM_iMeta.csv",
        builds_dir / build_file,
        tmp_path,
    )
    names = [p.name for p in written]
    steps = ["denominate", "impute", "screen", "treat", "normalise", "aggregate"]
    assert names == [f"{s}.csv" for s in steps] + ["results.csv"]
    for step in steps:
        reference = DATASETS[build_file].get(DATASET_NAMES[step])
        if reference:
            mine = pd.read_csv(tmp_path / f"{step}.csv")
            assert_matches(pd.read_csv(asem.folder / reference), mine, f"{step}.csv")
    results = pd.read_csv(tmp_path / "results.csv")
    index_file = RESULTS[build_file][1]
    mine = results.rename(columns={"Index_rank": "Rank"})
    assert_matches(pd.read_csv(asem.folder / index_file), mine, "results.csv")
    assert results["uCode"].iloc[0] == "CHE"
