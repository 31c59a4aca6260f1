"""The notebooks' helpers (``innovation_monitor.analysis``): framework variants, re-scoring and
the comparison of ranks with their uncertainty intervals."""

import polars as pl
import pytest

from innovation_monitor import warehouse
from innovation_monitor.analysis import (
    edited_document,
    edited_weights_text,
    rank_comparison,
    rescore,
    unit_names,
)
from innovation_monitor.divisions import DivisionRegistry
from innovation_monitor.errors import FrameworkError
from innovation_monitor.framework import (
    IndicatorSystem,
    build_indicator_system,
    load_indicator_system,
)
from innovation_monitor.paths import INDICATORS_FILE
from innovation_monitor.yaml_file import read_yaml
from tests.pipeline_run import PipelineRun


def test_edited_weights_text_keeps_every_other_character(tmp_path) -> None:
    original = INDICATORS_FILE.read_text(encoding="utf-8")
    edited = edited_weights_text(original, "city", {"resources": 0.5, "rd_intensity": 3})
    changed = [
        (a, b) for a, b in zip(original.splitlines(), edited.splitlines(), strict=True) if a != b
    ]
    assert [b.strip() for _, b in changed] == ["weight: 0.5", "weight: 3.0"]
    path = tmp_path / "indicators.yaml"
    path.write_text(edited, encoding="utf-8")
    city = load_indicator_system(path).frameworks["city"]
    assert {p.code: p.weight for p in city.pillars}["resources"] == 0.5
    assert city.indicator("rd_intensity").weight == 3.0
    county = load_indicator_system(path).frameworks["county"]
    assert county.indicator("rd_intensity").weight == 1.5  # the other level is untouched


def test_edited_weights_text_refuses_an_unknown_code() -> None:
    with pytest.raises(FrameworkError, match="no pillar or indicator with a weight nope"):
        edited_weights_text(INDICATORS_FILE.read_text(encoding="utf-8"), "city", {"nope": 1})


def test_edited_document_is_a_copy() -> None:
    document = read_yaml(INDICATORS_FILE, "indicator file")
    steps = [
        {"impute": {"method": "carry_forward", "limit": 2}},
        *[s for s in document["methodology"]["city"]["steps"] if "impute" not in s],
    ]
    edited = edited_document(document, "city", weights={"enterprise": 2.0}, steps=steps)
    assert document == read_yaml(INDICATORS_FILE, "indicator file")
    system = build_indicator_system(edited, INDICATORS_FILE)
    pillars = {p.code: p.weight for p in system.frameworks["city"].pillars}
    assert pillars["enterprise"] == 2.0
    with pytest.raises(FrameworkError, match="no pillar or indicator nope"):
        edited_document(document, "city", weights={"nope": 1.0})


def test_rank_comparison() -> None:
    def scores(ranks: dict[str, int]) -> pl.DataFrame:
        return pl.DataFrame(
            {
                "year": 2023,
                "level": "city",
                "region_code": list(ranks),
                "node": "Index",
                "score": [100.0 - r for r in ranks.values()],
                "rank": list(ranks.values()),
            }
        )

    intervals = pl.DataFrame(
        {"year": 2023, "region_code": ["a", "b"], "q05": [1.0, 1.0], "q95": [1.0, 2.0]}
    )
    table = rank_comparison(scores({"a": 1, "b": 2}), scores({"a": 2, "b": 1}), intervals, 2023)
    assert table["region_code"].to_list() == ["b", "a"]
    assert table["shift"].to_list() == [1, -1]
    assert table["inside"].to_list() == [True, False]


@pytest.mark.slow
def test_rescore_with_the_shipped_framework_gives_the_stored_scores(
    sample_run: PipelineRun, system: IndicatorSystem, registry: DivisionRegistry
) -> None:
    with warehouse.connect(sample_run.warehouse, read_only=True) as con:
        for level in ("city", "county"):
            stored = warehouse.read(con, "scores", level=level)
            again = rescore(con, system, registry, level).scores
            assert again.sort(stored.columns).equals(stored.sort(stored.columns))
    assert unit_names(registry).columns == ["region_code", "name_zh", "name_en"]
