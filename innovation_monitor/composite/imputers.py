"""The imputation methods, one class each, listed in :data:`IMPUTERS`.

An :class:`Imputer` fills the missing cells of the indicator columns and never changes a known
value. Cross-sectional imputers fill within each period (a unit borrows from its peers that
year); panel imputers fill along each unit's own series. See
:mod:`innovation_monitor.composite.impute` for what each method does.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from sklearn.experimental import enable_iterative_imputer  # noqa: F401  (registers the class)
from sklearn.impute import IterativeImputer, KNNImputer

from innovation_monitor.composite.dataset import TIME, UNIT, period_indices
from innovation_monitor.composite.registry import Method, Registry
from innovation_monitor.composite.spec import REQUIRED
from innovation_monitor.errors import DataError, FrameworkError


class Imputer(Method, ABC):
    """Fills missing indicator values; the step records every filled cell."""

    #: equal distances between units are broken by row order, so a filled value can depend on
    #: the order of the rows (k nearest neighbours); the other methods never depend on it
    row_order_ties: ClassVar[bool] = False

    @abstractmethod
    def transform(self, values: pd.DataFrame, codes: Sequence[str]) -> pd.DataFrame:
        """A copy of ``values`` (a numeric data set) with gaps in the ``codes`` columns filled."""


IMPUTERS: Registry[Imputer] = Registry("impute", Imputer)


# ------------------------------------------------------------------------- cross-section methods


class _CrossSection(Imputer):
    """Fills each period's block of indicator values on its own."""

    def groups(self, values: pd.DataFrame) -> np.ndarray | None:
        """The peer group of every row (None: all units of the period are peers)."""
        return None

    @abstractmethod
    def fill(self, block: np.ndarray, groups: np.ndarray | None) -> np.ndarray:
        """The block (rows = units of one period, columns = indicators) with gaps filled."""

    def transform(self, values: pd.DataFrame, codes: Sequence[str]) -> pd.DataFrame:
        out = values.copy()
        groups = self.groups(values)
        columns = [out.columns.get_loc(c) for c in codes]
        for _, rows in period_indices(out):
            block = out.iloc[rows][list(codes)].to_numpy(dtype=float)
            out.iloc[rows, columns] = self.fill(block, None if groups is None else groups[rows])
        return out


class _Statistic(_CrossSection):
    """Fills each column's gaps with :meth:`statistic` over the rows of the same group (or all
    rows)."""

    def statistic(self, x: np.ndarray) -> Any:
        """The fill value of one column from its present values."""
        raise NotImplementedError

    def fill(self, block: np.ndarray, groups: np.ndarray | None) -> np.ndarray:
        out = block.copy()
        if groups is None:
            masks = [np.ones(len(block), dtype=bool)]
        else:
            keys = pd.Series(groups)
            masks = [(keys == g).to_numpy() for g in keys.dropna().unique()]
        for mask in masks:
            sub = block[mask]
            present = ~np.isnan(sub)
            with np.errstate(all="ignore"):
                values = np.array(
                    [
                        self.statistic(sub[present[:, j], j]) if present[:, j].any() else np.nan
                        for j in range(sub.shape[1])
                    ]
                )
            gaps = np.isnan(sub)
            filled = np.where(gaps, values[np.newaxis, :], sub)
            out[mask] = filled
        return out


class _GroupStatistic(_Statistic):
    """Peers are the units with the same value in the ``group`` column (COINr's
    ``i_mean_grp``)."""

    defaults: ClassVar[Mapping[str, Any]] = {"group": REQUIRED}

    def groups(self, values: pd.DataFrame) -> np.ndarray:
        group = self.params["group"]
        if group not in values.columns:
            raise DataError(f"impute: group column {group!r} is not in the data")
        return values[group].to_numpy()


@IMPUTERS.register("column_mean")
class ColumnMean(_Statistic):
    """The mean of all units that period."""

    def statistic(self, x: np.ndarray) -> Any:
        return np.mean(x)


@IMPUTERS.register("column_median")
class ColumnMedian(_Statistic):
    """The median of all units that period."""

    def statistic(self, x: np.ndarray) -> Any:
        return np.median(x)


@IMPUTERS.register("group_mean")
class GroupMean(_GroupStatistic):
    """The mean of the unit's group that period."""

    def statistic(self, x: np.ndarray) -> Any:
        return np.mean(x)


@IMPUTERS.register("group_median")
class GroupMedian(_GroupStatistic):
    """The median of the unit's group that period."""

    def statistic(self, x: np.ndarray) -> Any:
        return np.median(x)


