"""The bundled synthetic sample: coverage, realism, real figures, files and determinism."""

from __future__ import annotations

import csv
import io
import statistics
from dataclasses import replace
from importlib import resources
from pathlib import Path

import openpyxl
import polars as pl
import pytest
import yaml

from innovation_monitor.divisions import DivisionRegistry
from innovation_monitor.errors import DataError
from innovation_monitor.framework import IndicatorSystem
from innovation_monitor.ingest import ingest_directory
from innovation_monitor.paths import SAMPLE_DIR
from innovation_monitor.synthetic import (
    SEED,
    YEARS,
    Sample,
    build_sample,
    calibration,
    write_sample,
)
from innovation_monitor.synthetic.calibration import (
    FIGURES,
    FIGURES_FILE,
    PUBLISHED,
    provincial_series,
    published_total,
)
from innovation_monitor.synthetic.cells import GAPS, OUTLIERS, REAL_SHARES, REAL_VALUES
from innovation_monitor.synthetic.model import simulate_areas
from innovation_monitor.synthetic.profiles import AREAS
from innovation_monitor.synthetic.sample import FILE_SPECS, NOTICE

STRONG_CITIES = {"370100", "370200", "370300", "370600", "370700"}  # Jinan … Zibo


@pytest.fixture(scope="module")
def sample(registry: DivisionRegistry, system: IndicatorSystem) -> Sample:
    return build_sample(registry, system)


def _values(sample: Sample, level: str) -> pl.DataFrame:
    return sample.statistics.filter(pl.col("level") == level)


def _value(sample: Sample, level: str, code: str, year: int, variable: str) -> float:
    found = sample.statistics.filter(
        pl.col("level") == level,
        pl.col("region_code") == code,
        pl.col("year") == year,
        pl.col("variable") == variable,
    )["value"]
    assert len(found) == 1, (level, code, year, variable)
    return found[0]


def _city_totals(sample: Sample) -> dict[tuple[str, int], float]:
    totals = _values(sample, "city").group_by("variable", "year").agg(pl.col("value").sum())
    return {(v, y): total for v, y, total in totals.iter_rows()}


# ------------------------------------------------------------------------------- coverage


def test_every_unit_of_every_year_has_every_variable_of_its_level(
    sample: Sample, registry: DivisionRegistry, system: IndicatorSystem
) -> None:
    gaps = {(g.level, g.year, g.region_code, g.variable) for g in GAPS}
    found = {tuple(row) for row in sample.statistics.drop("value").iter_rows()}
    for level in ("city", "county"):
        variables = [v.code for v in system.variables.values() if level in v.levels]
        for year in YEARS:
            expected = {
                (level, year, d.code, v) for d in registry.valid_in(year, level) for v in variables
            }
            mine = {key for key in found if key[:2] == (level, year)}
            assert mine == expected - gaps, (level, year)
    assert not any(key[0] == "county" and key[3] == "higher_ed_students" for key in found)


def test_units_follow_the_boundary_changes(sample: Sample) -> None:
    cities = _values(sample, "city").group_by("year").agg(pl.col("region_code").n_unique())
    assert dict(cities.iter_rows()) == {y: 17 if y <= 2018 else 16 for y in YEARS}
    codes = {
        (level, year, code)
        for level, year, code in sample.statistics.select("level", "year", "region_code").unique()
        .iter_rows()
    }  # fmt: skip
    assert ("city", 2018, "371200") in codes and ("city", 2019, "371200") not in codes
    assert ("county", 2018, "371202") in codes and ("county", 2019, "370116") in codes
    assert ("county", 2019, "370684") in codes and ("county", 2020, "370614") in codes
    assert ("county", 2020, "370684") not in codes


def test_placeholders_are_the_listed_gaps_only(sample: Sample) -> None:
    assert 3 <= len(GAPS) <= 6
    placeholders = {g.placeholder for g in GAPS}
    assert placeholders <= {"…", "—"}
    marked = {key for key, text in sample.cells.items() if text in placeholders}
    assert marked == {(g.level, g.year, g.region_code, g.variable) for g in GAPS}


# ------------------------------------------------------------------- published totals


