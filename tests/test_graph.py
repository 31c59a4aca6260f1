"""The Dagster graph: two independent lanes, a pool on every warehouse step, versions that say
why an asset is stale, the warehouse tables' schemas; and a county problem that leaves the city
lane's run committed."""

import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from assets.levels import LANE_KEYS
from assets.metadata import WAREHOUSE_POOL
from assets.partitions import DATA_YEARS, range_tags, register_years
from assets.resources import MonitorSettings, WarehouseResource
from assets.sources import FRAMEWORK, FRAMEWORK_VERSION, files_asset
from innovation_monitor.divisions import LEVELS
from innovation_monitor.ingest.fingerprint import file_sha256, folder_years
from innovation_monitor.paths import INDICATORS_FILE
from innovation_monitor.warehouse import TABLES
from pipelines import cli
from pipelines.cli import main
from pipelines.definitions import defs
from pipelines.jobs import ANNUAL_JOB
from tests.corpus import editing
from tests.corpus.conftest import cut_sample, snapshot
from tests.pipeline_run import HTML_ONLY, PipelineRun

SHARED = {"divisions", FRAMEWORK}
COUNTY_FILE = "county/2020.csv"
CITY_FILE = "city/2020.csv"


def _upstream(key: dg.AssetKey) -> set[str]:
    graph, seen, todo = defs.resolve_asset_graph(), set(), [key]
    while todo:
        for parent in graph.get(todo.pop()).parent_keys:
            if parent.to_user_string() not in seen:
                seen.add(parent.to_user_string())
                todo.append(parent)
    return seen


def test_no_asset_of_one_lane_depends_on_the_other_lane() -> None:
    for level in LEVELS:
        (other,) = set(LEVELS) - {level}
        for key in LANE_KEYS[level]:
            assert not {k for k in _upstream(key) if k.startswith(f"{other}_")}, key
        upstream = _upstream(dg.AssetKey(f"{level}_reports"))
        assert upstream == SHARED | {k.to_user_string() for k in LANE_KEYS[level]} - {
            f"{level}_reports"
        }


def test_every_step_is_named_after_its_lane_or_shared() -> None:
    """``pipelines.runner.passed_lanes`` tells the lanes apart by their step names."""
    job = defs.resolve_job_def(ANNUAL_JOB)
    steps = {node.name for node in job.graph.node_dict.values()}
    assert steps >= {files_asset(level) for level in LEVELS} | SHARED
    for step in steps - SHARED:
        assert step.startswith(tuple(f"{level}_" for level in LEVELS)), step


def test_every_warehouse_step_is_in_the_warehouse_pool_and_no_other_is() -> None:
    job = defs.resolve_job_def(ANNUAL_JOB)
    ops = [node.definition for node in job.graph.node_dict.values()]
    for op in ops:
        assert isinstance(op, dg.OpDefinition)
        assert (op.pool == WAREHOUSE_POOL) == ("warehouse" in op.required_resource_keys), op.name
    # divisions, and per lane statistics, indicators, scores, insight, reports and their checks
    assert len([op for op in ops if isinstance(op, dg.OpDefinition) and op.pool]) == 1 + 9 * len(
        LEVELS
    )


def test_the_county_checks_run_after_the_city_statistics_in_a_run_of_both_lanes() -> None:
    """They compare county sums with the city totals: a lower priority, not a dependency that
    would let a failed city check skip the county lane."""
    job = defs.resolve_job_def(ANNUAL_JOB)
    node = job.graph.node_dict["county_statistics_checks"]
    assert int(node.definition.tags["dagster/priority"]) < 0
    assert not {k for k in _upstream(dg.AssetKey("county_statistics")) if k.startswith("city_")}


def test_scoring_assets_carry_the_framework_hash_as_code_version() -> None:
    graph = defs.resolve_asset_graph()
    assert file_sha256(INDICATORS_FILE) == FRAMEWORK_VERSION
    for level in LEVELS:
        for name in ("indicators", "scores", "insight", "reports"):
            assert graph.get(dg.AssetKey(f"{level}_{name}")).code_version == FRAMEWORK_VERSION
        parents = graph.get(dg.AssetKey(f"{level}_statistics")).parent_keys
        assert {dg.AssetKey(files_asset(level)), dg.AssetKey(FRAMEWORK)} <= parents


