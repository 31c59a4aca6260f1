"""The weighting methods, one class each, listed in :data:`WEIGHTERS`.

A :class:`Weighter` is fitted on a data set and a framework — it learns the node weights
(``weights_``, only the nodes it changes) and any table the record should keep (``tables_``) —
and ``transform`` writes those weights into a copy of a framework. The data-driven methods call
the functions of :mod:`innovation_monitor.composite.weighting`; see
:mod:`innovation_monitor.composite.weight` for the methods and their parameters.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Self

import numpy as np
import pandas as pd

from innovation_monitor.composite import weighting
from innovation_monitor.composite.dataset import Data
from innovation_monitor.composite.framework import Framework
from innovation_monitor.composite.registry import Method, Registry
from innovation_monitor.errors import DataError, FrameworkError

LEVELS = ("parent", "all")


class Weighter(Method, ABC):
    """Chooses the weights aggregation will use."""

    #: derives weights from the data, which must be normalised and direction-adjusted first
    data_driven: ClassVar[bool] = False
    weights_: dict[str, float]
    tables_: dict[str, pd.DataFrame]

    @abstractmethod
    def fit(self, data: Data, framework: Framework) -> Self:
        """Learn ``weights_`` (node → weight) and ``tables_`` (name → table for the record)."""

    def transform(self, framework: Framework) -> Framework:
        """``framework`` with the fitted weights (itself when none change)."""
        return framework.with_weights(self.weights_) if self.weights_ else framework


WEIGHTERS: Registry[Weighter] = Registry("weight", Weighter)


@WEIGHTERS.register("explicit")
class Explicit(Weighter):
    """The framework's own (expert) weights."""

    def fit(self, data: Data, framework: Framework) -> Self:
        self.weights_, self.tables_ = {}, {}
        return self


@WEIGHTERS.register("equal")
class Equal(Weighter):
    """Every node weighs 1."""

    def fit(self, data: Data, framework: Framework) -> Self:
        self.weights_, self.tables_ = dict.fromkeys(framework.nodes, 1.0), {}
        return self


class _DataDriven(Weighter):
    """Indicator weights from :attr:`function`, applied to the indicators under each parent
    (``level: parent``: the aggregates keep their weights) or to all indicators at once
    (``level: all``: each aggregate's weight becomes the sum of its indicators' weights, so
    every indicator's effective weight is its data-driven weight)."""

    data_driven = True
    defaults: ClassVar[Mapping[str, Any]] = {"level": "parent"}
    #: the weighting function: indicator matrix (and the method's other parameters) → weights
    function: ClassVar[Callable[..., pd.Series]]

    def check(self, where: str) -> None:
        level = self.params["level"]
        if level not in LEVELS:
            raise FrameworkError(f"{where}: level is {level!r}; expected one of {list(LEVELS)}")

    def fit(self, data: Data, framework: Framework) -> Self:
        where = "weight"
        values = data.indicator_frame(list(framework.indicators))
        self.check(where)
        level = self.params["level"]
        groups = (
            [list(framework.indicators)]
            if level == "all"
            else [list(framework.children(p)) for p in framework.codes_at(2)]
        )
        extra = {k: v for k, v in self.params.items() if k != "level"}
        new: dict[str, float] = {}
        for group in groups:
            if len(group) == 1:
                new[group[0]] = 1.0
                continue
            w = self.function(values[group], **extra)
            if not np.all(np.isfinite(w.to_numpy())):
                raise DataError(f"{where}: {self.name} gave no usable weights for {group}")
            new.update({c: float(w[c]) for c in group})
        if level == "all":
            # within-parent normalisation would otherwise undo the global weights
            for lev in range(2, framework.max_level):
                for code in framework.codes_at(lev):
                    new[code] = sum(new[k] for k in framework.children(code))
        self.weights_, self.tables_ = new, {}
        return self


