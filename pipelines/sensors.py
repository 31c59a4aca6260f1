"""Sensors: start the annual run when a data provider delivers or corrects a file."""

import dagster as dg

from assets.resources import MonitorSettings
from innovation_monitor.ingest.fingerprint import data_fingerprint
from pipelines.jobs import annual_monitoring


@dg.sensor(
    name="new_statistics_sensor",
    job=annual_monitoring,
    minimum_interval_seconds=300,
    default_status=dg.DefaultSensorStatus.STOPPED,
    description="Runs the monitoring when files in the data folder are added or changed.",
)
def new_data_sensor(
    context: dg.SensorEvaluationContext, settings: MonitorSettings
) -> dg.SensorResult | dg.SkipReason:
    """One run per new state of the data folder (its files' paths and contents)."""
    fingerprint = data_fingerprint(settings.data_dir)
    if fingerprint == context.cursor:
        return dg.SkipReason(f"no change in {settings.data_dir}")
    return dg.SensorResult(run_requests=[dg.RunRequest(run_key=fingerprint)], cursor=fingerprint)
