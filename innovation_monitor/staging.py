"""A run works on a staged copy of the warehouse and a staged report folder, swapped in at the end.

A published figure must never change because a run failed half-way: a blocking check that stops
the scores, a crash, a killed process. So a run never writes the warehouse or the report folder
it was given. It copies the warehouse file, writes its reports beside the report folder, and only
when the run ends without a failed step are both moved into place (the warehouse by one atomic
rename). Otherwise the copies are thrown away, and a copy left by a killed run is removed by the
next run. One run at a time per warehouse: a lock file refuses a second one.
"""

import fcntl
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from innovation_monitor.errors import InnovationMonitorError

#: report files of a level are named ``<level>_…`` inside ``<out>/<year>/``
REPORT_GLOB = "{level}_*"


def staging_dir(path: Path) -> Path:
    """Where runs keep their copy of ``path`` (the warehouse or a report folder): a hidden
    folder beside it, on the same file system, so that moving the copy in is a rename."""
    return path.parent / f".{path.name}.staging"


def acquire_lock(warehouse: Path) -> IO[str]:
    """The warehouse's run lock, held until the returned file is closed; refused at once (with a
    clear message) while a run or a publication holds it."""
    folder = staging_dir(warehouse)
    folder.mkdir(parents=True, exist_ok=True)
    lock = (folder / "run.lock").open("w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock.close()
        raise InnovationMonitorError(
            f"another run is using the warehouse {warehouse}; wait for it to finish / "
            "另一运行正在使用该数据仓库，请稍后再试"
        ) from None
    return lock


@dataclass
class StagedRun:
    """The staged copies of one run; :meth:`begin`, then :meth:`commit` or :meth:`abort`."""

    warehouse: Path
    run_id: str
    _lock: IO[str] | None = field(default=None, repr=False)
    _reports: dict[Path, set[str]] = field(default_factory=dict, repr=False)

    @property
    def staged_warehouse(self) -> Path:
        return staging_dir(self.warehouse) / f"{self.run_id}.duckdb"

    def begin(self) -> Path:
        """Lock the warehouse, clear what killed runs left, copy the warehouse; its copy's path."""
        folder = staging_dir(self.warehouse)
        self._lock = acquire_lock(self.warehouse)
        for leftover in folder.iterdir():
            if leftover.name != "run.lock":
                _remove(leftover)
        for suffix in ("", ".wal"):
            source = self.warehouse.with_name(self.warehouse.name + suffix)
            if source.is_file():
                shutil.copyfile(
                    source, self.staged_warehouse.with_name(self.staged_warehouse.name + suffix)
                )
        return self.staged_warehouse

    def report_dir(self, out: Path, level: str) -> Path:
        """The folder a run writes ``level``'s reports to, beside ``out``; at commit they replace
        every report of that level in ``out`` (so reports of years no longer scored go)."""
        if out not in self._reports:
            _remove(staging_dir(out))  # what a killed run left
        self._reports.setdefault(out, set()).add(level)
        return staging_dir(out) / self.run_id

    def commit(self) -> None:
        """Move the warehouse copy into place, then the reports; release the lock."""
        try:
            if self.staged_warehouse.is_file():
                self.warehouse.parent.mkdir(parents=True, exist_ok=True)
                self.staged_warehouse.replace(self.warehouse)
                wal = self.warehouse.with_name(self.warehouse.name + ".wal")
                staged_wal = self.staged_warehouse.with_name(self.staged_warehouse.name + ".wal")
                if staged_wal.is_file():
                    staged_wal.replace(wal)
                else:
                    wal.unlink(missing_ok=True)
            for out, levels in self._reports.items():
                _publish(staging_dir(out) / self.run_id, out, levels)
        finally:
            self.abort()

    def abort(self) -> None:
        """Throw the copies away and release the lock; the warehouse and reports are untouched."""
        for out in self._reports:
            _remove(staging_dir(out))
        self._reports.clear()
        for suffix in ("", ".wal"):
            self.staged_warehouse.with_name(self.staged_warehouse.name + suffix).unlink(
                missing_ok=True
            )
        if self._lock is not None:
            fcntl.flock(self._lock, fcntl.LOCK_UN)
            self._lock.close()
            self._lock = None


def _publish(staged: Path, out: Path, levels: set[str]) -> None:
    """Replace every report file of ``levels`` in ``out`` by the staged ones."""
    out.mkdir(parents=True, exist_ok=True)
    for level in sorted(levels):
        for old in out.glob(f"*/{REPORT_GLOB.format(level=level)}"):
            old.unlink()
    if staged.is_dir():
        for new in sorted(staged.rglob("*")):
            if new.is_file():
                target = out / new.relative_to(staged)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.move(new, target)
    for year_dir in out.iterdir():
        if year_dir.is_dir() and year_dir.name.isdigit() and not any(year_dir.iterdir()):
            year_dir.rmdir()


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)
