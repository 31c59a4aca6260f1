"""COINr's outlier test and winsorisation, for every column of a matrix at once.

The moments are the bias-corrected sample skewness and excess kurtosis (e1071 ``type = 2``,
Excel's SKEW and KURT, ``scipy.stats.skew/kurtosis(bias=False)``) of each column's non-missing
values, in closed form from central power sums; NaN with fewer than 3 (skewness) or 4
(kurtosis) values, or when the values are identical (as scipy: the variance is within rounding
of zero). A column passes COINr's test when |skewness| < ``skew`` or kurtosis < ``kurtosis``.

Winsorisation steps every failing column in lock-step, one extreme at a time. Each step only
moves the values at one end, so a column is summarised by its sorted ends (the ``window``
smallest and largest values, a sorted copy kept apart) and the power sums of the values between
them: the moments of a step then cost a few dozen values, not the whole column; when a column's
clipping reaches past its ends the summary is made again with wider ends.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np

EPS = np.finfo(np.float64).eps
#: cells handled at once when summing (bounds the temporary arrays)
CHUNK = 1 << 20
#: values kept at each end of a column for the winsorisation steps (grows when needed)
WINDOW = 32


def _as_columns(x: np.ndarray) -> np.ndarray:
    """``x`` as a matrix with one column per series along its first axis."""
    return x.reshape(x.shape[0], math.prod(x.shape[1:]))


def _shaped(values: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Per-column results shaped as ``x`` without its first axis (a scalar for a vector)."""
    return values.reshape(x.shape[1:])[()]


def _from_sums(
    n: np.ndarray, centre: np.ndarray, sums: tuple[np.ndarray, ...]
) -> tuple[np.ndarray, np.ndarray]:
    """Skewness and kurtosis from the count, a centre near the mean and the power sums
    Σ(x − centre)^k, k = 1..4, shifted to the mean exactly."""
    t1, t2, t3, t4 = sums
    with np.errstate(divide="ignore", invalid="ignore"):
        d = t1 / n
        d2, d3 = d**2, d**3  # each power once (the same numbers wherever it appears)
        m2 = (t2 - 2 * d * t1 + n * d2) / n
        m3 = (t3 - 3 * d * t2 + 3 * d2 * t1 - n * d3) / n
        m4 = (t4 - 4 * d * t3 + 6 * d2 * t2 - 4 * d3 * t1 + n * d**4) / n
        zero = m2 <= (EPS * (centre + d)) ** 2
        skew = ((n - 1.0) * n) ** 0.5 / (n - 2.0) * m3 / m2**1.5
        kurt = 1.0 / (n - 2) / (n - 3) * ((n**2 - 1.0) * m4 / m2**2.0 - 3 * (n - 1) ** 2.0)
        kurt = kurt + 3.0 - 3.0
    skew = np.where(zero | (n < 3), np.nan, skew)
    kurt = np.where(zero | (n < 4), np.nan, kurt)
    return skew, kurt


def _power_sums(x: np.ndarray, centre: np.ndarray) -> tuple[np.ndarray, ...]:
    """Σ(x − centre)^k over the non-missing values of each column, k = 1..4."""
    d = np.where(np.isnan(x), 0.0, x - centre)
    d2 = d * d
    return d.sum(axis=0), d2.sum(axis=0), (d2 * d).sum(axis=0), (d2 * d2).sum(axis=0)


