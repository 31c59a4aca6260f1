"""The new-data sensor: per lane, one run for exactly the data years whose files changed."""

import shutil
from pathlib import Path

import dagster as dg

from assets.levels import LANE_KEYS
from assets.resources import MonitorSettings
from innovation_monitor.ingest.fingerprint import ANY_YEAR, data_files, level_digests
from innovation_monitor.paths import SAMPLE_DIR
from pipelines.definitions import defs
from pipelines.jobs import LANE_TAG


def _tick(data_dir: Path, cursor: str | None) -> dg.SensorResult | dg.SkipReason:
    sensor = defs.resolve_sensor_def("new_statistics_sensor")
    context = dg.build_sensor_context(
        cursor=cursor, resources={"settings": MonitorSettings(data_dir=str(data_dir))}
    )
    result = sensor(context)
    assert isinstance(result, dg.SensorResult | dg.SkipReason)
    return result


def _requested(result: dg.SensorResult | dg.SkipReason) -> dict[str, str]:
    """Each requested run as lane → years ("" = every year), checked to select its lane."""
    assert isinstance(result, dg.SensorResult), result
    runs = {}
    for request in result.run_requests or []:
        lane = request.tags[LANE_TAG]
        assert request.asset_selection == LANE_KEYS[lane]
        runs[lane] = request.run_config["resources"]["settings"]["config"]["years"]
    assert len(runs) == len(result.run_requests or [])
    return runs


def _sample(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(SAMPLE_DIR, data)
    return data


def test_first_tick_runs_every_year_of_both_lanes_then_nothing_until_a_change(
    tmp_path: Path,
) -> None:
    data = _sample(tmp_path)
    first = _tick(data, None)
    assert _requested(first) == {"city": "", "county": ""}
    assert isinstance(first, dg.SensorResult)
    assert isinstance(_tick(data, first.cursor), dg.SkipReason)


def test_a_new_year_file_requests_exactly_that_year_of_its_lane(tmp_path: Path) -> None:
    data = _sample(tmp_path)
    first = _tick(data, None)
    assert isinstance(first, dg.SensorResult)
    shutil.copy(data / "city" / "2021.csv", data / "city" / "2024.csv")
    added = _tick(data, first.cursor)
    assert _requested(added) == {"city": "2024"}
    assert isinstance(added, dg.SensorResult)
    assert isinstance(_tick(data, added.cursor), dg.SkipReason)


def test_corrected_files_request_their_years_and_a_manifest_change_everything(
    tmp_path: Path,
) -> None:
    data = _sample(tmp_path)
    first = _tick(data, None)
    assert isinstance(first, dg.SensorResult)
    for year in (2017, 2020):
        path = data / "county" / f"{year}.csv"
        path.write_bytes(path.read_bytes() + b"\n")
    corrected = _tick(data, first.cursor)
    assert _requested(corrected) == {"county": "2017,2020"}
    assert isinstance(corrected, dg.SensorResult)
    manifest = data / "dataset.yaml"
    manifest.write_text(manifest.read_text("utf-8") + "\n", "utf-8")
    assert _requested(_tick(data, corrected.cursor)) == {"city": "", "county": ""}


def test_a_removed_year_reruns_its_lane_on_every_year(tmp_path: Path) -> None:
    """A run of the removed year would refuse to empty it; a run of every year mirrors the
    folder and drops it."""
    data = _sample(tmp_path)
    first = _tick(data, None)
    assert isinstance(first, dg.SensorResult)
    (data / "county" / "2019.csv").unlink()
    assert _requested(_tick(data, first.cursor)) == {"county": ""}


def test_an_unreadable_cursor_starts_afresh(tmp_path: Path) -> None:
    data = _sample(tmp_path)
    assert _requested(_tick(data, "a digest of an older sensor")) == {"city": "", "county": ""}


def test_files_are_grouped_by_the_level_and_year_their_path_or_manifest_gives() -> None:
    files = {file.source_file: file for file in data_files(SAMPLE_DIR)}
    assert files["city/2016.csv"].levels == {"city"} and files["city/2016.csv"].years == {2016}
    assert files["long/city_2021.csv"].years == {2021}  # the manifest's entry
    assert files["dataset.yaml"].levels == {"city", "county"} and not files["dataset.yaml"].years
    digests = level_digests(list(files.values()), "county")
    assert set(digests) == {ANY_YEAR, *map(str, range(2016, 2024))}


def test_a_file_of_no_year_or_level_belongs_to_every_year_and_level(tmp_path: Path) -> None:
    data = _sample(tmp_path)
    (data / "long" / "extra.csv").write_text("region_code,year,variable,value\n", "utf-8")
    extra = next(f for f in data_files(data) if f.source_file == "long/extra.csv")
    assert extra.levels == {"city", "county"} and not extra.years
    first = _tick(data, None)
    assert isinstance(first, dg.SensorResult)
    (data / "long" / "extra.csv").write_text("region_code,year,variable,value\n\n", "utf-8")
    assert _requested(_tick(data, first.cursor)) == {"city": "", "county": ""}
