"""A seeded data folder for another province or the whole country (never committed).

What ``innovation-monitor run --registry FILE --indicators FILE --data-dir DIR`` needs for a
region that is not Shandong: a division registry of the same columns as the bundled one
(provinces ``XX0000``, cities ``XXYY00``, counties ``XXYYZZ``), a framework file of its own
(six variables, four indicators in two pillars, the same tree at both levels) and long-format
statistics files, one per level and year (``long/{level}_{year}.csv``: region_code, year,
variable, value, unit). The county figures add up to each city's. A unit effect, a trend and
noise make the ranks differ and move a little from year to year.

    python -m innovation_monitor.synthetic.national OUT --provinces 30 --cities 10 --counties 10
"""

from __future__ import annotations

import argparse
import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml

#: variable → (name, unit, kind, county range, integer, size of a county's figure)
VARIABLES: dict[str, tuple[str, str, str, tuple[float, float], bool, float]] = {
    "gdp": ("地区生产总值", "万元", "extensive", (1.0e3, 1.0e9), False, 3.0e6),
    "population": ("常住人口", "万人", "extensive", (0.1, 2000.0), False, 50.0),
    "rd_expenditure": ("R&D经费内部支出", "万元", "extensive", (0.0, 1.0e8), False, 5.0e4),
    "patents": ("发明专利授权量", "件", "extensive", (0.0, 1.0e6), True, 200.0),
    "large_firms": ("规模以上工业企业数", "个", "extensive", (0.0, 1.0e5), True, 150.0),
    "firms_with_rd": ("有R&D活动的企业数", "个", "extensive", (0.0, 1.0e5), True, 60.0),
}
INDICATORS = {
    "growth": [
        ("rd_intensity", "R&D经费投入强度", "rd_expenditure / gdp * 100", "%"),
        ("gdp_per_capita", "人均地区生产总值", "gdp / population / 10000", "万元/人"),
    ],
    "firms": [
        ("patents_density", "每万人发明专利授权量", "patents / population", "件/万人"),
        ("firms_rd_share", "有R&D活动的企业占比", "firms_with_rd / large_firms * 100", "%"),
    ],
}


@dataclass(frozen=True)
class Region:
    """The registry and the data folder written for one synthetic region."""

    registry: Path
    indicators: Path
    data_dir: Path
    counties: int


#: the provinces' GB/T 2260 prefixes, without Shandong's (37): its registry is the bundled one,
#: with its own rules (the Laiwu late-year change)
PROVINCES: tuple[int, ...] = (11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 41, 42, 43)
PROVINCES += (44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65)


def _registry_rows(provinces: int, cities: int, counties: int) -> list[dict[str, Any]]:
    if not 1 <= provinces <= len(PROVINCES) or not 1 <= cities <= 70 or not 1 <= counties <= 50:
        raise ValueError(f"1–{len(PROVINCES)} provinces, 1–70 cities, 1–50 counties per city")
    rows = []
    for province in PROVINCES[:provinces]:
        for c in range(1, cities + 1):
            city = f"{province:02d}{c:02d}00"
            rows.append(
                _unit(city, f"合成{province}省{c}号市", "city", "地级市", f"{province}0000")
            )
            for k in range(1, counties + 1):
                code = f"{city[:4]}{k + 20:02d}"  # 21 … : never a development zone (71–79)
                rows.append(_unit(code, f"合成{city[:4]}第{k}县", "county", "县", city))
    return rows


def _unit(code: str, name: str, level: str, kind: str, parent: str) -> dict[str, Any]:
    return {
        "code": code,
        "name_zh": name,
        "name_en": f"Synthetic {code}",
        "level": level,
        "type": kind,
        "parent_code": parent,
        "first_year": 2000,
        "last_year": "",
        "successor_codes": "",
        "former_names": "",
        "note": "",
    }


