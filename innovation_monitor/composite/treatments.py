"""The outlier treatments, one class each, listed in :data:`TREATMENTS`, with COINr's test.

A :class:`Treatment` is fitted on one indicator column (of one period, or of all periods): it
runs COINr's outlier test and decides whether and how to treat the column — winsorisation
bounds, a log transform's shift, a Box-Cox lambda — and ``transform`` applies that decision.
Every treatment is monotone: it never reverses the order of two values. See
:mod:`innovation_monitor.composite.treat` for the methods and their parameters.
"""

from __future__ import annotations

import warnings
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Self

import numpy as np
from scipy import stats

from innovation_monitor.composite.registry import Method, Registry


def _moment(statistic: Callable[..., Any], x: np.ndarray, minimum: int) -> float:
    """A bias-corrected sample moment of the non-missing values; NaN with too few values or
    identical ones (scipy warns about the latter; there is nothing to treat)."""
    v = x[~np.isnan(x)]
    if v.size < minimum:
        return float("nan")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return float(statistic(v, bias=False))


def skewness(x: np.ndarray) -> float:
    """Sample skewness as e1071 ``type = 2`` (Excel's SKEW); NaN with fewer than 3 values."""
    return _moment(stats.skew, x, 3)


def kurtosis(x: np.ndarray) -> float:
    """Sample excess kurtosis as e1071 ``type = 2`` (Excel's KURT); NaN with fewer than 4."""
    return _moment(stats.kurtosis, x, 4)


def passes(x: np.ndarray, skew: float, kurt: float) -> bool:
    """COINr's test: |skew| < ``skew`` OR kurtosis < ``kurt``. Undefined moments (too few or
    identical values) count as passing: there is nothing to treat."""
    sk, kt = skewness(x), kurtosis(x)
    if np.isnan(sk) or np.isnan(kt):
        return True
    return bool(abs(sk) < skew or kt < kurt)


def winsorise(
    x: np.ndarray, *, winmax: int | None, skew: float, kurtosis: float
) -> tuple[np.ndarray, bool]:
    """COINr's ``winsorise``: returns the winsorised column and whether it now passes.

    While failing: with skew >= 0 every value tied at the maximum takes the largest remaining
    value, else every value tied at the minimum the smallest remaining one. COINr counts
    ``len(latest high step) + len(latest low step)`` — not a running total — and goes on while
    that count is below ``winmax``; the quirk is copied so results agree with COINr.
    """
    x = x.copy()
    passing = passes(x, skew, kurtosis)
    imax = imin = np.array([], dtype=int)
    nwin = 0
    while not passing and (winmax is None or nwin < winmax):
        if skewness(x) >= 0:
            imax = np.flatnonzero(x == np.nanmax(x))
            x[imax] = np.nanmax(np.delete(x, imax))
        else:
            imin = np.flatnonzero(x == np.nanmin(x))
            x[imin] = np.nanmin(np.delete(x, imin))
        nwin = imax.size + imin.size
        passing = passes(x, skew, kurtosis)
    return x, passing


def log_ct(x: np.ndarray, low: float, high: float) -> np.ndarray:
    """COINr's ``log_CT``, ``log(x − low + 0.01·(high − low))`` with ``low`` and ``high`` the
    column's minimum and maximum, whatever the sign of the skew."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(x - low + 0.01 * (high - low))


class Treatment(Method, ABC):
    """Decides per column whether and how to treat it (``fit``) and applies that
    (``transform``). Fitted: ``passed_`` (the test before treatment; None when the method
    tests nothing), ``treatment_`` (what was done: none, winsorised, log, boxcox),
    ``winsorised_`` (points winsorised) and ``lambda_`` (Box-Cox; NaN otherwise)."""

    @abstractmethod
    def test(self, x: np.ndarray) -> bool | None:
        """COINr's outlier test of ``x`` with this method's thresholds (None: no test)."""

    @abstractmethod
    def fit(self, x: np.ndarray) -> Self:
        """Test the column and decide its treatment."""

    @abstractmethod
    def transform(self, x: np.ndarray) -> np.ndarray:
        """Apply the fitted treatment to ``x``."""

    def fit_transform(self, x: np.ndarray) -> np.ndarray:
        return self.fit(x).transform(x)

    def _untreated(self, passed: bool | None) -> None:
        self.passed_ = passed
        self.treatment_ = "none"
        self.winsorised_ = 0
        self.lambda_ = np.nan


TREATMENTS: Registry[Treatment] = Registry("treat", Treatment)

_TEST = {"skew": 2.0, "kurtosis": 3.5}


class _Tested(Treatment):
    """Treats only a column failing COINr's test with the ``skew`` and ``kurtosis`` limits."""

    def test(self, x: np.ndarray) -> bool:
        return passes(x, float(self.params["skew"]), float(self.params["kurtosis"]))


@TREATMENTS.register("winsorise_then_log")
class WinsoriseThenLog(_Tested):
    """COINr's default: winsorise a failing column (at most ``winmax`` points, as COINr counts
    them); if it still fails, log-transform the untreated column with :func:`log_ct`."""

    defaults: ClassVar[Mapping[str, Any]] = {"winmax": 5, **_TEST}

    def fit(self, x: np.ndarray) -> Self:
        self._untreated(self.test(x))
        if not self.passed_:
            winmax = None if self.params["winmax"] is None else int(self.params["winmax"])
            skew, kurt = float(self.params["skew"]), float(self.params["kurtosis"])
            wins, ok = winsorise(x, winmax=winmax, skew=skew, kurtosis=kurt)
            if ok:
                self.treatment_ = "winsorised"
                self.winsorised_ = int(np.sum((wins != x) & ~np.isnan(x)))
                self.lower_, self.upper_ = np.nanmin(wins), np.nanmax(wins)
            else:
                self.treatment_ = "log"
                self.min_, self.max_ = np.nanmin(x), np.nanmax(x)
        return self

    def transform(self, x: np.ndarray) -> np.ndarray:
        if self.treatment_ == "winsorised":
            return np.clip(x, self.lower_, self.upper_)
        if self.treatment_ == "log":
            return log_ct(x, self.min_, self.max_)
        return x


@TREATMENTS.register("boxcox")
class BoxCox(_Tested):
    """Box-Cox of ``x − min + 1`` (COINr's positive shift) for a failing column; ``lambda``
    given, or fitted by maximum likelihood (``scipy.stats.boxcox``)."""

    defaults: ClassVar[Mapping[str, Any]] = {"lambda": None, **_TEST}

    def fit(self, x: np.ndarray) -> Self:
        self._untreated(self.test(x))
        if not self.passed_:
            self.treatment_ = "boxcox"
            self.min_ = np.nanmin(x)
            if self.params["lambda"] is None:
                shifted = x - self.min_ + 1.0
                self.lambda_ = float(stats.boxcox(shifted[~np.isnan(shifted)])[1])
            else:
                self.lambda_ = float(self.params["lambda"])
        return self

    def transform(self, x: np.ndarray) -> np.ndarray:
        if self.treatment_ != "boxcox":
            return x
        shifted = x - self.min_ + 1.0
        present = ~np.isnan(shifted)
        out = np.full_like(shifted, np.nan)
        out[present] = stats.boxcox(shifted[present], lmbda=self.lambda_)
        return out


@TREATMENTS.register("none")
class NoTreatment(Treatment):
    """Leaves the data alone (and tests nothing)."""

    def test(self, x: np.ndarray) -> None:
        return None

    def fit(self, x: np.ndarray) -> Self:
        self._untreated(None)
        return self

    def transform(self, x: np.ndarray) -> np.ndarray:
        return x
