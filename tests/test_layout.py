"""The structure rules of ARCHITECTURE.md, checked on the source tree (by parsing, not importing).

Each rule is a function of a project root that returns its offenders, so that the tests below
run it on the real tree and also show, on a small fabricated tree, that it does catch offenders.
"""

import ast
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest

from innovation_monitor.paths import PROJECT_ROOT

DOMAIN = "innovation_monitor"
ASSETS = "assets"
SOFT_LINES = 450  # a module over this is a candidate for a split
HARD_LINES = 600  # no module over this
ALLOWED_OVER_SOFT = 2


def _modules(root: Path, package: str) -> Iterator[tuple[str, ast.Module, str]]:
    """Every module of ``package`` as (path relative to ``root``, syntax tree, text)."""
    folder = root / package
    paths = sorted(path for path in folder.rglob("*.py") if "__pycache__" not in path.parts)
    if not paths:
        raise FileNotFoundError(f"{folder}: no Python modules here, so no rule could be checked")
    for path in paths:
        text = path.read_text(encoding="utf-8")
        yield path.relative_to(root).as_posix(), ast.parse(text, filename=str(path)), text


def _imported(relative: str, tree: ast.Module) -> Iterator[tuple[int, str]]:
    """(line, absolute module name) of every import anywhere in the module, relative resolved."""
    package = relative.removesuffix(".py").split("/")[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: max(0, len(package) - node.level + 1)]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            yield node.lineno, module


def _top(module: str) -> str:
    return module.split(".")[0]


def dagster_importers(root: Path) -> list[str]:
    """Imports of dagster (or a ``dagster_*`` integration) in the domain library."""
    return [
        f"{relative}:{line} imports {module}"
        for relative, tree, _ in _modules(root, DOMAIN)
        for line, module in _imported(relative, tree)
        if _top(module) == "dagster" or _top(module).startswith("dagster_")
    ]


def pipelines_importers(root: Path) -> list[str]:
    """Imports of ``pipelines`` in ``assets/``: pipelines imports the assets, not the reverse."""
    return [
        f"{relative}:{line} imports {module}"
        for relative, tree, _ in _modules(root, ASSETS)
        for line, module in _imported(relative, tree)
        if _top(module) == "pipelines"
    ]


def oversized_modules(root: Path) -> list[str]:
    """Domain modules over the hard limit, and all over the soft one if more than allowed are."""
    sizes = {relative: len(text.splitlines()) for relative, _, text in _modules(root, DOMAIN)}
    over_hard = [f"{path}: {n} lines > {HARD_LINES}" for path, n in sizes.items() if n > HARD_LINES]
    over_soft = [f"{path}: {n} lines > {SOFT_LINES}" for path, n in sizes.items() if n > SOFT_LINES]
    return over_hard + (over_soft if len(over_soft) > ALLOWED_OVER_SOFT else [])


def duplicate_public_functions(root: Path) -> list[str]:
    """Public top-level function names defined in more than one domain module."""
    defined: dict[str, list[str]] = defaultdict(list)
    for relative, tree, _ in _modules(root, DOMAIN):
        for node in tree.body:
            is_function = isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            if is_function and not node.name.startswith("_"):
                defined[node.name].append(f"{relative}:{node.lineno}")
    return [
        f"{name}: {', '.join(places)}"
        for name, places in sorted(defined.items())
        if len(places) > 1
    ]


def future_annotations_in_assets(root: Path) -> list[str]:
    """``from __future__ import annotations`` in ``assets/``: Dagster reads the resource and
    context annotations at definition time, which postponed (string) annotations break."""
    return [
        f"{relative}:{node.lineno}"
        for relative, tree, _ in _modules(root, ASSETS)
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        and node.module == "__future__"
        and any(alias.name == "annotations" for alias in node.names)
    ]


def _listed(offenders: list[str]) -> str:
    return "\n  ".join(["", *offenders])


# --- the project's tree ------------------------------------------------------------------------


def test_domain_library_imports_no_dagster() -> None:
    offenders = dagster_importers(PROJECT_ROOT)
    assert not offenders, (
        "innovation_monitor/ must not import dagster (Dagster code belongs in assets/ or "
        f"pipelines/):{_listed(offenders)}"
    )


def test_assets_do_not_import_pipelines() -> None:
    offenders = pipelines_importers(PROJECT_ROOT)
    assert not offenders, (
        "assets/ must not import pipelines/ (pipelines imports the assets; move what both need "
        f"into assets/ or innovation_monitor/):{_listed(offenders)}"
    )


def test_domain_modules_are_small() -> None:
    offenders = oversized_modules(PROJECT_ROOT)
    assert not offenders, (
        f"innovation_monitor/: no module over {HARD_LINES} lines and at most {ALLOWED_OVER_SOFT} "
        f"over {SOFT_LINES} (split by concept):{_listed(offenders)}"
    )