class _ScikitLearn(_CrossSection):
    """Runs a scikit-learn imputer only on the columns with some data (it would drop the
    others, which stay missing), and only when something is missing; keeps every known value."""

    @abstractmethod
    def estimate(self, sub: np.ndarray) -> np.ndarray:
        """The imputer's completed copy of ``sub`` (no all-missing column)."""

    def fill(self, block: np.ndarray, groups: np.ndarray | None) -> np.ndarray:
        out = block.copy()
        usable = ~np.all(np.isnan(block), axis=0)
        sub = block[:, usable]
        if sub.size and np.isnan(sub).any():
            out[:, usable] = np.where(np.isnan(sub), self.estimate(sub), sub)
        return out


@IMPUTERS.register("knn")
class KNearestNeighbours(_ScikitLearn):
    """The mean of the ``k`` most similar units (scikit-learn ``KNNImputer``), on min-max
    scaled columns (``scale``) so that no indicator dominates the distance."""

    defaults: ClassVar[Mapping[str, Any]] = {"k": 5, "scale": True}
    row_order_ties = True

    def estimate(self, sub: np.ndarray) -> np.ndarray:
        lo, hi = np.nanmin(sub, axis=0), np.nanmax(sub, axis=0)
        scale = self.params["scale"]
        span = np.where(hi > lo, hi - lo, 1.0) if scale else np.ones_like(lo)
        shift = lo if scale else np.zeros_like(lo)
        imputer = KNNImputer(n_neighbors=int(self.params["k"]))
        return imputer.fit_transform((sub - shift) / span) * span + shift


@IMPUTERS.register("iterative")
class Iterative(_ScikitLearn):
    """Chained regressions (MICE-style, scikit-learn ``IterativeImputer``) with a fixed seed so
    that builds reproduce."""

    defaults: ClassVar[Mapping[str, Any]] = {"max_iter": 10, "random_state": 0}

    def estimate(self, sub: np.ndarray) -> np.ndarray:
        imputer = IterativeImputer(
            max_iter=int(self.params["max_iter"]), random_state=self.params["random_state"]
        )
        return imputer.fit_transform(sub)


# ------------------------------------------------------------------------- panel methods


class _Panel(Imputer):
    """Fills each unit's series in time order; ``limit`` is the most consecutive missing
    periods filled in a row (the rest of a longer gap stays missing; None: no limit)."""

    defaults: ClassVar[Mapping[str, Any]] = {"limit": None}

    def check(self, where: str) -> None:
        limit = self.params["limit"]
        if limit is not None and (
            isinstance(limit, bool) or not isinstance(limit, int) or limit < 1
        ):
            raise FrameworkError(
                f"{where}: limit is {limit!r}; expected a whole number of periods >= 1 (or none)"
            )

    @abstractmethod
    def fill_series(self, series: pd.DataFrame) -> pd.DataFrame:
        """One unit's indicator values indexed by year, in time order, with gaps filled."""

    def transform(self, values: pd.DataFrame, codes: Sequence[str]) -> pd.DataFrame:
        if TIME not in values.columns:
            raise FrameworkError(
                f"impute: method {self.name!r} imputes along time and needs a '{TIME}' column"
            )
        self.check("impute")
        out = values.copy()
        times = pd.to_numeric(out[TIME], errors="coerce")
        if times.isna().any():
            raise DataError(f"impute: '{TIME}' must be numeric (years) for method {self.name!r}")
        units = out[UNIT].to_numpy()
        years = times.to_numpy()
        columns = [out.columns.get_loc(c) for c in codes]
        for unit in pd.unique(units):
            rows = np.flatnonzero(units == unit)
            rows = rows[np.argsort(years[rows], kind="stable")]
            series = out.iloc[rows][list(codes)].copy()
            series.index = years[rows]
            out.iloc[rows, columns] = self.fill_series(series).to_numpy()
        return out


@IMPUTERS.register("carry_forward")
class CarryForward(_Panel):
    """The unit's last known value."""

    def fill_series(self, series: pd.DataFrame) -> pd.DataFrame:
        return series.ffill(limit=self.params["limit"])


@IMPUTERS.register("linear")
class Linear(_Panel):
    """Interpolation between the unit's known years (no extrapolation)."""

    def fill_series(self, series: pd.DataFrame) -> pd.DataFrame:
        return series.interpolate(method="index", limit=self.params["limit"], limit_area="inside")
