"""The Dagster definitions that ``workspace.yaml`` loads: assets, checks, job, schedule, sensor."""

import dagster as dg

from assets.levels import level_asset_definitions, level_check_definitions
from assets.resources import settings_from_env, warehouse_from_env
from assets.statistics import divisions, statistics, statistics_checks
from pipelines.jobs import annual_monitoring, annual_schedule
from pipelines.progress import progress_logger
from pipelines.sensors import new_data_sensor

defs = dg.Definitions(
    assets=[divisions, statistics, *level_asset_definitions],
    asset_checks=[*statistics_checks, *level_check_definitions],
    jobs=[annual_monitoring],
    schedules=[annual_schedule],
    sensors=[new_data_sensor],
    resources={"settings": settings_from_env(), "warehouse": warehouse_from_env()},
    loggers={"progress": progress_logger},
)
