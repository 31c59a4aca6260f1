"""The province's own index against its base year (``methodology.city.province_index``), on the
toy framework: ``a = x / y × 100`` (weight 1.5) and ``b = z / y`` (higher-is-worse, weight 1)
under pillar p_one (0.6),
``c = max(x, y) / y`` under p_two (0.4); the province's statistics are its cities' sums."""

import polars as pl
import pytest

from innovation_monitor.divisions import DivisionRegistry
from innovation_monitor.errors import FrameworkError
from innovation_monitor.framework import INDEX_CODE
from innovation_monitor.indicators import compute_indicators
from innovation_monitor.scoring.panel import province_index, with_reference
from tests.scoring.test_province_reference import RATIO_STEPS, _document, _statistics
from tests.toy_framework import build_toy


def _index(registry: DivisionRegistry, base_year: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The toy cities' province index against ``base_year``, and their statistics."""
    system = build_toy(
        _document(reference="province", steps=RATIO_STEPS, province_index={"base_year": base_year})
    )
    city = system.frameworks["city"]
    statistics = _statistics(registry)
    values = with_reference(compute_indicators(statistics, city), statistics, system, city)
    return province_index(values, city), statistics


def test_the_province_index_is_its_growth_on_the_base_year_by_hand(
    registry: DivisionRegistry,
) -> None:
    index, statistics = _index(registry, 2022)
    assert set(index["base_year"]) == {2022} and set(index["level"]) == {"city"}
    sums = {
        (year, variable): value
        for year, variable, value in statistics.group_by("year", "variable")
        .agg(pl.col("value").sum())
        .iter_rows()
    }
    x, y, z = ({year: sums[year, v] for year in (2022, 2023)} for v in ("x", "y", "z"))
    a = {t: x[t] / y[t] * 100 for t in x}
    b = {t: z[t] / y[t] for t in x}
    c = {t: max(x[t], y[t]) / y[t] for t in x}
    p_one = (1.5 * a[2023] / a[2022] * 100 + b[2022] / b[2023] * 100) / 2.5
    p_two = c[2023] / c[2022] * 100
    by_node = {(t, n): s for t, n, s in index.select("year", "node", "score").iter_rows()}
    assert by_node[2022, INDEX_CODE] == pytest.approx(100.0, abs=1e-12)
    assert by_node[2023, "p_one"] == pytest.approx(p_one, rel=1e-12)
    assert by_node[2023, INDEX_CODE] == pytest.approx(0.6 * p_one + 0.4 * p_two, rel=1e-12)


def test_no_index_without_its_base_year_and_none_without_the_province(
    registry: DivisionRegistry,
) -> None:
    assert _index(registry, 2016)[0].is_empty()  # the scoring stage's summary says why
    with pytest.raises(FrameworkError, match=r"province_index: the province's own index needs"):
        build_toy(_document(province_index={"base_year": 2022}))
