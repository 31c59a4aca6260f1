"""The imputation methods, one class each, listed in :data:`IMPUTERS`.

An :class:`Imputer` fills the missing cells of the indicator matrix and never changes a known
value, and says where each filled value came from (:meth:`Imputer.sources`). Cross-sectional
imputers fill within each period (a unit borrows from its peers that year); panel imputers fill
along each unit's own series, all units at once. See :mod:`innovation_monitor.composite.impute`
for what each method does and how it names its sources. scikit-learn is imported only by the
methods that use it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from innovation_monitor.composite.dataset import TIME, UNIT, Data, period_indices
from innovation_monitor.composite.record import Columns
from innovation_monitor.composite.registry import Method, Registry
from innovation_monitor.composite.spec import REQUIRED
from innovation_monitor.errors import DataError, FrameworkError


class Imputer(Method, ABC):
    """Fills missing indicator values; the step records every filled cell."""

    #: equal distances between units are broken by row order, so a filled value can depend on
    #: the order of the rows (k nearest neighbours); the other methods never depend on it
    row_order_ties: ClassVar[bool] = False
    #: each column is filled from its own values alone, so the step may hand :meth:`transform`
    #: a few columns at a time (bounding the copies it makes of a large panel)
    columnwise: ClassVar[bool] = False

    @abstractmethod
    def transform(self, data: Data, values: np.ndarray) -> np.ndarray:
        """``values`` (indicator columns of ``data``, rows × indicators: all of them, or a few
        at a time for a :attr:`columnwise` method) with gaps filled, as a new matrix; ``data``
        gives the units, periods and groups of the rows."""

    def sources(self, before: Columns, codes: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Where the value of each filled cell came from (the cell of column ``codes[i]``, row
        ``rows[i]`` of the data set ``before`` the step), as ``key=value`` pairs joined by
        ``"; "``; None where the method has nothing to point to (a regression)."""
        return np.full(rows.size, None, dtype=object)


IMPUTERS: Registry[Imputer] = Registry("impute", Imputer)


# ------------------------------------------------------------------------- cross-section methods


class _CrossSection(Imputer):
    """Fills each period's block of indicator values on its own."""

    def groups(self, data: Columns) -> np.ndarray | None:
        """The peer group of every row (None: all units of the period are peers)."""
        return None

    @abstractmethod
    def fill(self, block: np.ndarray, groups: np.ndarray | None) -> np.ndarray:
        """The block (rows = units of one period, columns = indicators) with gaps filled."""

    def transform(self, data: Data, values: np.ndarray) -> np.ndarray:
        out = np.array(values, order="F")
        groups = self.groups(data)
        for _, rows in data.periods:
            block = np.asfortranarray(values[rows])
            if np.isnan(block).any():
                out[rows] = self.fill(block, None if groups is None else groups[rows])
        return out


