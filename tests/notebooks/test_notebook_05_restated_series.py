"""`notebooks/05_restated_series.ipynb` runs headless on the sample
warehouse, with its own parameters and with a second set (one file per notebook: the notebooks
run on several test workers)."""

import pytest

from tests.notebooks.notebook_run import SECOND, check, default, execute
from tests.pipeline_run import PipelineRun

NAME = "05_restated_series.ipynb"


@pytest.mark.slow
def test_runs_with_its_parameters(sample_run: PipelineRun) -> None:
    check(execute(NAME, sample_run), default(NAME, "LEVEL"), None, default(NAME, "REGION"))


@pytest.mark.slow
def test_runs_with_other_parameters(sample_run: PipelineRun) -> None:
    check(execute(NAME, sample_run, **SECOND), SECOND["LEVEL"], SECOND["YEAR"], SECOND["REGION"])
