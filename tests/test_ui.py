"""`make ui` serves the Dagster UI on 127.0.0.1 and leaves nothing behind when stopped."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from innovation_monitor.paths import PROJECT_ROOT

pytestmark = pytest.mark.slow

ASSET_QUERY = json.dumps({"query": "{ assetNodes { assetKey { path } } }"}).encode()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _asset_keys(port: int) -> set[str]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=ASSET_QUERY,
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        nodes = json.load(response)["data"]["assetNodes"]
    return {"/".join(node["assetKey"]["path"]) for node in nodes}


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def test_ui_serves_asset_graph_on_localhost_and_stops_cleanly(tmp_path: Path) -> None:
    port = _free_port()
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    command = [str(Path(sys.executable).parent / "innovation-monitor"), "ui", "--port", str(port)]
    process = subprocess.Popen(
        command,
        cwd=PROJECT_ROOT,
        env={**os.environ, "DAGSTER_HOME": str(home)},
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    pgid = os.getpgid(process.pid)
    try:
        keys: set[str] = set()
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and not keys:
            try:
                keys = _asset_keys(port)
            except (OSError, KeyError, ValueError):
                time.sleep(1)
        assert {"statistics", "city_scores", "county_reports"} <= keys
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
