"""The Dagster definitions that ``workspace.yaml`` loads: assets, checks, job, schedule, sensor."""

import dagster as dg

from assets.levels import lane_assets, lane_checks
from assets.resources import settings_from_env, warehouse_from_env
from assets.sources import source_assets
from assets.statistics import divisions
from pipelines.jobs import annual_monitoring, annual_schedule
from pipelines.progress import progress_logger
from pipelines.sensors import new_data_sensor

defs = dg.Definitions(
    assets=[*source_assets, divisions, *lane_assets],
    asset_checks=lane_checks,
    jobs=[annual_monitoring],
    schedules=[annual_schedule],
    sensors=[new_data_sensor],
    resources={"settings": settings_from_env(), "warehouse": warehouse_from_env()},
    loggers={"progress": progress_logger},
)
