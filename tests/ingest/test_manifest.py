"""``dataset.yaml`` errors name the problem; its paths stay inside the data directory."""

from pathlib import Path

import pytest

from innovation_monitor.errors import IngestError
from innovation_monitor.ingest import read_manifest


@pytest.mark.parametrize(
    ("manifest", "message"),
    [
        ("- a\n- b\n", "expected a mapping"),
        ("synthetic: maybe\n", "synthetic must be true or false"),
        ("files:\n  - {path: nowhere.csv}\n", r"files\[0\]: nowhere\.csv does not exist"),
        ("files:\n  - {path: city/2020.csv, level: town}\n", "level 'town'"),
        ("files:\n  - {path: city/2020.csv, years: 2020}\n", "unknown key"),
        ("files:\n  - {path: city/2020.csv, format: tall}\n", "format 'tall'"),
        ("name_zh: [\n", "not valid YAML"),
    ],
)
def test_manifest_errors_name_the_problem(tmp_path: Path, write_csv, manifest, message) -> None:
    write_csv("city/2020.csv", ["地区,专利申请量", "济南市,5"])
    (tmp_path / "dataset.yaml").write_text(manifest, encoding="utf-8")
    with pytest.raises(IngestError, match=message):
        read_manifest(tmp_path)


@pytest.mark.parametrize("escape", ["../outside/2020.csv", "city/../../outside/2020.csv", "ABS"])
def test_manifest_paths_must_stay_inside_the_data_directory(
    tmp_path: Path, write_csv, escape: str
) -> None:
    outside = write_csv("outside/2020.csv", ["地区,专利申请量", "济南市,5"])
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    path = str(outside) if escape == "ABS" else escape
    (data_dir / "dataset.yaml").write_text(f"files:\n  - {{path: '{path}'}}\n", encoding="utf-8")
    with pytest.raises(IngestError, match=r"dataset\.yaml: files\[0\]: .* is not inside the data"):
        read_manifest(data_dir)