def test_data_years_partition_the_statistics_and_indicators_and_editions_pool_them_all() -> None:
    graph = defs.resolve_asset_graph()
    for level in LEVELS:
        for name in ("statistics", "indicators"):
            node = graph.get(dg.AssetKey(f"{level}_{name}"))
            assert node.partitions_def == DATA_YEARS
            assert node.backfill_policy == dg.BackfillPolicy.single_run()  # one run commits
        scores = graph.get(dg.AssetKey(f"{level}_scores"))
        assert scores.partitions_def is None
        mapping = scores.partition_mappings[dg.AssetKey(f"{level}_indicators")]
        assert isinstance(mapping, dg.AllPartitionMapping)


def test_table_assets_declare_their_table_and_its_schema() -> None:
    graph = defs.resolve_asset_graph()
    for name, table in [("divisions", "divisions"), ("city_statistics", "statistics"),
                        ("county_scores", "scores")]:  # fmt: skip
        metadata = graph.get(dg.AssetKey(name)).metadata
        assert metadata["dagster/table_name"] == table
        schema = metadata["dagster/column_schema"]
        assert [c.name for c in schema.columns] == TABLES[table].column_names
        nullable = {c.name for c in schema.columns if c.constraints.nullable}
        assert nullable == set(TABLES[table].column_names) - set(TABLES[table].not_null)


def test_the_command_line_offers_every_lane() -> None:
    assert cli.LANES == LEVELS


# --- a county problem and the city lane, on a two-year cut of the sample -----------------------


@pytest.fixture(scope="module")
def clean(
    tmp_path_factory: pytest.TempPathFactory, _session_dagster_home: Path
) -> tuple[Path, PipelineRun]:
    """The cut's data and a clean run of it (read only)."""
    root = tmp_path_factory.mktemp("lanes")
    data = cut_sample(root / "data")
    run = PipelineRun(warehouse=root / "warehouse.duckdb", out=root / "out")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DAGSTER_HOME", str(_session_dagster_home))
        args = ["run", "--data-dir", str(data), "--warehouse", str(run.warehouse)]
        assert main([*args, "--out", str(run.out), *HTML_ONLY]) == 0
    return data, run


@pytest.fixture
def broken_county(clean: tuple[Path, PipelineRun], tmp_path: Path) -> tuple[Path, PipelineRun]:
    """A copy of the clean run whose data revise a city figure (a city run changes the
    warehouse) and hold an unusable county cell (the county lane's blocking check fails)."""
    data, run = tmp_path / "data", PipelineRun(tmp_path / "warehouse.duckdb", tmp_path / "out")
    shutil.copytree(clean[0], data)
    shutil.copy(clean[1].warehouse, run.warehouse)
    shutil.copytree(clean[1].out, run.out)
    value = float(editing.get_cell(data / CITY_FILE, "370200", "科学技术支出"))
    editing.set_cell(data / CITY_FILE, "370200", "科学技术支出", f"{value * 1.05:.0f}")
    editing.set_cell(data / COUNTY_FILE, "370102", "年末常住人口", "约85")
    return data, run


def _level_state(run: PipelineRun, level: str) -> dict[str, object]:
    """A level's rows of the statistics and score tables, and its report files."""
    with duckdb.connect(str(run.warehouse), read_only=True) as con:
        state: dict[str, object] = {
            table: con.execute(
                f"SELECT * EXCLUDE (level) FROM {table} WHERE level = ? ORDER BY ALL", [level]
            ).fetchall()
            for table in ("statistics", "indicator_values", "scores", "rankings")
        }
    for path in sorted(run.out.glob(f"*/{level}_*")):
        state[str(path.relative_to(run.out))] = path.read_bytes()
    return state


