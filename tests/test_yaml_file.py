from pathlib import Path

import pytest

from innovation_monitor.errors import FrameworkError, IngestError
from innovation_monitor.yaml_file import read_yaml


def test_bad_yaml_names_file_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "build.yaml"
    path.write_text("steps:\n  - normalise: {method: minmax\n", encoding="utf-8")
    with pytest.raises(FrameworkError, match=r"build\.yaml: line 3, column 1: not valid YAML"):
        read_yaml(path, "build file")


def test_missing_file_raises_the_given_error(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="cannot read the data set manifest"):
        read_yaml(tmp_path / "dataset.yaml", "data set manifest", IngestError)


def test_python_tags_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "evil.yaml"
    path.write_text("x: !!python/object/apply:os.system ['true']\n", encoding="utf-8")
    with pytest.raises(FrameworkError, match="not valid YAML"):
        read_yaml(path, "framework file")
