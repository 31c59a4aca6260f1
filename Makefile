# Two commands on a fresh machine with python3 and make:
#   make run    set up .venv from the lock file and run the whole pipeline on the bundled data
#   make test   set up .venv from the lock file and run the full test suite
PYTHON ?= python3
VENV := .venv
UV_VERSION := 0.13.9
UV := .uv/bin/uv
STAMP := $(VENV)/.synced-$(shell cksum uv.lock | cut -d' ' -f1)
export UV_PROJECT_ENVIRONMENT := $(abspath $(VENV))
export UV_PYTHON_DOWNLOADS := never
export DAGSTER_HOME := $(abspath .dagster_home)
export PYTHONDONTWRITEBYTECODE :=

.PHONY: setup run test test-fast ui notebooks lint sample template docs bench bench-full clean

setup: $(STAMP)

$(UV):
	$(PYTHON) -m venv .uv
	.uv/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# Installs exactly what uv.lock pins (including dev tools) and compiles bytecode once.
$(STAMP): uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen --compile-bytecode --python $(PYTHON)
	rm -f $(VENV)/.synced-*
	touch $@

run: setup
	$(VENV)/bin/innovation-monitor run

# Two workers (the machine has two cores); a test file stays on one worker, so the session's
# sample pipeline run (tests/test_pipeline.py) happens once.
PYTEST_PARALLEL := -n 2 --dist loadfile

# one BLAS thread per test worker: two workers on two cores, each with its own BLAS threads
# spinning for a core, made one test of the iterative imputer take 64 s instead of 5 s
# --durations: the slowest tests are named at the end of every run, where the suite's time goes
test: setup
	OPENBLAS_NUM_THREADS=1 $(VENV)/bin/python -m pytest $(PYTEST_PARALLEL) --durations=15

test-fast: setup
	OPENBLAS_NUM_THREADS=1 $(VENV)/bin/python -m pytest $(PYTEST_PARALLEL) -m "not slow"

ui: setup
	$(VENV)/bin/innovation-monitor ui

# JupyterLab with the project's environment, notebooks/ as its root, bound to 127.0.0.1 only (no
# browser opened: it prints the URL to open, with its token; allowed as root, as in a container).
# JupyterLab is the optional dependency group `notebooks`, added here only, so `make test` never
# needs it. Ctrl-C stops it.
NOTEBOOKS_PORT ?= 8888

# The stamp is removed, so the next `make run` or `make test` syncs .venv back to the lock file's
# default groups: JupyterLab's extra packages (jsonschema's format checkers among them, 3 s at
# every import of jsonschema) do not stay in the pipeline's environment.
notebooks: setup
	$(UV) sync --frozen --compile-bytecode --python $(PYTHON) --group notebooks
	rm -f $(STAMP)
	$(VENV)/bin/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.port=$(NOTEBOOKS_PORT) \
		--ServerApp.open_browser=False --ServerApp.allow_root=True --ServerApp.root_dir=notebooks

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

sample: setup
	$(VENV)/bin/python -m innovation_monitor.synthetic --out data/sample

template: setup
	$(VENV)/bin/innovation-monitor template

docs: setup
	$(VENV)/bin/python -m innovation_monitor.reports.methodology_doc --out docs/methodology.md

# Every benchmark (engine against HEAD~1 and COINr, scale, uncertainty on Dask, microdata, the
# national path, the pipeline), < 10 minutes; rewrites BENCHMARKS.md. bench-full adds COINr on
# the 3000-unit panel (about 5 minutes a build).
bench: setup
	$(VENV)/bin/python benchmarks/run.py

bench-full: setup
	$(VENV)/bin/python benchmarks/run.py --full

clean:
	rm -rf $(VENV) .uv out data/warehouse.duckdb data/warehouse.duckdb.wal
