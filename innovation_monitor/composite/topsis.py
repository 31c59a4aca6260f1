"""TOPSIS ranking (Hwang & Yoon 1981): closeness of each unit to the ideal and anti-ideal unit.

Chinese regional evaluations often report a TOPSIS ranking (熵权-TOPSIS and similar) beside the
weighted-sum index, so the monitor offers it as an alternative aggregation over the same
indicator matrix. Source: Hwang, C.-L. & Yoon, K. (1981), Multiple Attribute Decision Making:
Methods and Applications, Springer (Lecture Notes in Economics and Mathematical Systems 186).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import Literal, TypeAlias

import numpy as np
import pandas as pd

from innovation_monitor.composite.weighting import indicator_matrix
from innovation_monitor.errors import DataError, FrameworkError

PerIndicator: TypeAlias = pd.Series | Mapping[Hashable, float] | Sequence[float] | np.ndarray


def _per_indicator(values: PerIndicator, columns: pd.Index, what: str) -> pd.Series:
    """Align weights or directions to the indicator columns, by name or by position."""
    if isinstance(values, pd.Series | Mapping):
        series = pd.Series(values, dtype=float)
        missing = [c for c in columns if c not in series.index]
        unknown = [c for c in series.index if c not in columns]
        if missing or unknown:
            raise FrameworkError(
                f"topsis: {what} must name exactly the indicator columns; "
                f"missing {missing}, not in X {unknown}"
            )
        return series.reindex(columns)
    array = np.asarray(values, dtype=float)
    if array.shape != (len(columns),):
        raise FrameworkError(
            f"topsis: {len(columns)} {what} expected (one per indicator {list(columns)}), "
            f"got shape {array.shape}"
        )
    return pd.Series(array, index=columns)


def topsis(
    X: pd.DataFrame,
    weights: PerIndicator,
    directions: PerIndicator | None = None,
    *,
    normalise: Literal["vector", "none"] = "vector",
) -> pd.DataFrame:
    """Rank the units (rows of ``X``) by their relative closeness to the ideal solution.

    Steps (Hwang & Yoon 1981): vector-normalise each column, r_ij = x_ij / √Σ_i x_ij²
    (``normalise="none"`` when ``X`` is already normalised); weight, v_ij = w_j r_ij, with the
    weights scaled to sum 1; the ideal takes each column's best value (max for direction +1,
    min for −1), the anti-ideal its worst; d⁺ and d⁻ are Euclidean distances to them and the
    closeness C = d⁻ / (d⁺ + d⁻) lies in [0, 1]. ``weights`` and ``directions`` (default all
    +1) are given per indicator, by name (Series/mapping) or by position.

    Returns a frame indexed like ``X`` with ``d_plus``, ``d_minus``, ``closeness`` and ``rank``
    (1 = highest closeness; ties share the best rank, "min"). TOPSIS needs complete data:
    impute first.
    """
    method = "topsis"
    data = indicator_matrix(X, method)
    if len(data) == 0:
        raise DataError(f"{method}: X has no units (rows)")
    missing = data.isna()
    if missing.to_numpy().any():
        columns = missing.columns[missing.any()].tolist()
        units = missing.index[missing.any(axis=1)].tolist()
        raise DataError(
            f"{method}: missing values in columns {columns} for units {units[:5]}"
            f"{' ...' if len(units) > 5 else ''}; TOPSIS needs complete data, impute first"
        )
    weight = _per_indicator(weights, data.columns, "weights")
    if not (np.isfinite(weight).all() and (weight >= 0).all() and weight.sum() > 0):
        raise FrameworkError(
            f"{method}: weights must be finite, non-negative and not all zero, got "
            f"{weight.to_dict()}"
        )
    weight = weight / weight.sum()
    direction = (
        pd.Series(1.0, index=data.columns)
        if directions is None
        else _per_indicator(directions, data.columns, "directions")
    )
    invalid = direction.index[~direction.isin([1.0, -1.0])].tolist()
    if invalid:
        raise FrameworkError(
            f"{method}: directions must be +1 or -1; indicators {invalid} have "
            f"{direction[invalid].tolist()}"
        )
    if normalise == "vector":
        peak = data.abs().max()
        zero = peak.index[peak == 0].tolist()
        if zero:
            raise DataError(f"{method}: columns {zero} are all zero; cannot vector-normalise")
        # Divide by the column's peak before squaring so tiny values cannot underflow to 0.
        relative = data / peak
        scaled = relative / np.sqrt((relative**2).sum())
    elif normalise == "none":
        scaled = data
    else:
        raise FrameworkError(f"{method}: normalise must be 'vector' or 'none', got {normalise!r}")
    weighted = scaled * weight
    benefit = direction > 0
    ideal = weighted.max().where(benefit, weighted.min())
    anti_ideal = weighted.min().where(benefit, weighted.max())
    d_plus = np.sqrt(((weighted - ideal) ** 2).sum(axis=1))
    d_minus = np.sqrt(((weighted - anti_ideal) ** 2).sum(axis=1))
    spread = d_plus + d_minus
    if (spread == 0).any():
        raise DataError(
            f"{method}: every unit has the same value on every weighted indicator; "
            "there is nothing to rank"
        )
    closeness = d_minus / spread
    return pd.DataFrame(
        {
            "d_plus": d_plus,
            "d_minus": d_minus,
            "closeness": closeness,
            "rank": closeness.rank(method="min", ascending=False).astype(int),
        },
        index=X.index,
    )
