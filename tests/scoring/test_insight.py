"""Insight into the scores: contributions and drivers of change (they add up exactly), strengths
and weaknesses, and the coherence audit — by hand on small frames, and on the sample's cut."""

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from innovation_monitor import insight, stages, warehouse
from innovation_monitor.divisions import DivisionRegistry
from innovation_monitor.errors import DataError
from innovation_monitor.framework import INDEX_CODE, IndicatorSystem
from innovation_monitor.scoring.coherence import coherence_audit
from innovation_monitor.scoring.drivers import index_contributions, unexplained_changes
from innovation_monitor.scoring.schemas import SCORES_SCHEMA
from innovation_monitor.scoring.strengths import StrengthRule, strengths_and_weaknesses
from innovation_monitor.scoring.whatif import what_if
from pipelines.cli import main
from tests.corpus.conftest import cut_sample


@pytest.fixture(scope="module")
def analysed(
    tmp_path_factory: pytest.TempPathFactory, system: IndicatorSystem, registry: DivisionRegistry
) -> Path:
    """A warehouse of the sample's 2018–2019 cut, scored and analysed (Jinan took Laiwu in)."""
    root = tmp_path_factory.mktemp("insight")
    data = cut_sample(root / "data", years=(2018, 2019))
    path = root / "w.duckdb"
    with warehouse.connect(path) as con:
        stages.load_divisions(con, registry)
        stages.load_statistics(con, data, system, registry)
        for level in ("city", "county"):
            stages.compute_level_indicators(con, system, level)
            stages.score_level(con, system, registry, level)
            insight.analyse_level(con, system, registry, level)
    return path


@pytest.mark.parametrize("level", ["city", "county"])
def test_contributions_add_up_to_the_index_and_drivers_to_the_change(
    analysed: Path, level: str
) -> None:
    with warehouse.connect(analysed, read_only=True) as con:
        contributions = warehouse.read(con, "contributions", level=level)
        drivers = warehouse.read(con, "drivers", level=level)
        rankings = warehouse.read(con, "rankings", level=level)
        index = warehouse.read(con, "scores", level=level).filter(pl.col("node") == INDEX_CODE)
    key = ["year", "region_code"]
    sums = contributions.group_by(key).agg(pl.col("contribution").sum()).join(index, on=key)
    assert sums.height == index.drop_nulls("score").height > 0
    assert (sums["contribution"] - sums["score"]).abs().max() < 1e-9
    changes = drivers.group_by(key).agg(pl.col("change").sum()).join(rankings, on=key)
    assert changes.height > 0 and set(changes["year"]) == {2019}
    assert (changes["change"] - changes["score_change"]).abs().max() < 1e-9
    assert unexplained_changes(drivers, rankings) == []
    if level == "city":  # a merged unit (济南市 2019) is measured against a restated panel
        assert "370100" not in set(changes["region_code"])


def test_the_drivers_check_names_a_unit_year_that_does_not_add_up(analysed: Path) -> None:
    with warehouse.connect(analysed) as con:
        drivers = warehouse.read(con, "drivers", level="city")
        rankings = warehouse.read(con, "rankings", level="city")
        code = drivers["region_code"][0]
        tampered = drivers.with_columns(
            pl.when(pl.int_range(pl.len()) == 0)
            .then(pl.col("change") + 0.01)
            .otherwise(pl.col("change"))
            .alias("change")
        )
        problems = unexplained_changes(tampered, rankings)
        assert len(problems) == 1 and problems[0].startswith(f"2019 {code}: drivers add up to")
        warehouse.replace_slices(con, {"drivers": tampered}, years=[2019], levels=["city"])
        assert not insight.check_drivers(con, "city").success


def test_contributions_with_other_weights_than_the_build_used_are_refused(
    analysed: Path, system: IndicatorSystem
) -> None:
    framework = system.frameworks["city"]
    with warehouse.connect(analysed, read_only=True) as con:
        scores = warehouse.read(con, "scores", level="city")
    weights = {n.code: 1.0 for n in (*framework.pillars, *framework.indicators)}
    with pytest.raises(DataError, match=r"add up to .* but its index is"):
        index_contributions(scores, framework, weights)


def _scores(rows: dict[str, dict[str, tuple[float, int]]], year: int = 2023) -> pl.DataFrame:
    """Score rows ``{unit: {node: (score, rank)}}`` of one city year."""
    data = [
        (year, "city", unit, node, score, rank)
        for unit, nodes in rows.items()
        for node, (score, rank) in nodes.items()
    ]
    return pl.DataFrame(data, schema=SCORES_SCHEMA, orient="row")


