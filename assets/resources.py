"""Dagster resources: where the data, the warehouse and the reports live, and which years to run.

Defaults come from environment variables so that the UI (``make ui``) and a scheduled run can be
pointed at a user's own data without editing code; ``innovation-monitor run`` overrides them
through run config. They live in ``assets/`` because the assets take them as parameters, and
``assets/`` never imports ``pipelines/`` (which imports the assets).
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource
from pydantic import PrivateAttr

from innovation_monitor.divisions import DivisionRegistry
from innovation_monitor.framework import IndicatorSystem, load_indicator_system
from innovation_monitor.paths import (
    DEFAULT_OUTPUT_DIR,
    DEFAULT_WAREHOUSE,
    INDICATORS_FILE,
    SAMPLE_DIR,
)
from innovation_monitor.years import parse_years


class MonitorSettings(dg.ConfigurableResource):
    """The inputs and outputs of one annual monitoring run."""

    data_dir: str = str(SAMPLE_DIR)
    output_dir: str = str(DEFAULT_OUTPUT_DIR)
    indicators_file: str = str(INDICATORS_FILE)
    years: str = ""
    """Years to (re)load and publish, e.g. ``2019-2023`` or ``2021,2023``; empty = all found."""

    def year_list(self) -> list[int] | None:
        return parse_years(self.years) if self.years else None

    @cached_property
    def system(self) -> IndicatorSystem:
        return load_indicator_system(Path(self.indicators_file))

    @cached_property
    def registry(self) -> DivisionRegistry:
        return DivisionRegistry.load()


def settings_from_env() -> MonitorSettings:
    """Settings for the UI and schedules, from ``INNOVATION_MONITOR_*`` variables if set."""
    env = os.environ.get
    return MonitorSettings(
        data_dir=env("INNOVATION_MONITOR_DATA_DIR", str(SAMPLE_DIR)),
        output_dir=env("INNOVATION_MONITOR_OUTPUT_DIR", str(DEFAULT_OUTPUT_DIR)),
        indicators_file=env("INNOVATION_MONITOR_INDICATORS", str(INDICATORS_FILE)),
        years=env("INNOVATION_MONITOR_YEARS", ""),
    )


class WarehouseResource(DuckDBResource):
    """``DuckDBResource`` with one connection per run, closed when the run ends, failed or not.

    A connection per step cost an open, a checkpoint and an fsync for each of the run's steps
    (they run one after another in this process: the job's executor is in-process). And
    dagster-duckdb 0.29 closes only after a clean exit, so a failed step left the file open in
    this process until garbage collection, and DuckDB then refused other connections to it.
    Outside a run (the resource used directly), each ``get_connection`` opens and closes its own.
    """

    _run_connection: duckdb.DuckDBPyConnection | None = PrivateAttr(default=None)

    @contextmanager
    def yield_for_execution(self, context: dg.InitResourceContext) -> Iterator["WarehouseResource"]:
        with self._own_connection() as connection:
            self._run_connection = connection
            try:
                yield self
            finally:
                self._run_connection = None

    @contextmanager
    def get_connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        if self._run_connection is not None:
            yield self._run_connection
            return
        with self._own_connection() as connection:
            yield connection

    @contextmanager
    def _own_connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with super().get_connection() as connection:
            try:
                yield connection
            finally:
                connection.close()


def warehouse_from_env() -> WarehouseResource:
    return WarehouseResource(
        database=os.environ.get("INNOVATION_MONITOR_WAREHOUSE", str(DEFAULT_WAREHOUSE))
    )
