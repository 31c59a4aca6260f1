"""The new-data sensor: one run per new state of the data folder."""

import shutil
from pathlib import Path

import dagster as dg

from assets.resources import MonitorSettings
from innovation_monitor.paths import SAMPLE_DIR
from pipelines.definitions import defs


def _evaluate(data_dir: Path, cursor: str | None) -> dg.SensorResult | dg.SkipReason:
    sensor = defs.resolve_sensor_def("new_statistics_sensor")
    context = dg.build_sensor_context(
        cursor=cursor, resources={"settings": MonitorSettings(data_dir=str(data_dir))}
    )
    return sensor(context)


def test_sensor_requests_a_run_only_when_files_change(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(SAMPLE_DIR, data)
    first = _evaluate(data, None)
    assert isinstance(first, dg.SensorResult) and len(first.run_requests) == 1
    assert isinstance(_evaluate(data, first.cursor), dg.SkipReason)
    (data / "city" / "2024.csv").write_text("地区代码,地区,地区生产总值(亿元)\n370100,济南市,1\n")
    changed = _evaluate(data, first.cursor)
    assert isinstance(changed, dg.SensorResult) and changed.cursor != first.cursor
