"""Turn a stage's summary into what the Dagster UI shows for a materialization."""

import dagster as dg

from innovation_monitor.summaries import StageSummary


def materialized(context: dg.AssetExecutionContext, summary: StageSummary) -> dg.MaterializeResult:
    """Log the stage's line; attach its figures and, if any, its table as Markdown."""
    context.log.info(summary.describe())
    metadata: dict[str, dg.RawMetadataValue] = dict(summary.metadata())
    if summary.table:
        metadata["preview"] = dg.MetadataValue.md(summary.table)
    return dg.MaterializeResult(metadata=metadata)