def test_city_sums_equal_the_published_provincial_totals(sample: Sample) -> None:
    totals = _city_totals(sample)
    for published in PUBLISHED:
        series = provincial_series(published)
        for year in published.values:
            # counts keep their sum when rounded; amounts differ by the rounding of each city value
            assert totals[(published.variable, year)] == pytest.approx(series[year], rel=1e-4)


def test_published_figures_ship_with_the_package_and_each_cites_its_source() -> None:
    shipped = resources.files("innovation_monitor.synthetic").joinpath("published_figures.csv")
    assert shipped.is_file() and Path(str(shipped)) == FIGURES_FILE
    assert all(figure.source.strip() for figure in FIGURES)
    # a mistyped use would silently drop its rows
    assert {f.use for f in FIGURES} == {
        "provincial_total",
        "provincial_mean",
        "fte_model",
        "area_profile",
    }
    profiled = {(f.variable, f.region_code) for f in FIGURES if f.use == "area_profile"}
    assert profiled == {
        (variable, area.code)
        for variable in ("population", "gdp", "rd_personnel_fte")
        for area in AREAS
    }


def test_a_malformed_published_figure_is_refused_with_its_line(tmp_path: Path) -> None:
    header = FIGURES_FILE.read_text("utf-8").splitlines()[0]
    broken = tmp_path / "figures.csv"
    broken.write_text(f"{header}\nprovincial_total,gdp,370000,2016,n/a,亿元,0.1,x\n", "utf-8")
    with pytest.raises(DataError, match="line 2"):
        calibration._read_figures(broken)
    gdp = [f for f in FIGURES if f.use == "provincial_total" and f.variable == "gdp"]
    other_source = [gdp[0], replace(gdp[1], source="another release")]
    with pytest.raises(DataError, match="gdp disagree"):
        calibration._published(other_source)


def test_gap_years_of_a_published_series_are_filled_smoothly() -> None:
    contracts = provincial_series(published_total("tech_contract_turnover"))
    assert contracts[2018] == pytest.approx((contracts[2017] * contracts[2019]) ** 0.5)
    enterprises = provincial_series(published_total("hightech_enterprises"))
    assert enterprises[2016] < enterprises[2017] < enterprises[2018] == 8912


def _reference_table(folder: Path) -> pl.DataFrame:
    # Unit labels in the source are not trusted (some are wrong): every conversion below is
    # stated per table and item instead.
    return pl.read_csv(
        folder / "shandong_province_sti.csv",
        schema_overrides={"value": pl.Float64, "year": pl.Int64},
        null_values=["NA", ""],
    )


def _series_of(reference: pl.DataFrame, table: str, item: str) -> dict[int, float]:
    rows = reference.filter(pl.col("table") == table, pl.col("item") == item)
    return {year: value for year, value in rows.select("year", "value").iter_rows()}


