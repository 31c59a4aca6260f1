"""Run the whole asset graph, or one level's lane, in this process (``innovation-monitor run``).

The run is recorded in the project's Dagster instance (``DAGSTER_HOME``), so it shows up in the
UI's run history with its asset checks, exactly like a run launched from the UI. It is one run,
so it commits all or nothing; when it fails, the lanes whose every step passed are named, with
the command that publishes one alone.
"""

import sys
from collections.abc import Sequence
from pathlib import Path

import dagster as dg
from dagster_shared.error import SerializableErrorInfo

from assets.levels import LANE_KEYS
from assets.partitions import partition_ranges, range_tags, register_years
from innovation_monitor.divisions import LEVELS, DivisionRegistry
from innovation_monitor.errors import InnovationMonitorError
from innovation_monitor.ingest.fingerprint import folder_years
from innovation_monitor.reports.outputs import FORMATS, check_formats
from innovation_monitor.validation.rules import LEVEL_ZH
from innovation_monitor.years import parse_years
from pipelines.definitions import defs
from pipelines.jobs import ANNUAL_JOB


def run_config(
    *,
    data_dir: Path,
    warehouse: Path,
    output_dir: Path,
    indicators_file: Path,
    accept_quarantine: bool = False,
    edition: int | None = None,
    registry_file: Path | None = None,
    formats: Sequence[str] = FORMATS,
) -> dict:
    """Run config that points the resources at the given paths and edition (and another
    division registry, checked here so that a bad one stops the run before it starts)."""
    if not data_dir.is_dir():
        raise InnovationMonitorError(f"--data-dir {data_dir}: no such folder")
    if not indicators_file.is_file():
        raise InnovationMonitorError(f"--indicators {indicators_file}: no such file")
    if registry_file is not None:
        DivisionRegistry.load(registry_file)  # a DataError naming the file, row and column
    settings = {
        "data_dir": str(data_dir.resolve()),
        "output_dir": str(output_dir.resolve()),
        "indicators_file": str(indicators_file.resolve()),
        "accept_quarantine": accept_quarantine,
        "edition": "" if edition is None else str(edition),
        "divisions_file": "" if registry_file is None else str(registry_file.resolve()),
        "report_formats": ",".join(check_formats(formats)),
    }
    return {
        "resources": {
            "settings": {"config": settings},
            "warehouse": {"config": {"database": str(warehouse.resolve())}},
        },
        "loggers": {"progress": {}},
    }


LANE_PREFIXES = tuple(f"{level}_" for level in LEVELS)

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
        name = evaluation.asset_check_key.to_user_string()  # city_statistics:valid
        lines.append(f"{mark} {name}: {metadata.get('failed_checks', '')}".rstrip())
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


def _innermost(error: SerializableErrorInfo | None) -> str:
    """The message of the error at the bottom of a chain, without its class name (the user's
    error says what is wrong; ``innovation_monitor.errors.IngestError:`` adds nothing)."""
    while error is not None and error.cause is not None:
        error = error.cause
    if error is None:
        return "unknown error"
    if error.cls_name == "DagsterAssetCheckFailedError":
        return "a blocking check failed (below); later steps were skipped / 阻断性校验未通过"
    message = error.message.strip()
    head, _, rest = message.partition(": ")
    return rest if rest and head.rsplit(".", 1)[-1] == error.cls_name else message


def _failure_messages(result: dg.ExecuteInProcessResult) -> list[str]:
    """The user-facing message of each failed step, or of the run's resources (a warehouse
    another run is using): the innermost error's message."""
    messages = []
    for event in result.all_events:
        if event.is_resource_init_failure:
            messages.append(_innermost(event.engine_event_data.error))
        elif event.is_step_failure:
            messages.append(f"{event.step_key}: {_innermost(event.step_failure_data.error)}")
    return messages


def passed_lanes(result: dg.ExecuteInProcessResult) -> list[str]:
    """The lanes (levels) of a failed run whose every step succeeded: a run of that lane alone
    would have committed them. Steps are named after their lane (``city_…``); the others
    (divisions, the framework) are shared, and a failure there fails every lane."""
    succeeded = {e.step_key for e in result.all_events if e.is_step_success and e.step_key}
    failed = {
        e.step_key
        for e in result.all_events
        if (e.is_step_failure or e.is_step_skipped) and e.step_key
    }
    if not succeeded or any(not key.startswith(LANE_PREFIXES) for key in failed):
        return []
    return [
        level
        for level in LEVELS
        if any(k.startswith(f"{level}_") for k in succeeded)
        and not any(k.startswith(f"{level}_") for k in failed)
    ]


def _partition_tags(
    instance: dg.DagsterInstance, data_dir: Path, years: list[int] | None
) -> dict[str, str]:
    """Register the folder's data years as the partitions and select ``years`` (None: every
    year, mirrored), which must be one range of them."""
    found = folder_years(data_dir)
    register_years(instance, [*found, *(years or [])], exact=True)
    if years is None:
        if not found:
            raise InnovationMonitorError(
                f"--data-dir {data_dir}: no statistics files (expected city/<year>.csv, "
                "county/<year>.xlsx, … or files listed in dataset.yaml)"
            )
        return range_tags(found, every_year=True)
    spans = partition_ranges(instance, years)
    if len(spans) > 1:
        between = sorted(set(range(years[0], years[-1] + 1)) & set(found) - set(years))
        raise InnovationMonitorError(
            f"--years: one run loads consecutive data years, but the folder also holds "
            f"{', '.join(map(str, between))} between those asked for; run each range on its "
            f"own, or --years {years[0]}-{years[-1]} / 一次运行只能加载连续的数据年份"
        )
    return range_tags(years)


def run_pipeline(
    *,
    data_dir: Path,
    warehouse: Path,
    output_dir: Path,
    indicators_file: Path,
    years: str,
    accept_quarantine: bool = False,
    level: str | None = None,
    edition: int | None = None,
    registry_file: Path | None = None,
    formats: Sequence[str] = FORMATS,
) -> int:
    """Materialize every asset, or one ``level``'s lane (and run their checks); return the
    process exit status.

    The run is atomic: unless it succeeds, the warehouse and the report folder stay as they were.
    """
    config = run_config(
        data_dir=data_dir,
        warehouse=warehouse,
        output_dir=output_dir,
        indicators_file=indicators_file,
        accept_quarantine=accept_quarantine,
        edition=edition,
        registry_file=registry_file,
        formats=formats,
    )
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    with dg.DagsterInstance.get() as instance:
        tags = _partition_tags(instance, data_dir, parse_years(years) if years else None)
        job = defs.resolve_job_def(ANNUAL_JOB)
        result = job.execute_in_process(
            run_config=config,
            instance=instance,
            raise_on_error=False,
            asset_selection=LANE_KEYS[level] if level else None,
            tags=tags,
        )
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
    for lane in passed_lanes(result):
        print(
            f"innovation-monitor run: every {lane} step passed; to publish the {lane} level "
            f"alone: innovation-monitor run --level {lane} / {LEVEL_ZH[lane]}各步骤均已通过，"
            f"可单独发布：--level {lane}",
            file=sys.stderr,
        )
    return 1
