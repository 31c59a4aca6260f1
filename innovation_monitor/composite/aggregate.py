"""Aggregation level by level: indicators → pillars → sub-indices → index.

Each aggregate is a weighted mean of its children with the framework's weights (as rewritten by
the ``weight`` step). Methods, as COINr defines them: ``arithmetic``; ``geometric``
(``exp(Σw·log x / Σw)``, every value must be > 0); ``harmonic`` (``Σw / Σ(w/x)``, every value
must be > 0 — COINr refuses only zeros, but a negative child gives a meaningless mean);
``generalised`` with power ``p`` (``(Σw·x^p / Σw)^(1/p)``, p ≠ 0; values ≤ 0 refused when p < 0,
and negative values when p is not whole, where COINr silently returns missing; a missing child
makes the result missing); ``copeland`` (row sums of the weighted outranking matrix, within each
period). A non-finite child (±∞ from a division by zero upstream) is refused by every method.
``method`` may differ per level: ``{2: geometric, 3: arithmetic}`` (the key is the level being
built; unlisted levels are arithmetic). Missing children are skipped and the remaining weights
rescaled; ``dat_thresh`` (one share or one per level) leaves an aggregate missing when its share
of present children is below it.

``topsis: true`` (or ``topsis: {normalise: vector|none}``) also ranks the units by TOPSIS over
all indicators with their effective weights; the result is in ``record.tables["topsis"]`` and
the build's results show it beside the index.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from innovation_monitor.composite.dataset import (
    TIME,
    UNIT,
    check_data,
    numeric_frame,
    period_indices,
    row_label,
)
from innovation_monitor.composite.framework import Framework
from innovation_monitor.composite.record import StepRecord
from innovation_monitor.composite.spec import check_method, check_share
from innovation_monitor.composite.topsis import topsis as topsis_rank
from innovation_monitor.errors import DataError, FrameworkError

METHODS = ("arithmetic", "geometric", "harmonic", "generalised", "copeland")
_POSITIVE = "normalise onto a positive range such as [1, 100] or use another method"
#: Relative margin below which two units' Copeland weights count as equal (float rounding).
_COPELAND_TOLERANCE = 1e-12


class _Context:
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


def _weights_present(x: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Weights with zeros where values are missing, and their row sums (NaN when none)."""
    wp = np.where(np.isnan(x), 0.0, w[np.newaxis, :])
    total = wp.sum(axis=1)
    return wp, np.where(total > 0, total, np.nan)


def _arithmetic(x: np.ndarray, w: np.ndarray, p: float | None, ctx: _Context) -> np.ndarray:
    wp, total = _weights_present(x, w)
    return np.sum(wp / total[:, np.newaxis] * np.where(np.isnan(x), 0.0, x), axis=1)


def _geometric(x: np.ndarray, w: np.ndarray, p: float | None, ctx: _Context) -> np.ndarray:
    ctx.refuse(x <= 0, x, "geometric", "every value must be > 0")
    wp, total = _weights_present(x, w)
    return np.exp(np.sum(wp * np.log(np.where(np.isnan(x), 1.0, x)), axis=1) / total)


def _harmonic(x: np.ndarray, w: np.ndarray, p: float | None, ctx: _Context) -> np.ndarray:
    # COINr only refuses zeros; a negative value would make a meaningless (negative) mean
    ctx.refuse(x <= 0, x, "harmonic", "every value must be > 0 (its reciprocal is averaged)")
    wp, total = _weights_present(x, w)
    return total / np.sum(wp / np.where(np.isnan(x), 1.0, x), axis=1)


def _generalised(x: np.ndarray, w: np.ndarray, p: float | None, ctx: _Context) -> np.ndarray:
    if isinstance(p, bool) or not isinstance(p, int | float) or p == 0 or not np.isfinite(p):
        raise FrameworkError(
            f"aggregate: the generalised mean for level {ctx.level} needs a number p ≠ 0 "
            f"(got {p!r}); for p = 0 use geometric"
        )
    if p < 0:
        ctx.refuse(x <= 0, x, "generalised", f"with p = {p:g} every value must be > 0")
    elif not float(p).is_integer():
        # COINr lets these through: x**p is NaN, and the aggregate would silently go missing
        ctx.refuse(x < 0, x, "generalised", f"with p = {p:g} (not whole) no value may be < 0")
    inner = np.sum(w * x**p, axis=1) / w.sum()
    negative = inner < 0  # an odd p over negative values: no real 1/p-th power
    if negative.any():
        row = int(np.flatnonzero(negative)[0])
        raise DataError(
            f"aggregate: the generalised mean for {ctx.code!r} (level {ctx.level}) of "
            f"{row_label(ctx.data, row)}: the weighted mean of x^{p:g} is {inner[row]:g}, "
            f"which has no real root of order {p:g}; {_POSITIVE}"
        )
    return inner ** (1.0 / p)


