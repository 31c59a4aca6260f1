"""The outlier treatments, one class each, listed in :data:`TREATMENTS`.

A :class:`Treatment` is fitted on columns of values (one column per indicator and period, or
per indicator over all periods; NaN = missing): it runs COINr's outlier test on each and decides
whether and how to treat it — winsorisation bounds, a log transform's shift, a Box-Cox lambda —
and ``transform`` applies those decisions. All columns are tested and winsorised at once (see
:mod:`innovation_monitor.composite.outliers`). Every treatment is monotone: it never reverses
the order of two values of a column. See :mod:`innovation_monitor.composite.treat` for the
methods and their parameters.
"""

from __future__ import annotations

import warnings
from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import Any, ClassVar, Self

import numpy as np

from innovation_monitor.composite.outliers import log_ct, moments, passing, winsorise
from innovation_monitor.composite.registry import Method, Registry

NONE, WINSORISED, LOG, BOXCOX = "none", "winsorised", "log", "boxcox"


class Treatment(Method, ABC):
    """Decides per column whether and how to treat it (``fit``) and applies that
    (``transform``), for a matrix with one column per series. Fitted, one entry per column:
    ``skew_`` and ``kurtosis_`` (the moments of the columns fitted on), ``passed_`` (the test
    before treatment; None when the method tests nothing), ``treatment_`` (what was done:
    none, winsorised, log, boxcox), ``winsorised_`` (points winsorised) and ``lambda_``
    (Box-Cox; NaN otherwise)."""

    skew_: np.ndarray
    kurtosis_: np.ndarray
    passed_: np.ndarray | None
    treatment_: np.ndarray
    winsorised_: np.ndarray
    lambda_: np.ndarray

    @abstractmethod
    def judge(self, skew: np.ndarray, kurtosis: np.ndarray) -> np.ndarray | None:
        """COINr's outlier test on the moments of some columns with this method's thresholds
        (None: no test)."""

    def test(self, x: np.ndarray) -> np.ndarray | None:
        """The outlier test of each column of ``x``."""
        return self.judge(*moments(x))

    @abstractmethod
    def fit(self, x: np.ndarray) -> Self:
        """Test the columns and decide their treatment."""

    @abstractmethod
    def transform(self, x: np.ndarray) -> np.ndarray:
        """Apply the fitted treatment to the columns of ``x``."""

    def fit_transform(self, x: np.ndarray) -> np.ndarray:
        return self.fit(x).transform(x)

    def _untreated(self, x: np.ndarray) -> None:
        """Fit the moments and the test; treat nothing yet."""
        k = x.shape[1]
        self.skew_, self.kurtosis_ = moments(x)
        self.passed_ = self.judge(self.skew_, self.kurtosis_)
        self.treatment_ = np.full(k, NONE, dtype=object)
        self.winsorised_ = np.zeros(k, dtype=np.int64)
        self.lambda_ = np.full(k, np.nan)


TREATMENTS: Registry[Treatment] = Registry("treat", Treatment)


def _range(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each column's minimum and maximum (NaN for a column without values)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmin(x, axis=0), np.nanmax(x, axis=0)


_TEST = {"skew": 2.0, "kurtosis": 3.5}


class _Tested(Treatment):
    """Treats only a column failing COINr's test with the ``skew`` and ``kurtosis`` limits."""

    def limits(self) -> tuple[float, float]:
        return float(self.params["skew"]), float(self.params["kurtosis"])

    def judge(self, skew: np.ndarray, kurtosis: np.ndarray) -> np.ndarray:
        return passing(skew, kurtosis, *self.limits())


@TREATMENTS.register("winsorise_then_log")
class WinsoriseThenLog(_Tested):
    """COINr's default: winsorise a failing column (at most ``winmax`` points, as COINr counts
    them); if it still fails, log-transform the untreated column with :func:`log_ct`."""

    defaults: ClassVar[Mapping[str, Any]] = {"winmax": 5, **_TEST}

    def fit(self, x: np.ndarray) -> Self:
        self._untreated(x)
        skew, kurt = self.limits()
        winmax = None if self.params["winmax"] is None else int(self.params["winmax"])
        self.lower_, self.upper_, ok = winsorise(
            x, winmax=winmax, skew=skew, kurtosis=kurt, known=(self.skew_, self.kurtosis_)
        )
        failed = ~self.judge(self.skew_, self.kurtosis_)
        winsorised, logged = failed & ok, failed & ~ok
        self.treatment_[winsorised] = WINSORISED
        self.treatment_[logged] = LOG
        with np.errstate(invalid="ignore"):
            clipped = (x < self.lower_) | (x > self.upper_)
        self.winsorised_ = np.where(winsorised, clipped.sum(axis=0), 0)
        self.min_, self.max_ = _range(x)  # the untreated column's, for the log
        return self

    def transform(self, x: np.ndarray) -> np.ndarray:
        out = np.array(x, dtype=np.float64)
        for j in np.flatnonzero(self.treatment_ == WINSORISED):
            out[:, j] = np.clip(x[:, j], self.lower_[j], self.upper_[j])
        for j in np.flatnonzero(self.treatment_ == LOG):
            out[:, j] = log_ct(x[:, j], self.min_[j], self.max_[j])
        return out


@TREATMENTS.register("boxcox")
class BoxCox(_Tested):
    """Box-Cox of ``x − min + 1`` (COINr's positive shift) for a failing column; ``lambda``
    given, or fitted by maximum likelihood (``scipy.stats.boxcox``)."""

    defaults: ClassVar[Mapping[str, Any]] = {"lambda": None, **_TEST}

    def fit(self, x: np.ndarray) -> Self:
        self._untreated(x)
        from scipy import stats  # only this method needs scipy

        failed = np.flatnonzero(~self.judge(self.skew_, self.kurtosis_))
        self.treatment_[failed] = BOXCOX
        self.min_ = _range(x)[0]
        for j in failed:
            if self.params["lambda"] is None:
                shifted = x[:, j] - self.min_[j] + 1.0
                self.lambda_[j] = float(stats.boxcox(shifted[~np.isnan(shifted)])[1])
            else:
                self.lambda_[j] = float(self.params["lambda"])
        return self

    def transform(self, x: np.ndarray) -> np.ndarray:
        from scipy import stats

        out = np.array(x, dtype=np.float64)
        for j in np.flatnonzero(self.treatment_ == BOXCOX):
            shifted = x[:, j] - self.min_[j] + 1.0
            present = ~np.isnan(shifted)
            out[:, j] = np.nan
            out[present, j] = stats.boxcox(shifted[present], lmbda=self.lambda_[j])
        return out


@TREATMENTS.register("none")
class NoTreatment(Treatment):
    """Leaves the data alone (and tests nothing)."""

    def judge(self, skew: np.ndarray, kurtosis: np.ndarray) -> None:
        return None

    def fit(self, x: np.ndarray) -> Self:
        self._untreated(x)
        return self

    def transform(self, x: np.ndarray) -> np.ndarray:
        return x
