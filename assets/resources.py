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

from innovation_monitor import warehouse
from innovation_monitor.divisions import DivisionRegistry
from innovation_monitor.framework import IndicatorSystem, load_indicator_system
from innovation_monitor.ingest.fingerprint import file_sha256
from innovation_monitor.paths import (
    DEFAULT_OUTPUT_DIR,
    DEFAULT_WAREHOUSE,
    INDICATORS_FILE,
    SAMPLE_DIR,
)
from innovation_monitor.reports.outputs import check_formats
from innovation_monitor.staging import StagedRun


class MonitorSettings(dg.ConfigurableResource):
    """The inputs and outputs of one annual monitoring run."""

    data_dir: str = str(SAMPLE_DIR)
    output_dir: str = str(DEFAULT_OUTPUT_DIR)
    indicators_file: str = str(INDICATORS_FILE)
    accept_quarantine: bool = False
    """Score although cells were quarantined as unusable; the reports list the excluded cells."""
    edition: str = ""
    """The edition (a data year) to score as the draft; empty = the latest data year."""
    divisions_file: str = ""
    """Another province's (or the country's) division registry CSV; empty = Shandong's."""
    report_formats: str = "html,pdf,xlsx"
    """The report formats the run writes, comma-separated (``reports.outputs.FORMATS``)."""

    def edition_year(self) -> int | None:
        return int(self.edition) if self.edition else None

    def formats(self) -> tuple[str, ...]:
        return check_formats(self.report_formats.split(","))

    def framework_sha256(self) -> str:
        """The hash of the framework file this run reads (what an edition records)."""
        return file_sha256(Path(self.indicators_file))

    @cached_property
    def system(self) -> IndicatorSystem:
        return load_indicator_system(Path(self.indicators_file))

    @cached_property
    def registry(self) -> DivisionRegistry:
        return DivisionRegistry.load(Path(self.divisions_file) if self.divisions_file else None)


def settings_from_env() -> MonitorSettings:
    """Settings for the UI and schedules, from ``INNOVATION_MONITOR_*`` variables if set."""
    env = os.environ.get
    return MonitorSettings(
        data_dir=env("INNOVATION_MONITOR_DATA_DIR", str(SAMPLE_DIR)),
        output_dir=env("INNOVATION_MONITOR_OUTPUT_DIR", str(DEFAULT_OUTPUT_DIR)),
        indicators_file=env("INNOVATION_MONITOR_INDICATORS", str(INDICATORS_FILE)),
        accept_quarantine=env("INNOVATION_MONITOR_ACCEPT_QUARANTINE", "") == "1",
        edition=env("INNOVATION_MONITOR_EDITION", ""),
        divisions_file=env("INNOVATION_MONITOR_DIVISIONS", ""),
    )


class WarehouseResource(DuckDBResource):
    """The warehouse, with every run atomic: a run works on a staged copy (one connection, closed
    when the run ends) and stages its reports; both replace the real ones only when no step of
    the run failed (a failed blocking check is a failed step). See ``innovation_monitor.staging``.
    A run of one lane (``assets.levels.LANE_KEYS``) therefore commits that lane on its own.

    Outside a run (the resource used directly), each ``get_connection`` opens and closes its own
    connection to the real file, and reports go straight to their folder.
    """

    _run_connection: duckdb.DuckDBPyConnection | None = PrivateAttr(default=None)
    _staged: StagedRun | None = PrivateAttr(default=None)

    @contextmanager
    def yield_for_execution(self, context: dg.InitResourceContext) -> Iterator["WarehouseResource"]:
        run = context.dagster_run
        if run is None or self.database == ":memory:":
            yield self
            return
        staged = StagedRun(Path(self.database), run.run_id)
        connection = warehouse.connect(staged.begin())
        self._run_connection, self._staged = connection, staged
        try:
            yield self
        finally:
            self._run_connection, self._staged = None, None
            connection.close()
            failed = context.instance.get_records_for_run(
                run.run_id, of_type=dg.DagsterEventType.STEP_FAILURE, limit=1
            ).records
            if failed:
                staged.abort()
                if context.log is not None:  # the UI lists this run's materializations
                    context.log.warning(
                        "a step failed, so nothing this run wrote was committed: the warehouse "
                        "and the reports are as before the run, whatever it materialized"
                    )
            else:
                staged.commit()

    @contextmanager
    def get_connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        if self._run_connection is not None:
            yield self._run_connection
            return
        with super().get_connection() as connection:
            try:
                yield connection
            finally:
                connection.close()

    def report_dir(self, out: str | Path, level: str) -> Path:
        """Where ``level``'s reports for ``out`` are written: staged during a run."""
        if self._staged is None:
            return Path(out)
        return self._staged.report_dir(Path(out), level)


def warehouse_from_env() -> WarehouseResource:
    return WarehouseResource(
        database=os.environ.get("INNOVATION_MONITOR_WAREHOUSE", str(DEFAULT_WAREHOUSE))
    )
