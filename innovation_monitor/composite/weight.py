"""The weighting step: choose the weights that aggregation will use, and write them into a copy
of the framework.

``explicit`` keeps the framework's own (expert) weights; ``equal`` sets every node's weight to 1;
``entropy``, ``critic`` and ``pca`` derive indicator weights from the data with
:mod:`innovation_monitor.composite.weighting` — applied to the indicators under each parent
(``level: parent``, the default: the aggregates keep their weights) or to all indicators at once
(``level: all``: each aggregate's weight becomes the sum of its indicators' weights, so every
indicator's effective weight is its data-driven weight); ``entropy`` also takes
``negative: shift`` to shift a column with negative values to start at 0; ``ahp`` turns
pairwise comparison matrices, one per parent (``matrix: {PARENT: {ROW: {COL: a}}}``), into the
weights of that parent's children. The data-driven methods need normalised, direction-adjusted
data, so the step belongs after ``normalise``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from innovation_monitor.composite import weighting
from innovation_monitor.composite.dataset import check_data, numeric_frame
from innovation_monitor.composite.framework import Framework
from innovation_monitor.composite.record import StepRecord
from innovation_monitor.composite.spec import check_method, resolve_params
from innovation_monitor.errors import DataError, FrameworkError

DATA_DRIVEN: dict[str, Callable[..., pd.Series]] = {
    "entropy": weighting.entropy_weights,
    "critic": weighting.critic_weights,
    "pca": weighting.pca_weights,
}
_PARAMS: dict[str, dict[str, Any]] = {
    "explicit": {},
    "equal": {},
    "entropy": {"level": "parent", "negative": "raise"},
    "critic": {"level": "parent"},
    "pca": {"level": "parent"},
    "ahp": {"matrix": None, "max_consistency_ratio": weighting.CONSISTENCY_THRESHOLD},
}
METHODS = tuple(_PARAMS)
LEVELS = ("parent", "all")


def weight(
    data: pd.DataFrame, framework: Framework, *, method: str, **params: Any
) -> tuple[Framework, StepRecord]:
    """Return the re-weighted framework and a record of every node's weight before and after."""
    where = "weight"
    check_method(method, METHODS, where)
    opts = resolve_params(params, _PARAMS[method], f"{where} {{method: {method}}}")
    tables: dict[str, pd.DataFrame] = {}
    if method == "explicit":
        new: dict[str, float] = {}
    elif method == "equal":
        new = dict.fromkeys(framework.nodes, 1.0)
    elif method == "ahp":
        new, tables["ahp"] = _ahp(framework, opts, where)
    else:
        codes = list(framework.indicators)
        check_data(data, codes, what=where)
        new = _data_driven(numeric_frame(data, codes), framework, method, opts, where)
    reweighted = framework.with_weights(new) if new else framework
    effective = reweighted.effective_weights()
    details = pd.DataFrame(
        {
            "iCode": list(framework.nodes),
            "Level": [n.level for n in framework.nodes.values()],
            "Parent": [n.parent for n in framework.nodes.values()],
            "weight_before": framework.weights().to_numpy(),
            "Weight": reweighted.weights().to_numpy(),
            "EffWeight": effective.to_numpy(),
        }
    )
    record = StepRecord(
        step="weight", params={"method": method, **opts}, details=details, tables=tables
    )
    return reweighted, record


def _data_driven(
    values: pd.DataFrame, framework: Framework, method: str, opts: Mapping[str, Any], where: str
) -> dict[str, float]:
    level = opts["level"]
    if level not in LEVELS:
        raise FrameworkError(f"{where}: level is {level!r}; expected one of {list(LEVELS)}")
    groups = (
        [list(framework.indicators)]
        if level == "all"
        else [list(framework.children(p)) for p in framework.codes_at(2)]
    )
    func = DATA_DRIVEN[method]
    extra = {k: v for k, v in opts.items() if k != "level"}
    new: dict[str, float] = {}
    for codes in groups:
        if len(codes) == 1:
            new[codes[0]] = 1.0
            continue
        w = func(values[codes], **extra)
        if not np.all(np.isfinite(w.to_numpy())):
            raise DataError(f"{where}: {method} gave no usable weights for {codes}")
        new.update({c: float(w[c]) for c in codes})
    if level == "all":
        # within-parent normalisation would otherwise undo the global weights
        for lev in range(2, framework.max_level):
            for code in framework.codes_at(lev):
                new[code] = sum(new[k] for k in framework.children(code))
    return new


def _ahp(
    framework: Framework, opts: Mapping[str, Any], where: str
) -> tuple[dict[str, float], pd.DataFrame]:
    """Weights of each listed parent's children from its pairwise comparison matrix."""
    matrices = opts["matrix"]
    if not isinstance(matrices, Mapping) or not matrices:
        raise FrameworkError(
            f"{where}: ahp needs 'matrix: {{PARENT: {{ROW: {{COLUMN: value}}}}}}', one matrix "
            "per parent whose children it weighs"
        )
    new: dict[str, float] = {}
    rows = []
    for parent, given in matrices.items():
        label = f"{where}: ahp matrix for {parent!r}"
        if parent not in framework or framework[parent].level < 2:
            raise FrameworkError(f"{label}: {parent!r} is not an aggregate of the framework")
        kids = list(framework.children(parent))
        matrix = _square_matrix(given, kids, label)
        result = weighting.ahp_weights(matrix)
        limit = opts["max_consistency_ratio"]
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
    return new, pd.DataFrame(rows)


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