def test_public_function_names_are_unique_in_the_domain_library() -> None:
    offenders = duplicate_public_functions(PROJECT_ROOT)
    assert not offenders, (
        "innovation_monitor/: public top-level functions with the same name in several modules "
        f"(rename one, or make it private):{_listed(offenders)}"
    )


def test_assets_do_not_postpone_annotations() -> None:
    offenders = future_annotations_in_assets(PROJECT_ROOT)
    assert not offenders, (
        "assets/: `from __future__ import annotations` breaks Dagster's reading of resource "
        f"annotations:{_listed(offenders)}"
    )


# --- each rule catches offenders on a fabricated tree ------------------------------------------


def _tree(root: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def _lines(count: int) -> str:
    return "".join(f"x{i} = {i}\n" for i in range(count))


def test_dagster_rule_finds_every_form_of_import(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "innovation_monitor/__init__.py": "",
            "innovation_monitor/clean.py": "import dagsterish\nfrom pathlib import Path\n",
            "innovation_monitor/plain.py": "import dagster as dg\n",
            "innovation_monitor/sub/nested.py": "def f():\n    from dagster import asset\n",
            "innovation_monitor/duck.py": "from dagster_duckdb import DuckDBResource\n",
            "assets/ok.py": "import dagster\n",
        },
    )
    assert dagster_importers(root) == [
        "innovation_monitor/duck.py:1 imports dagster_duckdb",
        "innovation_monitor/plain.py:1 imports dagster",
        "innovation_monitor/sub/nested.py:2 imports dagster",
    ]


def test_pipelines_rule_finds_absolute_and_relative_imports(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "assets/__init__.py": "",
            "assets/clean.py": "from assets.resources import MonitorSettings\nimport pipelinesx\n",
            "assets/resources.py": "import pipelines.jobs\n",
            "assets/levels.py": "from pipelines.resources import MonitorSettings\n",
            "assets/sub/deep.py": "from ...pipelines import jobs\n",
            "pipelines/definitions.py": "import assets\n",
        },
    )
    assert pipelines_importers(root) == [
        "assets/levels.py:1 imports pipelines.resources",
        "assets/resources.py:1 imports pipelines.jobs",
        "assets/sub/deep.py:1 imports pipelines",
    ]


def test_size_rule_names_modules_over_the_limits(tmp_path: Path) -> None:
    files = {
        "innovation_monitor/a.py": _lines(SOFT_LINES + 1),
        "innovation_monitor/b.py": _lines(SOFT_LINES + 1),
        "innovation_monitor/c.py": _lines(SOFT_LINES),
    }
    assert oversized_modules(_tree(tmp_path, files)) == []  # two over the soft limit are allowed
    _tree(tmp_path, {"innovation_monitor/sub/d.py": _lines(SOFT_LINES + 1)})
    assert oversized_modules(tmp_path) == [
        f"innovation_monitor/{name}.py: {SOFT_LINES + 1} lines > {SOFT_LINES}"
        for name in ("a", "b", "sub/d")
    ]
    big = HARD_LINES + 1
    _tree(tmp_path, {"innovation_monitor/sub/d.py": "", "innovation_monitor/e.py": _lines(big)})
    assert oversized_modules(tmp_path) == [
        f"innovation_monitor/e.py: {big} lines > {HARD_LINES}",
        *(f"innovation_monitor/{n}.py: {SOFT_LINES + 1} lines > {SOFT_LINES}" for n in "ab"),
        f"innovation_monitor/e.py: {big} lines > {SOFT_LINES}",
    ]


def test_duplicate_rule_names_public_top_level_functions_only(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "innovation_monitor/a.py": "def load():\n    pass\ndef _helper():\n    pass\n",
            "innovation_monitor/sub/b.py": (
                "async def load():\n    pass\ndef _helper():\n    pass\n"
                "class C:\n    def method(self):\n        pass\n"
            ),
            "innovation_monitor/c.py": "def method():\n    pass\ndef outer():\n    def load():\n"
            "        pass\n",
            "assets/d.py": "def outer():\n    pass\n",
        },
    )
    assert duplicate_public_functions(root) == [
        "load: innovation_monitor/a.py:1, innovation_monitor/sub/b.py:1"
    ]


def test_future_annotations_rule_finds_the_import_in_assets_only(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "assets/clean.py": "from __future__ import division\n",
            "assets/levels.py": '"""Doc."""\n\nfrom __future__ import annotations\n',
            "assets/both.py": "from __future__ import generator_stop, annotations\n",
            "innovation_monitor/ok.py": "from __future__ import annotations\n",
        },
    )
    assert future_annotations_in_assets(root) == ["assets/both.py:1", "assets/levels.py:3"]


def test_a_missing_package_is_an_error_not_a_pass(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no Python modules"):
        dagster_importers(tmp_path)
