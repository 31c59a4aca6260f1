"""``innovation-monitor uncertainty``: the files it writes, Sobol indices on a known function,
and one clear message (exit status 2) for each kind of bad spec."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from innovation_monitor.composite.sensitivity import sobol_design, sobol_indices
from pipelines.cli import main

GOOD_SPEC = """\
replications: 200
seed: 1
perturb:
  - weights: {level: 2, noise: 0.25}
  - step: normalise
    alternatives:
      - {method: minmax, range: [1, 100]}
      - {method: zscore, mean: 10, sd: 2}
  - step: aggregate
    alternatives:
      - {method: arithmetic}
      - {method: geometric}
sensitivity: {samples: 32, bootstrap: 20}
"""


@pytest.fixture
def inputs(tmp_path: Path, toy_data: pd.DataFrame, toy_framework) -> dict[str, Path]:
    """The toy data (a cross-section, with gaps), its iMeta and a build, as files."""
    paths = {
        "data": tmp_path / "iData.csv",
        "meta": tmp_path / "iMeta.csv",
        "build": tmp_path / "build.yaml",
        "spec": tmp_path / "ua.yaml",
    }
    toy_data.to_csv(paths["data"], index=False)
    toy_framework.to_imeta().to_csv(paths["meta"], index=False)
    paths["build"].write_text(
        "steps:\n  - normalise: {method: minmax, range: [1, 100]}\n  - aggregate: {}\n",
        encoding="utf-8",
    )
    paths["spec"].write_text(GOOD_SPEC, encoding="utf-8")
    return paths


def command(paths: dict[str, Path], out: Path) -> list[str]:
    argv = ["uncertainty"]
    for key in ("data", "meta", "build", "spec"):
        argv += [f"--{key}", str(paths[key])]
    return [*argv, "--out", str(out)]


def test_the_command_writes_the_rank_statistics(inputs, tmp_path, capsys):
    out = tmp_path / "ua"
    assert main(command(inputs, out)) == 0
    printed = capsys.readouterr().out.split()
    names = ["rank_stats.csv", "units.csv", "replications.csv", "sensitivity.csv"]
    assert printed == [str(out / name) for name in names]
    stats = pd.read_csv(out / "rank_stats.csv")
    assert list(stats.columns) == ["uCode", "nominal", "mean", "median", "q05", "q95"]
    assert sorted(stats["uCode"]) == ["U1", "U2", "U3", "U4", "U5"]
    assert stats["q05"].le(stats["median"]).all() and stats["median"].le(stats["q95"]).all()
    replications = pd.read_csv(out / "replications.csv")
    assert len(replications) == 200
    assert set(replications["normalise"]) == {1, 2} and set(replications["aggregate"]) == {1, 2}
    assert replications["factor_P1"].between(0.75, 1.25).all()
    assert replications["factor_P1"].std() > 0.1  # U(0.75, 1.25): sd 0.144
    sensitivity = pd.read_csv(out / "sensitivity.csv")
    assert list(sensitivity.columns) == ["input", "S1", "S1_conf", "ST", "ST_conf"]
    assert sensitivity["input"].tolist() == ["weights_level_2", "normalise", "aggregate"]


BAD_SPECS = [
    ("seed: 1\nperturb: [{weights: {level: 2, noise: 0.1}}]\n", "missing 'replications'"),
    (GOOD_SPEC.replace("replications: 200", "replications: 0"), "replications: is 0"),
    (GOOD_SPEC.replace("seed: 1", "seed: one"), "seed: is 'one'"),
    (GOOD_SPEC.replace("perturb:", "perturbs:"), "unknown key(s) ['perturbs']"),
    (GOOD_SPEC.replace("noise: 0.25", "noise: 25"), "line 4: perturb[0].weights.noise: is 25"),
    (GOOD_SPEC.replace("level: 2", "level: 3"), "ua.yaml: perturb[0]: weights level 3"),
    (GOOD_SPEC.replace("level: 2, noise", "lvl: 2, noise"), "perturb[0].weights: unknown key"),
    (GOOD_SPEC.replace("step: normalise", "step: treat"), "perturb[1]: step 'treat' is not a step"),
    (GOOD_SPEC.replace("step: normalise", "step: normalize"), "perturb[1].step: is 'normalize'"),
    (
        GOOD_SPEC.replace(
            "      - {method: arithmetic}\n      - {method: geometric}\n", "      []\n"
        ),
        "perturb[2]: 'alternatives' must be a non-empty list",
    ),
    (
        GOOD_SPEC.replace("{method: zscore, mean: 10, sd: 2}", "{method: zscor}"),
        "with normalise alternative 2 {'method': 'zscor'} and aggregate alternative 1 "
        "{'method': 'arithmetic'}: normalise: unknown method 'zscor'",
    ),
    (
        GOOD_SPEC.replace("{method: zscore, mean: 10, sd: 2}", "{method: zscore, sdev: 2}"),
        "unknown parameter(s) ['sdev']",
    ),
    (
        GOOD_SPEC.replace("sensitivity:", "  - weights: {level: 2, noise: 0.1}\nsensitivity:"),
        "weights_level_2 is perturbed twice",
    ),
    (
        GOOD_SPEC.replace("replications: 200", "replications: 1").replace(
            "{method: geometric}", "{method: geometrc}"
        ),
        "aggregate alternative 2 {'method': 'geometrc'}",
    ),
    (GOOD_SPEC.replace("samples: 32", "samples: 30"), "sensitivity.samples: is 30"),
    (GOOD_SPEC + "target: P9\n", "target 'P9' is not an aggregate"),
    ("- 1\n- 2\n", "spec: expected a mapping"),
    ("replications: [1\n", "not valid YAML"),
    ("!!python/object:os.system ls\n", "ua.yaml"),
]


@pytest.mark.parametrize(("text", "message"), BAD_SPECS)
def test_a_bad_spec_is_one_clear_message(inputs, tmp_path, capsys, text, message):
    inputs["spec"].write_text(text, encoding="utf-8")
    out = tmp_path / "ua"
    assert main(command(inputs, out)) == 2
    err = capsys.readouterr().err
    assert err.startswith("innovation-monitor uncertainty: ")
    assert message in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert not (out / "rank_stats.csv").exists()


def test_a_missing_file_is_one_clear_message(inputs, tmp_path, capsys):
    inputs["spec"].unlink()
    assert main(command(inputs, tmp_path / "ua")) == 2
    assert "ua.yaml" in capsys.readouterr().err


def test_salib_reproduces_the_ishigami_indices():
    """Sobol indices of the Ishigami function (a = 7, b = 0.1) against their analytic values."""
    from SALib.test_functions import Ishigami

    variables = [("x1", 1), ("x2", 1), ("x3", 1)]
    design = sobol_design(variables, 4096, seed=3)
    assert design.shape == (4096 * (3 + 2), 3)
    output = Ishigami.evaluate(-np.pi + 2 * np.pi * design)
    found = sobol_indices(variables, output, bootstrap=100, seed=3).set_index("input")
    a, b = 7.0, 0.1
    variance = a**2 / 8 + b * np.pi**4 / 5 + b**2 * np.pi**8 / 18 + 0.5
    v1 = 0.5 * (1 + b * np.pi**4 / 5) ** 2
    v2 = a**2 / 8
    v13 = b**2 * np.pi**8 * (1 / 18 - 1 / 50)
    s1 = np.array([v1, v2, 0.0]) / variance
    st = np.array([v1 + v13, v2, v13]) / variance
    assert np.allclose(s1, [0.3139, 0.4424, 0.0], atol=5e-4)  # the analytic values themselves
    assert np.allclose(found["S1"], s1, atol=0.02)
    assert np.allclose(found["ST"], st, atol=0.02)
    assert (found["S1_conf"] > 0).all() and (found["S1_conf"] < 0.06).all()


def test_salib_is_imported_only_for_a_sensitivity_analysis(inputs, tmp_path):
    """The command line does not load SALib (nor matplotlib, which it brings) for an
    uncertainty analysis without sensitivity indices."""
    inputs["spec"].write_text(GOOD_SPEC.replace("{samples: 32, bootstrap: 20}", "false"))
    code = (
        "import sys\n"
        "from pipelines.cli import main\n"
        f"assert main({command(inputs, tmp_path / 'ua')!r}) == 0\n"
        "assert 'SALib' not in sys.modules, 'SALib imported'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert not (tmp_path / "ua" / "sensitivity.csv").exists()
    assert (tmp_path / "ua" / "rank_stats.csv").exists()
