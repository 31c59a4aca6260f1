"""Seeded enterprise-year microdata, written as year-partitioned Parquet (never committed).

What a statistics bureau's enterprise survey gives per firm and year, in the columns
:data:`innovation_monitor.ingest.microdata.MICRODATA_COLUMNS` documents: the firm, its county,
whether it is above the designated size (规模以上), high-tech (高新技术企业) or has an R&D
institution, its R&D spend, revenue, new-product revenue and output (万元). Firm sizes are
log-normal with a county effect, so county totals differ as real ones do; about 40 % of firms
report R&D. Files go to ``folder/year=YYYY/part-0.parquet`` (the hive layout DuckDB reads);
the year is the partition, not a column. Used by the benchmark (10 million rows) and the tests.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import polars as pl


def write_microdata(
    folder: Path,
    counties: Sequence[str],
    years: Sequence[int],
    firms_per_year: int,
    seed: int = 2024,
) -> list[Path]:
    """``firms_per_year`` firms in each of ``years`` spread over ``counties``; the same firm ids
    recur across years (a panel of firms). Returns the files written."""
    rng = np.random.default_rng(seed)
    codes = np.array(list(counties))
    county_effect = rng.normal(0.0, 0.6, len(codes))
    home = rng.integers(0, len(codes), firms_per_year)  # each firm stays in its county
    size = rng.normal(0.0, 1.0, firms_per_year) + county_effect[home]
    high_tech = rng.random(firms_per_year) < 0.12
    written = []
    for t, year in enumerate(years):
        revenue = np.exp(7.0 + size + 0.03 * t + rng.normal(0.0, 0.3, firms_per_year))
        does_rd = rng.random(firms_per_year) < np.where(high_tech, 0.9, 0.35)
        rd = np.where(does_rd, revenue * rng.uniform(0.005, 0.06, firms_per_year), 0.0)
        frame = pl.DataFrame(
            {
                "firm_id": np.arange(firms_per_year, dtype=np.int64),
                "county_code": codes[home],
                "above_size": revenue > 2000.0,  # 2,000 万元 of revenue: 规模以上
                "high_tech": high_tech,
                "rd_institution": does_rd & (rng.random(firms_per_year) < 0.3),
                "rd_expenditure": np.round(rd, 2),
                "revenue": np.round(revenue, 2),
                "new_product_revenue": np.round(
                    np.where(does_rd, revenue * rng.uniform(0.0, 0.4, firms_per_year), 0.0), 2
                ),
                "output": np.round(revenue * rng.uniform(0.85, 1.1, firms_per_year), 2),
            }
        )
        path = folder / f"year={year}" / "part-0.parquet"
        path.parent.mkdir(parents=True, exist_ok=True)
        frame.write_parquet(path, row_group_size=256 * 1024)
        written.append(path)
    return written