def test_city_sums_agree_with_the_yearbook_reference(
    sample: Sample, province_reference_dir: Path
) -> None:
    """Each tolerance is what separates our embedded figure from the yearbook's:

    * R&D expenditure: the same published figure (0.1亿元) — 0.5 %;
    * GDP, implied as R&D ÷ intensity: the intensity is rounded to 0.01 pp (≤ 0.25 %) — 0.5 %;
    * invention patents: bulletins quote 0.1万件, so up to half a step, plus 0.5 %;
    * technology contracts: registered contracts (省科技厅) versus the yearbook's technology
      market outflow, two definitions that differ by a few per cent — 7 %;
    * high-tech enterprises: certificates last three years, so the stock at year end is about
      the last three annual certification batches (the reference's only series), less firms
      that lapse or leave — 10 %;
    * R&D FTE: modelled from 2015 (no later figure is embedded) — 35 %, the model's spread.

    Variables without an embedded figure are held to plausibility bands instead:

    * patent applications: an approximate ratio to invention grants; the subsidy-driven
      utility-model surge of 2018–2021 is not modelled — 30 %;
    * budget and S&T expenditure: the provincial totals include the provincial government's own
      spending (省本级), which the cities' sum lacks — the sum must be 75–95 % of the total
      budget and 55–100 % of the S&T total (provincial S&T programmes are large and uneven).

    IndustryRD (a narrower industry table) and MarketPull (contracts bought, not sold) have no
    counterpart in the sample.
    """
    reference = _reference_table(province_reference_dir)
    rd = _series_of(reference, "RDIntense", "RD经费")  # 亿元
    intensity = _series_of(reference, "RDIntense", "RD强度")  # %
    batches = _series_of(reference, "HitechFirmsPub", "高新技术企业(公示认定数)")
    step = {p.variable: p.step for p in PUBLISHED}
    # variable -> (reference values in the canonical unit, allowed band of sum / reference)
    checks: dict[str, tuple[dict[int, float], dict[int, tuple[float, float]]]] = {}

    def within(tolerance: float) -> tuple[float, float]:
        return (1 - tolerance, 1 + tolerance)

    checks["rd_expenditure"] = ({y: v * 1e4 for y, v in rd.items()}, {y: within(0.005) for y in rd})
    implied = {y: rd[y] / intensity[y] * 1e6 for y in rd}
    checks["gdp"] = (implied, {y: within(0.005) for y in rd})
    for variable, table in (
        ("invention_patents_granted", "RDPatentAuthority"),
        ("invention_patents_valid", "RDPatentValid"),
    ):
        values = _series_of(reference, table, "发明")
        bands = {y: within(step[variable] / 2 / v + 0.005) for y, v in values.items()}
        checks[variable] = (values, bands)
    contracts = _series_of(reference, "MarketPush", "金额")  # 万元
    checks["tech_contract_turnover"] = (contracts, {y: within(0.07) for y in contracts})
    stock = {y: batches[y] + batches[y - 1] + batches[y - 2] for y in batches if y - 2 in batches}
    checks["hightech_enterprises"] = (stock, {y: within(0.10) for y in stock})
    fte = _series_of(reference, "RDLaborHour", "合计")
    checks["rd_personnel_fte"] = (fte, {y: within(0.35) for y in fte})
    applications = _series_of(reference, "RDPatentAccept", "合计")
    checks["patent_applications"] = (applications, {y: within(0.30) for y in applications})
    for variable, item, band in (
        ("fiscal_expenditure", "合计", (0.75, 0.95)),
        ("fiscal_st_expenditure", "科学技术", (0.55, 1.0)),
    ):
        budget = {y: v * 1e4 for y, v in _series_of(reference, "PublicBudget", item).items()}
        checks[variable] = (budget, {y: band for y in budget})

    totals = _city_totals(sample)
    report, failures = [], []
    for variable, (values, bands) in checks.items():
        years = [y for y in YEARS if y in values]
        assert years, f"reference has no {variable} for 2016-2023"
        ratios = {y: totals[(variable, y)] / values[y] for y in years}
        report.append(f"{variable}: " + " ".join(f"{y} {r - 1:+.1%}" for y, r in ratios.items()))
        failures += [
            (variable, y, r) for y, r in ratios.items() if not bands[y][0] <= r <= bands[y][1]
        ]
    print("\n".join(report))
    assert not failures, failures


# ------------------------------------------------------------------------------- census


def _census_cities(folder: Path) -> dict[str, float]:
    table = pl.read_csv(
        folder / "shandong_census_city_2010_2020.csv", schema_overrides={"city_code": pl.String}
    )
    return {code: people / 1e4 for code, people in table.select("city_code", "popu_2020").rows()}


def _census_counties(folder: Path) -> dict[str, float]:
    table = pl.read_csv(folder / "shandong_census_county_2020.csv", infer_schema_length=0)
    return {
        code: float(people) / 1e4 for code, people in table.select("区划代码", "人口数_合计").rows()
    }


def test_city_populations_2020_are_within_ten_percent_of_the_census(
    sample: Sample, census_reference_dir: Path
) -> None:
    census = _census_cities(census_reference_dir)
    mine = _values(sample, "city").filter(
        pl.col("year") == 2020, pl.col("variable") == "population"
    )
    deviations = {
        code: value / census[code] - 1 for code, value in mine.select("region_code", "value").rows()
    }
    assert len(deviations) == 16
    print("city population 2020 vs census: largest deviation", max(map(abs, deviations.values())))
    assert all(abs(d) <= 0.10 for d in deviations.values()), deviations


