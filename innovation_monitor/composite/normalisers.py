"""The normalisation methods, one class each, listed in :data:`NORMALISERS`.

A :class:`Normaliser` is fitted on the goalpost rows of one indicator (values already multiplied
by the direction, except for a ``ratio`` method) and then transforms any rows of it, so that the
same scale can be fitted on one period or on all and applied to each. Every normaliser is
monotone: a higher direction-adjusted value never scores lower. The methods are COINr's; see
:mod:`innovation_monitor.composite.normalise` for what each does and how goalposts are chosen.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, NamedTuple, Self

import numpy as np

from innovation_monitor.composite.registry import Method, Registry
from innovation_monitor.composite.spec import REQUIRED
from innovation_monitor.composite.tree import Node
from innovation_monitor.errors import DataError, FrameworkError


@dataclass(frozen=True)
class Goalposts:
    """What a normaliser is fitted on besides the values: the indicator (its direction and
    target, and its code for messages) and the unit codes and period of the goalpost rows."""

    node: Node
    units: np.ndarray
    period: object = None  # None when fitted on all periods (pooled) or on a cross-section

    def where(self) -> str:
        return "" if self.period is None else f" in {self.period}"


#: rows of a data set: every row (a slice, no copy) or their positions
Rows = np.ndarray | slice


@dataclass(frozen=True)
class Block:
    """Rows scaled together (``apply``), the rows their scale is fitted on (``fit``) and the
    period of those (None when pooled or for a cross-section)."""

    apply: Rows
    fit: Rows
    period: object = None


class Fit(NamedTuple):
    """What fitting one column on one block gave, for the step record."""

    params: dict[str, Any]  # :meth:`Normaliser.fitted`
    degenerate: str | None  # :meth:`Normaliser.degenerate`


class Normaliser(Method, ABC):
    """Scales one indicator onto a common scale, higher always better."""

    #: a ratio to a positive target or reference value on the raw scale: direction −1 takes
    #: reference / x instead of multiplying by the direction first (COINr's convention)
    ratio: ClassVar[bool] = False
    #: fitted attributes the step record shows, in this order (names without the underscore)
    recorded: ClassVar[tuple[str, ...]] = ()
    #: :meth:`normalise_columns` scales many columns at once (not one by one), so the step
    #: hands it every indicator that shares the method and its parameters
    columnwise: ClassVar[bool] = False

    @abstractmethod
    def fit(self, x: np.ndarray, goalposts: Goalposts) -> Self:
        """Learn the scale from the goalpost rows ``x``."""

    @abstractmethod
    def transform(self, x: np.ndarray) -> np.ndarray:
        """Scale ``x`` (any rows of the indicator) with the fitted parameters."""

    def fit_transform(self, x: np.ndarray, goalposts: Goalposts) -> np.ndarray:
        return self.fit(x, goalposts).transform(x)

    def fitted(self) -> dict[str, Any]:
        """The :attr:`recorded` fitted parameters, for the step record."""
        return {name: getattr(self, f"{name}_") for name in self.recorded}

    def degenerate(self) -> str | None:
        """Why the fitted goalposts turn every value into NaN (nothing to scale by), for the
        record's notes; None when they do not."""
        return None

    def normalise_columns(
        self, x: np.ndarray, blocks: Sequence[Block], nodes: Sequence[Node], units: np.ndarray
    ) -> tuple[np.ndarray, list[Fit]]:
        """Fit each column of ``x`` (the indicators ``nodes``; rows: the data set's, whose
        unit codes are ``units``) on each block's fit rows and scale the block's rows with it:
        the scaled matrix (NaN outside the blocks) and the :class:`Fit` of every column and
        block, column by column. Here one column and block at a time, in that order, so the
        first error is the first column's; a :attr:`columnwise` method does all at once."""
        out = np.full(x.shape, np.nan, order="F")
        fits = []
        for j, node in enumerate(nodes):
            column = x[:, j]
            for block in blocks:
                self.fit(column[block.fit], Goalposts(node, units[block.fit], block.period))
                out[block.apply, j] = self.transform(column[block.apply])
                fits.append(Fit(self.fitted(), self.degenerate()))
        return out, fits


NORMALISERS: Registry[Normaliser] = Registry("normalise", Normaliser)


