"""The text of ``data/sample/README.md``: what is synthetic, what is real, how it was made."""

from __future__ import annotations

from collections.abc import Mapping

from innovation_monitor.divisions import DivisionRegistry
from innovation_monitor.framework import IndicatorSystem
from innovation_monitor.synthetic.calibration import PUBLISHED
from innovation_monitor.synthetic.cells import GAPS, OUTLIERS, REAL_SHARES, REAL_VALUES
from innovation_monitor.synthetic.profiles import AREAS
from innovation_monitor.synthetic.sample import FILE_SPECS, NOTICE, FileSpec, Sample, file_spec

MEASURED: Mapping[str, str] = {
    # Measured by tests/test_synthetic.py (``pytest -s`` prints the figures), which holds the
    # sample to the tolerances it justifies; the reference data itself stays in ../shared.
    "reference": (
        "City sums against the yearbook table in `../shared/reference/province`: R&D "
        "expenditure exact; GDP implied by R&D ÷ R&D intensity within 0.2 %; valid invention "
        "patents within 0.5 %; invention patents granted within 2.1 % (the bulletins quote "
        "0.1万件); technology contract turnover within 6.1 % (registered contracts versus the "
        "yearbook's technology-market outflow; 2018 interpolated); high-tech enterprises within "
        "8.7 % of the last three annual certification batches; R&D FTE up to 31 % below the "
        "yearbook from 2021 on (modelled from 2015, see above). Not embedded, only plausible: "
        "patent applications within 26 % (the 2018–2021 utility-model surge is not modelled); "
        "the cities' budgets 83–88 % and their S&T spending 64–92 % of the provincial totals, "
        "which include the province's own spending."
    ),
    "city_census": (
        "City populations 2020 within 0.5 % of the 2020 census, all 16 cities (the test "
        "requires 10 %)."
    ),
    "county_census": (
        "County populations 2020 against the census: median deviation 4.7 %, 79 % of the 136 "
        "units within 10 %, 93 % within 20 %. County populations are estimates from general "
        "knowledge, not census figures; the largest gaps are 环翠区 (+92 %; the census probably "
        "counts the Weihai development zones carved out of it separately) and 奎文区 (−41 %)."
    ),
}


def _describe(spec: FileSpec) -> str:
    """The mess one file carries, in words."""
    parts = ["XLSX, yearbook layout" if spec.format == "xlsx" else f"CSV, {spec.encoding.upper()}"]
    units = {code: unit for code, unit in spec.units.items() if code not in spec.long_variables}
    if units:
        parts.append(", ".join(f"{code} in {unit}" for code, unit in units.items()))
    if spec.aliases:
        parts.append("alias headers")
    if spec.full_width_brackets:
        parts.append("full-width brackets")
    if spec.thousands:
        parts.append("thousand separators")
    if spec.full_width_digits:
        parts.append(f"{spec.full_width_digits} cells in full-width digits")
    if not spec.codes:
        parts.append("names only (no codes), some short names")
    if spec.numeric_codes:
        parts.append("codes as numbers")
    if spec.long_variables:
        moved = ", ".join(f"{code} ({spec.units.get(code, 'canonical unit')})"
                          for code in spec.long_variables)  # fmt: skip
        parts.append(f"{moved} in `{spec.long_path}` (long format)")
    return "; ".join(parts)


