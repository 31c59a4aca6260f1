"""Plan-target progress: the trend's projected year by hand, the run of met years, a trend moving
away, a target to stay below; then on the sample's series (Jinan's 2025 target of more than
10,000 technology-based SMEs) and from the command line."""

import dataclasses
import math

import polars as pl
import pytest

from innovation_monitor import warehouse
from innovation_monitor.framework import IndicatorSystem
from innovation_monitor.scoring.targets import reached_year, target_progress, trend_growth
from pipelines.cli import main
from tests.pipeline_run import PipelineRun


def _target(system: IndicatorSystem, value: float, comparison: str = ">="):
    shipped = system.target("jinan_2025_tech_smes")
    return dataclasses.replace(
        shipped, value=value, canonical_value=value, comparison=comparison, year=2025
    )


def test_the_projected_year_follows_the_compound_growth_of_the_last_three_years(
    system: IndicatorSystem,
) -> None:
    series = {2019: 40.0, 2020: 50.0, 2021: 60.0, 2022: 70.0, 2023: 80.0}
    # growth from 2020 to 2023: (80 / 50) ** (1 / 3) − 1 = 16.96 % a year
    growth = (80 / 50) ** (1 / 3) - 1
    assert trend_growth(series) == pytest.approx(growth, rel=1e-12)
    # 100 needs ln(100 / 80) / ln(1 + g) = 1.42 more years: reached in 2025
    assert math.log(100 / 80) / math.log(1 + growth) == pytest.approx(1.4243, abs=1e-4)
    assert reached_year(_target(system, 100.0), series) == (2025, True)
    assert reached_year(_target(system, 80.0), series) == (2023, False)  # met in the latest year
    # met, missed, then met again: met since the start of the latest run of met years
    assert reached_year(_target(system, 55.0), {2020: 60.0, 2021: 50.0, 2022: 56.0}) == (
        2022,
        False,
    )


def test_a_trend_moving_away_never_reaches_and_a_ceiling_counts_downwards(
    system: IndicatorSystem,
) -> None:
    falling = {2020: 80.0, 2023: 60.0}
    assert reached_year(_target(system, 100.0), falling) == (None, True)
    # at most 50: (60 / 80) ** (1 / 3) − 1 = −9.1 % a year, ln(50 / 60) / ln(0.909) = 1.9 → 2025
    assert reached_year(_target(system, 50.0, "<="), falling) == (2025, True)
    progress = target_progress([_target(system, 50.0, "<=")], _series("370100", falling))
    row = progress.row(0, named=True)
    assert row["gap"] == pytest.approx(10.0) and row["met_latest"] is False  # 10 still to shed
    assert row["value_in_target_year"] is None and row["latest_year"] == 2023


def _series(code: str, values: dict[int, float]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "scope_code": [code] * len(values),
            "measure": ["tech_smes"] * len(values),
            "year": list(values),
            "value": list(values.values()),
        }
    )


@pytest.mark.slow
def test_jinans_smes_target_on_the_sample_by_hand_and_on_the_command_line(
    sample_run: PipelineRun, system: IndicatorSystem, capsys: pytest.CaptureFixture[str]
) -> None:
    with warehouse.connect(sample_run.warehouse, read_only=True) as con:
        rows = con.execute(
            "SELECT year, value FROM statistics WHERE region_code = '370100' "
            "AND variable = 'tech_smes' AND year IN (2020, 2023) ORDER BY year"
        ).fetchall()
    (_, v2020), (_, v2023) = rows
    growth = (v2023 / v2020) ** (1 / 3) - 1
    by_hand = 2023 + math.ceil(math.log(10000 / v2023) / math.log(1 + growth))
    assert main(["targets", "--warehouse", str(sample_run.warehouse), "--lang", "both"]) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if x.startswith("济南市 科技型中小企业数"))
    assert f"最新 2023年 {v2023:,.0f}" in line
    assert f"按近年复合增长率 {growth * 100:.1f}% 预计{by_hand}年达到" in line
    assert "Jinan" in out and "Traceback" not in out