def framework_document() -> dict[str, Any]:
    """The framework file: every variable at both levels, the same two pillars at both."""
    variables = [
        {
            "code": code,
            "name_zh": name,
            "name_en": code.replace("_", " ").capitalize(),
            "aliases": [name, code],
            "unit": unit,
            "units": {unit: 1},
            "kind": kind,
            "levels": ["city", "county"],
            "range": {"city": [low, high * 50], "county": [low, high]},
            "integer": integer,
        }
        for code, (name, unit, kind, (low, high), integer, _) in VARIABLES.items()
    ]
    pillars = [
        {
            "code": pillar,
            "name_zh": f"{pillar}支柱",
            "name_en": pillar.capitalize(),
            "weight": 0.5,
            "indicators": [
                {
                    "code": code,
                    "name_zh": name,
                    "name_en": code.replace("_", " "),
                    "formula": formula,
                    "unit": unit,
                    "direction": 1,
                    "weight": 1.0,
                    "rationale_zh": "合成示例",
                    "rationale_en": "synthetic example",
                }
                for code, name, formula, unit in indicators
            ],
        }
        for pillar, indicators in INDICATORS.items()
    ]
    tiers = [
        {"code": "tier1", "name_zh": "第一梯队", "name_en": "First tier", "max_rank_share": 0.2},
        {"code": "tier2", "name_zh": "第二梯队", "name_en": "Second tier", "max_rank_share": 0.6},
        {"code": "tier3", "name_zh": "第三梯队", "name_en": "Third tier"},
    ]
    steps = [
        {"impute": {"method": "carry_forward", "limit": 2}},
        {"normalise": {"method": "minmax", "range": [0, 100], "goalposts": "pooled"}},
        {"weight": {"method": "explicit"}},
        {"aggregate": {"method": "arithmetic"}},
    ]
    frameworks = {
        level: {
            "name_zh": f"合成{level}指标体系",
            "name_en": f"Synthetic {level} framework",
            "index": {"name_zh": "合成指数", "name_en": "Synthetic index"},
            "pillars": pillars,
        }
        for level in ("city", "county")
    }
    methodology = {level: {"steps": steps, "tiers": tiers} for level in ("city", "county")}
    return {
        "schema_version": 1,
        "region": {"name_zh": "合成样例地区", "name_en": "Synthetic sample region"},
        "variables": variables,
        "frameworks": frameworks,
        "methodology": methodology,
        "targets": [],
    }


def write_region(
    folder: Path,
    *,
    provinces: int = 1,
    cities: int = 3,
    counties: int = 4,
    years: Sequence[int] = (2021, 2022, 2023),
    seed: int = 31,
) -> Region:
    """Write ``folder/divisions.csv``, ``folder/indicators.yaml`` and ``folder/data/``."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = _registry_rows(provinces, cities, counties)
    registry = folder / "divisions.csv"
    with registry.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    indicators = folder / "indicators.yaml"
    indicators.write_text(
        yaml.safe_dump(framework_document(), allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    county_rows = [r for r in rows if r["level"] == "county"]
    data_dir = folder / "data"
    _write_statistics(data_dir, county_rows, list(years), np.random.default_rng(seed))
    return Region(registry, indicators, data_dir, len(county_rows))


def _write_statistics(
    data_dir: Path, counties: list[dict[str, Any]], years: list[int], rng: np.random.Generator
) -> None:
    (data_dir / "long").mkdir(parents=True, exist_ok=True)
    (data_dir / "dataset.yaml").write_text(
        "name_zh: 合成数据（非真实统计）\nname_en: Synthetic data (not official statistics)\n"
        "synthetic: true\nsource: innovation_monitor.synthetic.national\n",
        encoding="utf-8",
    )
    codes = [r["code"] for r in counties]
    parents = np.array([r["parent_code"] for r in counties])
    effect = rng.normal(0.0, 0.5, (len(codes), len(VARIABLES)))
    for t, year in enumerate(years):
        values = {}
        for j, (code, (*_, integer, size)) in enumerate(VARIABLES.items()):
            noise = rng.normal(0.0, 0.05, len(codes))
            column = size * np.exp(effect[:, j] + 0.03 * t + noise)
            values[code] = np.round(column) if integer else np.round(column, 2)
        values["firms_with_rd"] = np.minimum(values["firms_with_rd"], values["large_firms"])
        for level in ("county", "city"):
            lines = [["region_code", "year", "variable", "value", "unit"]]
            units = sorted(set(parents)) if level == "city" else codes
            for v, column in values.items():
                name, unit = VARIABLES[v][0], VARIABLES[v][1]
                sums = column if level == "county" else [column[parents == u].sum() for u in units]
                lines += [
                    [u, str(year), name, f"{x:.2f}", unit] for u, x in zip(units, sums, strict=True)
                ]
            with (data_dir / "long" / f"{level}_{year}.csv").open(
                "w", encoding="utf-8", newline=""
            ) as handle:
                csv.writer(handle).writerows(lines)


def _main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--provinces", type=int, default=1)
    parser.add_argument("--cities", type=int, default=3)
    parser.add_argument("--counties", type=int, default=4, help="per city")
    parser.add_argument("--years", default="2021-2023", help="first-last")
    args = parser.parse_args(argv)
    first, _, last = args.years.partition("-")
    region = write_region(
        args.out,
        provinces=args.provinces,
        cities=args.cities,
        counties=args.counties,
        years=range(int(first), int(last or first) + 1),
    )
    print(f"{region.counties} counties: {region.registry}, {region.indicators}, {region.data_dir}")
    return 0


if __name__ == "__main__":
    raise SystemExit(_main())