def test_county_populations_2020_are_as_close_to_the_census_as_the_readme_says(
    sample: Sample, census_reference_dir: Path
) -> None:
    census = _census_counties(census_reference_dir)
    mine = _values(sample, "county").filter(
        pl.col("year") == 2020, pl.col("variable") == "population"
    )
    deviations = sorted(
        abs(value / census[code] - 1) for code, value in mine.select("region_code", "value").rows()
    )
    assert len(deviations) == 136
    median = statistics.median(deviations)
    within_10 = sum(d <= 0.10 for d in deviations) / len(deviations)
    within_20 = sum(d <= 0.20 for d in deviations) / len(deviations)
    print(
        f"county population 2020 vs census: median |dev| {median:.1%}, within 10 % "
        f"{within_10:.0%}, within 20 % {within_20:.0%}, largest {deviations[-1]:.0%}"
    )
    # what data/sample/README.md states (MEASURED["county_census"] in synthetic/readme.py)
    assert median <= 0.05 and within_10 >= 0.75 and within_20 >= 0.90


# ------------------------------------------------------------------------ internal logic


def _rounding_step(variable: str, system: IndicatorSystem) -> float:
    """The coarsest step a written value of ``variable`` is rounded to (canonical unit)."""
    var = system.variables[variable]
    if var.integer:
        return 1.0
    return {"万元": 100.0, "万人": 0.01, "人年": 1.0}.get(var.unit, 0.01)


def test_counties_sum_to_their_city_less_the_development_zone_share(
    sample: Sample, registry: DivisionRegistry, system: IndicatorSystem
) -> None:
    zones = {a.code: a.dev_zone_share for a in AREAS}
    gaps = {(g.year, g.variable) for g in GAPS}
    counties = _values(sample, "county").with_columns(
        city=pl.col("region_code").map_elements(
            lambda code: registry.get(code).parent_code, return_dtype=pl.String
        )
    )
    sums = counties.group_by("year", "city", "variable").agg(
        pl.col("value").sum().alias("counties"), pl.len().alias("n")
    )
    cities = _values(sample, "city").rename({"region_code": "city", "value": "total"})
    joined = sums.join(cities, on=["year", "city", "variable"])
    extensive = {v.code for v in system.variables.values() if v.kind == "extensive"}
    checked = 0
    for year, city, variable, total_counties, n, _level, total in joined.iter_rows():
        if variable not in extensive or (year, variable) in gaps:
            continue
        # Jinan from 2019 holds Laiwu's territory: its share lies between the two areas'
        shares = [zones[city]] + ([zones["371200"]] if city == "370100" and year >= 2019 else [])
        slack = n * _rounding_step(variable, system) + 1e-6 * total
        low = total * (1 - max(shares)) - slack
        high = total * (1 - min(shares)) + slack
        assert low <= total_counties <= high, (year, city, variable, total_counties / total)
        checked += 1
    assert checked > 3000


def test_real_figures_are_used_exactly(sample: Sample) -> None:
    for real in REAL_VALUES:
        value = _value(sample, real.level, real.region_code, real.year, real.variable)
        assert value == pytest.approx(real.value, abs=0.5), real
    for real in REAL_SHARES:
        numerator = _value(sample, real.level, real.region_code, real.year, real.numerator)
        denominator = _value(sample, real.level, real.region_code, real.year, real.denominator)
        assert 100 * numerator / denominator == pytest.approx(real.percent, abs=5e-5), real
    jiaozhou_gdp = _value(sample, "county", "370281", 2020, "gdp")
    jiaozhou_rd = _value(sample, "county", "370281", 2020, "large_firms_rd_expenditure")
    assert 100 * jiaozhou_rd / jiaozhou_gdp == pytest.approx(2.152, abs=5e-5)


def test_innovation_is_correlated_with_income_and_strongest_in_the_five_leaders(
    sample: Sample,
) -> None:
    for year in (2016, 2020, 2023):
        wide = (
            _values(sample, "city")
            .filter(pl.col("year") == year)
            .pivot(on="variable", index="region_code", values="value")
            .with_columns(
                per_head=pl.col("gdp") / pl.col("population"),
                rd=pl.col("rd_expenditure") / pl.col("gdp"),
                patents=pl.col("invention_patents_valid") / pl.col("population"),
                firms=pl.col("hightech_enterprises") / pl.col("population"),
            )
        )
        for measure in ("rd", "patents", "firms"):
            rho = wide.select(pl.corr("per_head", measure, method="spearman")).item()
            assert rho > 0.6, (year, measure, rho)
        leaders = set(wide.sort("rd_expenditure", descending=True)["region_code"][:6])
        assert leaders >= STRONG_CITIES, (year, leaders)


