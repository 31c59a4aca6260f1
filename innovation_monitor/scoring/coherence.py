"""The statistical coherence audit of a level's scores, year by year, as the JRC audits the
Global Innovation Index: does each indicator move with its pillar, does each pillar move with
the index, and do the pillars' indicators measure one thing?

Over the ranked units of a year, on the normalised indicator scores, the pillar scores and the
index (pairs with both values):

- ``corr_pillar`` / ``corr_index``: Pearson correlation of an indicator with its pillar and
  with the index, and of a pillar with the index; an indicator below ``weak`` (0.3, the JRC's
  rule of thumb) is flagged ``weak``, below 0 ``negative`` (it pulls its pillar the other way);
- ``importance``: the indicator's squared correlation with its pillar as a share of all its
  pillar's (a correlation-based effective weight), beside ``nominal_share``, its share of the
  pillar's weight: an indicator whose importance is far below its weight matters less than the
  weights say;
- ``cronbach_alpha`` of a pillar's indicators (units with every one of them), and
  ``pca_first_share``: the share of their correlation matrix's variance on its first principal
  component (one dominant component: the pillar is one-dimensional).
"""

import numpy as np
import polars as pl

from innovation_monitor.framework import INDEX_CODE, MonitoringFramework
from innovation_monitor.scoring.schemas import COHERENCE_SCHEMA

WEAK = 0.3
"""Correlation with its pillar below which an indicator is flagged ``weak``."""


def coherence_audit(scores: pl.DataFrame, framework: MonitoringFramework) -> pl.DataFrame:
    """The :data:`COHERENCE_SCHEMA` rows of every year of ``scores``."""
    ranked = scores.filter(
        pl.col("region_code").is_in(
            scores.filter(pl.col("node") == INDEX_CODE, pl.col("rank").is_not_null())[
                "region_code"
            ].unique()
        )
    )
    rows: list[tuple] = []
    for year in sorted(ranked["year"].unique().to_list()):
        wide = (
            ranked.filter(pl.col("year") == year)
            .pivot(on="node", index="region_code", values="score")
            .fill_nan(None)
        )
        rows += _year_rows(wide, framework, year)
    return pl.DataFrame(rows, schema=COHERENCE_SCHEMA, orient="row").sort(
        "year", "parent", "node", "measure", nulls_last=True
    )


def _column(wide: pl.DataFrame, code: str) -> np.ndarray:
    if code not in wide.columns:
        return np.full(wide.height, np.nan)
    return wide[code].cast(pl.Float64).fill_null(np.nan).to_numpy()


def _pearson(x: np.ndarray, y: np.ndarray) -> float | None:
    """Correlation over the pairs with both values; None with fewer than three or no spread."""
    both = ~(np.isnan(x) | np.isnan(y))
    if both.sum() < 3 or np.std(x[both]) == 0 or np.std(y[both]) == 0:
        return None
    return float(np.corrcoef(x[both], y[both])[0, 1])


def _year_rows(wide: pl.DataFrame, framework: MonitoringFramework, year: int) -> list[tuple]:
    level = framework.level
    index = _column(wide, INDEX_CODE)
    rows: list[tuple] = []
    for pillar in framework.pillars:
        members = framework.indicators_of(pillar.code)
        score = _column(wide, pillar.code)
        rows.append(
            (year, level, pillar.code, INDEX_CODE, "corr_index", _pearson(score, index), None)
        )
        correlations = {i.code: _pearson(_column(wide, i.code), score) for i in members}
        squares = sum(r * r for r in correlations.values() if r is not None)
        total_weight = sum(i.weight for i in members)
        for ind in members:
            r = correlations[ind.code]
            flag = None if r is None else "negative" if r < 0 else "weak" if r < WEAK else None
            own = _column(wide, ind.code)
            rows += [
                (year, level, ind.code, pillar.code, "corr_pillar", r, flag),
                (year, level, ind.code, INDEX_CODE, "corr_index", _pearson(own, index), None),
                (
                    year,
                    level,
                    ind.code,
                    pillar.code,
                    "importance",
                    None if r is None or squares == 0 else r * r / squares,
                    None,
                ),
                (
                    year,
                    level,
                    ind.code,
                    pillar.code,
                    "nominal_share",
                    ind.weight / total_weight,
                    None,
                ),
            ]
        matrix = np.column_stack([_column(wide, i.code) for i in members])
        alpha, first = _internal_consistency(matrix)
        rows += [
            (year, level, pillar.code, INDEX_CODE, "cronbach_alpha", alpha, None),
            (year, level, pillar.code, INDEX_CODE, "pca_first_share", first, None),
        ]
    return rows


def _internal_consistency(matrix: np.ndarray) -> tuple[float | None, float | None]:
    """Cronbach's alpha and the first principal component's share of variance of a pillar's
    indicator columns, over the units with all of them; None for a pillar of one indicator,
    fewer than three such units or a column without spread."""
    complete = matrix[~np.isnan(matrix).any(axis=1)]
    k = matrix.shape[1]
    if k < 2 or len(complete) < 3 or (complete.std(axis=0) == 0).any():
        return None, None
    variances = complete.var(axis=0, ddof=1)
    total = complete.sum(axis=1).var(ddof=1)
    alpha = k / (k - 1) * (1 - variances.sum() / total)
    eigenvalues = np.linalg.eigvalsh(np.corrcoef(complete, rowvar=False))
    return float(alpha), float(eigenvalues[-1] / eigenvalues.sum())