def _bounds(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each column's smallest and largest value (NaN for a column without values). A zero bound
    is found again in the column alone: which zero (0 or −0) a reduction returns among both
    depends on how it runs, and the column's own is what :meth:`_Range.fit` records."""
    low = np.fmin.reduce(x, axis=0, initial=np.nan)
    high = np.fmax.reduce(x, axis=0, initial=np.nan)
    for j in np.flatnonzero((low == 0) | (high == 0)):
        present = x[~np.isnan(x[:, j]), j]
        low[j], high[j] = present.min(), present.max()
    return low, high


class _Range(Normaliser):
    """Fitted on the goalposts' minimum and maximum."""

    recorded = ("min", "max")
    columnwise = True
    min_: float | np.ndarray  # fitted; one per column while scaling many (normalise_columns)
    max_: float | np.ndarray

    def fit(self, x: np.ndarray, goalposts: Goalposts) -> Self:
        present = x[~np.isnan(x)]
        if present.size == 0:
            self.min_, self.max_ = np.nan, np.nan
        else:
            self.min_, self.max_ = float(present.min()), float(present.max())
        self.refuse(goalposts)
        return self

    def refuse(self, goalposts: Goalposts) -> None:
        """Raise when the fitted range cannot scale the values (see :class:`FractionOfMax`)."""

    def degenerate(self) -> str | None:
        return "zero range" if self.min_ == self.max_ else None

    def normalise_columns(
        self, x: np.ndarray, blocks: Sequence[Block], nodes: Sequence[Node], units: np.ndarray
    ) -> tuple[np.ndarray, list[Fit]]:
        """As the base class, but each block's columns are fitted and scaled at once: the
        transform's arithmetic broadcasts over arrays of bounds, one per column, and gives the
        same numbers as column by column."""
        bounds = [_bounds(x[block.fit]) for block in blocks]
        fits = []
        for j, node in enumerate(nodes):
            for block, (low, high) in zip(blocks, bounds, strict=True):
                self.min_, self.max_ = float(low[j]), float(high[j])
                self.refuse(Goalposts(node, units[block.fit], block.period))
                fits.append(Fit(self.fitted(), self.degenerate()))
        out = np.full(x.shape, np.nan, order="F")
        for block, (low, high) in zip(blocks, bounds, strict=True):
            self.min_, self.max_ = low, high
            out[block.apply] = self.transform(x[block.apply])
        return out, fits


class _Ranks(Normaliser):
    """Fitted on the goalposts' sorted values (too many to record)."""

    def fit(self, x: np.ndarray, goalposts: Goalposts) -> Self:
        self.sorted_ = np.sort(x[~np.isnan(x)])
        return self

    def ranks(self, x: np.ndarray) -> np.ndarray:
        """Rank among the goalpost values, ties "min" (for x among them: R's rank, ties
        "min")."""
        out = np.searchsorted(self.sorted_, x, side="left").astype(float) + 1.0
        out[np.isnan(x)] = np.nan
        return out


@NORMALISERS.register("minmax")
class MinMax(_Range):
    """(x − min) / (max − min), rescaled onto ``range``."""

    defaults: ClassVar[Mapping[str, Any]] = {"range": [0, 100]}

    def check(self, where: str) -> None:
        rng = self.params["range"]
        if (
            not isinstance(rng, list | tuple)
            or len(rng) != 2
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in rng)
            or not rng[0] < rng[1]
        ):
            raise FrameworkError(
                f"{where}: range is {rng!r}; expected [lower, upper], lower < upper"
            )

    def transform(self, x: np.ndarray) -> np.ndarray:
        low, high = self.params["range"]
        with np.errstate(divide="ignore", invalid="ignore"):
            return (x - self.min_) / (self.max_ - self.min_) * (high - low) + low


