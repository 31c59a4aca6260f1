"""What a report says about the quality of its data, laid out from the stored tables.

``imputations`` (written by scoring) says which indicator values the scores rest on that are not
the unit's own figure of the year; the report marks each of them, explains it in words, flags a
unit's pillar that rests mostly on them and counts them per indicator. The validation results
of the run (``validation_results``) give the warnings that failed and the blocking checks the
user accepted (``--accept-quarantine``), and the ``quarantine`` the cells left out because of
them. Nothing here scores or imputes.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import polars as pl

from innovation_monitor.errors import DataError
from innovation_monitor.framework import IndicatorSystem, MonitoringFramework
from innovation_monitor.framework.unit_types import UnitTypes
from innovation_monitor.ingest.result import PROBLEM, PROVENANCE_SCHEMA, QUARANTINE_SCHEMA
from innovation_monitor.reports.labels import Bilingual, estimate_text, label
from innovation_monitor.reports.views import (
    CheckView,
    DataQuality,
    Estimate,
    ExcludedCell,
    IndicatorQuality,
    Named,
    PillarFlag,
)
from innovation_monitor.scoring.schemas import CARRY_FORWARD, MISSING
from innovation_monitor.validation.outcomes import VALIDATION_RESULTS_SCHEMA

QUALITY_COLUMNS: dict[str, pl.DataType] = {
    name: VALIDATION_RESULTS_SCHEMA[name]
    for name in (
        "year",
        "level",
        "severity",
        "success",
        "accepted",
        "unexpected_count",
        "description_zh",
        "description_en",
        "examples",
    )
}
"""The columns of ``validation_results`` a report reads."""
QUARANTINE_COLUMNS: dict[str, pl.DataType] = {
    name: QUARANTINE_SCHEMA[name]
    for name in ("year", "level", *PROVENANCE_SCHEMA, "reason", "kind")
}
"""The columns of ``quarantine`` a report reads."""
EXAMPLES_SHOWN = 5
"""Offending rows shown per check (the count says how many there are)."""

Estimates = Mapping[tuple[str, str], Estimate]
"""The estimates of a year by (unit code, indicator code)."""


def read_estimates(
    imputations: pl.DataFrame,
    year: int,
    ref: Callable[[str], Named],
    types: UnitTypes | None = None,
) -> dict[tuple[str, str], Estimate]:
    """The ``imputations`` rows of ``year`` as estimates, their source in words (a group code
    is named by ``ref``, a unit type by ``types``, the level's 分类评价 types)."""
    return {
        (code, indicator): Estimate(
            method=method,
            how=estimate_text(method, _fields(source, ref, types)),
            value=None if method == MISSING or value is None else float(value),
        )
        for code, indicator, value, method, source in imputations.filter(pl.col("year") == year)
        .select("region_code", "indicator", "value", "method", "source")
        .iter_rows()
    }


def _fields(
    source: str | None, ref: Callable[[str], Named], types: UnitTypes | None = None
) -> dict[str, str | Bilingual]:
    """The ``key=value`` pairs of a source (``group=370100; n=4``), the group by its name: a
    city, a unit type (``group=县``: the province's counties) or both (``group=370100/县``:
    Jinan's counties)."""
    pairs = (part.split("=", 1) for part in (source or "").split("; ") if "=" in part)
    fields: dict[str, str | Bilingual] = {key: value for key, value in pairs}
    group = fields.get("group")
    if isinstance(group, str):
        city, _, kind = group.rpartition("/")
        known = None if types is None else next((t for t in types.types if t.name_zh == kind), None)
        # a group that is not a unit of the registry or a type is shown as written
        with contextlib.suppress(DataError):
            if known is None:
                fields["group"] = ref(group).name
            else:
                where = ref(city).name if city else Bilingual("全省", "the province")
                fields["group"] = Bilingual(
                    f"{where.zh}的{known.name_zh}", f"the {known.name_en.lower()} of {where.en}"
                )
    return fields


def pillar_flags(
    framework: MonitoringFramework, code: str, estimates: Estimates
) -> tuple[PillarFlag, ...]:
    """The pillars of a unit more than half of whose indicators are imputed or missing."""
    flags = []
    for pillar in framework.pillars:
        indicators = framework.indicators_of(pillar.code)
        estimated = sum((code, i.code) in estimates for i in indicators)
        if 2 * estimated > len(indicators):
            flags.append(
                PillarFlag(
                    pillar.code,
                    Bilingual(pillar.name_zh, pillar.name_en),
                    estimated,
                    len(indicators),
                )
            )
    return tuple(flags)


def data_quality(
    system: IndicatorSystem,
    framework: MonitoringFramework,
    units: Iterable[Named],
    estimates: Estimates,
    flags: Mapping[str, tuple[PillarFlag, ...]],
    quality: pl.DataFrame,
    quarantine: pl.DataFrame,
    ref: Callable[[str], Named],
) -> DataQuality:
    """The data-quality section of a year: per indicator, the ranked ``units`` with their own
    figure and the values carried forward, imputed otherwise or missing; the units with
    flagged pillars; the failing warnings and accepted checks of ``quality`` (its rows of the
    year and level) and, when a check was accepted, the problem cells of ``quarantine``."""

    def names(code: str, lang: str) -> str:
        """A variable, indicator or unit by its name in one language (else as written)."""
        if code in system.variables:
            return getattr(system.variables[code], f"name_{lang}")
        indicator = next((i for i in framework.indicators if i.code == code), None)
        if indicator is not None:
            return getattr(indicator, f"name_{lang}")
        try:
            return ref(code).name.get(lang)
        except DataError:
            return code

    shown = list(units)
    counts = []
    for indicator in framework.indicators:
        methods = [
            e.method for u in shown if (e := estimates.get((u.code, indicator.code))) is not None
        ]
        carried = methods.count(CARRY_FORWARD)
        missing = methods.count(MISSING)
        counts.append(
            IndicatorQuality(
                code=indicator.code,
                name=Bilingual(indicator.name_zh, indicator.name_en),
                own=len(shown) - len(methods),
                carried=carried,
                imputed=len(methods) - carried - missing,
                missing=missing,
            )
        )
    failing = quality.filter(~pl.col("success"))
    accepted = quality.filter(pl.col("accepted").fill_null(False))
    return DataQuality(
        indicators=tuple(counts),
        flagged=tuple((u, flags[u.code]) for u in shown if flags.get(u.code)),
        warnings=_checks(
            failing.filter(
                (pl.col("severity") == "warning") & ~pl.col("accepted").fill_null(False)
            ),
            names,
        ),
        accepted=_checks(accepted, names),
        excluded=_excluded(quarantine) if accepted.height else (),
    )


def _checks(rows: pl.DataFrame, names: Callable[[str, str], str]) -> tuple[CheckView, ...]:
    return tuple(
        CheckView(
            description=Bilingual(row["description_zh"] or "", row["description_en"] or ""),
            count=int(row["unexpected_count"] or 0),
            examples=tuple(
                example_words(e, names) for e in _examples(row["examples"])[:EXAMPLES_SHOWN]
            ),
        )
        for row in rows.iter_rows(named=True)
    )


def _examples(text: str | None) -> list[dict[str, Any]]:
    """The offending rows stored with a check (a JSON list of objects); anything else is
    shown as no example rather than stopping the report."""
    try:
        examples = json.loads(text) if text else []
    except json.JSONDecodeError:
        return []
    if not isinstance(examples, list):
        return []
    return [e for e in examples if isinstance(e, dict)]


def example_words(example: Mapping[str, Any], names: Callable[[str, str], str]) -> Bilingual:
    """One offending row in words: where it is (file, row, column), what it holds."""

    def words(lang: str) -> str:
        parts = []
        what = " ".join(
            str(part)
            for part in (
                example.get("year"),
                *(
                    names(str(example[key]), lang)
                    for key in ("region_code", "variable", "indicator")
                    if example.get(key) is not None
                ),
            )
            if part is not None
        )
        if what:
            parts.append(what if "value" not in example else f"{what} = {example['value']}")
        if example.get("source_file"):
            file = str(example["source_file"])
            if example.get("source_sheet"):
                file += f":{example['source_sheet']}"
            parts.append(
                label("example_cell")
                .get(lang)
                .format(
                    file=file,
                    row=example.get("source_row", "?"),
                    column=example.get("source_column") or "?",
                )
            )
        if example.get("raw_value") not in (None, ""):
            parts.append(label("example_raw").get(lang).format(raw=example["raw_value"]))
        if example.get("note"):
            parts.append(str(example["note"]))
        return ("，" if lang == "zh" else ", ").join(parts)

    return Bilingual(words("zh"), words("en"))


def _excluded(quarantine: pl.DataFrame) -> tuple[ExcludedCell, ...]:
    """The problem cells of the quarantine, in file and row order."""
    cells = quarantine.filter(pl.col("kind") == PROBLEM).sort(
        "source_file", "source_sheet", "source_row", "source_column", nulls_last=True
    )
    return tuple(
        ExcludedCell(
            file=row["source_file"] + (f":{row['source_sheet']}" if row["source_sheet"] else ""),
            row=row["source_row"],
            column=row["source_column"] or "",
            raw=row["raw_value"] or "",
            reason=row["reason"] or "",
        )
        for row in cells.iter_rows(named=True)
    )
