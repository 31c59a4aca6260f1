"""What a pipeline run in the tests wrote (the ``sample_run`` fixtures of ``conftest.py``)."""

from dataclasses import dataclass
from pathlib import Path

HTML_ONLY = ("--format", "html")
"""``run`` options of the tests that look at no PDF or workbook: the HTML reports and the ranking
CSV only (the PDFs and workbooks are most of a run's time; ``sample_run`` writes every format)."""


@dataclass(frozen=True)
class PipelineRun:
    """Where a pipeline run wrote its warehouse and its reports."""

    warehouse: Path
    out: Path