@NORMALISERS.register("zscore")
class ZScore(Normaliser):
    """(x − mean) / sd (sample sd), rescaled to the given ``mean`` and ``sd``."""

    defaults: ClassVar[Mapping[str, Any]] = {"mean": 0.0, "sd": 1.0}
    recorded = ("mean", "sd")

    def check(self, where: str) -> None:
        if not float(self.params["sd"]) > 0:
            raise FrameworkError(
                f"{where}: sd is {self.params['sd']!r}; expected a positive number"
            )

    def fit(self, x: np.ndarray, goalposts: Goalposts) -> Self:
        present = x[~np.isnan(x)]
        self.mean_ = float(present.mean()) if present.size else np.nan
        self.sd_ = float(np.std(present, ddof=1)) if present.size > 1 else np.nan
        return self

    def transform(self, x: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            return (x - self.mean_) / self.sd_ * self.params["sd"] + self.params["mean"]

    def degenerate(self) -> str | None:
        return "zero sd" if self.sd_ == 0 else None


@NORMALISERS.register("rank")
class Rank(_Ranks):
    """Rank among the goalposts, 1 = lowest."""

    def transform(self, x: np.ndarray) -> np.ndarray:
        return self.ranks(x)


@NORMALISERS.register("percentile_rank")
class PercentileRank(_Ranks):
    """(rank − 1) / (n − 1): 0 for the lowest goalpost value, 1 for the highest."""

    def transform(self, x: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            return (self.ranks(x) - 1.0) / (self.sorted_.size - 1)


@NORMALISERS.register("borda")
class Borda(_Ranks):
    """The number of goalpost values below x (rank − 1)."""

    def transform(self, x: np.ndarray) -> np.ndarray:
        return self.ranks(x) - 1.0


@NORMALISERS.register("distance_to_max")
class DistanceToMax(_Range):
    """1 − (max − x) / (max − min)."""

    def transform(self, x: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            return 1 - (self.max_ - x) / (self.max_ - self.min_)


@NORMALISERS.register("fraction_of_max")
class FractionOfMax(_Range):
    """x / max, for a positive maximum."""

    def refuse(self, goalposts: Goalposts) -> None:
        if self.max_ <= 0:
            raise DataError(
                f"normalise: fraction_of_max of {goalposts.node.code!r}{goalposts.where()} "
                f"divides by its maximum, which is {self.max_:g} after the direction step "
                "(x / max would reverse the order or divide by zero); choose another method "
                "for this indicator"
            )

    def transform(self, x: np.ndarray) -> np.ndarray:
        return x / self.max_

    def degenerate(self) -> str | None:
        return None


class _Ratio(Normaliser):
    """x / reference on the raw scale, or reference / x for direction −1."""

    ratio = True
    direction_: int  # fitted: the indicator's direction

    def directed(self, x: np.ndarray, reference: float) -> np.ndarray:
        return x / reference if self.direction_ == 1 else reference / x


@NORMALISERS.register("distance_to_target")
class DistanceToTarget(_Ratio):
    """The ratio to the framework's target, capped at 1 (``cap``), times ``scale``."""

    defaults: ClassVar[Mapping[str, Any]] = {"scale": 100.0, "cap": True}
    recorded = ("target",)

    def fit(self, x: np.ndarray, goalposts: Goalposts) -> Self:
        node = goalposts.node
        if node.target is None:
            raise FrameworkError(
                f"normalise: indicator {node.code!r} has no target; distance_to_target needs "
                "the framework's Target"
            )
        if not node.target > 0:
            raise FrameworkError(
                f"normalise: indicator {node.code!r} has target {node.target:g}; "
                "distance_to_target needs a positive target"
            )
        self.target_, self.direction_ = node.target, node.direction
        return self

    def transform(self, x: np.ndarray) -> np.ndarray:
        ratio = self.directed(x, self.target_)
        if self.params["cap"]:
            ratio = np.minimum(ratio, 1.0)  # NaN stays NaN
        return ratio * self.params["scale"]


@NORMALISERS.register("ratio_to_reference")
class RatioToReference(_Ratio):
    """The ratio to the value of the reference ``unit`` (e.g. the province), times ``scale``."""

    defaults: ClassVar[Mapping[str, Any]] = {"unit": REQUIRED, "scale": 100.0}
    recorded = ("reference",)

    def fit(self, x: np.ndarray, goalposts: Goalposts) -> Self:
        ref, node, where = str(self.params["unit"]), goalposts.node, goalposts.where()
        hits = np.flatnonzero(goalposts.units.astype(str) == ref)
        if hits.size == 0:
            raise DataError(f"normalise: reference unit {ref!r} is not in the data{where}")
        if hits.size > 1:
            raise FrameworkError(
                f"normalise: reference unit {ref!r} has {hits.size} rows in the goalpost data; "
                "ratio_to_reference needs goalposts per_period or {reference_period: YEAR}"
            )
        value = float(x[hits[0]])
        if not value > 0:
            raise DataError(
                f"normalise: reference unit {ref!r} has {value:g} for {node.code!r}{where}; "
                "ratio_to_reference needs a positive value"
            )
        self.reference_, self.direction_ = value, node.direction
        return self

    def transform(self, x: np.ndarray) -> np.ndarray:
        return self.directed(x, self.reference_) * self.params["scale"]
