"""Indicator weights: data-driven (熵值法, CRITIC, PCA) and judgement-based (AHP).

Chinese regional innovation evaluations routinely report objective weights next to the expert
weights of the framework, so the monitor offers the common methods as pure functions. Every
data-driven method takes ``X`` with rows = units (or unit-years) and columns = indicators,
already direction-adjusted (higher = better) and usually normalised, and returns a
:class:`pandas.Series` indexed by ``X``'s columns that sums to 1.

Sources:

- 熵值法 (entropy weight method): Shannon entropy of each indicator's share distribution, in the
  form used throughout Chinese evaluation practice (p_ij = x_ij / Σ_i x_ij,
  e_j = −(1/ln n) Σ_i p_ij ln p_ij, d_j = 1 − e_j, w_j = d_j / Σ d).
- CRITIC: Diakoulaki, Mavrotas & Papayannakis (1995), "Determining objective weights in
  multiple criteria problems: the CRITIC method", Computers & Operations Research 22(7), 763-770.
- PCA weights: OECD/JRC (2008), Handbook on Constructing Composite Indicators: Methodology and
  User Guide, §6.1 "Weights based on principal components analysis or factor analysis".
- AHP: Saaty (1980), The Analytic Hierarchy Process, McGraw-Hill (random index table, n ≤ 15);
  Saaty (1990), "How to make a decision: the analytic hierarchy process", European Journal of
  Operational Research 48(1), 9-26 (principal eigenvector, CI, CR and the 10 % rule).
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from innovation_monitor.errors import DataError, FrameworkError

#: Saaty's random consistency index RI(n): the mean CI of random reciprocal matrices of order n
#: on the 1-9 scale (Saaty 1980; the values for n ≤ 10 are also those of Saaty 1990).
SAATY_RANDOM_INDEX: dict[int, float] = {
    1: 0.0,
    2: 0.0,
    3: 0.58,
    4: 0.90,
    5: 1.12,
    6: 1.24,
    7: 1.32,
    8: 1.41,
    9: 1.45,
    10: 1.49,
    11: 1.51,
    12: 1.48,
    13: 1.56,
    14: 1.57,
    15: 1.59,
}

#: Saaty's rule: judgements with a consistency ratio of 10 % or less are acceptable.
CONSISTENCY_THRESHOLD = 0.10

#: Tolerance on a_ij · a_ji = 1. Generous because judgements are often typed rounded to two
#: decimals, and 0.13 for 1/8 is already 4 % off.
RECIPROCAL_TOLERANCE = 0.05


def indicator_matrix(X: pd.DataFrame, method: str) -> pd.DataFrame:
    """Check that ``X`` is a numeric indicator matrix and return it as floats.

    Shared by the weighting methods and TOPSIS so they all reject the same inputs with a message
    naming the method and the offending column (``method`` is the caller's name).
    """
    if not isinstance(X, pd.DataFrame):
        raise TypeError(f"{method}: X must be a pandas DataFrame, got {type(X).__name__}")
    if X.shape[1] == 0:
        raise DataError(f"{method}: X has no indicator columns")
    duplicated = X.columns[X.columns.duplicated()].unique().tolist()
    if duplicated:
        raise DataError(f"{method}: indicator columns {duplicated} appear more than once")
    for column in X.columns:
        dtype = X[column].dtype
        if pd.api.types.is_bool_dtype(dtype) or not pd.api.types.is_numeric_dtype(dtype):
            raise DataError(
                f"{method}: column {column!r} is not numeric (dtype {dtype}); pass only "
                "indicator columns (no uCode/Time/name columns)"
            )
    data = X.astype(float)
    infinite = data.columns[np.isinf(data.to_numpy()).any(axis=0)].tolist()
    if infinite:
        raise DataError(f"{method}: columns {infinite} contain infinite values")
    return data


def _normalised(scores: pd.Series, method: str, why_zero: str) -> pd.Series:
    """Scale non-negative scores to weights summing to 1, or explain why that is impossible."""
    total = float(scores.sum())
    if not total > 0:
        raise DataError(f"{method}: cannot derive weights for {list(scores.index)}: {why_zero}")
    return (scores / total).rename("weight")


def entropy_weights(X: pd.DataFrame, *, negative: Literal["raise", "shift"] = "raise") -> pd.Series:
    """Entropy weights (熵值法): indicators whose values are spread unevenly weigh more.

    Precondition: the shares p_ij = x_ij / Σ_i x_ij are only meaningful for non-negative data.
    With ``negative="raise"`` (default) a column holding a negative value raises
    :class:`DataError` naming it; ``negative="shift"`` subtracts that column's minimum first
    (the usual translation in practice; it changes the weights, which are not
    translation-invariant, so normalise to a non-negative scale instead where you can).

    Missing values are ignored per column: n_j is the number of non-missing values of
    indicator j, which must be at least 2. A constant or all-zero column carries no information
    and gets weight 0. Zero shares contribute 0·ln 0 = 0.

    Pooled ("global") weights over a panel need no parameter: pass the panel itself (rows =
    unit-years, e.g. indexed by uCode and Time), so the shares are taken over all unit-years.
    For year-by-year weights, group the panel by year and call this per group.
    """
    method = "entropy_weights"
    data = indicator_matrix(X, method)
    if negative not in ("raise", "shift"):
        raise FrameworkError(f"{method}: negative must be 'raise' or 'shift', got {negative!r}")
    minimum = data.min()
    with_negatives = minimum.index[minimum < 0].tolist()
    if with_negatives and negative == "raise":
        raise DataError(
            f"{method}: columns {with_negatives} contain negative values; entropy shares need "
            "non-negative data (normalise first, or set negative to 'shift')"
        )
    if with_negatives:
        data[with_negatives] = data[with_negatives] - minimum[with_negatives]
    counts = data.count()
    too_few = counts.index[counts < 2].tolist()
    if too_few:
        raise DataError(f"{method}: columns {too_few} have fewer than 2 non-missing values")
    totals = data.sum()
    shares = data / totals.where(totals > 0)
    # Zero (and missing) shares become NaN inside the log and are skipped: 0·ln 0 = 0.
    entropy = -(shares * np.log(shares.where(shares > 0))).sum() / np.log(counts)
    # Constant columns are set to exactly 0: in floating point e_j may miss 1 by an ulp.
    divergence = (1.0 - entropy).clip(lower=0.0).where(data.max() > data.min(), 0.0)
    return _normalised(divergence, method, "every column is constant")


def critic_weights(X: pd.DataFrame) -> pd.Series:
    """CRITIC weights (Diakoulaki et al. 1995): contrast intensity times conflict.

    As in the paper each column is first min-max scaled to [0, 1]; then
    C_j = σ_j Σ_k (1 − r_jk) and w_j = C_j / Σ C. Missing values are ignored: σ_j over the
    column's values, r_jk over the rows where both are present. A constant column carries no
    information: it gets weight 0 and is left out of the other columns' conflict sums (its
    correlations are undefined).
    """
    method = "critic_weights"
    data = indicator_matrix(X, method)
    low, high = data.min(), data.max()
    spread = high - low
    varying = spread.index[spread > 0]
    scaled = (data[varying] - low[varying]) / spread[varying]
    correlation = scaled.corr()
    undefined = correlation.isna().to_numpy()
    if undefined.any():
        row, col = np.argwhere(undefined)[0]
        raise DataError(
            f"{method}: the correlation of columns {varying[row]!r} and {varying[col]!r} is "
            "undefined (fewer than 2 rows where both are present, or one is constant there)"
        )
    conflict = (1.0 - correlation).clip(lower=0.0).sum()
    information = (scaled.std() * conflict).reindex(data.columns, fill_value=0.0)
    return _normalised(
        information,
        method,
        "no column carries information (constant, or all varying columns perfectly correlated)",
    )


def varimax(
    loadings: np.ndarray, *, normalize: bool = True, max_sweeps: int = 500, tol: float = 1e-12
) -> np.ndarray:
    """Varimax rotation of a p × k loading matrix (Kaiser 1958, Psychometrika 23, 187-200).

    Rotates towards "simple structure" (each indicator loading mainly on one factor), the step
    the OECD/JRC Handbook §6.1 applies before reading weights off the loadings. Kaiser's
    pairwise algorithm: sweep over factor pairs, rotating each pair by the closed-form angle
    that maximises the varimax criterion, until no angle exceeds ``tol``. Unlike the iterative
    SVD variant it cannot stall on a symmetric start. ``normalize`` applies Kaiser row
    normalisation (the default of R's ``stats::varimax`` and SPSS). Signs are arbitrary.
    """
    matrix = np.array(loadings, dtype=float)
    p, k = matrix.shape
    scale = np.sqrt((matrix**2).sum(axis=1)) if normalize else np.ones(p)
    scale = np.where(scale > 0, scale, 1.0)
    matrix /= scale[:, None]
    for _ in range(max_sweeps):
        largest_angle = 0.0
        for i, j in itertools.combinations(range(k), 2):
            x, y = matrix[:, i], matrix[:, j]
            u, v = x**2 - y**2, 2 * x * y
            sum_u, sum_v = u.sum(), v.sum()
            numerator = 2 * (u @ v) - 2 * sum_u * sum_v / p
            denominator = (u @ u - v @ v) - (sum_u**2 - sum_v**2) / p
            if abs(numerator) < 1e-12 * max(1.0, abs(denominator)):
                numerator = 0.0  # a saddle (symmetric data): the same way out whatever the noise
            angle = float(np.arctan2(numerator, denominator)) / 4
            largest_angle = max(largest_angle, abs(angle))
            cos, sin = np.cos(angle), np.sin(angle)
            matrix[:, i], matrix[:, j] = cos * x + sin * y, cos * y - sin * x
        if largest_angle < tol:
            break
    return matrix * scale[:, None]


def _retained_components(
    eigenvalues: np.ndarray,
    variance_ratio: np.ndarray,
    n_components: int | float | None,
    min_eigenvalue: float,
    method: str,
) -> int:
    """How many components to keep: a count, a share of variance, or Kaiser's eigenvalue rule."""
    available = len(eigenvalues)
    if n_components is None:
        # "Above" beyond rounding: uncorrelated indicators give eigenvalues of 1 ± 1 ulp.
        kept = int((eigenvalues > min_eigenvalue + 1e-9 * max(1.0, abs(min_eigenvalue))).sum())
        if kept == 0:
            raise DataError(
                f"{method}: no principal component has an eigenvalue above {min_eigenvalue} "
                f"(largest {eigenvalues.max():.3f}): the indicators are barely correlated; "
                "pass n_components explicitly"
            )
        return kept
    if isinstance(n_components, bool) or not isinstance(n_components, int | float):
        raise FrameworkError(f"{method}: n_components must be an int, a float or None")
    if isinstance(n_components, int):
        if not 1 <= n_components <= available:
            raise FrameworkError(
                f"{method}: n_components={n_components}, but only {available} components exist"
            )
        return n_components
    if not 0 < n_components < 1:
        raise FrameworkError(
            f"{method}: a float n_components is a share of variance in (0, 1), got {n_components}"
        )
    cumulative = np.cumsum(variance_ratio)
    return int(np.searchsorted(cumulative, n_components - 1e-12) + 1)


def _leading_positive(loadings: np.ndarray) -> np.ndarray:
    """Each component's sign fixed by its largest loading (the first of equal ones to 1e-9),
    so that varimax starts from the same loadings whatever the order of the rows."""
    lead = np.round(np.abs(loadings), 9).argmax(axis=0)
    signs = np.where(loadings[lead, np.arange(loadings.shape[1])] < 0, -1.0, 1.0)
    return loadings * signs


def pca_loadings(
    X: pd.DataFrame,
    n_components: int | float | None = None,
    *,
    min_eigenvalue: float = 1.0,
    rotate: bool = True,
) -> pd.DataFrame:
    """Loadings of the retained principal components of the standardised indicators.

    OECD/JRC Handbook (2008) §6.1: standardise, extract principal components of the
    correlation matrix, keep those with eigenvalue > ``min_eigenvalue`` (Kaiser's rule) unless
    ``n_components`` is an int (that many) or a float in (0, 1) (the fewest reaching that
    share of variance), then rotate by varimax (``rotate=False`` keeps the unrotated loadings).
    Loadings are correlations between indicator and component (eigenvector · √eigenvalue).
    Rows with any missing value are dropped (listwise deletion); at least 3 complete rows and
    no constant column are needed. Returns indicators × factors ``F1..Fk``.
    """
    method = "pca_loadings"
    data = indicator_matrix(X, method)
    complete = data.dropna()
    if len(complete) < 3:
        raise DataError(
            f"{method}: only {len(complete)} rows have every indicator present; "
            "PCA needs at least 3 complete rows"
        )
    std = complete.std()
    constant = std.index[std == 0].tolist()
    if constant:
        raise DataError(f"{method}: columns {constant} are constant on the complete rows")
    # ddof=1 standardisation makes PCA's explained variances the eigenvalues of the
    # correlation matrix, which is what Kaiser's eigenvalue-one rule refers to.
    standardised = (complete - complete.mean()) / std
    from sklearn.decomposition import PCA  # only this method needs scikit-learn

    pca = PCA().fit(standardised.to_numpy())
    kept = _retained_components(
        pca.explained_variance_, pca.explained_variance_ratio_, n_components, min_eigenvalue, method
    )
    loadings = _leading_positive(pca.components_[:kept].T * np.sqrt(pca.explained_variance_[:kept]))
    if rotate:
        loadings = varimax(loadings)
    return pd.DataFrame(loadings, index=data.columns, columns=[f"F{i + 1}" for i in range(kept)])


def pca_weights(
    X: pd.DataFrame,
    n_components: int | float | None = None,
    *,
    min_eigenvalue: float = 1.0,
    rotate: bool = True,
) -> pd.Series:
    """PCA/factor-analysis weights as in the OECD/JRC Handbook (2008) §6.1.

    The Handbook assigns each indicator to the factor on which it loads highest, weights it
    within that factor by its squared loading scaled to unity sum (L²_jk / V_k, V_k = the
    rotated factor's explained variance) and weights the factor by its share of the explained
    variance (V_k / Σ V). The product is L²_jk / Σ V, so after normalising to sum 1 the weight
    is w_j = max_k L²_jk / Σ_i max_k L²_ik: the indicator's max-loading contribution.
    Components, rotation and missing values as in :func:`pca_loadings`. When retained
    eigenvalues tie (highly symmetric data) the factors, and so these weights, are not unique.
    """
    loadings = pca_loadings(X, n_components, min_eigenvalue=min_eigenvalue, rotate=rotate)
    contribution = (loadings**2).max(axis=1)
    return _normalised(contribution, "pca_weights", "no indicator loads on a retained factor")


@dataclass(frozen=True)
class AHPResult:
    """Priorities derived from one pairwise comparison matrix, with Saaty's consistency check."""

    weights: pd.Series
    lambda_max: float
    consistency_index: float
    consistency_ratio: float
    random_index: float

    @property
    def consistent(self) -> bool:
        """Saaty's rule: the judgements are acceptable when CR ≤ 0.10."""
        return self.consistency_ratio <= CONSISTENCY_THRESHOLD


def _pairwise_matrix(
    matrix: pd.DataFrame | np.ndarray | Sequence[Sequence[float]],
    labels: Sequence[Hashable] | None,
    tolerance: float,
) -> tuple[np.ndarray, pd.Index]:
    """Validate a pairwise comparison matrix; every problem goes into one FrameworkError."""
    method = "ahp_weights"
    if isinstance(matrix, pd.DataFrame):
        if not matrix.index.equals(matrix.columns):
            raise FrameworkError(
                f"{method}: the comparison matrix must list the same criteria in the same order "
                f"as rows and columns (rows {list(matrix.index)}, columns {list(matrix.columns)})"
            )
        if labels is not None and list(labels) != list(matrix.columns):
            raise FrameworkError(
                f"{method}: labels {list(labels)} differ from the matrix's criteria "
                f"{list(matrix.columns)}"
            )
        names = pd.Index(matrix.columns)
        raw = matrix.to_numpy()
    else:
        raw = np.asarray(matrix)
        names = pd.Index(range(raw.shape[0]) if labels is None else labels)
    if raw.ndim != 2 or raw.shape[0] != raw.shape[1] or raw.shape[0] == 0:
        raise FrameworkError(f"{method}: the comparison matrix must be square, got {raw.shape}")
    if len(names) != raw.shape[0] or names.has_duplicates:
        raise FrameworkError(
            f"{method}: need {raw.shape[0]} distinct labels for the criteria, got {list(names)}"
        )
    try:
        values = raw.astype(float)
    except (TypeError, ValueError) as error:
        raise FrameworkError(f"{method}: the comparison matrix is not numeric ({error})") from None
    problems = [
        f"[{names[i]!r}, {names[j]!r}] = {values[i, j]} is not a positive number"
        for i, j in np.argwhere(~(np.isfinite(values) & (values > 0)))
    ]
    if not problems:
        product = values * values.T
        problems = [
            f"[{names[i]!r}, {names[i]!r}] = {values[i, i]:g} (expected 1 on the diagonal)"
            if i == j
            else f"[{names[i]!r}, {names[j]!r}] = {values[i, j]:g} but "
            f"[{names[j]!r}, {names[i]!r}] = {values[j, i]:g} (expected its reciprocal)"
            for i, j in np.argwhere(np.abs(product - 1.0) > tolerance)
            if i <= j
        ]
    if problems:
        shown = "; ".join(problems[:5])
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        raise FrameworkError(
            f"{method}: not a positive reciprocal comparison matrix: {shown}{more}"
        )
    return values, names


def ahp_weights(
    matrix: pd.DataFrame | np.ndarray | Sequence[Sequence[float]],
    labels: Sequence[Hashable] | None = None,
    *,
    tolerance: float = RECIPROCAL_TOLERANCE,
) -> AHPResult:
    """AHP priorities: the principal eigenvector of a pairwise comparison matrix (Saaty).

    ``matrix[i, j]`` says how many times criterion i is more important than j (1-9 scale).
    It must be square, positive and reciprocal (a_ij · a_ji = 1 within ``tolerance``, 1 on the
    diagonal); a DataFrame names its criteria by its index = columns, an array by ``labels``
    (default 0..n-1). Returns the weights (summing to 1), λ_max, CI = (λ_max − n)/(n − 1),
    Saaty's random index RI(n) and CR = CI / RI (0 for n ≤ 2, which are always consistent).
    An inconsistent matrix is not an error: check :attr:`AHPResult.consistent`.
    """
    values, names = _pairwise_matrix(matrix, labels, tolerance)
    n = len(names)
    if n not in SAATY_RANDOM_INDEX:
        raise FrameworkError(
            f"ahp_weights: {n} criteria in one matrix; Saaty's random index is tabulated only up "
            f"to {max(SAATY_RANDOM_INDEX)} (split the criteria into a hierarchy)"
        )
    eigenvalues, eigenvectors = np.linalg.eig(values)
    principal = int(np.argmax(eigenvalues.real))
    lambda_max = float(eigenvalues[principal].real)
    # Perron-Frobenius: the principal eigenvector of a positive matrix has one sign.
    vector = np.abs(eigenvectors[:, principal].real)
    consistency_index = max((lambda_max - n) / (n - 1), 0.0) if n > 1 else 0.0
    random_index = SAATY_RANDOM_INDEX[n]
    consistency_ratio = consistency_index / random_index if random_index > 0 else 0.0
    return AHPResult(
        weights=pd.Series(vector / vector.sum(), index=names, name="weight"),
        lambda_max=lambda_max,
        consistency_index=consistency_index,
        consistency_ratio=consistency_ratio,
        random_index=random_index,
    )
