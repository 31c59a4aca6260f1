"""`make ui` serves the Dagster UI on 127.0.0.1, its GraphQL API shows the graph as built (lanes,
sources, data-year partitions, pools, checks, schedule, sensor, the run limit), and stopping it
leaves nothing behind."""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import duckdb
import pytest

from assets.metadata import WAREHOUSE_POOL
from assets.partitions import DATA_YEARS, RANGE_END, RANGE_START
from assets.sources import FRAMEWORK, FRAMEWORK_VERSION, files_asset
from innovation_monitor.divisions import LEVELS
from innovation_monitor.paths import PROJECT_ROOT
from pipelines.jobs import ANNUAL_JOB
from tests.corpus.conftest import cut_sample

pytestmark = pytest.mark.slow

SOURCES = {FRAMEWORK, *(files_asset(level) for level in LEVELS)}
LANE = ("statistics", "indicators", "scores", "insight", "reports")

GRAPH_QUERY = """
{
  repositoriesOrError {
    ... on RepositoryConnection {
      nodes {
        location { name }
        schedules { name cronSchedule executionTimezone }
        sensors { name minIntervalSeconds }
        assetNodes {
          assetKey { path }
          groupName
          isObservable
          pools
          opVersion
          metadataEntries { label }
          partitionDefinition { type name }
          partitionKeysByDimension { partitionKeys }
          assetPartitionStatuses { ... on DefaultPartitionStatuses { materializedPartitions } }
          assetChecksOrError { ... on AssetChecks { checks { name blocking } } }
        }
      }
    }
  }
  instance {
    poolConfig { poolGranularity defaultPoolLimit }
    runQueueConfig { maxConcurrentRuns }
  }
}
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


LAUNCH = """
mutation Launch($params: ExecutionParams!) {
  launchRun(executionParams: $params) {
    __typename
    ... on LaunchRunSuccess { run { runId } }
    ... on PythonError { message }
  }
}
"""

ADD_PARTITION = """
mutation Add($repository: RepositorySelector!, $name: String!, $key: String!) {
  addDynamicPartition(
    repositorySelector: $repository, partitionsDefName: $name, partitionKey: $key
  ) {
    __typename
  }
}
"""

RUNS = """
query Runs($ids: [String!]) {
  runsOrError(filter: {runIds: $ids}) {
    ... on Runs { results { runId status startTime endTime } }
  }
}
"""


def _query(port: int, query: str, variables: dict | None = None) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query, "variables": variables or {}}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)["data"]


def _graph(port: int) -> dict:
    """What the webserver's GraphQL API says about the code location and the instance."""
    return _query(port, GRAPH_QUERY)


def _add_years(port: int, location: str, years: list[str]) -> None:
    """Add the data years as partitions, as a user does in the UI."""
    repository = {"repositoryLocationName": location, "repositoryName": "__repository__"}
    for year in years:
        variables = {"repository": repository, "name": DATA_YEARS.name, "key": year}
        added = _query(port, ADD_PARTITION, variables)["addDynamicPartition"]
        assert added["__typename"] == "AddDynamicPartitionSuccess", added


def _launch_two_runs(port: int, location: str, years: list[str]) -> list[dict]:
    """Two UI launches of the whole job over the years' partitions at once; their run records
    once both have ended."""
    selector = {
        "repositoryLocationName": location,
        "repositoryName": "__repository__",
        "jobName": ANNUAL_JOB,
    }
    tags = [{"key": RANGE_START, "value": years[0]}, {"key": RANGE_END, "value": years[-1]}]
    params = {"selector": selector, "runConfigData": {}, "executionMetadata": {"tags": tags}}
    ids = []
    for _ in range(2):
        launched = _query(port, LAUNCH, {"params": params})
        assert launched["launchRun"]["__typename"] == "LaunchRunSuccess", launched
        ids.append(launched["launchRun"]["run"]["runId"])
    deadline = time.monotonic() + 480
    while time.monotonic() < deadline:
        runs = _query(port, RUNS, {"ids": ids})["runsOrError"]["results"]
        if all(run["status"] in {"SUCCESS", "FAILURE", "CANCELED"} for run in runs):
            return sorted(runs, key=lambda run: run["startTime"])
        time.sleep(2)
    raise AssertionError(f"the two runs did not end: {runs}")