def moments(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Skewness and excess kurtosis of each column of ``x`` (along the first axis; NaN =
    missing), as the module docstring says."""
    columns = _as_columns(np.asarray(x, dtype=np.float64))
    skew = np.empty(columns.shape[1])
    kurt = np.empty(columns.shape[1])
    step = max(1, CHUNK // max(1, len(columns)))
    for start in range(0, columns.shape[1], step):
        block = np.asfortranarray(columns[:, start : start + step])
        present = ~np.isnan(block)
        n = present.sum(axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            centre = np.where(present, block, 0.0).sum(axis=0) / n
        here = slice(start, start + block.shape[1])
        skew[here], kurt[here] = _from_sums(n, centre, _power_sums(block, centre))
    return _shaped(skew, x), _shaped(kurt, x)


def passing(skewness: np.ndarray, kurtosis: np.ndarray, skew: float, kurt: float) -> np.ndarray:
    """COINr's test on given moments: |skewness| < ``skew`` OR kurtosis < ``kurt``; undefined
    moments (too few or identical values) count as passing: there is nothing to treat."""
    skewness, kurtosis = np.asarray(skewness), np.asarray(kurtosis)
    with np.errstate(invalid="ignore"):
        ok = np.isnan(skewness) | np.isnan(kurtosis) | (np.abs(skewness) < skew) | (kurtosis < kurt)
    return ok[()]


@dataclass
class _Ends:
    """The failing columns still being winsorised, summarised for the steps: the values at
    both ends (``values``, NaN-padded), the power sums of the values between them about
    ``centre``, and the smallest and largest value between them (±inf when none)."""

    values: np.ndarray
    centre: np.ndarray
    sums: tuple[np.ndarray, ...]
    inner_min: np.ndarray
    inner_max: np.ndarray


def _ends(
    ordered: np.ndarray, n: np.ndarray, low: np.ndarray, high: np.ndarray, width: int
) -> _Ends:
    """Summarise sorted columns (NaN last, ``n`` values each) clipped to [low, high], keeping
    ``width`` values at each end; a column of at most ``2 · width`` values is kept whole."""
    rows, k = ordered.shape
    whole = n <= 2 * width
    pick = np.arange(2 * width)[:, np.newaxis]
    index = np.where(pick < width, pick, n - 2 * width + pick)
    index = np.where(whole, np.where(pick < n, pick, -1), index)
    ends = np.where(index >= 0, ordered[np.clip(index, 0, rows - 1), np.arange(k)], np.nan)
    position = np.arange(rows)[:, np.newaxis]
    inner = ~whole & (position >= width) & (position < n - width)
    inner_values = np.where(inner, ordered, np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        total = np.nansum(np.clip(ends, low, high), axis=0) + np.nansum(inner_values, axis=0)
        centre = total / n
    first = ordered[np.clip(width, 0, rows - 1), np.arange(k)]
    last = ordered[np.clip(n - width - 1, 0, rows - 1), np.arange(k)]
    return _Ends(
        ends,
        centre,
        _power_sums(inner_values, centre),
        np.where(whole, np.inf, first),
        np.where(whole, -np.inf, last),
    )


def _clipped_moments(
    ends: _Ends, n: np.ndarray, low: np.ndarray, high: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Moments of the columns clipped to [low, high] (their clipping within their ends)."""
    values = np.clip(ends.values, low, high)
    own = _power_sums(values, ends.centre)
    return _from_sums(n, ends.centre, tuple(a + b for a, b in zip(own, ends.sums, strict=True)))


def winsorise(
    x: np.ndarray,
    *,
    winmax: int | None,
    skew: float,
    kurtosis: float,
    known: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """COINr's ``winsorise`` of every column of ``x``: the bounds each is clipped to and
    whether it passes then (a column passing from the start keeps its minimum and maximum).
    ``known`` are the columns' moments when the caller has them.

    While failing: with skew >= 0 every value tied at the maximum takes the largest remaining
    value, else every value tied at the minimum the smallest remaining one. COINr counts
    ``len(latest high step) + len(latest low step)`` — not a running total — and goes on while
    that count is below ``winmax``; the quirk is copied so results agree with COINr.
    """
    columns = _as_columns(np.asarray(x, dtype=np.float64))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        lower, upper = np.nanmin(columns, axis=0), np.nanmax(columns, axis=0)
    sk, kt = (np.asarray(m).reshape(-1) for m in (known or moments(columns)))
    ok = np.asarray(passing(sk, kt, skew, kurtosis)).reshape(-1)
    failing = np.flatnonzero(~ok)
    step = max(1, CHUNK // max(1, len(columns)))
    for start in range(0, failing.size, step):
        chunk = failing[start : start + step]
        lower[chunk], upper[chunk], ok[chunk] = _winsorise_failing(
            columns[:, chunk], sk[chunk].copy(), winmax=winmax, skew=skew, kurtosis=kurtosis
        )
    return _shaped(lower, x), _shaped(upper, x), _shaped(ok, x)


def _winsorise_failing(
    columns: np.ndarray, skew_now: np.ndarray, *, winmax: int | None, skew: float, kurtosis: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`winsorise` of columns that all fail the test, given their skewness."""
    ordered = np.sort(columns, axis=0)
    k = ordered.shape[1]
    n = np.sum(~np.isnan(ordered), axis=0)
    low, high = ordered[0].copy(), ordered[n - 1, np.arange(k)]
    at_max = np.zeros(k, dtype=np.int64)  # size of the latest high step
    at_min = np.zeros(k, dtype=np.int64)  # size of the latest low step
    ok = np.zeros(k, dtype=bool)
    live = np.arange(k)  # columns still failing and under winmax
    width = WINDOW
    ends = _ends(ordered, n, low, high, width)
    while True:
        live = live[~ok[live]]
        if winmax is not None:
            live = live[at_max[live] + at_min[live] < winmax]
        if live.size == 0:
            break
        up = skew_now[live] >= 0
        rise, fall = live[up], live[~up]
        inner_max, inner_min = ends.inner_max[rise], ends.inner_min[fall]
        if (high[rise] <= inner_max).any() or (low[fall] >= inner_min).any():
            # a column's clipping reached past its ends: widen them
            width *= 4
            ends = _ends(ordered, n, low, high, width)
            continue
        with np.errstate(invalid="ignore"):
            if rise.size:
                values, top = ends.values[:, rise], high[rise]
                at_max[rise] = np.sum(values >= top, axis=0)
                # the largest value left: below the maximum, between the ends, a clipped minimum
                below = np.where(values < top, values, -np.inf).max(axis=0)
                high[rise] = np.maximum(np.maximum(below, inner_max), low[rise])
            if fall.size:
                values, bottom = ends.values[:, fall], low[fall]
                at_min[fall] = np.sum(values <= bottom, axis=0)
                above = np.where(values > bottom, values, np.inf).min(axis=0)
                low[fall] = np.minimum(np.minimum(above, inner_min), high[fall])
        sk, kt = _clipped_moments(
            _Ends(
                ends.values[:, live],
                ends.centre[live],
                tuple(s[live] for s in ends.sums),
                ends.inner_min[live],
                ends.inner_max[live],
            ),
            n[live],
            low[live],
            high[live],
        )
        skew_now[live] = sk
        ok[live] = passing(sk, kt, skew, kurtosis)
    return low, high, ok


def log_ct(x: np.ndarray, low: float | np.ndarray, high: float | np.ndarray) -> np.ndarray:
    """COINr's ``log_CT``, ``log(x − low + 0.01·(high − low))`` with ``low`` and ``high`` the
    column's minimum and maximum, whatever the sign of the skew."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(x - low + 0.01 * (high - low))
