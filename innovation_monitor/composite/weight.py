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

from typing import Any

import pandas as pd

from innovation_monitor.composite.dataset import Data, checked_at_the_edge
from innovation_monitor.composite.framework import Framework
from innovation_monitor.composite.record import StepRecord
from innovation_monitor.composite.spec import check_method
from innovation_monitor.composite.weighters import WEIGHTERS


@checked_at_the_edge
def weight(
    data: Data, framework: Framework, *, method: str, **params: Any
) -> tuple[Framework, StepRecord]:
    """Return the re-weighted framework and a record of every node's weight before and after."""
    where = "weight"
    check_method(method, WEIGHTERS, where)
    weighter = WEIGHTERS[method](params, where=f"{where} {{method: {method}}}")
    reweighted = weighter.fit(data, framework).transform(framework)
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
        step="weight",
        params={"method": method, **weighter.params},
        summary=details,
        tables=weighter.tables_,
    )
    return reweighted, record
