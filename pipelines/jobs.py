"""The annual monitoring job, its lanes and its yearly schedule."""

import dagster as dg

from assets.levels import LANE_KEYS
from assets.sources import source_assets
from innovation_monitor.divisions import LEVELS

ANNUAL_JOB = "annual_monitoring"
LANE_TAG = "innovation_monitor/lane"

annual_monitoring = dg.define_asset_job(
    ANNUAL_JOB,
    # every asset, and the sources: each run observes what it reads before it loads anything
    selection=dg.AssetSelection.all() | dg.AssetSelection.assets(*(s.key for s in source_assets)),
    description="Observe the raw files and the framework, load every year's statistics, validate, "
    "score and publish the monitoring reports; a run of one lane (the schedule and the sensor "
    "start one per level) publishes that level on its own.",
    executor_def=dg.in_process_executor,  # one process: one connection to the run's staged copy
)


def lane_request(level: str, run_key: str, years: str = "") -> dg.RunRequest:
    """A run of one lane for ``years`` (empty: every year, the warehouse mirrors the folder)."""
    return dg.RunRequest(
        run_key=run_key,
        asset_selection=LANE_KEYS[level],
        run_config={"resources": {"settings": {"config": {"years": years}}}},
        tags={LANE_TAG: level, "innovation_monitor/years": years or "all"},
    )


# Yearbooks for year Y appear in the second half of Y+1: run once a year on 1 October.
@dg.schedule(
    name="annual_monitoring_schedule",
    job=annual_monitoring,
    cron_schedule="0 6 1 10 *",
    execution_timezone="Asia/Shanghai",
    default_status=dg.DefaultScheduleStatus.STOPPED,
)
def annual_schedule(context: dg.ScheduleEvaluationContext) -> list[dg.RunRequest]:
    """One run per lane, so a county problem does not hold back the city reports; the warehouse
    pool lets them run one after the other."""
    tick = context.scheduled_execution_time.isoformat() if context.scheduled_execution_time else ""
    return [lane_request(level, f"{level}:{tick}") for level in LEVELS]
