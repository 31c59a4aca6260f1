"""``explain`` on the warehouse the whole pipeline built from the bundled sample (the session's
``sample_run``, read only): the printed contributions re-add to the stored index of a city in
2023, of a county whose value was carried forward and of a city with a missing value.

Slow (it needs the pipeline run), so marked ``slow`` like ``tests/test_pipeline.py``.
"""

import math
import re
from collections.abc import Iterator

import duckdb
import pytest

from innovation_monitor import warehouse
from innovation_monitor.divisions import DivisionRegistry
from innovation_monitor.explain import Explanation, explain, explain_file
from innovation_monitor.framework import INDEX_CODE, IndicatorSystem
from tests.explain.printed import printed_checks
from tests.pipeline_run import PipelineRun

pytestmark = pytest.mark.slow

JINAN, HEKOU, LIAOCHENG = "370100", "370503", "371500"


@pytest.fixture
def con(sample_run: PipelineRun) -> Iterator[duckdb.DuckDBPyConnection]:
    with warehouse.connect(sample_run.warehouse, read_only=True) as connection:
        yield connection


def _stored(con: duckdb.DuckDBPyConnection, level: str, year: int, code: str) -> dict:
    """Every stored score of the unit-year, read apart from ``explain``."""
    rows = con.execute(
        "SELECT node, score FROM scores WHERE level = ? AND year = ? AND region_code = ?",
        [level, year, code],
    ).fetchall()
    return dict(rows)


def _assert_adds_up(found: Explanation, stored: dict) -> None:
    """The contributions printed in each check line re-add to the stored score, to 1e-9."""
    checks = printed_checks(found.text("en"))
    assert math.isclose(
        math.fsum(checks[found.index_name.en]), stored[INDEX_CODE], rel_tol=0, abs_tol=1e-9
    )
    for pillar in found.pillars:
        terms = checks[f"{pillar.name.en} score"]
        assert math.isclose(math.fsum(terms), stored[pillar.code], rel_tol=0, abs_tol=1e-9)
    assert len(checks) == len(found.pillars) + 1


def test_a_citys_2023_index_is_rebuilt_from_the_printed_contributions(
    sample_run: PipelineRun, con: duckdb.DuckDBPyConnection
) -> None:
    found = explain_file(sample_run.warehouse, year=2023, region=JINAN)
    assert found.level == "city" and found.rank == 2 and found.ranked == 16
    _assert_adds_up(found, _stored(con, "city", 2023, JINAN))
    zh = found.text("zh")
    assert "济南市（370100）2023年区域创新能力综合指数的计算过程" in zh
    assert "city/2023.xlsx 工作表“2023年”第4行“地区生产总值（亿元）”列，原文“13315.54”" in zh
    assert "文件单位亿元，×10,000 换算为 133,155,400 万元" in zh


def test_a_county_with_a_carried_value_is_rebuilt_from_the_printed_contributions(
    con: duckdb.DuckDBPyConnection, system: IndicatorSystem, registry: DivisionRegistry
) -> None:
    found = explain(con, system, registry, level="county", year=2022, region=HEKOU)
    _assert_adds_up(found, _stored(con, "county", 2022, HEKOU))
    part = next(p for p in found.pillars[2].indicators if p.code == "new_product_share")
    assert part.estimate is not None and part.estimate.method == "carry_forward"
    assert part.carried_year == 2021 and part.contribution is not None
    zh = found.text("zh")
    assert "county/2022.csv第41行“新产品销售收入(万元)”列，原文“—”；未入库" in zh
    assert "计算采用 15.8679：沿用本地区2021年数值" in zh


def test_a_missing_value_is_left_out_and_the_index_still_adds_up(
    con: duckdb.DuckDBPyConnection, system: IndicatorSystem, registry: DivisionRegistry
) -> None:
    found = explain(con, system, registry, level="city", year=2016, region="聊城市")
    _assert_adds_up(found, _stored(con, "city", 2016, LIAOCHENG))
    part = next(p for p in found.pillars[1].indicators if p.code == "tech_smes_density")
    assert part.estimate is not None and part.estimate.method == "missing"
    assert part.score is None and part.contribution is None
    assert "city/2016.csv row 18, column 科技型中小企业数(家), written '…'" in found.text("en")


def test_one_indicators_chain_and_no_code_in_the_text(
    con: duckdb.DuckDBPyConnection, system: IndicatorSystem, registry: DivisionRegistry
) -> None:
    found = explain(
        con, system, registry, level="county", year=2022, region=HEKOU, indicator="rd_intensity"
    )
    zh = found.text("zh")
    assert "R&D经费投入强度" in zh and "新产品销售收入占营业收入比重" not in zh
    framework = system.frameworks["county"]
    codes = [
        *(i.code for i in framework.indicators),
        *(p.code for p in framework.pillars),
        *framework.variables,
    ]
    full = explain(con, system, registry, level="county", year=2022, region=HEKOU).text("zh")
    assert [c for c in codes if re.search(rf"(?<![A-Za-z_]){c}(?![A-Za-z_])", full)] == []