def test_strengths_and_weaknesses_are_indicators_ranked_clearly_apart_from_the_index(
    system: IndicatorSystem,
) -> None:
    """8 units (gap: a quarter = 2 places). Unit u4 ranks 4th on the index: an indicator
    ranked 1st–2nd is a strength, 6th–8th a weakness, 3rd–5th neither."""
    framework = system.frameworks["city"]
    codes = [i.code for i in framework.indicators][:5]
    ranks_of_u4 = dict(zip(codes, [1, 2, 3, 6, 8], strict=True))
    rows: dict[str, dict[str, tuple[float, int]]] = {}
    for u in range(1, 9):
        unit = f"u{u}"
        rows[unit] = {INDEX_CODE: (100.0 - u, u)}
        for code in codes:
            rank = ranks_of_u4[code] if u == 4 else (u if u < ranks_of_u4[code] else u + 1)
            rank = min(rank, 8) if u != 4 else rank
            rows[unit][code] = (100.0 - rank + 0.01 * u, rank)
    listed = strengths_and_weaknesses(_scores(rows), framework, StrengthRule(top=3))
    mine = listed.filter(pl.col("region_code") == "u4")
    assert mine.select("kind", "position", "indicator", "indicator_rank").rows() == [
        ("strength", 1, codes[0], 1),
        ("strength", 2, codes[1], 2),
        ("weakness", 1, codes[4], 8),
        ("weakness", 2, codes[3], 6),
    ]
    assert set(mine["index_rank"]) == {4} and set(mine["units"]) == {8}
    # an indicator with too few distinct values to rank on is left out
    assert strengths_and_weaknesses(
        _scores(rows), framework, StrengthRule(min_distinct=9)
    ).is_empty()


def test_the_coherence_audit_flags_an_indicator_against_its_pillar_and_measures_pillars(
    system: IndicatorSystem,
) -> None:
    """Pillar P's first indicator equals its pillar, the second is its mirror image: the first
    correlates 1 (importance 1/2), the second −1 (flagged negative); alpha of two mirrored
    columns is far below 0; a column pair identical up to scale has one component (share 1)."""
    framework = system.frameworks["city"]
    pillar = framework.pillars[0]
    first, second, *rest = framework.indicators_of(pillar.code)
    rng = np.random.default_rng(7)
    x = rng.uniform(0, 100, 12)
    rows: dict[str, dict[str, tuple[float, int]]] = {}
    for u, value in enumerate(x):
        rows[f"u{u}"] = {
            INDEX_CODE: (value, 1),
            pillar.code: (value, 1),
            first.code: (value, 1),
            second.code: (100 - value, 1),
            **{r.code: (2 * value, 1) for r in rest},
        }
    audit = coherence_audit(_scores(rows), framework)

    def value(node: str, measure: str) -> tuple[float, str | None]:
        row = audit.filter(pl.col("node") == node, pl.col("measure") == measure)
        return row["value"][0], row["flag"][0]

    assert value(first.code, "corr_pillar") == (pytest.approx(1.0), None)
    assert value(second.code, "corr_pillar") == (pytest.approx(-1.0), "negative")
    squares = 1 + 1 + len(rest)
    assert value(first.code, "importance")[0] == pytest.approx(1 / squares)
    weights = [i.weight for i in framework.indicators_of(pillar.code)]
    assert value(first.code, "nominal_share")[0] == pytest.approx(weights[0] / sum(weights))
    alpha, _ = value(pillar.code, "cronbach_alpha")
    columns = np.column_stack([x, 100 - x, *([2 * x] * len(rest))])
    k = columns.shape[1]
    by_hand = k / (k - 1) * (1 - columns.var(axis=0, ddof=1).sum() / columns.sum(1).var(ddof=1))
    assert alpha == pytest.approx(by_hand, rel=1e-12)
    share, _ = value(pillar.code, "pca_first_share")
    assert share == pytest.approx(1.0)  # every column is ± a linear function of x


