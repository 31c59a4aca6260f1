"""What a pipeline run in the tests wrote (the ``sample_run`` fixtures of ``conftest.py``)."""

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class PipelineRun:
    """Where a pipeline run wrote its warehouse and its reports."""

    warehouse: Path
    out: Path
