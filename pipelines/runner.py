"""Run the whole asset graph in this process (the ``innovation-monitor run`` command).

The run is recorded in the project's Dagster instance (``DAGSTER_HOME``), so it shows up in the
UI's run history with its asset checks, exactly like a run launched from the UI.
"""

import sys
from pathlib import Path

import dagster as dg

from innovation_monitor.errors import InnovationMonitorError
from innovation_monitor.years import parse_years
from pipelines.definitions import defs
from pipelines.jobs import ANNUAL_JOB


def run_config(
    *,
    data_dir: Path,
    warehouse: Path,
    output_dir: Path,
    indicators_file: Path,
    years: str,
    accept_quarantine: bool = False,
) -> dict:
    """Run config that points the resources at the given paths and years."""
    if years:
        parse_years(years)  # fail early with a clear message
    if not data_dir.is_dir():
        raise InnovationMonitorError(f"--data-dir {data_dir}: no such folder")
    if not indicators_file.is_file():
        raise InnovationMonitorError(f"--indicators {indicators_file}: no such file")
    settings = {
        "data_dir": str(data_dir.resolve()),
        "output_dir": str(output_dir.resolve()),
        "indicators_file": str(indicators_file.resolve()),
        "years": years,
        "accept_quarantine": accept_quarantine,
    }
    return {
        "resources": {
            "settings": {"config": settings},
            "warehouse": {"config": {"database": str(warehouse.resolve())}},
        },
        "loggers": {"progress": {}},
    }


#: at most this many offending rows of a failed check are printed (all are in the UI and warehouse)
SHOWN_EXAMPLES = 5


def _check_failures(
    result: dg.ExecuteInProcessResult, severity: dg.AssetCheckSeverity
) -> list[str]:
    """Each failed check of ``severity`` with what it found: check, unit, file, row, column."""
    lines = []
    for evaluation in result.get_asset_check_evaluations():
        if evaluation.passed or evaluation.severity != severity:
            continue
        metadata = {key: value.value for key, value in evaluation.metadata.items()}
        mark = "✗" if severity == dg.AssetCheckSeverity.ERROR else "! 警告 / warning"
        lines.append(
            f"{mark} {evaluation.check_name}: {metadata.get('failed_checks', '')}".rstrip()
        )
        for name in str(metadata.get("failed_checks", "")).split(", "):
            if f"{name}.description" not in metadata:
                continue
            count = metadata.get(f"{name}.unexpected_count", "?")
            lines.append(f"    {name}: {metadata[f'{name}.description']} — {count} 行/rows")
            examples = [e for e in str(metadata.get(f"{name}.examples", "")).split("; ") if e]
            lines += [f"      {example}" for example in examples[:SHOWN_EXAMPLES]]
        if "problems" in metadata:  # a check without an expectation suite (summaries.CheckResult)
            examples = [e for e in str(metadata.get("examples", "")).split("; ") if e]
            lines += [f"    {example}" for example in examples[:SHOWN_EXAMPLES]]
    return lines


def _failure_messages(result: dg.ExecuteInProcessResult) -> list[str]:
    """The user-facing message of each failed step: the innermost error's message."""
    messages = []
    for event in result.all_events:
        if not event.is_step_failure:
            continue
        error = event.step_failure_data.error
        while error is not None and error.cause is not None:
            error = error.cause
        if error is not None and error.cls_name == "DagsterAssetCheckFailedError":
            text = "a blocking check failed (below); later steps were skipped / 阻断性校验未通过"
        else:
            text = error.message.strip() if error is not None else "unknown error"
        messages.append(f"{event.step_key}: {text}")
    return messages


def run_pipeline(
    *,
    data_dir: Path,
    warehouse: Path,
    output_dir: Path,
    indicators_file: Path,
    years: str,
    accept_quarantine: bool = False,
) -> int:
    """Materialize every asset (and run every check); return the process exit status.

    The run is atomic: unless it succeeds, the warehouse and the report folder stay as they were.
    """
    config = run_config(
        data_dir=data_dir,
        warehouse=warehouse,
        output_dir=output_dir,
        indicators_file=indicators_file,
        years=years,
        accept_quarantine=accept_quarantine,
    )
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    with dg.DagsterInstance.get() as instance:
        job = defs.resolve_job_def(ANNUAL_JOB)
        result = job.execute_in_process(run_config=config, instance=instance, raise_on_error=False)
    if result.success:
        for line in _check_failures(result, dg.AssetCheckSeverity.WARN):
            print(line, file=sys.stderr)
        print(f"Done. Warehouse: {warehouse}  Reports: {output_dir}", file=sys.stderr)
        return 0
    for message in _failure_messages(result):
        print(f"innovation-monitor run: {message}", file=sys.stderr)
    failures = _check_failures(result, dg.AssetCheckSeverity.ERROR)
    for line in failures:
        print(line, file=sys.stderr)
    if any("quarantine_problems" in line for line in failures):
        print(
            "Fix those cells and run again, or add --accept-quarantine to score without them "
            "(they are imputed and every affected report lists them) / 请更正上述单元格后重新运行",
            file=sys.stderr,
        )
    print(
        "innovation-monitor run: nothing was changed: the warehouse and the reports are as they "
        "were before this run / 本次运行未作任何更改",
        file=sys.stderr,
    )
    return 1
