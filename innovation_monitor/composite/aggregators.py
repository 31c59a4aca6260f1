"""The aggregation methods, one class each, listed in :data:`AGGREGATORS`.

An :class:`Aggregator` turns the children of one aggregate (rows = units, columns = children,
NaN = missing) and their weights into the aggregate's column. The weighted means lie between the
smallest and the largest child (identical children give that value); Copeland's method ranks
the units instead. See :mod:`innovation_monitor.composite.aggregate` for the rules of each.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from innovation_monitor.composite.dataset import period_indices, row_label
from innovation_monitor.composite.registry import Method, Registry
from innovation_monitor.errors import DataError, FrameworkError

_POSITIVE = "normalise onto a positive range such as [1, 100] or use another method"
#: Relative margin below which two units' Copeland weights count as equal (float rounding).
_COPELAND_TOLERANCE = 1e-12


class Children:
    """Who is being aggregated, so a domain error can name the aggregate, unit and child."""

    def __init__(self, code: str, level: int, kids: list[str], data: pd.DataFrame) -> None:
        self.code, self.level, self.kids, self.data = code, level, kids, data

    def refuse(
        self, bad: np.ndarray, x: np.ndarray, method: str, rule: str, advice: str = _POSITIVE
    ) -> None:
        """Raise a :class:`DataError` naming the first cell of ``x`` flagged in ``bad``: the
        aggregate, the child, its value and the unit (and period), with what to do about it."""
        if bad.any():
            row, col = (int(i) for i in np.argwhere(bad)[0])
            raise DataError(
                f"aggregate: the {method} mean for {self.code!r} (level {self.level}) cannot "
                f"take {self.kids[col]!r} = {x[row, col]:g} of {row_label(self.data, row)}: "
                f"{rule}; {advice}"
            )


class Aggregator(Method, ABC):
    """Combines an aggregate's children into its score."""

    #: a weighted mean: the result lies between the smallest and largest present child
    mean: ClassVar[bool] = True

    @abstractmethod
    def transform(self, x: np.ndarray, w: np.ndarray, children: Children) -> np.ndarray:
        """The aggregate of the rows of ``x`` (units × children) with weights ``w``."""


AGGREGATORS: Registry[Aggregator] = Registry("aggregate", Aggregator)


def _weights_present(x: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Weights with zeros where values are missing, and their row sums (NaN when none)."""
    wp = np.where(np.isnan(x), 0.0, w[np.newaxis, :])
    total = wp.sum(axis=1)
    return wp, np.where(total > 0, total, np.nan)


@AGGREGATORS.register("arithmetic")
class Arithmetic(Aggregator):
    """Σw·x / Σw over the present children."""

    def transform(self, x: np.ndarray, w: np.ndarray, children: Children) -> np.ndarray:
        wp, total = _weights_present(x, w)
        return np.sum(wp / total[:, np.newaxis] * np.where(np.isnan(x), 0.0, x), axis=1)


@AGGREGATORS.register("geometric")
class Geometric(Aggregator):
    """exp(Σw·log x / Σw); every value must be > 0."""

    def transform(self, x: np.ndarray, w: np.ndarray, children: Children) -> np.ndarray:
        children.refuse(x <= 0, x, "geometric", "every value must be > 0")
        wp, total = _weights_present(x, w)
        return np.exp(np.sum(wp * np.log(np.where(np.isnan(x), 1.0, x)), axis=1) / total)


@AGGREGATORS.register("harmonic")
class Harmonic(Aggregator):
    """Σw / Σ(w/x); every value must be > 0."""

    def transform(self, x: np.ndarray, w: np.ndarray, children: Children) -> np.ndarray:
        # COINr only refuses zeros; a negative value would make a meaningless (negative) mean
        children.refuse(
            x <= 0, x, "harmonic", "every value must be > 0 (its reciprocal is averaged)"
        )
        wp, total = _weights_present(x, w)
        return total / np.sum(wp / np.where(np.isnan(x), 1.0, x), axis=1)


@AGGREGATORS.register("generalised")
class Generalised(Aggregator):
    """(Σw·x^p / Σw)^(1/p) with power ``p`` ≠ 0; a missing child makes the result missing."""

    defaults: ClassVar[Mapping[str, Any]] = {"p": None}

    def check(self, where: str) -> None:
        p = self.params["p"]
        if isinstance(p, bool) or not isinstance(p, int | float) or p == 0 or not np.isfinite(p):
            raise FrameworkError(
                f"{where} needs a number p ≠ 0 (got {p!r}); for p = 0 use geometric"
            )

    def transform(self, x: np.ndarray, w: np.ndarray, children: Children) -> np.ndarray:
        self.check(f"aggregate: the generalised mean for level {children.level}")
        p = self.params["p"]
        if p < 0:
            children.refuse(x <= 0, x, "generalised", f"with p = {p:g} every value must be > 0")
        elif not float(p).is_integer():
            # COINr lets these through: x**p is NaN, and the aggregate would silently go missing
            children.refuse(
                x < 0, x, "generalised", f"with p = {p:g} (not whole) no value may be < 0"
            )
        inner = np.sum(w * x**p, axis=1) / w.sum()
        negative = inner < 0  # an odd p over negative values: no real 1/p-th power
        if negative.any():
            row = int(np.flatnonzero(negative)[0])
            raise DataError(
                f"aggregate: the generalised mean for {children.code!r} (level {children.level}) "
                f"of {row_label(children.data, row)}: the weighted mean of x^{p:g} is "
                f"{inner[row]:g}, which has no real root of order {p:g}; {_POSITIVE}"
            )
        return inner ** (1.0 / p)


@AGGREGATORS.register("copeland")
class Copeland(Aggregator):
    """Copeland scores within each period; pairs are compared on the children both units have,
    with the weight shares rescaled over those, so the result does not depend on row order."""

    mean = False

    def transform(self, x: np.ndarray, w: np.ndarray, children: Children) -> np.ndarray:
        out = np.full(len(x), np.nan)
        for _, rows in period_indices(children.data):
            out[rows] = copeland_scores(x[rows], w)
        return out


def copeland_scores(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Row sums of the Copeland matrix: unit i beats j (+1) when its share of weight where it
    scores higher, ties counted half, exceeds one half, i.e. when the weight it wins on exceeds
    the weight it loses on; that difference is compared with a tolerance, not a computed share
    with 0.5, so the matrix stays antisymmetric whatever the rounding of the weights."""
    a, b = x[:, np.newaxis, :], x[np.newaxis, :, :]
    weight = np.where(np.isnan(a) | np.isnan(b), 0.0, w)
    margin = np.where(a > b, weight, 0.0).sum(axis=2) - np.where(a < b, weight, 0.0).sum(axis=2)
    tolerance = _COPELAND_TOLERANCE * weight.sum(axis=2)
    outcome = np.where(margin > tolerance, 1.0, np.where(margin < -tolerance, -1.0, 0.0))
    np.fill_diagonal(outcome, 0.0)
    scores = outcome.sum(axis=1)
    scores[np.all(np.isnan(x), axis=1)] = np.nan
    return scores
