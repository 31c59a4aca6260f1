"""The new-data sensor: per lane, one run for exactly the data years whose files changed."""

import shutil
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest

from assets.levels import LANE_KEYS
from assets.partitions import DATA_YEARS, EVERY_YEAR, RANGE_END, RANGE_START, YEARS_TAG
from assets.resources import MonitorSettings
from innovation_monitor.ingest.fingerprint import ANY_YEAR, data_files, folder_years, level_digests
from innovation_monitor.paths import SAMPLE_DIR
from pipelines.definitions import defs
from pipelines.jobs import LANE_TAG


@pytest.fixture
def instance() -> Iterator[dg.DagsterInstance]:
    """The instance every tick of a test shares: the partitions the sensor registers."""
    with dg.DagsterInstance.ephemeral() as instance:
        yield instance


def _tick(
    instance: dg.DagsterInstance, data_dir: Path, cursor: str | None
) -> dg.SensorResult | dg.SkipReason:
    sensor = defs.resolve_sensor_def("new_statistics_sensor")
    context = dg.build_sensor_context(
        cursor=cursor,
        instance=instance,
        resources={"settings": MonitorSettings(data_dir=str(data_dir))},
    )
    result = sensor(context)
    assert isinstance(result, dg.SensorResult | dg.SkipReason)
    return result


def _requested(
    instance: dg.DagsterInstance, result: dg.SensorResult | dg.SkipReason
) -> dict[str, str]:
    """Each requested run as lane → its data years ("all" = every year, mirrored), checked to
    select its lane and those years' partitions."""
    assert isinstance(result, dg.SensorResult), result
    runs: dict[str, str] = {}
    for request in result.run_requests or []:
        lane = request.tags[LANE_TAG]
        assert request.asset_selection == LANE_KEYS[lane]
        years = request.tags[YEARS_TAG]
        first, last = request.tags[RANGE_START], request.tags[RANGE_END]
        partitions = instance.get_dynamic_partitions(DATA_YEARS.name or "")
        span = partitions[partitions.index(first) : partitions.index(last) + 1]
        expected = partitions if years == EVERY_YEAR else years.split(",")
        assert span == expected, (span, years)
        runs[lane] = ";".join([runs[lane], years]) if lane in runs else years
    return runs


BOTH_LANES_EVERY_YEAR = {"city": EVERY_YEAR, "county": EVERY_YEAR}


def _sample(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(SAMPLE_DIR, data)
    return data


def test_first_tick_runs_every_year_of_both_lanes_then_nothing_until_a_change(
    tmp_path: Path, instance: dg.DagsterInstance
) -> None:
    data = _sample(tmp_path)
    first = _tick(instance, data, None)
    assert _requested(instance, first) == BOTH_LANES_EVERY_YEAR
    assert isinstance(first, dg.SensorResult)
    assert isinstance(_tick(instance, data, first.cursor), dg.SkipReason)


@pytest.mark.parametrize("new_year", [2024, 2015])
def test_a_new_year_file_requests_exactly_that_year_of_its_lane(
    tmp_path: Path, instance: dg.DagsterInstance, new_year: int
) -> None:
    """The new year becomes a partition, in year order even before the first (Dagster's
    partition ranges follow the order keys were added in)."""
    data = _sample(tmp_path)
    first = _tick(instance, data, None)
    assert isinstance(first, dg.SensorResult)
    shutil.copy(data / "city" / "2021.csv", data / "city" / f"{new_year}.csv")
    added = _tick(instance, data, first.cursor)
    assert _requested(instance, added) == {"city": str(new_year)}
    years = sorted({*range(2016, 2024), new_year})
    assert instance.get_dynamic_partitions("data_years") == [str(y) for y in years]
    assert isinstance(added, dg.SensorResult)
    assert isinstance(_tick(instance, data, added.cursor), dg.SkipReason)


def test_corrected_files_request_their_years_and_a_manifest_change_everything(
    tmp_path: Path, instance: dg.DagsterInstance
) -> None:
    data = _sample(tmp_path)
    first = _tick(instance, data, None)
    assert isinstance(first, dg.SensorResult)
    for year in (2017, 2020):
        path = data / "county" / f"{year}.csv"
        path.write_bytes(path.read_bytes() + b"\n")
    corrected = _tick(instance, data, first.cursor)
    assert _requested(instance, corrected) == {"county": "2017;2020"}  # one run per range of years
    assert isinstance(corrected, dg.SensorResult)
    manifest = data / "dataset.yaml"
    manifest.write_text(manifest.read_text("utf-8") + "\n", "utf-8")
    assert _requested(instance, _tick(instance, data, corrected.cursor)) == BOTH_LANES_EVERY_YEAR


def test_a_removed_year_reruns_its_lane_on_every_year(
    tmp_path: Path, instance: dg.DagsterInstance
) -> None:
    """A run of the removed year would refuse to empty it; a run of every year mirrors the
    folder and drops it."""
    data = _sample(tmp_path)
    first = _tick(instance, data, None)
    assert isinstance(first, dg.SensorResult)
    (data / "county" / "2019.csv").unlink()
    assert _requested(instance, _tick(instance, data, first.cursor)) == {"county": "all"}


def test_an_unreadable_cursor_starts_afresh(tmp_path: Path, instance: dg.DagsterInstance) -> None:
    data = _sample(tmp_path)
    assert (
        _requested(instance, _tick(instance, data, "a digest of an older sensor"))
        == BOTH_LANES_EVERY_YEAR
    )


def test_files_are_grouped_by_the_level_and_year_their_path_or_manifest_gives() -> None:
    files = {file.source_file: file for file in data_files(SAMPLE_DIR)}
    assert files["city/2016.csv"].levels == {"city"} and files["city/2016.csv"].years == {2016}
    assert files["long/city_2021.csv"].years == {2021}  # the manifest's entry
    assert files["dataset.yaml"].levels == {"city", "county"} and not files["dataset.yaml"].years
    digests = level_digests(list(files.values()), "county")
    assert set(digests) == {ANY_YEAR, *map(str, range(2016, 2024))}


def test_a_file_of_no_year_or_level_belongs_to_every_year_and_level(
    tmp_path: Path, instance: dg.DagsterInstance
) -> None:
    data = _sample(tmp_path)
    (data / "long" / "extra.csv").write_text("region_code,year,variable,value\n", "utf-8")
    extra = next(f for f in data_files(data) if f.source_file == "long/extra.csv")
    assert extra.levels == {"city", "county"} and not extra.years
    first = _tick(instance, data, None)
    assert isinstance(first, dg.SensorResult)
    (data / "long" / "extra.csv").write_text("region_code,year,variable,value\n\n", "utf-8")
    assert _requested(instance, _tick(instance, data, first.cursor)) == BOTH_LANES_EVERY_YEAR


def test_the_years_of_a_long_file_are_read_from_its_year_column(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "long").mkdir(parents=True)
    (data / "long" / "panel.csv").write_text(
        "region_code,year,variable,value\n370100,2014,常住人口,900\n370200,2013年,常住人口,1\n"
        "370100,去年,常住人口,2\n",
        "utf-8",
    )
    assert folder_years(data) == [2013, 2014]  # the unreadable year is ingestion's to quarantine
