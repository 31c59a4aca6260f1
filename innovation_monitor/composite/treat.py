"""Outlier treatment, so a few extreme values do not flatten everyone else after min-max.

``winsorise_then_log`` is COINr's default and copies it exactly: an indicator passes when
|skewness| < ``skew`` or kurtosis < ``kurtosis`` (e1071 type-2 estimators, excess kurtosis);
a failing one is winsorised one extreme at a time, on the side of the skew, while COINr's count
of winsorised points stays below ``winmax``; if it still fails, the winsorised values are
discarded and the *untreated* column is log-transformed with ``log(x − min + 0.01·(max − min))``.
``boxcox`` Box-Cox-transforms failing indicators instead (``lambda`` given, or fitted by maximum
likelihood); ``none`` leaves the data alone. Per-indicator overrides go in ``indicators``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from innovation_monitor.composite.columns import Column, column_chunks, revised
from innovation_monitor.composite.dataset import TIME, Data, checked_at_the_edge
from innovation_monitor.composite.framework import Framework
from innovation_monitor.composite.normalise import fit_rows
from innovation_monitor.composite.outliers import moments
from innovation_monitor.composite.record import Changes, ColumnAction, StepRecord, columns_frame
from innovation_monitor.composite.spec import check_method, merged_spec, per_indicator_specs
from innovation_monitor.composite.treatments import NONE, TREATMENTS, WINSORISED, Treatment
from innovation_monitor.errors import FrameworkError

PANEL_MODES = ("per_period", "pooled")


def _winsorised_side(before: np.ndarray, after: np.ndarray) -> np.ndarray:
    """A winsorised cell went down at the top end, up at the bottom end."""
    return np.where(after < before, "winsorised (high)", "winsorised (low)")


@checked_at_the_edge
def treat(
    data: Data,
    framework: Framework,
    *,
    method: str = "winsorise_then_log",
    panel: str = "per_period",
    fit_periods: list[Any] | None = None,
    indicators: Mapping[str, Any] | None = None,
    **params: Any,
) -> tuple[Data, StepRecord]:
    """Treat outliers indicator by indicator (see the module docstring).

    For a panel, ``panel: per_period`` treats each period on its own (as COINr treats each
    coin); ``pooled`` tests and treats all periods of an indicator together, so one
    transformation applies to every year. With ``pooled``, ``fit_periods`` decides the treatment
    on those periods only and applies it to every period (the winsorisation bounds and log
    shift of a published edition, so its years keep their values). The indicators sharing a
    method and its parameters are tested and treated together, every period at once.
    """
    where = "treat"
    check_method(method, TREATMENTS, where)
    if panel not in PANEL_MODES:
        raise FrameworkError(f"{where}: panel is {panel!r}; expected one of {list(PANEL_MODES)}")
    global_opts = TREATMENTS[method](params, where=f"{where} {{method: {method}}}").params
    codes = list(framework.indicators)
    overrides = per_indicator_specs(indicators, codes, where)
    groups: dict[tuple[str, str], list[str]] = {}
    for code in codes:
        own_method, own_params = merged_spec(method, params, overrides.get(code))
        if code in overrides:
            label = f"{where}: indicator {code!r}"
            check_method(own_method, TREATMENTS, label)
            own_params = TREATMENTS[own_method](own_params, where=label).params
        else:
            own_params = global_opts
        groups.setdefault((own_method, repr(own_params)), []).append(code)
    per_period = panel == "per_period" and TIME in data.frame.columns
    if fit_periods is not None and panel != "pooled":
        raise FrameworkError(f"{where}: fit_periods needs panel: pooled, got panel: {panel}")
    fit = None if fit_periods is None else fit_rows(data, fit_periods, where)
    blocks: list[tuple[object, np.ndarray]] = (
        data.periods if per_period else [(None, np.arange(len(data)))]
    )
    treated_columns: dict[str, Column] = {}
    summaries: list[dict[str, list[Any]]] = []  # one per run of codes: its series in order
    treated_codes: list[str] = []  # the codes of the runs' series, in that order
    actions: dict[str, ColumnAction] = {}
    nb = len(blocks)
    for (own_method, _), members in groups.items():
        own_params = merged_spec(method, params, overrides.get(members[0]))[1]
        named = f"{where}: indicator {members[0]!r}"
        # each series is treated on its own: a few columns at a time bound the copies
        for run in column_chunks(members, len(data)):
            treatment = TREATMENTS[own_method](own_params, where=named)
            series = _Series(data, run, blocks)
            if fit is None:
                treated = treatment.fit_transform(series.values)
            else:
                treated = treatment.fit(series.values[fit]).transform(series.values)
            treated_columns.update(series.columns(treated))
            summary = _summary(treatment, treated, refitted=fit is not None)
            for i, code in enumerate(run):
                labels = [
                    (rows, _winsorised_side if done == WINSORISED else done)
                    for (_, rows), done in zip(
                        blocks, summary["treatment"][i * nb : (i + 1) * nb], strict=True
                    )
                ]
                actions[code] = labels if per_period else labels[0][1]
            summaries.append(summary)
            treated_codes += run
    result = data.with_columns(treated_columns)
    columns: dict[str, list[Any]] = {"iCode": [c for c in codes for _ in blocks]}
    if per_period:
        columns[TIME] = [period for _ in codes for period, _ in blocks]
    # the series in the framework's order of the codes, each code's blocks together
    position = {code: i for i, code in enumerate(treated_codes)}
    take = [position[code] * nb + b for code in codes for b in range(nb)]
    for key in summaries[0]:
        values = [value for summary in summaries for value in summary[key]]
        columns[key] = [values[i] for i in take]
    details = columns_frame(columns)
    record = StepRecord(
        step="treat",
        params={
            "method": method,
            "panel": panel,
            **({} if fit_periods is None else {"fit_periods": list(fit_periods)}),
            **global_opts,
            "indicators": dict(overrides),
        },
        changes=Changes(data, result, tuple(codes), actions),
        summary=details,
    )
    return result, record


def _summary(treatment: Treatment, treated: np.ndarray, refitted: bool) -> dict[str, list[Any]]:
    """The record's summary of every series a treatment was fitted on, in series order.
    Unless it was fitted on other rows (``refitted``: some periods only), a series left
    untreated keeps its moments, so only the treated ones are worked out again."""
    if refitted:
        skew_after, kurtosis_after = moments(treated)
    else:
        skew_after, kurtosis_after = treatment.skew_.copy(), treatment.kurtosis_.copy()
        done = np.flatnonzero(treatment.treatment_ != NONE)
        if done.size:
            skew_after[done], kurtosis_after[done] = moments(treated[:, done])
    passed_after = treatment.judge(skew_after, kurtosis_after)
    n = len(treatment.treatment_)
    return {
        "skew_before": treatment.skew_.tolist(),
        "kurtosis_before": treatment.kurtosis_.tolist(),
        "treatment": [str(t) for t in treatment.treatment_],
        "winsorised": treatment.winsorised_.tolist(),
        "lambda": treatment.lambda_.tolist(),
        "passed_before": [None] * n if treatment.passed_ is None else treatment.passed_.tolist(),
        "skew_after": skew_after.tolist(),
        "kurtosis_after": kurtosis_after.tolist(),
        "passed_after": [None] * n if passed_after is None else passed_after.tolist(),
        "method": [treatment.name] * n,
    }


class _Series:
    """The columns of some indicators as one matrix with a column per indicator and block of
    rows (period), NaN-padded to the longest block; :meth:`columns` makes the treated values
    into the data set's columns again."""

    def __init__(self, data: Data, codes: list[str], blocks: list[tuple[object, np.ndarray]]):
        self.data = data
        self.codes = codes
        self.blocks = blocks
        self.whole = len(blocks) == 1 and np.array_equal(blocks[0][1], np.arange(len(data)))
        if self.whole:  # every row, in order: the columns as they are
            self.values = data.values(codes)
            return
        longest = max(rows.size for _, rows in blocks)
        self.values = np.full((longest, len(codes) * len(blocks)), np.nan, order="F")
        for i, code in enumerate(codes):
            column = data.column(code)
            for p, (_, rows) in enumerate(blocks):
                self.values[: rows.size, i * len(blocks) + p] = column[rows]

    def columns(self, treated: np.ndarray) -> dict[str, Column]:
        """Each code's column with its treated values, stored over the column it was treated
        from (see :func:`~.columns.revised`)."""
        if self.whole:
            old, new = self.values, treated
        else:
            old = self.data.values(self.codes)
            new = old.copy(order="F")
            for i in range(len(self.codes)):
                for p, (_, rows) in enumerate(self.blocks):
                    new[rows, i] = treated[: rows.size, i * len(self.blocks) + p]
        bases = [self.data.columns[code] for code in self.codes]
        return dict(zip(self.codes, revised(bases, old, new), strict=True))
