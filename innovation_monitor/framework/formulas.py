"""A small, safe formula language for indicator definitions.

Evaluators write indicators in ``indicators.yaml`` as arithmetic over variable codes, e.g.
``rd_expenditure / gdp * 100``. The text is parsed with :mod:`ast` and only a whitelist of nodes
is accepted — numbers, variable names, ``+ - * /``, unary ``-``/``+``, parentheses and the
functions ``min(a, b, ...)`` / ``max(a, b, ...)`` — then evaluated by walking the tree. Nothing is
ever passed to ``eval``, so an edited YAML file cannot run code.

Evaluation is element-wise over numpy arrays (pandas and polars Series are accepted). Missing
values are NaN and propagate. Division by zero gives NaN, not ±inf and not an error: a region
with no industrial output has no high-tech share, which is a missing value, not an infinite one.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from innovation_monitor.errors import FrameworkError

FUNCTIONS: dict[str, Callable[..., np.ndarray]] = {
    # np.minimum / np.maximum propagate NaN: a missing input gives a missing result.
    "min": np.minimum,
    "max": np.maximum,
}
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
MAX_LENGTH = 500

_BINARY: dict[type[ast.operator], str] = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}
_UNARY: dict[type[ast.unaryop], str] = {ast.USub: "-", ast.UAdd: "+"}


def _as_float_array(value: Any) -> np.ndarray:
    """Any column-like (numpy, list, pandas/polars Series, scalar) as float64, NaN if missing."""
    if hasattr(value, "to_numpy") and hasattr(value, "dtype"):
        module = type(value).__module__
        if module.startswith("polars"):
            import polars as pl

            return np.asarray(value.cast(pl.Float64).to_numpy(), dtype=float)
        return np.asarray(value.to_numpy(dtype=float, na_value=np.nan), dtype=float)
    return np.asarray(value, dtype=float)


def _divide(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """Element-wise division with x / 0 = NaN (documented in the module docstring)."""
    num, den = np.broadcast_arrays(np.asarray(numerator, float), np.asarray(denominator, float))
    out = np.full(num.shape, np.nan)
    ok = den != 0
    with np.errstate(invalid="ignore", divide="ignore"):
        np.divide(num, den, out=out, where=ok)
    return out


@dataclass(frozen=True)
class Formula:
    """A parsed formula: ``text`` as written, ``variables`` it reads."""

    text: str
    variables: frozenset[str]
    _tree: ast.expr = field(repr=False, compare=False)

    @classmethod
    def parse(cls, text: str) -> Formula:
        """Parse and check ``text``; raise :class:`FrameworkError` naming the formula and the
        offending part if it is not plain arithmetic over variable names."""
        if not isinstance(text, str) or not text.strip():
            raise FrameworkError(f"formula {text!r}: expected a non-empty arithmetic expression")
        if len(text) > MAX_LENGTH:
            raise FrameworkError(f"formula {text[:40]!r}...: longer than {MAX_LENGTH} characters")
        try:
            tree = ast.parse(text.strip(), mode="eval")
        except SyntaxError as err:
            raise FrameworkError(f"formula {text!r}: not a valid expression ({err.msg})") from None
        names: set[str] = set()
        _check(tree.body, text, names)
        return cls(text=text.strip(), variables=frozenset(names), _tree=tree.body)

    def evaluate(self, columns: Mapping[str, Any]) -> np.ndarray:
        """Evaluate element-wise over ``columns`` (variable code → array-like or scalar).

        Inputs broadcast against each other; the result is a float64 array. Missing inputs
        (NaN/None/null) and division by zero give NaN. A variable absent from ``columns`` raises
        :class:`FrameworkError`: the caller decides what a missing variable means.
        """
        absent = sorted(self.variables - set(columns))
        if absent:
            raise FrameworkError(f"formula {self.text!r}: no values given for variable(s) {absent}")
        arrays = {name: _as_float_array(columns[name]) for name in self.variables}
        with np.errstate(invalid="ignore", over="ignore"):
            result = _evaluate(self._tree, arrays)
        return np.asarray(result, dtype=float)

    def __str__(self) -> str:
        return self.text


def _check(node: ast.AST, text: str, names: set[str]) -> None:
    """Accept only whitelisted nodes; collect variable names into ``names``."""
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, int | float):
            raise FrameworkError(f"formula {text!r}: constant {node.value!r} is not a number")
        return
    if isinstance(node, ast.Name):
        if node.id in FUNCTIONS:
            raise FrameworkError(f"formula {text!r}: {node.id!r} is a function; call it")
        if not NAME_PATTERN.match(node.id):
            raise FrameworkError(
                f"formula {text!r}: {node.id!r} is not a variable code (lower-case letters, "
                "digits and '_')"
            )
        names.add(node.id)
        return
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        _check(node.left, text, names)
        _check(node.right, text, names)
        return
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        _check(node.operand, text, names)
        return
    if isinstance(node, ast.Call):
        func = node.func.id if isinstance(node.func, ast.Name) else None
        if func not in FUNCTIONS:
            raise FrameworkError(
                f"formula {text!r}: only the functions {sorted(FUNCTIONS)} may be called, "
                f"not {ast.unparse(node.func)!r}"
            )
        if node.keywords or len(node.args) < 2:
            raise FrameworkError(
                f"formula {text!r}: {func}() takes two or more positional arguments"
            )
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                raise FrameworkError(f"formula {text!r}: {func}() does not take *arguments")
            _check(arg, text, names)
        return
    raise FrameworkError(
        f"formula {text!r}: {ast.unparse(node)!r} is not allowed; use numbers, variable codes, "
        f"+ - * /, parentheses and {'/'.join(sorted(FUNCTIONS))}()"
    )


def _evaluate(node: ast.expr, arrays: Mapping[str, np.ndarray]) -> np.ndarray:
    """Walk a tree already accepted by :func:`_check`."""
    if isinstance(node, ast.Constant):
        return np.asarray(node.value, dtype=float)
    if isinstance(node, ast.Name):
        return arrays[node.id]
    if isinstance(node, ast.UnaryOp):
        operand = _evaluate(node.operand, arrays)
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.BinOp):
        left = _evaluate(node.left, arrays)
        right = _evaluate(node.right, arrays)
        if isinstance(node.op, ast.Add):
            return left + right
        if isinstance(node.op, ast.Sub):
            return left - right
        if isinstance(node.op, ast.Mult):
            return left * right
        return _divide(left, right)
    assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    function = FUNCTIONS[node.func.id]
    result = _evaluate(node.args[0], arrays)
    for arg in node.args[1:]:
        result = function(result, _evaluate(arg, arrays))
    return result
