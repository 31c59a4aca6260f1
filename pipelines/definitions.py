"""The Dagster definitions that ``workspace.yaml`` loads: assets, checks, job, schedule, sensor."""

import dagster as dg

from assets.levels import level_asset_definitions, level_check_definitions
from assets.statistics import divisions, statistics, statistics_checks
from pipelines.progress import progress_logger
from pipelines.resources import settings_from_env, warehouse_from_env

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

defs = dg.Definitions(
    assets=[divisions, statistics, *level_asset_definitions],
    asset_checks=[*statistics_checks, *level_check_definitions],
    jobs=[annual_monitoring],
    schedules=[annual_schedule],
    resources={"settings": settings_from_env(), "warehouse": warehouse_from_env()},
    loggers={"progress": progress_logger},
)