def _statistics(path: Path, level: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    with warehouse.connect(path, read_only=True) as con:
        statistics = warehouse.read(con, "statistics", level=level)
        rankings = warehouse.read(con, "rankings", level=level).filter(pl.col("year") == 2019)
    return statistics, rankings.sort("rank")


@pytest.mark.parametrize(("level", "goal", "place"), [("city", "rank", 7), ("city", "tier", 7),
                                                       ("county", "rank", 40)])  # fmt: skip
def test_what_if_finds_the_change_that_moves_the_unit_and_one_percent_less_does_not(
    analysed: Path,
    system: IndicatorSystem,
    registry: DivisionRegistry,
    level: str,
    goal: str,
    place: int,
) -> None:
    statistics, rankings = _statistics(analysed, level)
    code = rankings["region_code"][place]
    found = what_if(
        statistics,
        system,
        registry,
        system.frameworks[level],
        region_code=code,
        year=2019,
        indicator="rd_intensity",
        goal=goal,
    )
    assert found.variable == "rd_expenditure" and found.factor > 1
    assert found.now.rank == rankings["rank"][place]
    if goal == "rank":
        assert found.after.rank < found.now.rank <= found.short.rank
    else:
        assert found.after.tier == "tier1" and found.now.tier == found.short.tier == "tier2"
    assert found.needed == pytest.approx(found.value * found.factor)


def test_what_if_says_when_there_is_no_goal_to_reach(
    analysed: Path, system: IndicatorSystem, registry: DivisionRegistry
) -> None:
    statistics, rankings = _statistics(analysed, "city")
    first = rankings["region_code"][0]
    args = (statistics, system, registry, system.frameworks["city"])
    with pytest.raises(DataError, match="first already"):
        what_if(*args, region_code=first, year=2019, indicator="rd_intensity")
    with pytest.raises(DataError, match="first tier already"):
        what_if(*args, region_code=first, year=2019, indicator="rd_intensity", goal="tier")
    with pytest.raises(DataError, match="does not read variable 'gdp_x'"):
        what_if(*args, region_code=first, year=2019, indicator="rd_intensity", variable="gdp_x")


def test_the_whatif_command_words_the_answer_and_its_proof(
    analysed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, rankings = _statistics(analysed, "city")
    code = rankings["region_code"][7]
    args = ["whatif", "--warehouse", str(analysed), "--region", code]
    assert main([*args, "--indicator", "R&D经费投入强度", "--lang", "both"]) == 0
    out = capsys.readouterr().out
    assert "若其他数据不变，R&D经费内部支出（万元）需要由" in out and "排名上升至少一位" in out
    assert f"第 {rankings['rank'][7]} 名" in out and f"第 {rankings['rank'][7] - 1} 名" in out
    assert "everything else unchanged" in out
    assert main([*args, "--indicator", "研发"]) == 2
    assert "expected one of rd_intensity" in capsys.readouterr().err
    first = ["whatif", "--warehouse", str(analysed), "--region", rankings["region_code"][0]]
    assert main([*first, "--indicator", "rd_intensity"]) == 2
    assert "first already" in capsys.readouterr().err


@pytest.mark.parametrize("level", ["city", "county"])
def test_every_rank_has_its_interval_and_the_province_none(analysed: Path, level: str) -> None:
    """The shipped spec (weights of indicators and pillars ±25 %, 1,000 replications): every
    ranked unit-year has an interval around its published rank; the province, the cities'
    yardstick, is never ranked (the cities' nominal ranks are 1 to 16, none taken by it)."""
    with warehouse.connect(analysed, read_only=True) as con:
        intervals = warehouse.read(con, "rank_intervals", level=level)
        rankings = warehouse.read(con, "rankings", level=level)
        sensitivity = warehouse.read(con, "sensitivity", level=level)
    key = ["year", "region_code"]
    joined = rankings.drop_nulls("rank").join(intervals, on=key, how="left")
    assert joined.height == rankings.drop_nulls("rank").height == intervals.height
    assert (joined["nominal"] == joined["rank"]).all()
    assert (joined["q05"] <= joined["median"]).all() and (joined["median"] <= joined["q95"]).all()
    assert (joined["best"] <= joined["q05"]).all() and (joined["q95"] <= joined["worst"]).all()
    assert "370000" not in set(intervals["region_code"])
    if level == "city":
        assert sorted(intervals.filter(pl.col("year") == 2019)["nominal"]) == list(range(1, 17))
    assert (intervals["q95"] > intervals["q05"]).any()  # the weights move some ranks
    assert set(sensitivity["input"]) == {"weights_level_1", "weights_level_2"}
    assert set(sensitivity["year"]) == {2019}
