"""The checks the screen could not clear, run as Great Expectations suites, and their outcomes.

GX validates pandas frames here (its SQL datasource cannot read DuckDB tables): one ephemeral
context per validation call, one suite per frame. Each failing outcome lists a few offending
rows with their source file and row. This is the only module that imports GX (``run`` imports
it when a check needs it), so a validation with nothing to report does not load GX at all.
"""

from __future__ import annotations

import logging
import math
from typing import TYPE_CHECKING, Any

import great_expectations as gx
import numpy as np
import pandas as pd
from great_expectations.data_context.types.base import (
    DataContextConfig,
    InMemoryStoreBackendDefaults,
    ProgressBarsConfig,
)
from great_expectations.expectations.row_conditions import Column

from innovation_monitor.validation import expectations as own_expectations
from innovation_monitor.validation.outcomes import CheckOutcome

if TYPE_CHECKING:
    from great_expectations.core.expectation_validation_result import (
        ExpectationValidationResult,
    )
    from great_expectations.data_context import EphemeralDataContext
    from great_expectations.expectations.expectation import Expectation

    from innovation_monitor.validation.rules import Check

logging.getLogger("great_expectations").setLevel(logging.WARNING)

# Columns copied into a failing check's examples, when the frame has them.
EXAMPLE_COLUMNS = (
    "year",
    "region_code",
    "variable",
    "indicator",
    "value",
    "raw_value",
    "source_file",
    "source_sheet",
    "source_row",
    "source_column",
)


def evaluate(
    frames: dict[str, pd.DataFrame], checks: dict[str, list[Check]], max_examples: int
) -> dict[str, CheckOutcome]:
    """Run each frame's ``checks`` in one GX context; the outcome of every check, by name."""
    by_name = {check.name: check for batch in checks.values() for check in batch}
    context = _context()
    source = context.data_sources.add_pandas("innovation_monitor")
    outcomes: dict[str, CheckOutcome] = {}
    for batch, frame in frames.items():
        expectations = [expectation(check) for check in checks.get(batch, [])]
        if not expectations:
            continue
        definition = source.add_dataframe_asset(batch).add_batch_definition_whole_dataframe(batch)
        suite = context.suites.add(gx.ExpectationSuite(name=batch, expectations=expectations))
        validation = context.validation_definitions.add(
            gx.ValidationDefinition(name=batch, data=definition, suite=suite)
        )
        result = validation.run(
            batch_parameters={"dataframe": frame},
            result_format={"result_format": "SUMMARY", "partial_unexpected_count": max_examples},
        )
        for item in result.results:
            config = item.expectation_config
            assert config is not None  # GX attaches its expectation to every result of a suite
            check = by_name[config.meta["check"]]
            outcomes[check.name] = _outcome(check, item, frame)
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


def _outcome(check: Check, item: ExpectationValidationResult, frame: pd.DataFrame) -> CheckOutcome:
    error = _exception_message(item.exception_info or {})
    found = item.result or {}
    columns = [column for column in EXAMPLE_COLUMNS if column in frame.columns]
    examples = [
        {column: _plain(frame.at[index, column]) for column in columns}
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
        examples=examples,
        error=error,
    )


def _exception_message(info: dict[str, Any]) -> str | None:
    """GX reports an error either flat or nested per failed metric; return the message(s)."""
    if "exception_message" in info:
        return str(info["exception_message"]) if info.get("raised_exception", True) else None
    messages = [str(v["exception_message"]) for v in info.values() if isinstance(v, dict)]
    return "; ".join(dict.fromkeys(messages)) or None


def _plain(value: Any) -> Any:
    """numpy/pandas scalars as plain Python (JSON- and metadata-friendly); missing as None."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, np.generic):
        return _plain(value.item())
    return value
