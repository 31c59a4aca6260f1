"""Results: ranks (higher better, ties "min", per period), the results table, weights."""

import numpy as np
import pandas as pd
from scipy import stats

from innovation_monitor.composite import make_results, rank_scores
from innovation_monitor.composite.aggregate import aggregate


def test_ranks_higher_is_better_with_min_ties():
    scores = pd.DataFrame({"uCode": list("ABCDE"), "s": [3.0, 9.0, 3.0, np.nan, 1.0]})
    ranks = rank_scores(scores, ["s"])
    assert ranks["s"].tolist() == [2, 1, 2, pd.NA, 4]
    assert str(ranks["s"].dtype) == "Int64"


def test_ranks_within_each_period():
    scores = pd.DataFrame(
        {"uCode": ["A", "B"] * 2, "Time": [2020, 2020, 2021, 2021], "s": [1.0, 2.0, 5.0, 4.0]}
    )
    assert rank_scores(scores, ["s"])["s"].tolist() == [2, 1, 1, 2]


def test_results_table_and_weights(toy_data, toy_framework):
    complete = toy_data.fillna({"a": 200.0, "b": 2.5, "d": 30.0})
    aggregated, _ = aggregate(complete, toy_framework)
    results = make_results(aggregated, toy_framework)
    table = results.table()
    assert list(table.columns) == ["uCode", "Index", "Index_rank", "P1", "P1_rank", "P2", "P2_rank"]
    assert table["Index_rank"].tolist() == sorted(table["Index_rank"].tolist())
    assert table["Index"].is_monotonic_decreasing
    assert list(results.scores.columns) == ["uCode", "Index", "P1", "P2", "a", "b", "c", "d"]
    weights = results.effective_weights.set_index("iCode")
    assert weights.loc[["a", "b", "c", "d"], "EffWeight"].sum() == 1.0
    assert weights.loc["P1", "Parent"] == "Index"
    assert "ranks" not in results.__dict__  # the table ranked the aggregates alone
    for code in ("Index", "P1", "P2"):
        by_unit = table.set_index("uCode")[f"{code}_rank"]
        every = results.ranks.set_index(results.scores["uCode"])[code]
        assert by_unit.sort_index().tolist() == every.sort_index().tolist()


def test_ranks_equal_scipys_min_ranks_per_period_on_ties_and_gaps():
    """The one-sort ranking against scipy's ``rankdata`` period by period, on rows in any
    order, with ties and missing scores."""
    rng = np.random.default_rng(3)
    n = 400
    scores = pd.DataFrame(
        {
            "uCode": [f"U{i % 100}" for i in range(n)],
            "Time": rng.permutation(np.repeat([2020, 2021, 2022, 2023], n // 4)),
        }
    )
    columns = []
    for j in range(6):
        values = np.round(rng.normal(size=n), 1 if j % 2 else 8)  # ties in every other column
        values[rng.random(n) < 0.15] = np.nan
        scores[f"s{j}"] = values
        columns.append(f"s{j}")
    scores["s0"] = -0.0
    scores.loc[::7, "s0"] = 0.0  # +0 and -0 tie
    ranks = rank_scores(scores, columns)
    for year in (2020, 2021, 2022, 2023):
        rows = (scores["Time"] == year).to_numpy()
        for c in columns:
            want = stats.rankdata(-scores.loc[rows, c], method="min", nan_policy="omit")
            got = ranks.loc[rows, c].to_numpy(dtype=float, na_value=np.nan)
            assert np.array_equal(got, want, equal_nan=True), (year, c)
