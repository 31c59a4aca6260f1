"""A seeded synthetic panel for the scaling benchmark (made on the fly, never committed as data).

U units × 20 years × 40 indicators in 5 pillars of 8, written as COINr-style iData/iMeta CSVs
and a BUILD.yaml like the county methodology (carry-forward imputation, pooled
winsorise-then-log, pooled min-max, explicit weights, arithmetic mean), so that our engine
(``innovation-monitor score``'s inputs) and COINr read exactly the same files.

The values imitate a province's counties: a unit effect, a trend, yearly noise; a third of the
indicators near-normal, the rest log-normal, and a quarter dominated by three "capital" units at
about 15 times the others (as 济南 and 青岛 dominate patents), so the outlier treatment
winsorises about 60 pooled points of each of those and leaves the rest alone; no indicator
reaches the winsorisation cap (a column that does costs winmax × rows). 2 % of the cells are
missing at random; carry-forward fills most of them, first-year gaps stay missing and the mean
skips them.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl

YEARS = range(2005, 2025)
PILLARS = 5
PER_PILLAR = 8
CAPITALS = 3
MISSING = 0.02
#: Winsorisation cap as a share of the pooled unit-years, as the county methodology (109 of
#: ~1,090) scales COINr's default (5 of ASEM's 51 units).
WINMAX_SHARE = 0.1


def indicator_codes() -> list[str]:
    return [f"x{j + 1:02d}" for j in range(PILLARS * PER_PILLAR)]


def make_panel(units: int, seed: int = 20240) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The iData (``uCode, uName, Time``, 40 indicators) and iMeta of a ``units``-unit panel."""
    rng = np.random.default_rng(seed)
    n_years = len(YEARS)
    codes = indicator_codes()
    unit_effect = rng.standard_normal(units)
    growth = rng.normal(0.03, 0.01, units)
    t = np.arange(n_years, dtype=float)
    u = np.repeat(np.arange(units), n_years)
    year_index = np.tile(np.arange(n_years), units)
    columns: dict[str, np.ndarray] = {
        "uCode": np.array([f"U{i:05d}" for i in range(units)])[u],
        "uName": np.array([f"Unit {i}" for i in range(units)])[u],
        "Time": np.array(list(YEARS))[year_index],
    }
    for j, code in enumerate(codes):
        loading = rng.uniform(0.4, 0.8)
        latent = (
            loading * unit_effect[u]
            + np.sqrt(1 - loading**2) * rng.standard_normal(u.size)
            + growth[u] * t[year_index]
        )
        kind = j % 3
        if kind == 0:  # near-normal, e.g. a share or an index
            values = 50 + 10 * latent
        else:  # log-normal, e.g. a per-capita amount
            values = np.exp(1 + 0.35 * latent)
            if j % 4 == 1:  # three capitals far ahead of everyone else
                values = np.where(u < CAPITALS, values * 15, values)
        values[rng.random(u.size) < MISSING] = np.nan
        columns[code] = np.round(values, 6)
    data = pd.DataFrame(columns)
    return data, _imeta(codes)


def _imeta(codes: list[str]) -> pd.DataFrame:
    rows = []
    for j, code in enumerate(codes):
        rows.append(
            {
                "Level": 1,
                "iCode": code,
                "iName": f"Indicator {code}",
                "Direction": -1 if j % 10 == 9 else 1,
                "Weight": 1 + j % 3,
                "Parent": f"P{j // PER_PILLAR + 1}",
                "Type": "Indicator",
            }
        )
    for p in range(PILLARS):
        rows.append(
            {
                "Level": 2,
                "iCode": f"P{p + 1}",
                "iName": f"Pillar {p + 1}",
                "Direction": 1,
                "Weight": 2 if p == 0 else 1,
                "Parent": "Index",
                "Type": "Aggregate",
            }
        )
    rows.append(
        {
            "Level": 3,
            "iCode": "Index",
            "iName": "Index",
            "Direction": 1,
            "Weight": 1,
            "Parent": None,
            "Type": "Aggregate",
        }
    )
    return pd.DataFrame(rows)


def winmax(units: int) -> int:
    return round(WINMAX_SHARE * units * len(YEARS))


def build_yaml(units: int) -> str:
    return (
        "# Like the county methodology (indicators.yaml), on the synthetic benchmark panel.\n"
        "steps:\n"
        "  - impute: {method: carry_forward, limit: 2}\n"
        f"  - treat: {{method: winsorise_then_log, winmax: {winmax(units)}, skew: 2.0, "
        "kurtosis: 3.5, panel: pooled}\n"
        "  - normalise: {method: minmax, range: [0, 100], goalposts: pooled}\n"
        "  - weight: {method: explicit}\n"
        "  - aggregate: {method: arithmetic}\n"
    )


def write_panel(units: int, folder: Path) -> dict[str, Path]:
    """Write ``data.csv``, ``meta.csv`` and ``build.yaml`` for a ``units`` panel into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    data, imeta = make_panel(units)
    paths = {
        "data": folder / "data.csv",
        "meta": folder / "meta.csv",
        "build": folder / "build.yaml",
    }
    # polars writes the shortest repr that reads back to the same float, 20× faster than pandas
    pl.from_pandas(data).write_csv(paths["data"])
    imeta.to_csv(paths["meta"], index=False)
    paths["build"].write_text(build_yaml(units), encoding="utf-8")
    return paths
