"""Running builds: step lists, BUILD.yaml, written files, and one clear error for bad input."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from innovation_monitor.composite import load_build, parse_steps, run_build
from innovation_monitor.composite import run_build_files as write_build
from innovation_monitor.errors import DataError, FrameworkError, IngestError

SIMPLE = [{"normalise": {"range": [1, 100]}}, {"aggregate": {"method": "arithmetic"}}]


def test_every_data_set_and_record_is_kept(toy_data, toy_framework):
    steps = [
        {"denominate": {}},
        {"impute": {"method": "group_mean", "group": "grp"}},
        {"screen": {"min_data": 0.5}},
        {"treat": {}},
        {"normalise": {"method": "minmax"}},
        {"weight": {"method": "equal"}},
        {"aggregate": None},
    ]
    build = run_build(toy_data, toy_framework, steps)
    assert list(build.datasets) == [
        "Raw",
        "Denominated",
        "Imputed",
        "Screened",
        "Treated",
        "Normalised",
        "Aggregated",
    ]
    assert [r.step for r in build.records] == [next(iter(s)) for s in steps]
    assert build.framework["P1"].weight == 1 and toy_framework["P1"].weight == 2
    assert build.results.table()["uCode"].tolist()[0] in set(toy_data["uCode"])
    assert (
        build.datasets["Raw"]["a"].iloc[0] == 100
        and build.datasets["Denominated"]["a"].iloc[0] == 10
    )


def test_repeated_steps_get_numbered_names(toy_data, toy_framework):
    steps = [{"normalise": {}}, {"normalise": {"method": "rank"}}, {"aggregate": {}}]
    build = run_build(toy_data, toy_framework, {"steps": steps})
    assert list(build.datasets) == ["Raw", "Normalised", "Normalised_2", "Aggregated"]
    assert build.output_names() == ["normalise", "normalise_2", "aggregate"]


def test_screened_out_indicators_leave_the_framework(toy_data, toy_framework):
    steps = [{"screen": {"min_data_indicators": 0.9}}, *SIMPLE]
    build = run_build(toy_data, toy_framework, steps)
    assert build.framework.indicators == ("c",)
    assert "P1" not in build.results.scores.columns
    assert build.results.effective_weights["EffWeight"].iloc[-1] == 1.0


def test_topsis_appears_in_the_results(toy_data, toy_framework):
    steps = [{"impute": {"method": "column_mean"}}, SIMPLE[0], {"aggregate": {"topsis": True}}]
    table = run_build(toy_data, toy_framework, steps).results.table()
    assert {"TOPSIS", "TOPSIS_rank"} <= set(table.columns)
    assert sorted(table["TOPSIS_rank"]) == [1, 2, 3, 4, 5]


def test_the_mixed_example_build_runs_on_asem(asem, builds_dir: Path):
    build = run_build(asem.data, asem.framework, load_build(builds_dir / "mixed_levels.yaml"))
    weights = build.framework.weights()
    assert weights[list(asem.framework.children("Physical"))].sum() == pytest.approx(1)
    assert weights["Physical"] == 1  # pillar weights stay explicit
    table = build.results.table()
    assert table["Index"].notna().all() and table["TOPSIS_rank"].min() == 1
    assert build.records[-1].details.set_index("iCode").loc["Physical", "method"] == "geometric"


def test_files_are_written_in_step_order(toy_data, toy_framework, tmp_path):
    data_csv, meta_csv, build_yaml = tmp_path / "d.csv", tmp_path / "m.csv", tmp_path / "b.yaml"
    toy_data.to_csv(data_csv, index=False)
    toy_framework.to_imeta().to_csv(meta_csv, index=False)
    build_yaml.write_text(
        "steps:\n  - impute: {method: column_mean}\n  - normalise: {range: [1, 100]}\n"
        "  - weight: {method: entropy}\n  - aggregate: {method: geometric}\n",
        encoding="utf-8",
    )
    written = write_build(data_csv, meta_csv, build_yaml, tmp_path / "out")
    assert [p.name for p in written] == [
        "impute.csv",
        "normalise.csv",
        "weight.csv",
        "aggregate.csv",
        "results.csv",
    ]
    weights = pd.read_csv(tmp_path / "out" / "weight.csv")
    assert list(weights.columns) == [
        "iCode",
        "Level",
        "Parent",
        "weight_before",
        "Weight",
        "EffWeight",
    ]
    aggregated = pd.read_csv(tmp_path / "out" / "aggregate.csv")
    assert list(aggregated.columns) == ["uCode", "a", "b", "c", "d", "P1", "P2", "Index"]
    results = pd.read_csv(tmp_path / "out" / "results.csv")
    assert results["Index_rank"].tolist() == [1, 2, 3, 4, 5]


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        ([{"normalize": {}}], r"step 1 is unknown step 'normalize'"),
        ([{"screen": {"min_dat": 0.9}}], r"screen: unknown parameter\(s\) \['min_dat'\]"),
        ([{"normalise": {"method": "minmax", "rnage": [0, 1]}}], r"\['rnage'\]"),
        ([{"aggregate": {"method": "mean"}}], r"unknown method 'mean'"),
        ([{"normalise": {}, "aggregate": {}}], r"step 1 must be one mapping"),
        ([], r"non-empty list"),
        ({"step": []}, r"unknown key\(s\) \['step'\]"),
        ([{"weight": {"method": "entropy"}}, *SIMPLE], r"put the weight step after normalise"),
        ([{"treat": "none"}], r"parameters of step 1 \(treat\) must be a mapping"),
    ],
)
def test_bad_builds_raise_one_framework_error(toy_data, toy_framework, steps, message):
    with pytest.raises(FrameworkError, match=message):
        run_build(toy_data, toy_framework, steps)


def test_indicator_missing_from_the_data(toy_data, toy_framework):
    with pytest.raises(DataError, match=r"indicator 'c' is in the framework but not in the data"):
        run_build(toy_data.drop(columns="c"), toy_framework, SIMPLE)


def test_non_numeric_indicator_column(toy_data, toy_framework):
    data = toy_data.astype({"d": object})
    data.loc[1, "d"] = "—"
    with pytest.raises(DataError, match=r"column 'd' is not numeric: unit 'U2' has '—'"):
        run_build(data, toy_framework, SIMPLE)


def test_panel_rows_need_a_time(toy_panel, toy_framework):
    with pytest.raises(DataError, match=r"unit 'U2' has no 'Time'"):
        run_build(toy_panel.assign(Time=[2020, None, 2020] * 3), toy_framework, SIMPLE)


def test_duplicate_units(toy_data, toy_panel, toy_framework):
    with pytest.raises(
        DataError, match=r"unit 'U1' appears more than once; expected one row per unit$"
    ):
        run_build(pd.concat([toy_data, toy_data.iloc[[0]]]), toy_framework, SIMPLE)
    with pytest.raises(
        DataError,
        match=r"unit 'U2' in 2021 appears more than once; expected one row per unit and period$",
    ):
        run_build(pd.concat([toy_panel, toy_panel.iloc[[4]]]), toy_framework, SIMPLE)


def test_geometric_mean_over_zeros_names_the_aggregate_and_unit(asem):
    steps = [{"normalise": {"range": [0, 100]}}, {"aggregate": {"method": "geometric"}}]
    with pytest.raises(DataError, match=r"geometric mean for '\w+' \(level 2\).* = 0 of unit"):
        run_build(asem.data, asem.framework, steps)


def test_cycle_and_unknown_parent_from_files(toy_data, toy_framework, tmp_path):
    data_csv, build_yaml = tmp_path / "d.csv", tmp_path / "b.yaml"
    toy_data.to_csv(data_csv, index=False)
    build_yaml.write_text("steps:\n  - normalise: {}\n  - aggregate: {}\n", encoding="utf-8")
    imeta = toy_framework.to_imeta()
    imeta.loc[imeta["iCode"] == "P2", "Parent"] = "c"
    imeta.to_csv(tmp_path / "cycle.csv", index=False)
    with pytest.raises(FrameworkError, match=r"cycle.*P2 → c → P2"):
        write_build(data_csv, tmp_path / "cycle.csv", build_yaml, tmp_path / "out")
    imeta.loc[imeta["iCode"] == "P2", "Parent"] = "Idx"
    imeta.to_csv(tmp_path / "orphan.csv", index=False)
    with pytest.raises(FrameworkError, match=r"'P2' has unknown parent 'Idx'"):
        write_build(data_csv, tmp_path / "orphan.csv", build_yaml, tmp_path / "out")
    with pytest.raises(IngestError, match=r"absent.csv: cannot read"):
        write_build(tmp_path / "absent.csv", tmp_path / "orphan.csv", build_yaml, tmp_path)


def test_build_files_parse(builds_dir: Path):
    for path in sorted(builds_dir.glob("*.yaml")):
        steps = load_build(path)
        assert steps[-1][0] == "aggregate", path.name
    assert parse_steps([("normalise", {})]) == [("normalise", {})]


def test_panel_build_is_comparable_across_years(toy_panel, toy_framework):
    steps = [
        {"impute": {"method": "carry_forward"}},
        {"impute": {"method": "column_mean"}},
        {"normalise": {"goalposts": {"reference_period": 2020}}},
        {"aggregate": {}},
    ]
    build = run_build(toy_panel, toy_framework, steps)
    table = build.results.table()
    assert list(table.columns[:2]) == ["uCode", "Time"]
    assert table.groupby("Time")["Index_rank"].min().tolist() == [1, 1, 1]
    scores = build.results.scores.set_index(["uCode", "Time"])["c"]
    assert scores[("U3", 2022)] > scores[("U3", 2020)]  # growth shows against 2020's scale
    assert np.isfinite(build.results.scores["Index"]).all()


def test_kept_data_sets_are_fresh_frames_untouched_by_later_edits(toy_data, toy_framework):
    """Every read of a data set is a new frame, and editing the frame the build was given
    afterwards (or a frame read from it) changes nothing the build kept."""
    data = toy_data.copy()
    steps = [{"denominate": {}}, {"impute": {"method": "column_mean"}}, *SIMPLE]
    build = run_build(data, toy_framework, steps)
    raw = build.datasets["Raw"]
    pd.testing.assert_frame_equal(raw, toy_data)
    imputed = build.datasets["Imputed"]
    data.loc[0, "a"] = -1.0
    raw.loc[1, "a"] = -2.0
    imputed.loc[:, "b"] = 0.0
    pd.testing.assert_frame_equal(build.datasets["Raw"], toy_data)
    assert build.datasets["Imputed"]["b"].tolist() == [1.0, 3.0, 2.0, 4.0, 2.5]
    assert build.records[1].cells["after"].tolist() == [12.5, 2.5, 30.0]


def test_without_keep_only_the_results_and_summaries_remain(toy_data, toy_framework):
    steps = [{"impute": {"method": "column_mean"}}, {"treat": {}}, *SIMPLE]
    kept = run_build(toy_data, toy_framework, steps)
    lean = run_build(toy_data, toy_framework, steps, keep=False)
    assert list(lean.datasets) == [] and len(kept.datasets) == 5
    pd.testing.assert_frame_equal(lean.results.scores, kept.results.scores)
    pd.testing.assert_frame_equal(lean.records[0].details, kept.records[0].details)
    assert len(kept.records[0].cells) == 3
    with pytest.raises(FrameworkError, match=r"impute: the build kept no changed cells"):
        lean.records[0].cells  # noqa: B018


def test_the_engine_imports_scikit_learn_only_for_a_method_that_needs_it():
    code = (
        "import sys\n"
        "import pandas as pd\n"
        "from innovation_monitor.composite import Framework, run_build\n"
        "fw = Framework.from_dict({'nodes': [{'code': 'I'}, {'code': 'x', 'parent': 'I'},"
        " {'code': 'y', 'parent': 'I'}]})\n"
        "data = pd.DataFrame({'uCode': list('abcd'), 'x': [1.0, None, 3, 4],"
        " 'y': [4.0, 3, 2, 1]})\n"
        "steps = [{'impute': {'method': 'column_mean'}}, {'treat': {}}, {'normalise': {}},"
        " {'weight': {'method': 'entropy'}}, {'aggregate': {}}]\n"
        "run_build(data, fw, steps)\n"
        "assert 'sklearn' not in sys.modules, 'imported too early'\n"
        "run_build(data, fw, [{'impute': {'method': 'knn', 'k': 1}}, *steps[1:]])\n"
        "assert 'sklearn' in sys.modules\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
