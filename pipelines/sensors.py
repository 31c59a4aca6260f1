"""Sensors: start a lane's run when a data provider delivers or corrects its files."""

import hashlib
import json

import dagster as dg

from assets.partitions import partition_ranges, register_years
from assets.resources import MonitorSettings
from innovation_monitor.divisions import LEVELS
from innovation_monitor.ingest.fingerprint import changed_years, data_files, level_digests
from pipelines.jobs import annual_monitoring, every_year, lane_request

Digests = dict[str, str]


def _cursor(text: str | None) -> dict[str, Digests]:
    try:
        state = json.loads(text) if text else {}
    except json.JSONDecodeError:  # the cursor of an older version: start afresh
        return {}
    return state if isinstance(state, dict) else {}


@dg.sensor(
    name="new_statistics_sensor",
    job=annual_monitoring,
    minimum_interval_seconds=300,
    default_status=dg.DefaultSensorStatus.STOPPED,
    description="Adds a new data year as a partition and runs a level's lane for the data years "
    "whose files were added or changed.",
)
def new_data_sensor(
    context: dg.SensorEvaluationContext, settings: MonitorSettings
) -> dg.SensorResult | dg.SkipReason:
    """Per lane, one run for each range of data years whose files changed (the cursor keeps a
    digest per level and year); every year when that cannot be told apart."""
    files = data_files(settings.data_dir)
    state = {level: level_digests(files, level) for level in LEVELS}
    previous = _cursor(context.cursor)
    requests = []
    for level in LEVELS:
        years = changed_years(state[level], previous.get(level))
        if years == []:
            continue
        change = json.dumps([previous.get(level), state[level]], sort_keys=True)
        key = hashlib.sha256(change.encode()).hexdigest()[:16]  # a replayed tick: no second run
        if years is None:
            found = every_year(context.instance, settings)
            if found:  # a folder emptied of statistics is left alone, not mirrored
                requests.append(lane_request(level, f"{level}:{key}", found, every_year=True))
            continue
        register_years(context.instance, years, exact=False)
        for span in partition_ranges(context.instance, years):
            requests.append(lane_request(level, f"{level}:{key}:{span[0]}", span))
    if not requests:
        return dg.SkipReason(f"no change in {settings.data_dir}")
    return dg.SensorResult(run_requests=requests, cursor=json.dumps(state, sort_keys=True))
