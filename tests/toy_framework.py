"""A small framework built in the tests, so that tests of mechanisms (the loader's checks,
header matching, unit conversion, ingestion, restatement, the template) do not depend on what
evaluators put in the shipped ``indicators.yaml``; that file is pinned in
``tests/test_shipped_framework.py`` alone.

``toy_document()`` returns a fresh document each call (tests may change it); the
``toy_system`` fixture (``tests/conftest.py``) is that document checked and built once.
"""

import copy
from pathlib import Path
from typing import Any

from innovation_monitor.framework import IndicatorSystem, build_indicator_system

TOY_PATH = Path("toy/indicators.yaml")
"""The path a built toy system reports (errors name it)."""

SOURCE = {
    "title_zh": "测试规划",
    "title_en": "Test plan",
    "seed": "000_0123456789abcdef.txt",
    "quote_zh": "达到目标",
}
PROVINCE = {"code": "370000", "name_zh": "山东省", "name_en": "Shandong", "level": "province"}
JINAN = {"code": "370100", "name_zh": "济南市", "name_en": "Jinan", "level": "city"}
JIAOZHOU = {"code": "370281", "name_zh": "胶州市", "name_en": "Jiaozhou", "level": "county"}


def _indicator(code: str, formula: str, unit: str, direction: int = 1, **extra: Any) -> dict:
    return {
        "code": code,
        "name_zh": f"指标{code}",
        "name_en": f"Indicator {code}",
        "formula": formula,
        "unit": unit,
        "direction": direction,
        "weight": 1.0,
        "rationale_zh": "测试",
        "rationale_en": "test",
        **extra,
    }


def _pillar(code: str, weight: float, indicators: list[dict]) -> dict:
    return {
        "code": code,
        "name_zh": f"支柱{code}",
        "name_en": f"Pillar {code}",
        "weight": weight,
        "indicators": indicators,
    }


def _framework(level: str, pillars: list[dict]) -> dict:
    return {
        "name_zh": f"{level}测试体系",
        "name_en": f"Test {level} framework",
        "index": {"name_zh": "测试指数", "name_en": "Test index"},
        "pillars": pillars,
    }


def _tiers(bound: str, first: float, second: float) -> list[dict]:
    return [
        {"code": "tier1", "name_zh": "第一梯队", "name_en": "First tier", bound: first},
        {"code": "tier2", "name_zh": "第二梯队", "name_en": "Second tier", bound: second},
        {"code": "tier3", "name_zh": "第三梯队", "name_en": "Third tier"},
    ]


STEPS_TAIL = [
    {"normalise": {"method": "minmax", "range": [0, 100], "goalposts": "pooled"}},
    {"weight": {"method": "explicit"}},
    {"aggregate": {"method": "arithmetic"}},
]


def toy_document() -> dict[str, Any]:
    """Four variables: ``x`` (万元 or 亿元, an alias with brackets, ranges per level), ``y``
    (万人 or 人), the counts ``z`` (only at city level) and ``n`` (个 and 家, the same unit);
    a city framework of two pillars and three indicators, a county one of two, targets on an
    indicator and on a variable, a baseline."""
    a = _indicator("a", "x / y * 100", "%", weight=1.5, target="t_a")
    c = _indicator("c", "max(x, y) / y", "万元/人")
    document = {
        "schema_version": 1,
        "variables": [
            {
                "code": "x",
                "name_zh": "变量X",
                "name_en": "Variable x",
                "aliases": ["变量X", "X的总量(合计)"],
                "unit": "万元",
                "units": {"万元": 1, "亿元": 10000},
                "kind": "extensive",
                "levels": ["city", "county"],
                "range": {"city": [100, 1.0e6], "county": [1, 1.0e5]},
                "integer": False,
            },
            {
                "code": "y",
                "name_zh": "变量Y",
                "name_en": "Variable y",
                "aliases": ["变量Y"],
                "unit": "万人",
                "units": {"万人": 1, "人": 0.0001},
                "kind": "extensive",
                "levels": ["city", "county"],
                "range": [0.5, 2000],
                "integer": False,
            },
            {
                "code": "z",
                "name_zh": "变量Z",
                "name_en": "Variable z",
                "aliases": ["变量Z"],
                "unit": "件",
                "units": {"件": 1},
                "kind": "extensive",
                "levels": ["city"],
                "integer": True,
            },
            {
                "code": "n",
                "name_zh": "计数N",
                "name_en": "Count n",
                "aliases": ["计数N"],
                "unit": "个",
                "units": {"个": 1, "家": 1},
                "kind": "extensive",
                "levels": ["city", "county"],
                "integer": True,
            },
        ],
        "frameworks": {
            "city": _framework(
                "city",
                [
                    _pillar("p_one", 0.6, [a, _indicator("b", "z / y", "件/万人", -1)]),
                    _pillar("p_two", 0.4, [c]),
                ],
            ),
            "county": _framework(
                "county",
                [
                    _pillar("p_one", 0.5, [{k: v for k, v in a.items() if k != "target"}]),
                    _pillar("p_two", 0.5, [{**c, "target": "t_c"}]),
                ],
            ),
        },
        "methodology": {
            "city": {
                "steps": [{"impute": {"method": "carry_forward", "limit": 2}}, *STEPS_TAIL],
                "tiers": _tiers("max_rank", 2, 5),
            },
            "county": {
                "steps": [
                    {"impute": {"method": "carry_forward", "limit": 2}},
                    {"impute": {"method": "group_median", "group": "parent_code"}},
                    *STEPS_TAIL,
                ],
                "tiers": _tiers("max_rank_share", 0.2, 0.6),
            },
        },
        "targets": [
            {
                "id": "t_a",
                "scope": PROVINCE,
                "indicator": "a",
                "year": 2020,
                "value": 2.5,
                "unit": "%",
                "comparison": ">=",
                "source": SOURCE,
            },
            {
                "id": "t_x",
                "scope": JINAN,
                "variable": "x",
                "year": 2025,
                "value": 6,
                "unit": "亿元",
                "comparison": ">",
                "source": SOURCE,
            },
            {
                "id": "t_c",
                "scope": JIAOZHOU,
                "indicator": "c",
                "year": 2025,
                "value": 3,
                "unit": "万元/人",
                "comparison": "<",
                "source": SOURCE,
                "note": "a test figure",
            },
        ],
        "baselines": [
            {
                "id": "b_x",
                "scope": JIAOZHOU,
                "variable": "x",
                "year": 2020,
                "value": 39,
                "unit": "亿元",
                "source": SOURCE,
            }
        ],
    }
    return copy.deepcopy(document)  # shares no dict with another call (SOURCE, STEPS_TAIL)


def build_toy(document: dict[str, Any]) -> IndicatorSystem:
    """``document`` (usually an edited :func:`toy_document`) checked and built."""
    return build_indicator_system(document, TOY_PATH)
