"""Running an analyst notebook headless with nbclient, as JupyterLab would (``notebooks/`` as the
working directory, the project's Python as the kernel), with some of its parameters replaced."""

import ast
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import nbformat
import pytest

from innovation_monitor.paths import PROJECT_ROOT
from tests.pipeline_run import PipelineRun

NOTEBOOK_DIR = PROJECT_ROOT / "notebooks"
NOTEBOOKS = (
    "01_year_at_a_glance.ipynb",
    "02_unit_deep_dive.ipynb",
    "03_methodology_what_if.ipynb",
    "04_data_quality.ipynb",
    "05_restated_series.ipynb",
)
PARAMETERS = ("WAREHOUSE", "LEVEL", "YEAR", "REGION")
"""The parameters every notebook has."""

SECOND = {"LEVEL": "county", "REGION": "蓬莱区", "YEAR": 2022}
"""A second parameter set: another level, region and year (蓬莱区 holds 长岛县 since 2020)."""


def read(name: str) -> nbformat.NotebookNode:
    """The notebook as stored."""
    return nbformat.read(NOTEBOOK_DIR / name, as_version=4)


def parameter_cell(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The first code cell: the parameters."""
    return next(cell for cell in notebook.cells if cell.cell_type == "code")


def parameters(source: str) -> dict[str, str]:
    """Each name the parameter cell assigns → the source of its value (simple assignments
    only, as papermill expects)."""
    tree = ast.parse(source)
    found = {}
    for statement in tree.body:
        assert isinstance(statement, ast.Assign), ast.unparse(statement)
        (target,) = statement.targets
        assert isinstance(target, ast.Name), ast.unparse(statement)
        found[target.id] = ast.unparse(statement.value)
    return found


def default(name: str, parameter: str) -> Any:
    """The value a parameter has in the notebook as stored."""
    return ast.literal_eval(parameters(parameter_cell(read(name)).source)[parameter])


def with_parameters(source: str, values: Mapping[str, Any]) -> str:
    """The parameter cell's source with ``values`` in place of those parameters' values."""
    unknown = set(values) - set(parameters(source))
    assert not unknown, f"the notebook has no parameter {sorted(unknown)}"
    assigned = parameters(source) | {name: repr(value) for name, value in values.items()}
    return "\n".join(f"{name} = {value}" for name, value in assigned.items()) + "\n"


def execute(name: str, run: PipelineRun, **values: Any) -> nbformat.NotebookNode:
    """The notebook executed top to bottom against ``run``'s warehouse, its parameter cell
    replaced (``WAREHOUSE`` and ``values``); a failing cell raises ``CellExecutionError``."""
    from nbclient import NotebookClient

    notebook = read(name)
    cell = parameter_cell(notebook)
    cell.source = with_parameters(cell.source, {"WAREHOUSE": str(run.warehouse), **values})
    client = NotebookClient(
        notebook,
        timeout=180,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK_DIR)}},
    )
    client.execute()
    return notebook


def problems(notebook: nbformat.NotebookNode) -> list[str]:
    """Every error and every stderr stream (warnings) in the outputs, with its cell."""
    found = []
    for number, cell in enumerate(notebook.cells):
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                found.append(f"cell {number}: {output.ename}: {output.evalue}")
            elif output.output_type == "stream" and output.name == "stderr":
                found.append(f"cell {number} (stderr): {output.text}")
    return found


def text(notebook: nbformat.NotebookNode) -> str:
    """Every text output of the notebook, joined."""
    parts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if output.output_type == "stream":
                parts.append(output.text)
            elif "data" in output:
                parts.append(output.data.get("text/plain", ""))
    return "\n".join(parts)


def images(notebook: nbformat.NotebookNode) -> int:
    """How many PNG images (charts) the outputs hold."""
    return sum(
        "image/png" in output.get("data", {})
        for cell in notebook.cells
        for output in cell.get("outputs", [])
    )


def check(notebook: nbformat.NotebookNode, level: str, year: int | None, region: str) -> None:
    """No error and no warning, at least one chart, and the parameters were used."""
    assert not problems(notebook), "\n".join(problems(notebook))
    assert images(notebook) >= 1
    shown = text(notebook)
    assert f"层级 level: {level}" in shown
    if year is not None:
        assert f"年份 year: {year}" in shown
    assert region in shown


def notebook_path(name: str) -> Path:
    """Where the notebook is stored."""
    return NOTEBOOK_DIR / name


def notebook_tests(name: str) -> tuple[Callable[..., None], Callable[..., None]]:
    """The two tests of notebook ``name``: with its own parameters and with :data:`SECOND`.
    Each notebook's test file only binds them, so ``--dist loadfile`` runs the notebooks on
    several workers."""

    @pytest.mark.slow
    def test_runs_with_its_parameters(sample_run: PipelineRun) -> None:
        check(execute(name, sample_run), default(name, "LEVEL"), None, default(name, "REGION"))

    @pytest.mark.slow
    def test_runs_with_other_parameters(sample_run: PipelineRun) -> None:
        notebook = execute(name, sample_run, **SECOND)
        check(notebook, SECOND["LEVEL"], SECOND["YEAR"], SECOND["REGION"])

    return test_runs_with_its_parameters, test_runs_with_other_parameters