class _Statistic(_CrossSection):
    """Fills each column's gaps with :meth:`statistic` over the rows of the same group (or all
    rows)."""

    columnwise = True

    def statistic(self, x: np.ndarray) -> Any:
        """The fill value of one column from its present values."""
        raise NotImplementedError

    def fill(self, block: np.ndarray, groups: np.ndarray | None) -> np.ndarray:
        out = block.copy()
        if groups is None:
            masks = [np.ones(len(block), dtype=bool)]
        else:  # a unit without a group has no peers
            keys, names = pd.factorize(groups)
            masks = [keys == g for g in range(len(names))]
        for mask in masks:
            sub = block[mask]
            gaps = np.isnan(sub)
            values = np.full(sub.shape[1], np.nan)
            # the statistic only of the columns it fills: gaps, and some values to fill from
            for j in np.flatnonzero(gaps.any(axis=0) & ~gaps.all(axis=0)):
                values[j] = self.statistic(sub[~gaps[:, j], j])
            out[mask] = np.where(gaps, values[np.newaxis, :], sub)
        return out

    def sources(self, before: Columns, codes: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """``group=<the unit's group>; n=<peers with a value>`` (``n=…`` alone without
        groups): the units of the same period (and group) the statistic was taken over."""
        frame = before.frame
        key = np.empty(len(frame), dtype=np.intp)
        for p, (_, members) in enumerate(period_indices(frame)):
            key[members] = p
        groups = self.groups(before)
        if groups is not None:
            group, names = pd.factorize(groups)  # -1: no group, never filled
            key = key * (len(names) + 1) + group + 1
        out = np.empty(rows.size, dtype=object)
        for code in pd.unique(codes):
            cells = np.flatnonzero(codes == code)
            present = ~np.isnan(before.column(code))
            counts = np.bincount(key[present], minlength=int(key.max()) + 1)
            # one text per period and group: its cells share it
            blocks, first, inverse = np.unique(
                key[rows[cells]], return_index=True, return_inverse=True
            )
            peers = counts[blocks]
            if groups is None:
                texts = [f"n={n}" for n in peers]
            else:
                named = groups[rows[cells][first]]
                texts = [f"group={g}; n={n}" for g, n in zip(named, peers, strict=True)]
            out[cells] = np.asarray(texts, dtype=object)[inverse]
        return out


class _GroupStatistic(_Statistic):
    """Peers are the units with the same value in the ``group`` column (COINr's
    ``i_mean_grp``)."""

    defaults: ClassVar[Mapping[str, Any]] = {"group": REQUIRED}

    def groups(self, data: Columns) -> np.ndarray:
        group = self.params["group"]
        try:
            return data.column(group)
        except KeyError:
            raise DataError(f"impute: group column {group!r} is not in the data") from None


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
        from sklearn.impute import KNNImputer

        lo, hi = np.nanmin(sub, axis=0), np.nanmax(sub, axis=0)
        scale = self.params["scale"]
        span = np.where(hi > lo, hi - lo, 1.0) if scale else np.ones_like(lo)
        shift = lo if scale else np.zeros_like(lo)
        imputer = KNNImputer(n_neighbors=int(self.params["k"]))
        return imputer.fit_transform((sub - shift) / span) * span + shift

    def sources(self, before: Columns, codes: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """``k=<k>``: the mean of the k most similar units of the period."""
        return np.full(rows.size, f"k={self.params['k']}", dtype=object)


@IMPUTERS.register("iterative")
class Iterative(_ScikitLearn):
    """Chained regressions (MICE-style, scikit-learn ``IterativeImputer``) with a fixed seed so
    that builds reproduce."""

    defaults: ClassVar[Mapping[str, Any]] = {"max_iter": 10, "random_state": 0}

    def estimate(self, sub: np.ndarray) -> np.ndarray:
        from sklearn.experimental import enable_iterative_imputer  # noqa: F401  (registers it)
        from sklearn.impute import IterativeImputer

        imputer = IterativeImputer(
            max_iter=int(self.params["max_iter"]), random_state=self.params["random_state"]
        )
        return imputer.fit_transform(sub)


# ------------------------------------------------------------------------- panel methods


class _Panel(Imputer):
    """Fills each unit's series in time order, every unit and indicator at once; ``limit`` is
    the most consecutive missing periods filled in a row (the rest of a longer gap stays
    missing; None: no limit)."""

    defaults: ClassVar[Mapping[str, Any]] = {"limit": None}
    columnwise = True

    def __init__(self, params: Mapping[str, Any] | None = None, *, where: str = "") -> None:
        super().__init__(params, where=where)
        self._cached: tuple[pd.DataFrame, _SeriesOrder] | None = None

    def check(self, where: str) -> None:
        limit = self.params["limit"]
        if limit is not None and (
            isinstance(limit, bool) or not isinstance(limit, int) or limit < 1
        ):
            raise FrameworkError(
                f"{where}: limit is {limit!r}; expected a whole number of periods >= 1 (or none)"
            )

    @abstractmethod
    def fill_gaps(self, x: np.ndarray, gaps: _Gaps) -> tuple[np.ndarray, np.ndarray]:
        """The values for some of the ``gaps`` of one indicator in series order (each unit's
        rows in time order, one unit after another): their positions and values."""

    #: the source of a filled gap (see :meth:`Imputer.sources`), from :meth:`periods`
    source: ClassVar[str]

    @abstractmethod
    def periods(self, gaps: _Gaps, at: np.ndarray) -> tuple[np.ndarray, ...]:
        """The periods the filled gaps ``gaps.rows[at]`` were filled from (for ``source``)."""

    def _series(self, frame: pd.DataFrame) -> _SeriesOrder:
        """The series order of the rows of ``frame``, worked out once for all the calls of a
        step (which hands over a few columns at a time)."""
        if self._cached is not None and self._cached[0] is frame:
            return self._cached[1]
        if TIME not in frame.columns:
            raise FrameworkError(
                f"impute: method {self.name!r} imputes along time and needs a '{TIME}' column"
            )
        times = pd.to_numeric(frame[TIME], errors="coerce")
        if times.isna().any():
            raise DataError(f"impute: '{TIME}' must be numeric (years) for method {self.name!r}")
        series = _SeriesOrder(frame[UNIT].to_numpy(), times.to_numpy(dtype=np.float64))
        self._cached = (frame, series)
        return series

    def transform(self, data: Data, values: np.ndarray) -> np.ndarray:
        self.check("impute")
        series = self._series(data.frame)
        out = np.array(values, order="F")
        for j in range(values.shape[1]):
            x = values[:, j] if series.order is None else values[series.order, j]
            gaps = series.gaps(x)
            if gaps.rows.size:
                rows, filled = self.fill_gaps(x, gaps)
                out[rows if series.order is None else series.order[rows], j] = filled
        return out

    def sources(self, before: Columns, codes: np.ndarray, rows: np.ndarray) -> np.ndarray:
        if not rows.size:
            return np.empty(0, dtype=object)
        series = self._series(before.frame)
        position = rows if series.order is None else np.argsort(series.order)[rows]
        found = []
        for code in pd.unique(codes):
            cells = np.flatnonzero(codes == code)
            x = before.column(code)
            gaps = series.gaps(x if series.order is None else x[series.order])
            found.append((cells, *self.periods(gaps, np.searchsorted(gaps.rows, position[cells]))))
        out = np.empty(rows.size, dtype=object)
        cells, *periods = (np.concatenate(parts) for parts in zip(*found, strict=True))
        out[cells] = _texts(self.source, periods)
        return out

    def _within_limit(self, gap: np.ndarray) -> np.ndarray:
        """Whether a missing value ``gap`` periods after the last known one may be filled."""
        limit = self.params["limit"]
        return np.ones(gap.shape, dtype=bool) if limit is None else gap <= limit


class _SeriesOrder:
    """The rows of a panel ordered by unit (first appearance) and time (``order``; None when
    they already are), and where each unit's series starts and ends, so that series methods
    run over all units at once."""

    def __init__(self, units: np.ndarray, times: np.ndarray) -> None:
        codes = pd.factorize(units)[0]
        order = np.lexsort((times, codes))
        self.order = None if np.array_equal(order, np.arange(order.size)) else order
        self.times = times if self.order is None else times[order]
        unit = codes[order]
        position = np.arange(unit.size)
        new_unit = np.r_[True, unit[1:] != unit[:-1]]
        self.first = np.maximum.accumulate(np.where(new_unit, position, 0))
        ends = np.flatnonzero(np.r_[new_unit[1:], True])
        self.last = ends[np.cumsum(new_unit) - 1]

    def gaps(self, x: np.ndarray) -> _Gaps:
        """The missing values of one indicator in series order and their unit's nearest known
        values."""
        missing = np.isnan(x)
        rows, known = np.flatnonzero(missing), np.flatnonzero(~missing)
        if known.size == 0 or rows.size == 0:
            none = np.full(rows.size, -1)
            return _Gaps(rows, none, none, self.times)
        i = np.searchsorted(known, rows)
        before = known[np.maximum(i - 1, 0)]
        after = known[np.minimum(i, known.size - 1)]
        before = np.where((i > 0) & (before >= self.first[rows]), before, -1)
        after = np.where((i < known.size) & (after <= self.last[rows]), after, -1)
        return _Gaps(rows, before, after, self.times)


@dataclass(frozen=True)
class _Gaps:
    """Missing positions of a series (``rows``) with the last known position of the same unit
    before each (``before``) and the next after it (``after``), -1 where there is none, and
    the time of every position."""

    rows: np.ndarray
    before: np.ndarray
    after: np.ndarray
    times: np.ndarray


@IMPUTERS.register("carry_forward")
class CarryForward(_Panel):
    """The unit's last known value."""

    def fill_gaps(self, x: np.ndarray, gaps: _Gaps) -> tuple[np.ndarray, np.ndarray]:
        use = (gaps.before >= 0) & self._within_limit(gaps.rows - gaps.before)
        return gaps.rows[use], x[gaps.before[use]]

    source = "from={}"  # the period carried from

    def periods(self, gaps: _Gaps, at: np.ndarray) -> tuple[np.ndarray, ...]:
        return (gaps.times[gaps.before[at]],)


@IMPUTERS.register("linear")
class Linear(_Panel):
    """Interpolation between the unit's known years (no extrapolation), as ``numpy.interp``
    computes it."""

    def fill_gaps(self, x: np.ndarray, gaps: _Gaps) -> tuple[np.ndarray, np.ndarray]:
        use = (gaps.before >= 0) & (gaps.after >= 0)
        use &= self._within_limit(gaps.rows - gaps.before)
        rows, lo, hi = gaps.rows[use], gaps.before[use], gaps.after[use]
        t, x_lo, x_hi = gaps.times[rows], gaps.times[lo], gaps.times[hi]
        y_lo, y_hi = x[lo], x[hi]
        with np.errstate(invalid="ignore", divide="ignore"):
            slope = (y_hi - y_lo) / (x_hi - x_lo)
            value = slope * (t - x_lo) + y_lo
            retry = np.isnan(value)
            value[retry] = slope[retry] * (t[retry] - x_hi[retry]) + y_hi[retry]
        flat = np.isnan(value) & (y_lo == y_hi)
        value[flat] = y_lo[flat]
        return rows, value

    source = "from={}; to={}"  # the periods interpolated between

    def periods(self, gaps: _Gaps, at: np.ndarray) -> tuple[np.ndarray, ...]:
        return gaps.times[gaps.before[at]], gaps.times[gaps.after[at]]


def _texts(template: str, periods: list[np.ndarray]) -> np.ndarray:
    """``template`` filled with the periods of each cell (``2020``, not ``2020.0``), each
    distinct combination written once."""
    if len(periods) == 1:
        distinct, inverse = np.unique(periods[0], return_inverse=True)
        combinations = distinct[:, np.newaxis]
    else:
        combinations, inverse = np.unique(np.column_stack(periods), axis=0, return_inverse=True)
    texts = [
        template.format(*(str(int(t)) if float(t).is_integer() else f"{t:g}" for t in row))
        for row in combinations
    ]
    return np.asarray(texts, dtype=object)[inverse.reshape(-1)]
