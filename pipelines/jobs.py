"""The annual monitoring job, its lanes and its yearly schedule."""

import dagster as dg

from assets.levels import LANE_KEYS
from assets.partitions import range_tags, register_years
from assets.resources import MonitorSettings
from assets.sources import source_assets
from innovation_monitor.divisions import LEVELS
from innovation_monitor.ingest.fingerprint import folder_years

ANNUAL_JOB = "annual_monitoring"
LANE_TAG = "innovation_monitor/lane"

annual_monitoring = dg.define_asset_job(
    ANNUAL_JOB,
    # every asset, and the sources: each run observes what it reads before it loads anything
    selection=dg.AssetSelection.all() | dg.AssetSelection.assets(*(s.key for s in source_assets)),
    description="Observe the raw files and the framework, load the run's data years (its "
    "partitions), validate, score and publish the monitoring reports; a run of one lane (the "
    "schedule and the sensor start one per level) publishes that level on its own.",
    executor_def=dg.in_process_executor,  # one process: one connection to the run's staged copy
)


def lane_request(
    level: str, run_key: str, years: list[int], *, every_year: bool = False
) -> dg.RunRequest:
    """A run of one lane over the data years ``years`` (a range of partitions); with
    ``every_year`` the warehouse mirrors the folder."""
    return dg.RunRequest(
        run_key=run_key,
        asset_selection=LANE_KEYS[level],
        tags={LANE_TAG: level, **range_tags(years, every_year=every_year)},
    )


def every_year(instance: dg.DagsterInstance, settings: MonitorSettings) -> list[int]:
    """The data years of the folder, registered as exactly the partitions."""
    years = folder_years(settings.data_dir)
    register_years(instance, years, exact=True)
    return years


# Yearbooks for year Y appear in the second half of Y+1: run once a year on 1 October.
@dg.schedule(
    name="annual_monitoring_schedule",
    job=annual_monitoring,
    cron_schedule="0 6 1 10 *",
    execution_timezone="Asia/Shanghai",
    default_status=dg.DefaultScheduleStatus.STOPPED,
)
def annual_schedule(
    context: dg.ScheduleEvaluationContext, settings: MonitorSettings
) -> list[dg.RunRequest] | dg.SkipReason:
    """One run per lane over every data year, so a county problem does not hold back the city
    reports; the warehouse pool lets them run one after the other."""
    years = every_year(context.instance, settings)
    if not years:
        return dg.SkipReason(f"no statistics files in {settings.data_dir}")
    tick = context.scheduled_execution_time.isoformat() if context.scheduled_execution_time else ""
    return [lane_request(level, f"{level}:{tick}", years, every_year=True) for level in LEVELS]
