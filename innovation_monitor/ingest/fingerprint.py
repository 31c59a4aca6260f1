"""A digest of what a data folder holds, so a sensor can tell when a provider has delivered or
corrected a file without ingesting anything."""

import hashlib
from pathlib import Path

from innovation_monitor.ingest.discovery import discover
from innovation_monitor.ingest.manifest import read_manifest


def data_fingerprint(data_dir: Path | str) -> str:
    """A digest of every statistics file of a data folder (paths and contents) and its manifest:
    the files ingestion would read, so a change elsewhere in the folder starts no run."""
    data_dir = Path(data_dir)
    digest = hashlib.sha256()
    manifest = data_dir / "dataset.yaml"
    paths = [manifest] if manifest.is_file() else []
    paths += sorted({entry.path for entry in discover(data_dir, read_manifest(data_dir))})
    for path in paths:
        digest.update(path.relative_to(data_dir).as_posix().encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()
