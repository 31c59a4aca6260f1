"""Screening by data availability: a unit (or indicator) with too little data is dropped rather
than scored mostly from imputed or missing values (COINr's ``Screen`` with ``dat_thresh``)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from innovation_monitor.composite.dataset import TIME, UNIT, Data, checked_at_the_edge
from innovation_monitor.composite.framework import Framework
from innovation_monitor.composite.record import StepRecord, columns_frame
from innovation_monitor.composite.spec import check_share
from innovation_monitor.errors import DataError, FrameworkError


@checked_at_the_edge
def screen(
    data: Data,
    framework: Framework,
    *,
    min_data: float = 0.0,
    min_data_indicators: float | None = None,
    keep: Sequence[str] = (),
    remove: Sequence[str] = (),
) -> tuple[Data, StepRecord]:
    """Drop indicators, then units, whose share of non-missing values is below a threshold.

    Indicators are screened first (``min_data_indicators``: share of rows with a value) so that
    the units' share (``min_data``) is counted over the indicators that remain. A unit in
    ``keep`` always stays; one in ``remove`` always goes. The caller drops the screened-out
    indicators from the framework (:meth:`Framework.without`).

    For a panel the two screens differ on purpose: an indicator's share is pooled over all
    periods (it stays or goes for every year, so the framework is the same each year), while a
    unit is screened row by row — a unit-year with too little data goes, the unit's other years
    stay — and ``record.dropped_units`` lists those ``(uCode, Time)`` pairs (plain uCodes for a
    cross-section). ``keep`` and ``remove`` name units and apply to all their years.
    """
    where = "screen"
    for name, value in (("min_data", min_data), ("min_data_indicators", min_data_indicators)):
        if value is not None:
            check_share(value, f"{where}: {name}")
    codes = list(framework.indicators)
    unit_codes = data.frame[UNIT].astype(str).to_numpy()
    units = set(unit_codes)
    for name, listed in (("keep", keep), ("remove", remove)):
        missing = sorted(set(map(str, listed)) - units)
        if missing:
            raise DataError(f"{where}: {name} lists unit(s) {missing} that are not in the data")
    both = sorted(set(map(str, keep)) & set(map(str, remove)))
    if both:
        raise FrameworkError(f"{where}: unit(s) {both} are in both 'keep' and 'remove'")
    present = np.empty((len(data), len(codes)), dtype=bool, order="F")
    for j, code in enumerate(codes):  # a column at a time: no matrix of values
        present[:, j] = ~np.isnan(data.column(code))

    dropped_indicators: list[str] = []
    if min_data_indicators is not None:
        share_ind = present.mean(axis=0)
        dropped_indicators = [
            c for c, s in zip(codes, share_ind, strict=True) if s < min_data_indicators
        ]
        if len(dropped_indicators) == len(codes):
            raise DataError(
                f"{where}: every indicator has less than {min_data_indicators:.0%} data"
            )
    share = present[:, [c not in dropped_indicators for c in codes]].mean(axis=1)
    forced_in = np.isin(unit_codes, list(map(str, keep)))
    forced_out = np.isin(unit_codes, list(map(str, remove)))
    kept = ((share >= min_data) | forced_in) & ~forced_out
    reason = np.where(
        forced_out,
        "removed by request",
        np.where(share >= min_data, "", np.where(forced_in, "kept by request", "too little data")),
    )
    frame = data.frame
    ids = {c: frame[c].to_numpy() for c in (UNIT, TIME) if c in frame.columns}
    details = columns_frame({**ids, "data_share": share, "kept": kept, "reason": reason})
    if not kept.any():
        raise DataError(f"{where}: no unit has at least {min_data:.0%} of its indicator data")
    out = data.subset(np.flatnonzero(kept), dropped_indicators)
    gone = unit_codes[~kept].tolist()
    dropped_units = (
        tuple(zip(gone, frame[TIME][~kept].tolist(), strict=True))
        if TIME in frame.columns
        else tuple(gone)
    )
    record = StepRecord(
        step="screen",
        params={
            "min_data": min_data,
            "min_data_indicators": min_data_indicators,
            "keep": list(keep),
            "remove": list(remove),
        },
        summary=details,
        dropped_units=dropped_units,
        dropped_indicators=tuple(dropped_indicators),
    )
    return out, record
