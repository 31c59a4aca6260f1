"""Reading the project's YAML files (framework, build, manifest): safely, with clear errors."""

from pathlib import Path
from typing import Any

import yaml

from innovation_monitor.errors import FrameworkError, InnovationMonitorError


def read_yaml(
    path: Path | str, what: str, error: type[InnovationMonitorError] = FrameworkError
) -> Any:
    """``yaml.safe_load`` of ``path``; an unreadable file or bad YAML raises ``error`` naming the
    file, ``what`` it is, and the line and column of the problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        reason = getattr(err, "strerror", None) or str(err)
        raise error(f"{path}: cannot read the {what} ({reason})") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}:" if mark else ""
        problem = getattr(err, "problem", None) or str(err)
        raise error(f"{path}:{where} not valid YAML in the {what} ({problem})") from None