def _copeland(x: np.ndarray, w: np.ndarray, p: float | None, ctx: _Context) -> np.ndarray:
    """Copeland scores within each period; pairs are compared on the children both units have,
    with the weight shares rescaled over those, so the result does not depend on row order."""
    out = np.full(len(x), np.nan)
    for _, rows in period_indices(ctx.data):
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


_FUNCS: dict[str, Callable[[np.ndarray, np.ndarray, float | None, _Context], np.ndarray]] = {
    "arithmetic": _arithmetic,
    "geometric": _geometric,
    "harmonic": _harmonic,
    "generalised": _generalised,
    "copeland": _copeland,
}


def _per_level(value: Any, levels: range, name: str, default: Any) -> dict[int, Any]:
    """Expand one value or a ``{level: value}`` mapping into a value for every level."""
    if not isinstance(value, Mapping):
        return dict.fromkeys(levels, value if value is not None else default)
    out = dict.fromkeys(levels, default)
    for key, item in value.items():
        try:
            level = int(key)
        except (TypeError, ValueError):
            level = -1
        if level not in levels:
            raise FrameworkError(
                f"aggregate: {name} given for level {key!r}; the framework builds levels "
                f"{list(levels)}"
            )
        out[level] = item
    return out


def aggregate(
    data: pd.DataFrame,
    framework: Framework,
    *,
    method: str | Mapping[int, str] = "arithmetic",
    p: float | Mapping[int, float] | None = None,
    dat_thresh: float | Mapping[int, float] | None = None,
    topsis: bool | Mapping[str, Any] = False,
) -> tuple[pd.DataFrame, StepRecord]:
    """Append one column per aggregate, level by level (see the module docstring)."""
    where = "aggregate"
    levels = range(2, framework.max_level + 1)
    methods = _per_level(method, levels, "method", "arithmetic")
    powers = _per_level(p, levels, "p", None)
    thresholds = _per_level(dat_thresh, levels, "dat_thresh", None)
    for level, name in methods.items():
        check_method(name, METHODS, f"{where} level {level}")
    for level, share in thresholds.items():
        if share is not None:
            check_share(share, f"{where}: dat_thresh for level {level}")
    codes = list(framework.indicators)
    check_data(data, codes, what=where)
    out = numeric_frame(data, codes)
    rows = []
    for level in levels:
        for code in framework.codes_at(level):
            kids = list(framework.children(code))
            w = np.array([framework[k].weight for k in kids], dtype=float)
            x = out[kids].to_numpy(dtype=float)
            share = np.mean(~np.isnan(x), axis=1)
            enough = share >= thresholds[level] if thresholds[level] is not None else share >= 0
            ctx = _Context(code, level, kids, out)
            x_used = np.where(enough[:, np.newaxis], x, np.nan)
            ctx.refuse(
                np.isinf(x_used),
                x_used,
                methods[level],
                "every value must be finite",
                "find the division by zero in an earlier step (denominate, or normalise with "
                "fraction_of_max, distance_to_target or ratio_to_reference)",
            )
            with np.errstate(invalid="ignore", divide="ignore"):
                score = _FUNCS[methods[level]](x_used, w, powers[level], ctx)
            score = np.where(enough & (share > 0), score, np.nan)
            out[code] = score
            rows.append(
                {
                    "iCode": code,
                    "Level": level,
                    "method": methods[level],
                    "children": ", ".join(kids),
                    "missing": int(np.isnan(score).sum()),
                }
            )
    tables = {}
    if topsis:
        tables["topsis"] = _topsis(out, framework, topsis)
    record = StepRecord(
        step="aggregate",
        params={"method": methods, "p": powers, "dat_thresh": thresholds, "topsis": topsis},
        details=pd.DataFrame(rows),
        tables=tables,
    )
    return out, record


def _topsis(
    data: pd.DataFrame, framework: Framework, spec: bool | Mapping[str, Any]
) -> pd.DataFrame:
    """TOPSIS closeness and rank over all indicators, within each period."""
    options = dict(spec) if isinstance(spec, Mapping) else {}
    unknown = sorted(set(options) - {"normalise"})
    if unknown:
        raise FrameworkError(
            f"aggregate: unknown topsis parameter(s) {unknown}; expected normalise"
        )
    codes = list(framework.indicators)
    weights = framework.effective_weights()[codes]
    pieces = []
    for _, rows in period_indices(data):
        block = data.iloc[rows]
        ranked = topsis_rank(
            block[codes].reset_index(drop=True),
            weights,
            normalise=options.get("normalise", "vector"),
        )
        ids = block[[c for c in (UNIT, TIME) if c in block.columns]].reset_index(drop=True)
        pieces.append(pd.concat([ids, ranked[["closeness", "rank"]]], axis=1))
    return pd.concat(pieces, ignore_index=True)
