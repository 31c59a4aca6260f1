"""``dataset.yaml`` errors name the problem; every key is checked; paths stay in the folder."""

from pathlib import Path

import pytest

from innovation_monitor import paths
from innovation_monitor.errors import IngestError
from innovation_monitor.ingest import manifest, read_manifest
from innovation_monitor.ingest.manifest import ENTRY_KEYS, MANIFEST_KEYS
from innovation_monitor.yaml_file import read_yaml

SAMPLE_DIR = paths.PROJECT_ROOT / "data" / "sample"


@pytest.mark.parametrize(
    ("manifest_text", "message"),
    [
        ("- a\n- b\n", "expected a mapping"),
        ("synthetic: maybe\n", "synthetic must be true or false"),
        (
            "files:\n  - {path: nowhere.csv}\n",
            r"files\[0\] \(line 2\): nowhere\.csv does not exist",
        ),
        ("files:\n  - {path: city/2020.csv, level: town}\n", "level 'town'"),
        ("files:\n  - {path: city/2020.csv, format: tall}\n", "format 'tall'"),
        ("files:\n  - {path: city/2020.csv, year: 20}\n", "year 20; expected a 4-digit"),
        ("files: city/2020.csv\n", "files must be a list of"),
        ("name_zh: [\n", "not valid YAML"),
        ("name_zh: 5\n", "name_zh must be text, got 5"),
        ("seed: abc\n", "seed 'abc'; expected a whole number"),
        ("years: [2020, twenty]\n", "years .*; expected a list of 4-digit data years"),
        ("outliers: {a: 1}\n", "outliers must be a list of mappings"),
    ],
)
def test_manifest_errors_name_the_problem(
    tmp_path: Path, write_csv, manifest_text: str, message: str
) -> None:
    write_csv("city/2020.csv", ["地区,专利申请量", "济南市,5"])
    (tmp_path / "dataset.yaml").write_text(manifest_text, encoding="utf-8")
    with pytest.raises(IngestError, match=message):
        read_manifest(tmp_path)


@pytest.mark.parametrize(
    ("manifest_text", "message"),
    [
        ("name: 我的数据\n", "line 1: unknown key 'name' (did you mean name_zh or name_en?)"),
        (
            "name_zh: 数据\nnotices: 注意\n",
            "line 2: unknown key 'notices' (did you mean notice_zh or notice_en?)",
        ),
        ("notice: x\n", "unknown key 'notice' (did you mean notice_zh or notice_en?)"),
        ("synthetc: true\n", "line 1: unknown key 'synthetc' (did you mean synthetic?)"),
        ("sources: x\n", "unknown key 'sources' (did you mean source?)"),
        ("colour: red\n", "line 1: unknown key 'colour'; the keys"),
    ],
)
def test_an_unknown_top_level_key_is_named_with_its_line_and_a_suggestion(
    tmp_path: Path, manifest_text: str, message: str
) -> None:
    (tmp_path / "dataset.yaml").write_text(manifest_text, encoding="utf-8")
    with pytest.raises(IngestError) as raised:
        read_manifest(tmp_path)
    text = str(raised.value)
    assert text.startswith(f"{tmp_path / 'dataset.yaml'}: ")
    assert message in text
    assert text.endswith(f"the keys of dataset.yaml are {', '.join(MANIFEST_KEYS)}")


def test_several_unknown_keys_are_named_in_one_error(tmp_path: Path) -> None:
    (tmp_path / "dataset.yaml").write_text("name: a\nsynthetic: true\nnotices: b\n", "utf-8")
    with pytest.raises(IngestError, match=r"line 1: unknown key 'name' .*; line 3: unknown key"):
        read_manifest(tmp_path)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("{path: city/2020.csv, years: 2020}", "unknown key 'years' (did you mean year?)"),
        ("{path: city/2020.csv, layout: wide}", "unknown key 'layout' (did you mean format?)"),
        ("{path: city/2020.csv, shet: 2020年}", "unknown key 'shet' (did you mean sheet?)"),
    ],
)
def test_an_unknown_key_of_a_files_entry_is_named(
    tmp_path: Path, write_csv, entry: str, message: str
) -> None:
    write_csv("city/2020.csv", ["地区,专利申请量", "济南市,5"])
    (tmp_path / "dataset.yaml").write_text(f"name_zh: 数据\nfiles:\n  - {entry}\n", "utf-8")
    with pytest.raises(IngestError) as raised:
        read_manifest(tmp_path)
    text = str(raised.value)
    assert f"dataset.yaml: files[0] line 3: {message}" in text
    assert text.endswith(f"the keys of a files: entry are {', '.join(ENTRY_KEYS)}")


def test_every_key_of_the_shipped_sample_is_valid_and_documented() -> None:
    document = read_yaml(SAMPLE_DIR / "dataset.yaml", "manifest")
    assert set(document) <= set(MANIFEST_KEYS)
    assert {key for entry in document["files"] for key in entry} <= set(ENTRY_KEYS)
    for key in (*MANIFEST_KEYS, *ENTRY_KEYS):
        assert f"``{key}``" in (manifest.__doc__ or ""), key
    loaded = read_manifest(SAMPLE_DIR)
    assert loaded.synthetic and loaded.name_zh and len(loaded.files) == 4


@pytest.mark.parametrize("escape", ["../outside/2020.csv", "city/../../outside/2020.csv", "ABS"])
def test_manifest_paths_must_stay_inside_the_data_directory(
    tmp_path: Path, write_csv, escape: str
) -> None:
    outside = write_csv("outside/2020.csv", ["地区,专利申请量", "济南市,5"])
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    path = str(outside) if escape == "ABS" else escape
    (data_dir / "dataset.yaml").write_text(f"files:\n  - {{path: '{path}'}}\n", encoding="utf-8")
    with pytest.raises(IngestError, match=r"dataset\.yaml: files\[0\] .*: path .* leaves the data"):
        read_manifest(data_dir)


def test_a_manifest_entry_that_is_a_link_outside_is_refused(tmp_path: Path, write_csv) -> None:
    outside = write_csv("outside/2020.csv", ["地区,专利申请量", "济南市,5"])
    data_dir = tmp_path / "data"
    (data_dir / "city").mkdir(parents=True)
    (data_dir / "city" / "2020.csv").symlink_to(outside)
    (data_dir / "dataset.yaml").write_text("files:\n  - {path: city/2020.csv}\n", "utf-8")
    with pytest.raises(IngestError, match=r"files\[0\] .*: city/2020\.csv is a link to .*outside"):
        read_manifest(data_dir)


def test_a_manifest_that_is_a_link_outside_is_refused(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere.yaml"
    elsewhere.write_text("name_zh: x\n", "utf-8")
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "dataset.yaml").symlink_to(elsewhere)
    with pytest.raises(
        IngestError, match=r"^dataset\.yaml is a link to .*elsewhere\.yaml, outside"
    ):
        read_manifest(data_dir)