@pytest.mark.slow
def test_a_run_of_both_lanes_commits_nothing_and_names_the_lane_that_passed(
    broken_county: tuple[Path, PipelineRun],
    dagster_home: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    data, run = broken_county
    before = snapshot(run)
    args = ["run", "--data-dir", str(data), "--warehouse", str(run.warehouse)]
    args += ["--out", str(run.out), *HTML_ONLY]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "county_statistics:valid" in err and COUNTY_FILE in err
    assert "✓ city_reports" in err  # the city lane ran to its end
    assert "every city step passed" in err and "--level city" in err
    assert "every county step passed" not in err
    assert snapshot(run) == before

    county = _level_state(run, "county")
    city = _level_state(run, "city")
    assert main([*args, "--level", "city"]) == 0
    assert _level_state(run, "county") == county
    assert _level_state(run, "city") != city


@pytest.mark.slow
def test_materializing_lane_by_lane_keeps_the_city_lane_when_the_county_check_fails(
    broken_county: tuple[Path, PipelineRun],
) -> None:
    data, run = broken_county
    resources = {
        "settings": MonitorSettings(data_dir=str(data), output_dir=str(run.out)),
        "warehouse": WarehouseResource(database=str(run.warehouse)),
    }
    definitions = [*defs.assets, *defs.asset_checks]  # type: ignore[misc]
    county, city = _level_state(run, "county"), _level_state(run, "city")
    with dg.DagsterInstance.ephemeral() as instance:
        register_years(instance, folder_years(data), exact=True)
        tags = range_tags(folder_years(data), every_year=True)
        city_run = dg.materialize(
            definitions,
            selection=LANE_KEYS["city"],
            resources=resources,
            instance=instance,
            tags=tags,
        )
        assert city_run.success
        assert {e.asset_check_key.to_user_string() for e in city_run.get_asset_check_evaluations()}
        after_city = _level_state(run, "city")
        assert after_city != city and _level_state(run, "county") == county

        county_run = dg.materialize(
            definitions,
            selection=LANE_KEYS["county"],
            resources=resources,
            instance=instance,
            raise_on_error=False,
            tags=tags,
        )
        assert not county_run.success
        blocking = [
            e.asset_check_key.to_user_string()
            for e in county_run.get_asset_check_evaluations()
            if not e.passed and e.severity == dg.AssetCheckSeverity.ERROR
        ]
        assert blocking == ["county_statistics:valid"]
        for level in ("statistics", "indicators", "scores", "insight", "reports"):
            key = dg.AssetKey(f"city_{level}")
            assert instance.get_latest_materialization_event(key) is not None
        materialized = instance.get_materialized_partitions(dg.AssetKey("city_statistics"))
        assert materialized == {"2020", "2021"}  # the cut's data years, as partitions
        assert instance.get_latest_materialization_event(dg.AssetKey("county_reports")) is None
    assert _level_state(run, "city") == after_city
    assert _level_state(run, "county") == county


@pytest.mark.slow
def test_an_unreadable_county_file_does_not_stop_the_city_lane(
    clean: tuple[Path, PipelineRun],
    tmp_path: Path,
    dagster_home: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The city lane does not even read the county files."""
    data, run = tmp_path / "data", PipelineRun(tmp_path / "warehouse.duckdb", tmp_path / "out")
    shutil.copytree(clean[0], data)
    shutil.copy(clean[1].warehouse, run.warehouse)
    (data / COUNTY_FILE).write_bytes(bytes(range(256)) * 8)
    args = ["run", "--data-dir", str(data), "--warehouse", str(run.warehouse)]
    args += ["--out", str(run.out), *HTML_ONLY]
    assert main([*args, "--level", "city"]) == 0
    capsys.readouterr()
    assert main([*args, "--level", "county"]) == 1
    assert COUNTY_FILE in capsys.readouterr().err


@pytest.mark.slow
def test_drivers_that_do_not_add_up_stop_the_lane_before_its_reports(
    clean: tuple[Path, PipelineRun], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The insight asset's blocking check: drivers of change off by 0.01 index points for one
    unit-year fail it, and the city reports are not written."""
    from innovation_monitor.scoring import drivers

    real = drivers.drivers_of_change

    def off_by_a_little(*args: object) -> object:
        frame = real(*args)  # type: ignore[arg-type]
        first = frame.with_row_index().get_column("index") == 0
        return frame.with_columns(change=frame["change"] + first.cast(float) * 0.01)

    monkeypatch.setattr(drivers, "drivers_of_change", off_by_a_little)
    data, run = clean[0], PipelineRun(tmp_path / "warehouse.duckdb", tmp_path / "out")
    resources = {
        "settings": MonitorSettings(data_dir=str(data), output_dir=str(run.out)),
        "warehouse": WarehouseResource(database=str(run.warehouse)),
    }
    definitions = [*defs.assets, *defs.asset_checks]  # type: ignore[misc]
    with dg.DagsterInstance.ephemeral() as instance:
        register_years(instance, folder_years(data), exact=True)
        result = dg.materialize(
            definitions,
            selection=LANE_KEYS["city"],
            resources=resources,
            instance=instance,
            raise_on_error=False,
            tags=range_tags(folder_years(data), every_year=True),
        )
        assert not result.success
        failed = [
            e.asset_check_key.to_user_string()
            for e in result.get_asset_check_evaluations()
            if not e.passed
        ]
        assert failed == ["city_insight:drivers_add_up"]
        assert instance.get_latest_materialization_event(dg.AssetKey("city_insight")) is not None
        assert instance.get_latest_materialization_event(dg.AssetKey("city_reports")) is None