@WEIGHTERS.register("entropy")
class Entropy(_DataDriven):
    """熵值法; ``negative: shift`` shifts a column with negative values to start at 0."""

    defaults: ClassVar[Mapping[str, Any]] = {"level": "parent", "negative": "raise"}
    function = staticmethod(weighting.entropy_weights)


@WEIGHTERS.register("critic")
class Critic(_DataDriven):
    """CRITIC (contrast intensity times conflict)."""

    function = staticmethod(weighting.critic_weights)


@WEIGHTERS.register("pca")
class PrincipalComponents(_DataDriven):
    """The OECD/JRC Handbook's principal-component weights."""

    function = staticmethod(weighting.pca_weights)


@WEIGHTERS.register("ahp")
class AnalyticHierarchy(Weighter):
    """Weights of each listed parent's children from its pairwise comparison matrix
    (``matrix: {PARENT: {ROW: {COL: a}}}``), refused above ``max_consistency_ratio``."""

    defaults: ClassVar[Mapping[str, Any]] = {
        "matrix": None,
        "max_consistency_ratio": weighting.CONSISTENCY_THRESHOLD,
    }

    def check(self, where: str) -> None:
        matrices = self.params["matrix"]
        if not isinstance(matrices, Mapping) or not matrices:
            raise FrameworkError(
                f"{where}: ahp needs 'matrix: {{PARENT: {{ROW: {{COLUMN: value}}}}}}', one "
                "matrix per parent whose children it weighs"
            )

    def fit(self, data: Data, framework: Framework) -> Self:
        where = "weight"
        self.check(where)
        new: dict[str, float] = {}
        rows = []
        for parent, given in self.params["matrix"].items():
            label = f"{where}: ahp matrix for {parent!r}"
            if parent not in framework or framework[parent].level < 2:
                raise FrameworkError(f"{label}: {parent!r} is not an aggregate of the framework")
            kids = list(framework.children(parent))
            result = weighting.ahp_weights(_square_matrix(given, kids, label))
            limit = self.params["max_consistency_ratio"]
            if limit is not None and result.consistency_ratio > float(limit):
                raise FrameworkError(
                    f"{label}: consistency ratio {result.consistency_ratio:.3f} exceeds "
                    f"{float(limit):g}; revise the judgements"
                )
            new.update({k: float(result.weights[k]) for k in kids})
            rows.append(
                {
                    "Parent": parent,
                    "lambda_max": result.lambda_max,
                    "consistency_index": result.consistency_index,
                    "consistency_ratio": result.consistency_ratio,
                }
            )
        self.weights_, self.tables_ = new, {"ahp": pd.DataFrame(rows)}
        return self


def _square_matrix(given: Any, kids: list[str], label: str) -> pd.DataFrame:
    """A full comparison matrix over ``kids`` from nested mappings: the diagonal is 1 and a
    missing entry is the reciprocal of its mirror, so only one triangle need be written."""
    if not isinstance(given, Mapping):
        raise FrameworkError(f"{label}: expected a mapping ROW: {{COLUMN: value}}")
    entries: dict[tuple[str, str], float] = {}
    for row, cols in given.items():
        if not isinstance(cols, Mapping):
            raise FrameworkError(f"{label}: row {row!r} must map columns to values")
        for col, value in cols.items():
            for code in (row, col):
                if code not in kids:
                    raise FrameworkError(f"{label}: {code!r} is not a child; expected {kids}")
            number = _positive(value)
            if number is None:
                raise FrameworkError(
                    f"{label}: [{row}, {col}] = {value!r}; expected a positive number"
                )
            entries[(str(row), str(col))] = number
    matrix = pd.DataFrame(1.0, index=kids, columns=kids)
    for a in kids:
        for b in kids:
            if a == b:
                continue
            if (a, b) in entries:
                matrix.loc[a, b] = entries[(a, b)]
            elif (b, a) in entries:
                matrix.loc[a, b] = 1.0 / entries[(b, a)]
            else:
                raise FrameworkError(f"{label}: no comparison of {a!r} with {b!r}")
    return matrix


def _positive(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if np.isfinite(number) and number > 0 else None
