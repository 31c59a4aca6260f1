"""docs/methodology.md: generated from indicators.yaml and the division registry, so it never
goes stale, and written in plain words (no step parameters as code)."""

import re
from pathlib import Path

import pytest

from innovation_monitor.divisions import DivisionRegistry
from innovation_monitor.paths import PROJECT_ROOT
from innovation_monitor.reports.methodology_doc import methodology_doc_main, methodology_markdown
from innovation_monitor.reports.step_words import step_sentence
from tests.toy_framework import build_toy, toy_document

DOC = PROJECT_ROOT / "docs" / "methodology.md"
CODE = re.compile(r"[{}=]|winmax|dat_thresh|goalposts:|carry_forward|group_median|parent_code")
"""What a parameter written as code would leave in the text (``dat_thresh={2: 0.5}``)."""


def test_committed_document_is_what_the_generator_writes(tmp_path: Path) -> None:
    out = tmp_path / "methodology.md"
    assert methodology_doc_main(["--out", str(out)]) == 0
    if DOC.read_text(encoding="utf-8") != out.read_text(encoding="utf-8"):
        pytest.fail("docs/methodology.md does not match indicators.yaml: run make docs")


@pytest.fixture(scope="module")
def toy_markdown(registry: DivisionRegistry) -> str:
    """The document of the small test framework, with an outlier step and a data threshold."""
    doc = toy_document()
    steps = doc["methodology"]["city"]["steps"]
    treat = {"method": "winsorise_then_log", "winmax": 3, "skew": 2.0, "kurtosis": 3.5}
    steps.insert(1, {"treat": {**treat, "panel": "pooled"}})
    steps[-1] = {"aggregate": {"method": "arithmetic", "dat_thresh": {2: 0.5}}}
    return methodology_markdown(build_toy(doc), registry)


def _code_lines(text: str) -> list[str]:
    return [
        line for line in text.splitlines() if not line.startswith("<a id=") and CODE.search(line)
    ]


def test_document_shows_pillars_indicators_formulas_tiers_and_targets(toy_markdown: str) -> None:
    zh, en = toy_markdown.split('<a id="en"></a>')
    for name in ("支柱p_one", "支柱p_two", "指标a", "指标b", "指标c", "第一梯队", "第三梯队"):
        assert name in zh
    for name in ("Pillar p_one", "Indicator b", "First tier", "Third tier"):
        assert name in en
    assert "| 变量X（万元） / 变量Y（万人） × 100 |" in zh
    assert "| Variable x (10,000 yuan) / Variable y (10,000 persons) × 100 |" in en
    assert "| 第一梯队 | 综合排名第 1–2 位 |" in zh
    assert "| First tier | index rank within the top 20% |" in en
    assert "| 逆向 |" in zh
    assert "山东省 2020年 ≥ 2.5 %" in zh
    assert "> 6 × 100 million yuan" in en


def test_steps_are_plain_sentences(toy_markdown: str) -> None:
    zh, en = toy_markdown.split('<a id="en"></a>')
    assert (
        "**加权汇总**：加权算术平均；缺失的下级指标不计入，其余权重相应放大；"
        "每个领域至少需有一半指标有值，否则无得分。"
    ) in zh
    assert "a pillar needs at least half of its indicators to have a value" in en
    assert "先缩尾处理（最多 3 个值）" in zh
    assert "winsorised (at most 3 points)" in en
    assert "连续缺失最多填补 2 年" in zh
    assert "the median of its group that year; the group is the counties of the same city" in en
    assert "**Ranking**: each year, units are ranked by index score" in en
    assert _code_lines(toy_markdown) == []


def test_committed_document_has_no_code_strings() -> None:
    assert _code_lines(DOC.read_text(encoding="utf-8")) == []


def test_a_parameter_without_words_is_shown_not_hidden() -> None:
    line = step_sentence({"normalise": {"method": "zscore", "mean": 10}}, "en")
    assert line == "**Normalisation**: z-scores; mean: 10."


def test_boundary_changes_come_from_the_registry(toy_markdown: str) -> None:
    zh, en = toy_markdown.split('<a id="en"></a>')
    assert "| 2019 | 莱芜市（371200） | 济南市（370100） | 并入济南市 |" in zh
    assert (
        "烟台市长岛县（370634）、烟台市蓬莱市（370684） | 烟台市蓬莱区（370614） | 合并设立蓬莱区 |"
        in zh
    )
    assert "2018年的统计仍按原区划汇总，自 2019 数据年度起按新区划" in zh
    assert "| 2020 on | 16 | 136 |" in en
    assert "ratio indicators are never averaged" in en


def test_errors_are_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "methodology.md"
    assert (
        methodology_doc_main(["--indicators", str(tmp_path / "absent.yaml"), "--out", str(out)])
        == 2
    )
    error = capsys.readouterr().err
    assert error.startswith("error: ") and "absent.yaml" in error
    assert error.count("\n") == 1
    assert not out.exists()
