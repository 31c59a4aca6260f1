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

from collections.abc import Mapping
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from innovation_monitor.composite.aggregators import AGGREGATORS, Aggregator, Children
from innovation_monitor.composite.dataset import TIME, UNIT, Data, checked_at_the_edge
from innovation_monitor.composite.framework import Framework
from innovation_monitor.composite.record import StepRecord, records_frame
from innovation_monitor.composite.spec import check_method, check_share
from innovation_monitor.composite.topsis import topsis as topsis_rank
from innovation_monitor.errors import FrameworkError

#: rows aggregated at once by a weighted mean (bounds the temporary arrays of a large panel)
ROWS = 1 << 16


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


def level_parameters(
    framework: Framework,
    method: str | Mapping[int, str],
    p: float | Mapping[int, float] | None,
    dat_thresh: float | Mapping[int, float] | None,
    where: str = "aggregate",
) -> tuple[dict[int, Any], dict[int, Any], dict[int, Any]]:
    """The aggregate step's parameters resolved level by level and checked: per level made
    (2 up to the top, in order) the method, the power and the data threshold (shared by the build's
    aggregation and the uncertainty analysis's, so both read a step the same way)."""
    levels = range(2, framework.max_level + 1)
    methods = _per_level(method, levels, "method", "arithmetic")
    powers = _per_level(p, levels, "p", None)
    thresholds = _per_level(dat_thresh, levels, "dat_thresh", None)
    for level, name in methods.items():
        check_method(name, AGGREGATORS, f"{where} level {level}")
    for level, share in thresholds.items():
        if share is not None:
            check_share(share, f"{where}: dat_thresh for level {level}")
    return methods, powers, thresholds


def _aggregator(name: str, p: Any, where: str) -> Aggregator:
    """The method of one level; the level's power ``p`` goes to a method that takes one."""
    cls = AGGREGATORS[name]
    return cls({"p": p} if "p" in cls.defaults else {}, where=f"{where} {{method: {name}}}")


@checked_at_the_edge
def aggregate(
    data: Data,
    framework: Framework,
    *,
    method: str | Mapping[int, str] = "arithmetic",
    p: float | Mapping[int, float] | None = None,
    dat_thresh: float | Mapping[int, float] | None = None,
    topsis: bool | Mapping[str, Any] = False,
) -> tuple[Data, StepRecord]:
    """Append one column per aggregate, level by level (see the module docstring)."""
    where = "aggregate"
    methods, powers, thresholds = level_parameters(framework, method, p, dat_thresh)
    made = list(framework.aggregates)
    at = {code: j for j, code in enumerate(made)}
    A = np.empty((len(data), len(made)), order="F")  # scores, read again by the level above
    rows = []
    for level in methods:
        aggregator = _aggregator(methods[level], powers[level], f"{where} level {level}")
        # a weighted mean is row by row: a block of rows at a time bounds the temporaries
        step = ROWS if aggregator.mean else max(1, len(data))
        for code in framework.codes_at(level):
            kids = list(framework.children(code))
            w = np.array([framework[k].weight for k in kids], dtype=float)
            values = [A[:, at[kid]] if kid in at else data.column(kid) for kid in kids]
            for start in range(0, len(data), step):
                part = slice(start, start + step)
                frame = data.frame if step >= len(data) else data.frame.iloc[part]
                x = np.empty((len(frame), len(kids)), order="F")
                for i, column in enumerate(values):
                    x[:, i] = column[part]
                ctx = Children(code, level, kids, frame)
                A[part, at[code]] = _scores(aggregator, x, w, thresholds[level], ctx)
            rows.append(
                {
                    "iCode": code,
                    "Level": level,
                    "method": methods[level],
                    "children": ", ".join(kids),
                    "missing": int(np.isnan(A[:, at[code]]).sum()),
                }
            )
    out = data.replaced(made, A)
    tables = {}
    if topsis:
        tables["topsis"] = _topsis(out, framework, topsis)
    record = StepRecord(
        step="aggregate",
        params={"method": methods, "p": powers, "dat_thresh": thresholds, "topsis": topsis},
        summary=partial(records_frame, rows),
        tables=tables,
    )
    return out, record


def _scores(
    aggregator: Aggregator, x: np.ndarray, w: np.ndarray, threshold: Any, ctx: Children
) -> np.ndarray:
    """One aggregate of the rows of ``x`` (units × children): missing where the share of
    present children is below ``threshold`` or nothing is present."""
    share = np.count_nonzero(~np.isnan(x), axis=1) / x.shape[1]  # as np.mean of the flags
    enough = share >= threshold if threshold is not None else share >= 0
    x_used = x if enough.all() else np.where(enough[:, np.newaxis], x, np.nan)
    ctx.refuse(
        np.isinf(x_used),
        x_used,
        aggregator.name,
        "every value must be finite",
        "find the division by zero in an earlier step (denominate, or normalise with "
        "fraction_of_max, distance_to_target or ratio_to_reference)",
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        score = aggregator.transform(x_used, w, ctx)
    return np.where(enough & (share > 0), score, np.nan)


def _topsis(data: Data, framework: Framework, spec: bool | Mapping[str, Any]) -> pd.DataFrame:
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
    values = data.indicator_frame(codes)
    for _, rows in data.periods:
        block = data.frame.iloc[rows]
        ranked = topsis_rank(
            values.iloc[rows].reset_index(drop=True),
            weights,
            normalise=options.get("normalise", "vector"),
        )
        ids = block[[c for c in (UNIT, TIME) if c in block.columns]].reset_index(drop=True)
        pieces.append(pd.concat([ids, ranked[["closeness", "rank"]]], axis=1))
    return pd.concat(pieces, ignore_index=True)