def readme_text(sample: Sample, registry: DivisionRegistry, system: IndicatorSystem) -> str:
    """``data/sample/README.md``: what is synthetic, what is real, how it was made."""

    def where(level: str, code: str) -> str:
        return f"{registry.get(code).name_zh} {code} ({level})"

    published = "\n".join(
        f"| `{p.variable}` | {min(p.values)}–{max(p.values)} ({len(p.values)} years) | "
        f"{p.unit}, to {p.step:g} | {p.source} |"
        for p in PUBLISHED
    )
    real = "\n".join(
        [
            f"| {where(r.level, r.region_code)} | {r.year} | `{r.variable}` = {r.value:,.10g} "
            f"{system.variables[r.variable].unit} | "
            f"{r.note} | {r.source} |"
            for r in REAL_VALUES
        ]
        + [
            f"| {where(r.level, r.region_code)} | {r.year} | `{r.numerator}` = {r.percent} % "
            f"of `{r.denominator}` | {r.note} | {r.source} |"
            for r in REAL_SHARES
        ]
    )
    zones = ", ".join(
        f"{registry.get(a.code).name_zh} {a.dev_zone_share:.0%}" for a in AREAS if a.dev_zone_share
    )
    files = "\n".join(f"| `{s.path}` | {_describe(s)} |" for s in FILE_SPECS)
    gaps = "\n".join(
        f"| {where(g.level, g.region_code)} | {g.year} | `{g.variable}` | {g.placeholder} | "
        f"`{file_spec(g.level, g.year).path}` |"
        for g in GAPS
    )
    outliers = "\n".join(
        f"| {where(o.level, o.region_code)} | {o.year} | `{o.variable}` | ×{o.factor:g} | "
        f"{o.note} |"
        for o in OUTLIERS
    )
    counts = sample.statistics.group_by("level").len().sort("level")
    rows = ", ".join(f"{n} {level} values" for level, n in counts.iter_rows())
    return f"""# 合成样例数据 · SYNTHETIC SAMPLE DATA — not official statistics

> **本目录的全部数据均为合成样例数据（非真实统计），仅供演示和测试。**
> **Everything in this folder is synthetic sample data, not official statistics.** It exists so
> that the pipeline can be run and tested end to end. Do not quote any city or county figure
> from it. Every file carries the title row
> “{NOTICE}”,
> and `dataset.yaml` says `synthetic: true` with the notice in Chinese and English.

## How it was generated

```
python -m innovation_monitor.synthetic --out data/sample     # or: make sample
```

the package `innovation_monitor/synthetic/` with seed **{sample.seed}**: running it again gives
byte-identical files (tested). It holds {rows} for 2016–2023: every variable of
`indicators.yaml` for its levels, for the units the division registry lists in each data year
(17 cities to 2018 with Laiwu 371200, 16 from 2019; Laiwu's districts under Jinan from 2019;
Penglai district from 2020; 136–137 county-level units).

The model, in short: each 2016 city territory (Jinan and Laiwu apart) has a profile — 2020
population and GDP, growth rates, how far its pre-2019 GDP exceeded the census-revised level,
R&D intensity, a latent innovation strength (strongest: Jinan, Qingdao, then Yantai, Weifang,
Zibo), industry and services shares, energy intensity, export orientation, income. Population
and GDP follow the profile's paths; R&D follows GDP × intensity; patents, high-tech enterprises,
technology contracts, platforms and incubators follow R&D and innovation strength; industrial
variables follow the industry share; each draw gets seeded log-normal noise. Then every
provincial total below is imposed on the sum of the cities. Counties share out their city's
total, weighted by their own profile (population, GDP per head, innovation and industry relative
to the city), after a development-zone share that Shandong's county tables report
separately; so county values sum to the city value times (1 − that share). The shares are
assumptions of this generator: {zones}.

## What is real

Provincial totals (the cities sum to these, up to the rounding of each city value):

| variable | years | unit, published to | source |
|---|---|---|---|
{published}

Years without a published figure are interpolated geometrically (or extrapolated at the growth
of the nearest published years). R&D personnel FTE is **modelled, not published**: the 2015
provincial figure (297,845 person-years, 《山东统计年鉴2016》 table 18-18, which also gives the
2015 city split used as the starting distribution; Binzhou's and Heze's shares are estimated)
moved with Shandong's R&D expenditure and the national R&D expenditure per FTE.

City populations: 2020 values are the 2020 census city figures (山东省第七次全国人口普查公报),
moved along growth paths and scaled to the year-end provincial totals.

Real cells from the policy documents in `../shared/seeds` (used exactly):

| unit | year | cell | what the document says | source |
|---|---|---|---|---|
{real}

Everything else — every other city and county value — is synthetic. Calibration levels for
variables without an embedded figure (firms, SMEs, incubators, platforms, energy, exports,
shares) are approximate provincial magnitudes, not published figures.

## How close it is (measured by `tests/test_synthetic.py`)

- {MEASURED["reference"]}
- {MEASURED["city_census"]}
- {MEASURED["county_census"]}

## Files and their mess

| file | format and mess |
|---|---|
{files}

Every file starts with the synthetic title row, then a table title; footnotes (注：…,
资料来源：…) follow the data.

## Deliberate gaps (yearbook placeholders; ingestion must quarantine exactly these)

| unit | year | variable | cell | file |
|---|---|---|---|---|
{gaps}

## Deliberate outliers (extreme but plausible; the modelled value times a factor)

| unit | year | variable | factor | story |
|---|---|---|---|---|
{outliers}

The same lists are in `dataset.yaml` (`deliberate_gaps`, `outliers`, `real_values`).
"""
