"""The notebooks as stored (without outputs, parameters first, reading the warehouse through
the library) and the commands the README gives for them (the Makefile's `notebooks` target)."""

import re
import subprocess

import pytest

from innovation_monitor.paths import PROJECT_ROOT
from tests.notebooks.notebook_run import (
    NOTEBOOK_DIR,
    NOTEBOOKS,
    PARAMETERS,
    parameter_cell,
    parameters,
    read,
)


def _make(*args: str) -> str:
    done = subprocess.run(
        ["make", "-n", *args],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _readme_section() -> str:
    text = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"^## Notebooks\n(.*?)(?=^## )", text, flags=re.S | re.M)
    assert match, "README.md has no Notebooks section"
    return match.group(1)


def test_every_notebook_is_stored() -> None:
    stored = {p.name for p in NOTEBOOK_DIR.glob("*.ipynb")}
    assert set(NOTEBOOKS) <= stored


@pytest.mark.parametrize("name", sorted(p.name for p in NOTEBOOK_DIR.glob("*.ipynb")))
def test_stored_without_outputs(name: str) -> None:
    notebook = read(name)
    for number, cell in enumerate(notebook.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{name} cell {number} has outputs"
            assert cell.execution_count is None, f"{name} cell {number} has an execution count"
    assert "widgets" not in notebook.metadata


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_parameters_come_first(name: str) -> None:
    notebook = read(name)
    cell = parameter_cell(notebook)
    assert "parameters" in cell.metadata.get("tags", [])
    found = parameters(cell.source)  # simple assignments only
    assert set(PARAMETERS) <= set(found)
    assert found["WAREHOUSE"] == "None"  # the warehouse `make run` writes
    tagged = [c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])]
    assert tagged == [cell]


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_reads_the_warehouse_through_the_library(name: str) -> None:
    source = "\n".join(c.source for c in read(name).cells if c.cell_type == "code")
    assert "warehouse.read(" in source
    assert not re.search(r"\bSELECT\b|\.execute\(|\.sql\(|import duckdb", source)
    assert "use_in_matplotlib()" in source  # Chinese labels in charts
    assert "INDICATORS_FILE.write" not in source  # the shipped framework is never edited


def test_readme_lists_every_notebook() -> None:
    section = _readme_section()
    for name in NOTEBOOKS:
        assert name in section


def test_readme_commands_are_make_targets() -> None:
    section = _readme_section()
    blocks = re.findall(r"```sh\n(.*?)```", section, flags=re.S)
    commands = [line.split("#")[0].strip() for b in blocks for line in b.splitlines()]
    commands = [c for c in commands if c]
    assert "make notebooks" in commands
    for command in commands:
        assert command.startswith("make "), command
        _make(*command.split()[1:])  # a target that exists


def test_make_notebooks_opens_jupyterlab_on_localhost() -> None:
    commands = _make("notebooks")
    assert re.search(r"uv sync .*--frozen.*--group notebooks", commands)
    (lab,) = [line for line in commands.splitlines() if "jupyter lab" in line]
    whole = commands[commands.index(lab) :]
    assert "--ServerApp.ip=127.0.0.1" in whole
    assert "--ServerApp.root_dir=notebooks" in whole
    assert "--ServerApp.open_browser=False" in whole
    assert ".venv/bin/jupyter" in lab  # the project's environment
    phony = re.search(r"^\.PHONY:(.*)$", (PROJECT_ROOT / "Makefile").read_text(), flags=re.M)
    assert phony and "notebooks" in phony.group(1).split()  # notebooks/ is also a folder


def test_make_test_does_not_need_jupyterlab() -> None:
    for target in ("test", "test-fast", "run"):
        commands = _make(target)
        assert "--group notebooks" not in commands
        assert "jupyter" not in commands
