"""Yearbook ingestion: CSV/XLSX statistics files → clean long statistics plus a quarantine.

``ingest_directory`` walks a data directory (``dataset.yaml`` plus ``city/``, ``county/`` and
``long/`` files), ``ingest_file`` reads one file; both return an :class:`IngestResult` whose
frames have the warehouse columns (``innovation_monitor.warehouse.load`` writes it).
``manifest`` reads ``dataset.yaml``, ``discovery`` finds the files and what their paths say,
``wide`` and ``long`` read the two table shapes into the run's ``collector``, ``load`` puts
it together. ``check_coverage`` refuses a result whose years shrink (a header-only file, a table
of the other level) before it replaces anything.
"""

from innovation_monitor.ingest.coverage import check_coverage
from innovation_monitor.ingest.load import ingest_directory, ingest_file
from innovation_monitor.ingest.manifest import FileEntry, Manifest, read_manifest
from innovation_monitor.ingest.result import IngestResult

__all__ = [
    "FileEntry",
    "IngestResult",
    "Manifest",
    "check_coverage",
    "ingest_directory",
    "ingest_file",
    "read_manifest",
]