def test_cities_grow(sample: Sample) -> None:
    city = _values(sample, "city")
    for variable in ("gdp", "rd_expenditure", "invention_patents_valid", "urban_income"):
        first = dict(city.filter(pl.col("year") == 2019, pl.col("variable") == variable)
                     .select("region_code", "value").rows())  # fmt: skip
        last = dict(city.filter(pl.col("year") == 2023, pl.col("variable") == variable)
                    .select("region_code", "value").rows())  # fmt: skip
        assert all(last[code] > first[code] for code in last), variable


def test_outliers_stand_out_from_the_units_own_series(sample: Sample) -> None:
    assert OUTLIERS
    for outlier in OUTLIERS:
        series = dict(
            sample.statistics.filter(
                pl.col("level") == outlier.level,
                pl.col("region_code") == outlier.region_code,
                pl.col("variable") == outlier.variable,
            )
            .select("year", "value")
            .rows()
        )
        neighbours = [series[y] for y in (outlier.year - 1, outlier.year + 1) if y in series]
        assert series[outlier.year] > 1.8 * max(neighbours), outlier


def test_the_seed_decides_the_draws_but_not_the_published_totals() -> None:
    base = simulate_areas(SEED)
    other = simulate_areas(SEED + 1)
    assert (base["gdp"] == simulate_areas(SEED)["gdp"]).all()
    changed = (base["tech_smes"] != other["tech_smes"]).mean()
    assert changed > 0.9
    for published in PUBLISHED:
        totals = other[published.variable].sum(axis=0)
        expected = [provincial_series(published)[y] for y in YEARS]
        assert totals == pytest.approx(expected, rel=1e-9), published.variable


def test_a_variable_the_generator_cannot_simulate_is_refused(
    registry: DivisionRegistry, system: IndicatorSystem
) -> None:
    extra = replace(system.variables["gdp"], code="space_launches")
    bigger = replace(system, variables={**system.variables, "space_launches": extra})
    with pytest.raises(DataError, match="space_launches"):
        build_sample(registry, bigger)


def test_a_folder_with_other_data_is_not_overwritten(
    sample: Sample, registry: DivisionRegistry, system: IndicatorSystem, tmp_path: Path
) -> None:
    (tmp_path / "my_yearbook.csv").write_text("地区代码,地区\n", encoding="utf-8")
    with pytest.raises(DataError, match="not empty"):
        write_sample(sample, registry, system, tmp_path)
    assert (tmp_path / "my_yearbook.csv").exists()


# --------------------------------------------------------------------- the committed files


def _first_row(path: Path) -> str:
    if path.suffix == ".xlsx":
        workbook = openpyxl.load_workbook(path, read_only=True)
        first = next(workbook.worksheets[0].iter_rows(values_only=True))[0]
        workbook.close()
        return str(first)
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gbk"):
        try:
            return next(csv.reader(io.StringIO(data.decode(encoding))))[0]
        except UnicodeDecodeError:
            continue
    raise AssertionError(f"{path} is neither UTF-8 nor GBK")


def test_committed_sample_is_what_the_generator_writes(
    sample: Sample, registry: DivisionRegistry, system: IndicatorSystem, tmp_path: Path
) -> None:
    written = write_sample(sample, registry, system, tmp_path / "sample")
    committed = sorted(p.relative_to(SAMPLE_DIR) for p in SAMPLE_DIR.rglob("*") if p.is_file())
    assert committed == sorted(p.relative_to(tmp_path / "sample") for p in written)
    for path in written:
        relative = path.relative_to(tmp_path / "sample")
        assert path.read_bytes() == (SAMPLE_DIR / relative).read_bytes(), relative


