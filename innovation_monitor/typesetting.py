"""Typst compiling a prepared folder (template, SVG files, the document as JSON) to PDF, in this
process (:func:`compile_pdf`) or in a child process of its own (:func:`typeset`).

typst-py holds the GIL while it lays out a document: a Python loop run beside a compile in a
thread kept 42 % of its speed, and the compile took 24 % longer than alone. A PDF compiled in a
thread therefore hardly overlaps with the charts and workbooks drawn meanwhile; compiled in a
child process it does, on the other core. The child runs ``python -m
innovation_monitor.typesetting`` with the request on its standard input; it imports nothing but
Typst and starts in about 0.1 s.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


class TypesettingError(RuntimeError):
    """Typst refused the document (its message names the template line)."""


def compile_pdf(source: Path, fonts: Path, data: str) -> bytes:
    """The PDF of the Typst file ``source`` (its folder is the root files are read from), with
    the fonts of the folder ``fonts`` only and ``data`` as ``sys.inputs.data``."""
    import typst

    try:
        pdf = typst.compile(
            str(source), root=str(source.parent), font_paths=[str(fonts)], sys_inputs={"data": data}
        )
    except Exception as error:  # typst's own error types; the message says what and where
        raise TypesettingError(f"Typst could not typeset {source.name}: {error}") from None
    return bytes(pdf)


def _write_whole(path: Path, content: bytes) -> None:
    """``content`` to ``path`` through a temporary file and a rename: never half a file."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(content)
    temporary.replace(path)


def typeset(source: Path, fonts: Path, data: str, path: Path) -> Path:
    """:func:`compile_pdf` in a child process, which writes the PDF to ``path`` whole."""
    request = {"source": str(source), "fonts": str(fonts), "data": data, "path": str(path)}
    done = subprocess.run(
        [sys.executable, "-m", __name__],
        input=json.dumps(request, ensure_ascii=False),
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    if done.returncode != 0:
        raise TypesettingError(done.stderr.strip() or f"Typst exited with {done.returncode}")
    return path


def _main() -> int:
    request = json.loads(sys.stdin.read())
    try:
        pdf = compile_pdf(Path(request["source"]), Path(request["fonts"]), request["data"])
    except TypesettingError as error:
        print(error, file=sys.stderr)
        return 1
    _write_whole(Path(request["path"]), pdf)
    return 0


if __name__ == "__main__":
    sys.exit(_main())
