"""Aggregation under many weight sets at once: what makes a Monte Carlo over weights cheap.

:func:`aggregate_weight_sets` gives the scores of one aggregate for S weight sets as one
(rows × S) matrix, by the same rules as :func:`~.aggregate.aggregate`: a weighted mean over the
children present, the weights rescaled over them, ``dat_thresh`` leaving an aggregate missing.
An aggregate whose children are fixed and whose weights vary is one matrix product (children
(rows × k) @ weights (k × S)); one whose children already vary is a sum over its few children,
each a (rows × S) matrix; one where nothing varies is the engine's own aggregator, once.
Methods that are not a weighted mean of the four known kinds (Copeland, a method registered
later) fall back to the engine's aggregator once per weight set.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

# the aggregate step's own helpers: a level's method and parameters, and its weighted mean
from innovation_monitor.composite.aggregate import _aggregator, _scores, level_parameters
from innovation_monitor.composite.aggregators import Aggregator, Children
from innovation_monitor.composite.dataset import Data, row_label
from innovation_monitor.composite.framework import Framework
from innovation_monitor.errors import DataError, FrameworkError

FAST = ("arithmetic", "geometric", "harmonic", "generalised")
#: a node's values: one column (the same for every weight set) or one column per weight set
Values = np.ndarray
Weight = float | np.ndarray  # one weight, or one per weight set (S,)


def aggregate_weight_sets(
    data: Data,
    framework: Framework,
    weights: Mapping[str, np.ndarray],
    target: str,
    sets: int,
    *,
    method: str | Mapping[int, str] = "arithmetic",
    p: float | Mapping[int, float] | None = None,
    dat_thresh: float | Mapping[int, float] | None = None,
    topsis: Any = False,
) -> np.ndarray:
    """The scores of aggregate ``target`` (rows × ``sets``) when node ``code`` has weight
    ``weights[code][s]`` in weight set s (nodes not in ``weights`` keep the framework's weight).
    The keywords are the aggregate step's (``topsis`` ranks beside the index; ignored here)."""
    methods, powers, thresholds = level_parameters(framework, method, p, dat_thresh)
    top = framework[target]
    if top.level < 2:
        raise FrameworkError(f"uncertainty: target {target!r} is an indicator, not an aggregate")
    values: dict[str, Values] = {}
    for level in range(2, top.level + 1):
        aggregator = _aggregator(methods[level], powers[level], f"aggregate level {level}")
        for code in framework.codes_at(level):
            if code != target and target not in framework.ancestors(code):
                continue
            kids = list(framework.children(code))
            xs = [values.pop(k) if k in values else data.column(k) for k in kids]
            ws: list[Weight] = [weights.get(k, framework[k].weight) for k in kids]
            ctx = Children(code, level, kids, data.frame)
            values[code] = _node(aggregator, xs, ws, thresholds[level], ctx, sets)
    out = values[target]
    return np.broadcast_to(out[:, np.newaxis], (len(out), sets)) if out.ndim == 1 else out


def _node(
    aggregator: Aggregator,
    xs: list[Values],
    ws: list[Weight],
    threshold: float | None,
    ctx: Children,
    sets: int,
) -> Values:
    """One aggregate from its children's values and weights (see the module docstring)."""
    varies_x = any(x.ndim == 2 for x in xs)
    varies_w = any(np.ndim(w) for w in ws)
    if not varies_x:
        X = np.column_stack(xs) if xs else np.empty((len(ctx.data), 0))
        if not varies_w:  # the engine's own aggregator: the same values as a build's
            return _scores(aggregator, X, np.asarray(ws, dtype=float), threshold, ctx)
    if not aggregator.mean or aggregator.name not in FAST:
        return _one_set_at_a_time(aggregator, xs, ws, threshold, ctx, sets)
    with np.errstate(invalid="ignore", divide="ignore"):
        if not varies_x:
            return _fixed_children(aggregator, X, ws, threshold, ctx, sets)
        columns = [x if x.ndim == 2 else x[:, np.newaxis] for x in xs]  # broadcastable
        fixed = _fixed_part(xs, ctx)
        if not any(np.isnan(np.sum(x)) for x in columns):  # every child present: no masks
            return _summed_mean(aggregator, columns, ws, fixed, complete=True)
        share = sum((~np.isnan(x)).astype(float) for x in columns) / len(columns)
        enough = share >= threshold if threshold is not None else share >= 0
        kept = [np.where(enough, x, np.nan) for x in columns]
        score = _summed_mean(aggregator, kept, ws, fixed, complete=False)
        return np.where(enough & (share > 0), score, np.nan)


def _fixed_children(
    aggregator: Aggregator,
    X: np.ndarray,
    ws: list[Weight],
    threshold: float | None,
    ctx: Children,
    sets: int,
) -> np.ndarray:
    """Children that do not vary (rows × k) under weights that do."""
    share = np.mean(~np.isnan(X), axis=1)
    enough = share >= threshold if threshold is not None else share >= 0
    if not enough.all():
        X = np.where(enough[:, np.newaxis], X, np.nan)
    ctx.refuse(np.isinf(X), X, aggregator.name, "every value must be finite")
    W = np.column_stack([np.broadcast_to(w, (sets,)) for w in ws]).T  # k × S
    score = _product_mean(aggregator, X, W, ctx)
    usable = enough & (share > 0)
    return score if usable.all() else np.where(usable[:, np.newaxis], score, np.nan)


def _fixed_part(xs: list[Values], ctx: Children) -> tuple[np.ndarray, Children]:
    """The children that do not vary (indicators) with a context naming them: the domain
    checks look at those alone, as a mean of checked values needs no check."""
    fixed = [i for i, x in enumerate(xs) if x.ndim == 1]
    X = np.column_stack([xs[i] for i in fixed]) if fixed else np.empty((len(ctx.data), 0))
    return X, Children(ctx.code, ctx.level, [ctx.kids[i] for i in fixed], ctx.data)


def _product_mean(aggregator: Aggregator, X: np.ndarray, W: np.ndarray, ctx: Children) -> Values:
    """A weighted mean of fixed children (rows × k) under S weight sets (k × S): one matrix
    product of the children (or their logarithms, reciprocals, powers) with the weights,
    divided by the weights' sums; the rows with a child missing again, with the weights of
    the children present."""
    name = aggregator.name
    present = ~np.isnan(X)
    if name in ("geometric", "harmonic"):
        ctx.refuse(X <= 0, X, name, "every value must be > 0")
    if name == "generalised":
        power = _power(aggregator, X, ctx)
        inner = (np.where(present, X, 0.0) ** power @ W) / W.sum(axis=0)
        inner[~present.all(axis=1)] = np.nan  # a missing child makes the mean missing
        return _root(inner, power, ctx)
    filled = np.where(present, X, 1.0)
    if name == "geometric":
        filled = np.log(filled)
    elif name == "harmonic":
        filled = 1.0 / filled
    term = np.where(present, filled, 0.0)
    total = W.sum(axis=0)
    total[total <= 0] = np.nan
    out = _finish(name, term @ W, total)
    partial = ~present.all(axis=1)
    if partial.any():
        total = present[partial].astype(float) @ W
        total[total <= 0] = np.nan
        out[partial] = _finish(name, term[partial] @ W, total)
    return out


def _finish(name: str, product: np.ndarray, total: np.ndarray) -> np.ndarray:
    """The mean from the weighted sum (of values, logarithms or reciprocals) and the total
    weight, in place."""
    if name == "harmonic":
        return np.divide(total, product, out=product)
    product /= total
    return np.exp(product, out=product) if name == "geometric" else product


def _summed_mean(
    aggregator: Aggregator,
    xs: list[np.ndarray],
    ws: list[Weight],
    fixed: tuple[np.ndarray, Children],
    *,
    complete: bool,
) -> np.ndarray:
    """A weighted mean of children that vary (each rows × S, or × 1), summed child by child;
    ``fixed`` holds the children that do not vary, for the domain checks; ``complete``: no
    child is missing anywhere."""
    name = aggregator.name
    X, ctx = fixed
    if name in ("geometric", "harmonic"):
        ctx.refuse(X <= 0, X, name, "every value must be > 0")
    power = _power(aggregator, X, ctx)
    if complete:
        return _complete_sum(name, xs, ws, power, ctx)
    num: Any = 0.0
    total: Any = 0.0
    for x, w in zip(xs, ws, strict=True):
        present = ~np.isnan(x)
        filled = np.where(present, x, 1.0)
        if name == "generalised":
            num = num + w * x**power
            total = total + w
            continue
        wp = np.where(present, w, 0.0)
        total = total + wp
        if name == "arithmetic":
            num = num + wp * np.where(present, x, 0.0)
        elif name == "geometric":
            num = num + wp * np.log(filled)
        else:  # harmonic
            num = num + wp / filled
    if name == "generalised":
        return _root(num / total, power, ctx)
    total = np.where(total > 0, total, np.nan)
    if name == "arithmetic":
        return num / total
    if name == "geometric":
        return np.exp(num / total)
    return total / num


def _complete_sum(
    name: str, xs: list[np.ndarray], ws: list[Weight], power: float, ctx: Children
) -> np.ndarray:
    """:func:`_summed_mean` when no child is missing: one product and one sum per child, in
    place; the totals are the weights' sums."""
    rows = len(ctx.data)
    sets = max(x.shape[1] for x in xs)
    num = np.zeros((rows, sets))
    term = np.empty((rows, sets))
    total: Any = 0.0
    for x, w in zip(xs, ws, strict=True):
        if name == "arithmetic":
            np.multiply(x, w, out=term)
        elif name == "geometric":
            np.multiply(np.log(x), w, out=term)
        elif name == "harmonic":
            np.divide(w, x, out=term)
        else:
            np.multiply(x**power, w, out=term)
        num += term
        total = total + np.asarray(w, dtype=float)
    if name == "generalised":
        return _root(num / total, power, ctx)
    total = np.where(total > 0, total, np.nan)
    if name == "harmonic":
        return np.divide(total, num, out=num)
    num /= total
    return np.exp(num, out=num) if name == "geometric" else num


def _power(aggregator: Aggregator, X: np.ndarray, ctx: Children) -> float:
    """The generalised mean's power, checked as the engine checks it (0 for other methods)."""
    if aggregator.name != "generalised":
        return 0.0
    aggregator.check(f"aggregate: the generalised mean for level {ctx.level}")
    power = float(aggregator.params["p"])
    if power < 0:
        ctx.refuse(X <= 0, X, "generalised", f"with p = {power:g} every value must be > 0")
    elif not power.is_integer():
        ctx.refuse(X < 0, X, "generalised", f"with p = {power:g} (not whole) no value may be < 0")
    return power


def _root(inner: np.ndarray, power: float, ctx: Children) -> np.ndarray:
    negative = inner < 0
    if negative.any():
        row = int(np.argwhere(negative)[0][0])
        raise DataError(
            f"aggregate: the generalised mean for {ctx.code!r} (level {ctx.level}) of "
            f"{row_label(ctx.data, row)}: the weighted mean of x^{power:g} is negative in a "
            f"weight set, which has no real root of order {power:g}"
        )
    return inner ** (1.0 / power)


def _one_set_at_a_time(
    aggregator: Aggregator,
    xs: list[Values],
    ws: list[Weight],
    threshold: float | None,
    ctx: Children,
    sets: int,
) -> np.ndarray:
    """The engine's aggregator once per weight set (methods with no matrix form)."""
    out = np.empty((len(ctx.data), sets))
    W = np.column_stack([np.broadcast_to(np.asarray(w, dtype=float), (sets,)) for w in ws])
    for s in range(sets):
        X = np.column_stack([x if x.ndim == 1 else x[:, s] for x in xs])
        out[:, s] = _scores(aggregator, X, W[s], threshold, ctx)
    return out