def test_every_file_is_marked_synthetic() -> None:
    files = [p for p in SAMPLE_DIR.rglob("*") if p.suffix in (".csv", ".xlsx")]
    assert len(files) == len(FILE_SPECS) + sum(bool(s.long_variables) for s in FILE_SPECS)
    for path in files:
        assert _first_row(path) == NOTICE, path
    manifest = yaml.safe_load((SAMPLE_DIR / "dataset.yaml").read_text("utf-8"))
    assert manifest["synthetic"] is True
    assert "合成样例数据" in manifest["notice_zh"] and "Synthetic" in manifest["notice_en"]
    assert manifest["name_zh"] and manifest["name_en"] and manifest["source"]
    readme = (SAMPLE_DIR / "README.md").read_text("utf-8")
    assert readme.startswith("# 合成样例数据 · SYNTHETIC SAMPLE DATA")
    assert f"seed **{SEED}**" in readme


def test_manifest_lists_gaps_outliers_and_real_figures() -> None:
    manifest = yaml.safe_load((SAMPLE_DIR / "dataset.yaml").read_text("utf-8"))
    listed = {(g["level"], g["region_code"], g["year"], g["variable"])
              for g in manifest["deliberate_gaps"]}  # fmt: skip
    assert listed == {(g.level, g.region_code, g.year, g.variable) for g in GAPS}
    assert {(o["region_code"], o["year"], o["variable"]) for o in manifest["outliers"]} == {
        (o.region_code, o.year, o.variable) for o in OUTLIERS
    }
    assert len(manifest["real_values"]) == len(REAL_VALUES) + len(REAL_SHARES)
    readme = (SAMPLE_DIR / "README.md").read_text("utf-8")
    for gap in GAPS:
        assert f"`{gap.variable}` | {gap.placeholder}" in readme


def test_files_carry_the_mess_ingestion_must_handle() -> None:
    raw = {p.relative_to(SAMPLE_DIR).as_posix(): p.read_bytes() for p in SAMPLE_DIR.rglob("*.csv")}
    boms = [name for name, data in raw.items() if data.startswith(b"\xef\xbb\xbf")]
    gbk = []
    for name, data in raw.items():
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            gbk.append(name)
            data.decode("gbk")
    assert boms and gbk
    text = {
        name: data.decode("utf-8-sig" if name not in gbk else "gbk") for name, data in raw.items()
    }
    joined = "\n".join(text.values())
    assert "地区生产总值(亿元)" in joined and "地区生产总值(万元)" in joined
    assert "（万元）" in joined  # full-width brackets
    assert any(ch in joined for ch in "０１２３４５６７８９")
    assert any('"' in t and "," in t.split('"')[1] for t in text.values())  # "1,234,567"
    assert "注：" in joined and "资料来源：" in joined
    assert (SAMPLE_DIR / "city/2023.xlsx").exists() and (SAMPLE_DIR / "county/2023.xlsx").exists()


def test_ingesting_the_sample_gives_every_value_and_quarantines_only_the_gaps(
    sample: Sample, registry: DivisionRegistry, system: IndicatorSystem
) -> None:
    manifest = yaml.safe_load((SAMPLE_DIR / "dataset.yaml").read_text("utf-8"))
    gaps = {(g["level"], g["year"], g["region_code"], g["variable"])
            for g in manifest["deliberate_gaps"]}  # fmt: skip
    expected = {
        (level, year, division.code, variable.code)
        for level in ("city", "county")
        for year in YEARS
        for division in registry.valid_in(year, level)
        for variable in system.variables.values()
        if level in variable.levels
    }

    result = ingest_directory(SAMPLE_DIR, system, registry)

    keys = ["level", "year", "region_code", "variable"]
    got = result.statistics.select(*keys, "value")
    assert {tuple(row) for row in got.select(keys).iter_rows()} == expected - gaps
    assert got.select(keys).is_duplicated().sum() == 0
    joined = sample.statistics.join(got, on=keys, suffix="_ingested")
    assert len(joined) == len(got)
    wrong = joined.filter(
        (pl.col("value") - pl.col("value_ingested")).abs() > 1e-9 * pl.col("value").abs()
    )
    assert wrong.is_empty(), wrong.head()
    quarantined = set()
    for row in result.quarantine.iter_rows(named=True):
        variable = system.match_variable(row["source_column"].replace("（", "(").split("(")[0])
        quarantined.add(
            (row["level"], row["year"], row["region_text"][:6], variable and variable.code)
        )
        assert row["reason"].startswith("not available"), row
    assert len(result.quarantine) == len(gaps)
    assert quarantined == gaps
    assert result.sources["synthetic"].all()
