"""The checks the screen could not clear, run as Great Expectations suites, and their outcomes.

GX validates pandas copies of the polars frames here (its SQL datasource cannot read DuckDB
tables): one ephemeral context per validation call, one suite per (frame, year), with only the
columns the pending checks read. Each failing outcome lists a few offending rows with their
source file and row. This is the only module that imports GX (``run`` imports it when a check
needs it), so a validation with nothing to report does not load GX at all.
"""

from __future__ import annotations

import logging
import math
from typing import TYPE_CHECKING, Any

import great_expectations as gx
import polars as pl
from great_expectations.data_context.types.base import (
    DataContextConfig,
    InMemoryStoreBackendDefaults,
    ProgressBarsConfig,
)
from great_expectations.expectations.row_conditions import Column

from innovation_monitor.validation import expectations as own_expectations
from innovation_monitor.validation.outcomes import DETAIL_FIELDS, CheckOutcome

if TYPE_CHECKING:
    from great_expectations.core.expectation_validation_result import (
        ExpectationValidationResult,
    )
    from great_expectations.data_context import EphemeralDataContext
    from great_expectations.expectations.expectation import Expectation

    from innovation_monitor.validation.rules import Check, Frames

logging.getLogger("great_expectations").setLevel(logging.WARNING)

# Columns copied into a failing check's examples, when the frame has them.
EXAMPLE_COLUMNS = (
    "year",
    "region_code",
    "variable",
    "indicator",
    "value",
    *DETAIL_FIELDS,
    "raw_value",
    "source_file",
    "source_sheet",
    "source_row",
    "source_column",
    "region_text",
    "variable_text",
    "reason",
)


def evaluate(
    frames: Frames, checks: dict[tuple[str, int | None], list[Check]], max_examples: int
) -> dict[tuple[str, int | None], CheckOutcome]:
    """Run each frame's ``checks`` in one GX context; every check's outcome by (name, year)."""
    context = _context()
    source = context.data_sources.add_pandas("innovation_monitor")
    outcomes: dict[tuple[str, int | None], CheckOutcome] = {}
    for (batch, year), pending in checks.items():
        frame = frames[batch, year]
        by_name = {check.name: check for check in pending}
        name = f"{batch}_{year}"
        columns = sorted(set().union(*(check.columns for check in pending)) & set(frame.columns))
        definition = source.add_dataframe_asset(name).add_batch_definition_whole_dataframe(name)
        suite = context.suites.add(
            gx.ExpectationSuite(name=name, expectations=[expectation(c) for c in pending])
        )
        validation = context.validation_definitions.add(
            gx.ValidationDefinition(name=name, data=definition, suite=suite)
        )
        result = validation.run(
            batch_parameters={"dataframe": frame.select(columns).to_pandas()},
            result_format={"result_format": "SUMMARY", "partial_unexpected_count": max_examples},
        )
        for item in result.results:
            config = item.expectation_config
            assert config is not None  # GX attaches its expectation to every result of a suite
            check = by_name[config.meta["check"]]
            outcomes[check.name, year] = _outcome(check, item, frame)
    return outcomes


def expectation(check: Check) -> Expectation:
    """The check's GX expectation, tagged with its name to match GX's results back to it."""
    kind = getattr(gx.expectations, check.expectation, None) or getattr(
        own_expectations, check.expectation
    )
    kwargs = dict(check.kwargs)
    if check.where is not None:
        column, value = check.where
        kwargs["row_condition"] = Column(column) == value
    return kind(meta={"check": check.name}, **kwargs)


def _context() -> EphemeralDataContext:
    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(),
        progress_bars=ProgressBarsConfig(globally=False),
    )
    return gx.get_context(mode="ephemeral", project_config=config)


def _outcome(check: Check, item: ExpectationValidationResult, frame: pl.DataFrame) -> CheckOutcome:
    error = _exception_message(item.exception_info or {})
    found = item.result or {}
    shown = frame.select(column for column in EXAMPLE_COLUMNS if column in frame.columns)
    examples = [
        shown.row(int(index), named=True)
        for index in found.get("partial_unexpected_index_list") or []
    ]
    if check.annotate is not None:
        examples = [check.annotate(example) for example in examples]
    return CheckOutcome(
        name=check.name,
        category=check.category,
        description_zh=check.description_zh,
        description_en=check.description_en,
        success=bool(item.success) and error is None,
        unexpected_count=int(found.get("unexpected_count") or 0),
        examples=[{k: _plain(v) for k, v in example.items()} for example in examples],
        error=error,
        severity=check.severity,
        year=check.year,
    )


def _exception_message(info: dict[str, Any]) -> str | None:
    """GX reports an error either flat or nested per failed metric; return the message(s)."""
    if "exception_message" in info:
        return str(info["exception_message"]) if info.get("raised_exception", True) else None
    messages = [str(v["exception_message"]) for v in info.values() if isinstance(v, dict)]
    return "; ".join(dict.fromkeys(messages)) or None


def _plain(value: Any) -> Any:
    """A frame's value as plain JSON- and metadata-friendly Python: NaN as None."""
    return None if isinstance(value, float) and math.isnan(value) else value
