"""A framework handed to the composite engine: the iMeta table and the build steps."""

import numpy as np
import pandas as pd
import polars as pl
import pytest

from innovation_monitor.composite.build import run_build
from innovation_monitor.composite.framework import Framework
from innovation_monitor.framework import INDEX_CODE, IndicatorSystem, build_steps, imeta_table
from innovation_monitor.framework.engine import IMETA_COLUMNS
from innovation_monitor.indicators import compute_indicators, indicator_frame


@pytest.mark.parametrize("level", ["city", "county"])
def test_imeta_table_shape(toy_system: IndicatorSystem, level: str) -> None:
    framework = toy_system.frameworks[level]
    imeta = imeta_table(framework)
    n_ind, n_pil = len(framework.indicators), len(framework.pillars)
    assert list(imeta.columns) == list(IMETA_COLUMNS)
    assert len(imeta) == n_ind + n_pil + 1
    assert imeta["iCode"].is_unique
    assert imeta["Level"].value_counts().sort_index().tolist() == [n_ind, n_pil, 1]
    index = imeta[imeta["Level"] == 3].iloc[0]
    assert (index["iCode"], index["Type"], index["Weight"]) == (INDEX_CODE, "Aggregate", 1.0)
    assert pd.isna(index["Parent"]) and index["iName"] == "测试指数"
    assert imeta.loc[imeta["Level"] == 1, "Type"].eq("Indicator").all()
    assert set(imeta.loc[imeta["Level"] == 1, "Parent"]) == {p.code for p in framework.pillars}
    assert imeta.loc[imeta["Level"] == 2, "Parent"].eq(INDEX_CODE).all()
    assert imeta.loc[imeta["Level"] > 1, "Unit"].eq("Score").all()
    assert imeta["Denominator"].isna().all()
    assert imeta["Parent"].dtype == object and imeta["Denominator"].dtype == object


def test_imeta_table_rows(toy_system: IndicatorSystem) -> None:
    row = imeta_table(toy_system.frameworks["city"]).set_index("iCode")
    assert row.loc["a", ["iName", "iName_zh", "iName_en"]].tolist() == [
        "指标a",
        "指标a",
        "Indicator a",
    ]
    assert (row.loc["a", "Weight"], row.loc["a", "Target"], row.loc["a", "Unit"]) == (1.5, 2.5, "%")
    assert row.loc["b", "Direction"] == -1 and np.isnan(row.loc["b", "Target"])
    assert (row.loc["p_one", "Weight"], row.loc["p_two", "Weight"]) == (0.6, 0.4)
    county = imeta_table(toy_system.frameworks["county"]).set_index("iCode")
    assert county.loc["c", "Target"] == 3.0 and np.isnan(county.loc["a", "Target"])


def test_build_steps_are_a_fresh_copy(toy_system: IndicatorSystem) -> None:
    county = toy_system.frameworks["county"]
    steps = build_steps(county)
    assert steps[1] == {"impute": {"method": "group_median", "group": "parent_code"}}
    steps[1]["impute"]["group"] = "other"
    steps.pop()
    assert build_steps(county)[1]["impute"]["group"] == "parent_code"
    assert len(build_steps(county)) == len(county.methodology.steps)


@pytest.mark.parametrize("level", ["city", "county"])
def test_framework_runs_in_the_engine(toy_system: IndicatorSystem, level: str) -> None:
    """iMeta, steps and the indicator frame fit the engine; the imputation fills the gaps."""
    framework = toy_system.frameworks[level]
    rng = np.random.default_rng(3)
    codes = [f"37{c:02d}{k:02d}" for c in (1, 2) for k in range(1, 5)]
    rows = [
        (year, level, code, variable, float(rng.uniform(1.0, 100.0)))
        for year in (2020, 2021, 2022)
        for code in codes
        for variable in sorted(framework.variables)
        if year == 2020 or rng.random() > 0.1  # gaps after a complete first year
    ]
    stats = pl.DataFrame(
        rows, schema=["year", "level", "region_code", "variable", "value"], orient="row"
    )
    engine = Framework.from_imeta(imeta_table(framework))
    assert list(engine.indicators) == [i.code for i in framework.indicators]
    assert engine["a"].name_en == "Indicator a"
    data = indicator_frame(compute_indicators(stats, framework), framework)
    scores = run_build(data, engine, build_steps(framework)).results.scores
    assert len(scores) == len(codes) * 3
    assert scores[INDEX_CODE].notna().all() and scores[INDEX_CODE].between(0, 100).all()