def _check_graph(data: dict) -> None:
    """The assets with their lanes, pools, versions and checks; the schedule, the sensor and the
    instance's run limit on the warehouse pool."""
    (location,) = data["repositoriesOrError"]["nodes"]
    nodes = {"/".join(n["assetKey"]["path"]): n for n in location["assetNodes"]}
    lanes = {f"{level}_{name}" for level in LEVELS for name in LANE}
    assert set(nodes) == {*SOURCES, "divisions", *lanes}
    assert {name for name, n in nodes.items() if n["isObservable"]} == SOURCES
    for name in lanes | {"divisions"}:
        assert nodes[name]["pools"] == [WAREHOUSE_POOL], name
        assert nodes[name]["groupName"] == (name.split("_")[0] if name in lanes else "warehouse")
    for name in lanes:
        partitioned = name.endswith(("_statistics", "_indicators"))
        definition = nodes[name]["partitionDefinition"]
        assert definition == ({"type": "DYNAMIC", "name": DATA_YEARS.name} if partitioned else None)
    for level in LEVELS:
        assert nodes[f"{level}_scores"]["opVersion"] == FRAMEWORK_VERSION
        labels = {entry["label"] for entry in nodes[f"{level}_statistics"]["metadataEntries"]}
        assert {"dagster/table_name", "dagster/column_schema"} <= labels
    checks = {
        f"{name}:{check['name']}": check["blocking"]
        for name, node in nodes.items()
        for check in node["assetChecksOrError"].get("checks", [])
    }
    assert checks == {
        f"{level}_{name}": blocking
        for level in LEVELS
        for name, blocking in {
            "statistics:valid": True,
            "statistics:warnings": False,
            "indicators:usable": True,
            "scores:complete": True,
            "insight:drivers_add_up": True,
        }.items()
    }
    assert location["schedules"] == [
        {
            "name": "annual_monitoring_schedule",
            "cronSchedule": "0 6 1 10 *",
            "executionTimezone": "Asia/Shanghai",
        }
    ]
    assert location["sensors"] == [{"name": "new_statistics_sensor", "minIntervalSeconds": 300}]
    assert data["instance"]["poolConfig"] == {"poolGranularity": "run", "defaultPoolLimit": 1}
    assert data["instance"]["runQueueConfig"] == {"maxConcurrentRuns": 1}


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def test_ui_serves_the_graph_on_localhost_and_stops_cleanly(tmp_path: Path) -> None:
    """The webserver of ``innovation-monitor ui``, on the project's instance settings and a
    two-year cut of the sample: two runs launched at once run one after the other."""
    port = _free_port()
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(PROJECT_ROOT / ".dagster_home" / "dagster.yaml", home / "dagster.yaml")
    data, warehouse = cut_sample(tmp_path / "data"), tmp_path / "warehouse.duckdb"
    environment = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "INNOVATION_MONITOR_DATA_DIR": str(data),
        "INNOVATION_MONITOR_WAREHOUSE": str(warehouse),
        "INNOVATION_MONITOR_OUTPUT_DIR": str(tmp_path / "out"),
    }
    command = [str(Path(sys.executable).parent / "innovation-monitor"), "ui", "--port", str(port)]
    process = subprocess.Popen(
        command,
        cwd=PROJECT_ROOT,
        env=environment,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    pgid = os.getpgid(process.pid)
    try:
        data: dict = {}
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and not data:
            try:
                data = _graph(port)
            except (OSError, KeyError, ValueError):
                time.sleep(1)
        _check_graph(data)
        location = data["repositoriesOrError"]["nodes"][0]["location"]["name"]
        years = ["2020", "2021"]  # the cut's data years
        _add_years(port, location, years)
        first, second = _launch_two_runs(port, location, years)
        assert first["status"] == second["status"] == "SUCCESS", (first, second)
        assert first["endTime"] <= second["startTime"]  # queued behind the first: no collision
        with duckdb.connect(str(warehouse), read_only=True) as con:
            assert con.execute("SELECT count(*) FROM scores").fetchone()[0] > 0
        (after,) = _graph(port)["repositoriesOrError"]["nodes"]
        for node in after["assetNodes"]:
            if node["assetKey"]["path"][0].endswith(("_statistics", "_indicators")):
                assert node["partitionKeysByDimension"] == [{"partitionKeys": years}]
                statuses = node["assetPartitionStatuses"]["materializedPartitions"]
                assert sorted(statuses) == years, node["assetKey"]
        listening = subprocess.run(
            ["ss", "-ltnH", f"sport = :{port}"], capture_output=True, text=True, check=False
        ).stdout
        if listening:  # ss is optional on a machine; when present, check the bind address
            assert all("127.0.0.1:" in line for line in listening.splitlines() if line.strip())
    finally:
        os.killpg(pgid, signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(pgid, signal.SIGKILL)
            raise
    deadline = time.monotonic() + 30
    while _group_alive(pgid) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not _group_alive(pgid), "processes of the UI were left running"
