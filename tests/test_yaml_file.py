import time
from pathlib import Path

import pytest
import yaml

from innovation_monitor import paths
from innovation_monitor.errors import FrameworkError, IngestError
from innovation_monitor.yaml_file import MAX_YAML_NODES, load_yaml, read_yaml


def test_bad_yaml_names_file_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "build.yaml"
    path.write_text("steps:\n  - normalise: {method: minmax\n", encoding="utf-8")
    with pytest.raises(FrameworkError, match=r"build\.yaml: line 3, column 1: not valid YAML"):
        read_yaml(path, "build file")


def test_missing_file_raises_the_given_error(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="cannot read the data set manifest"):
        read_yaml(tmp_path / "dataset.yaml", "data set manifest", IngestError)


@pytest.mark.parametrize(
    ("document", "tag"),
    [
        ("x: !!python/object/apply:os.system ['true']\n", "!!python/object/apply:os.system"),
        ("x: !!python/name:os.system\n", "!!python/name:os.system"),
        ("x: !!binary aGVsbG8=\n", "!!binary"),
        ("x: !!set {a, b}\n", "!!set"),
        ("x:\n  - !custom 1\n", "!custom"),
    ],
)
def test_tags_other_than_the_standard_ones_are_refused(
    tmp_path: Path, document: str, tag: str
) -> None:
    path = tmp_path / "evil.yaml"
    path.write_text(document, encoding="utf-8")
    with pytest.raises(
        FrameworkError,
        match=rf"evil\.yaml: line \d, column \d+: not valid YAML in the framework file "
        rf"\(tag {tag} is not allowed",
    ):
        read_yaml(path, "framework file")


def test_standard_tags_written_out_are_read(tmp_path: Path) -> None:
    path = tmp_path / "plain.yaml"
    path.write_text("a: !!str 5\nb: !!int '7'\nc: !!float 1\nd: ~\n", encoding="utf-8")
    assert read_yaml(path, "file") == {"a": "5", "b": 7, "c": 1.0, "d": None}


def test_a_billion_laughs_document_is_refused_quickly(tmp_path: Path) -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    path = tmp_path / "dataset.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    start = time.perf_counter()
    with pytest.raises(IngestError, match=r"dataset\.yaml: the manifest expands to more than"):
        read_yaml(path, "manifest", IngestError)
    assert time.perf_counter() - start < 2


def test_aliases_below_the_limit_are_expanded(tmp_path: Path) -> None:
    path = tmp_path / "ok.yaml"
    path.write_text("a: &a [1, 2]\nb: [*a, *a]\n", encoding="utf-8")
    assert read_yaml(path, "file") == {"a": [1, 2], "b": [[1, 2], [1, 2]]}
    assert MAX_YAML_NODES >= 100_000


@pytest.mark.parametrize("document", ["a: &a [*a]\n", "a: &a {b: {c: *a}}\n"])
def test_a_recursive_alias_is_refused(tmp_path: Path, document: str) -> None:
    path = tmp_path / "loop.yaml"
    path.write_text(document, encoding="utf-8")
    with pytest.raises(
        FrameworkError, match=r"loop\.yaml: line 1, column \d+: not valid .* alias refers to itself"
    ):
        read_yaml(path, "file")


def test_a_document_nested_too_deeply_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("x: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    with pytest.raises(FrameworkError, match=r"deep\.yaml: the file is nested too deeply"):
        read_yaml(path, "file")


def test_a_file_over_the_size_limit_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"# padding\n" * 600_000)  # 6 MB of comments
    with pytest.raises(IngestError, match=r"big\.yaml: the manifest is 5\.7 MB; at most 5 MB"):
        read_yaml(path, "manifest", IngestError)


def test_the_shipped_framework_with_anchors_and_merge_keys_still_loads() -> None:
    text = paths.INDICATORS_FILE.read_text(encoding="utf-8")
    assert "<<: *" in text
    assert read_yaml(paths.INDICATORS_FILE, "indicator file") == yaml.safe_load(text)


def test_line_of_a_key_a_list_item_and_a_merged_key(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(
        "base: &base\n  title: plan\nitems:\n  - name: a\n  - <<: *base\n    name: b\n",
        encoding="utf-8",
    )
    document = load_yaml(path, "file")
    assert document.data["items"][1] == {"title": "plan", "name": "b"}
    assert document.line("items") == 3
    assert document.line("items", 1) == 5
    assert document.line("items", 1, "name") == 6
    assert document.line("items", 1, "title") == 2  # from the anchor
    assert document.line("items", 2) is None
    assert document.line("nothing") is None


def test_an_empty_file_is_none(tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text("", encoding="utf-8")
    document = load_yaml(path, "file")
    assert (document.data, document.line("x")) == (None, None)
