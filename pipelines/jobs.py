"""The annual monitoring job and its yearly schedule."""

import dagster as dg

ANNUAL_JOB = "annual_monitoring"

annual_monitoring = dg.define_asset_job(
    ANNUAL_JOB,
    selection=dg.AssetSelection.all(),
    description="Load every year's statistics, validate, score and publish the monitoring reports.",
    executor_def=dg.in_process_executor,  # DuckDB allows one writing process at a time
)

# Yearbooks for year Y appear in the second half of Y+1: run once a year on 1 October.
annual_schedule = dg.ScheduleDefinition(
    name="annual_monitoring_schedule",
    job=annual_monitoring,
    cron_schedule="0 6 1 10 *",
    execution_timezone="Asia/Shanghai",
    default_status=dg.DefaultScheduleStatus.STOPPED,
)
