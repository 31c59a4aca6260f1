"""Division registry: units per data year, matching, crosswalk, restatement, reference check."""

import csv
import re
import shutil
from collections import Counter
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from innovation_monitor.divisions import Division, DivisionRegistry, english_name, restate_totals
from innovation_monitor.divisions.registry import DIVISIONS_FILE, LATE_YEAR_CHANGES
from innovation_monitor.errors import DataError, InnovationMonitorError
from innovation_monitor.paths import PROJECT_ROOT

YEARS = range(2014, 2025)


def codes(units: list[Division]) -> set[str]:
    return {d.code for d in units}


# --- counts per data year (independent of the reference) -------------------------------------


@pytest.mark.parametrize("year", YEARS)
def test_city_and_county_counts_per_data_year(registry: DivisionRegistry, year: int) -> None:
    assert len(registry.valid_in(year, "city")) == (17 if year <= 2018 else 16)
    assert len(registry.valid_in(year, "county")) == (137 if year <= 2019 else 136)
    assert len(registry.valid_in(year)) == len(registry.valid_in(year, "city")) + len(
        registry.valid_in(year, "county")
    )


@pytest.mark.parametrize(
    ("year", "districts", "county_cities", "counties"),
    [
        (2014, 51, 28, 58),
        (2016, 54, 27, 56),
        (2017, 55, 26, 56),
        (2018, 56, 27, 54),
        (2019, 57, 27, 53),
        (2024, 58, 26, 52),
    ],
)
def test_county_level_types_per_year(
    registry: DivisionRegistry, year: int, districts: int, county_cities: int, counties: int
) -> None:
    types = Counter(d.type for d in registry.valid_in(year, "county"))
    assert types == {"市辖区": districts, "县级市": county_cities, "县": counties}


def test_every_county_sits_in_a_city_of_the_same_year(registry: DivisionRegistry) -> None:
    for year in YEARS:
        cities = codes(registry.valid_in(year, "city"))
        assert {d.parent_code for d in registry.valid_in(year, "county")} == cities


def test_no_development_zone_codes(registry: DivisionRegistry) -> None:
    assert not [d.code for d in registry.all() if 71 <= int(d.code[4:]) <= 79]


# --- the data-year rule and its exception -----------------------------------------------------


def test_laiwu_is_still_a_city_in_data_year_2018(registry: DivisionRegistry) -> None:
    cities_2018 = codes(registry.valid_in(2018, "city"))
    counties_2018 = codes(registry.valid_in(2018, "county"))
    assert len(cities_2018) == 17 and "371200" in cities_2018
    assert {"371202", "371203"} <= counties_2018
    assert not {"370116", "370117"} & counties_2018
    assert registry.get("371202").parent_code == "371200"


def test_laiwu_districts_belong_to_jinan_from_data_year_2019(registry: DivisionRegistry) -> None:
    assert "371200" not in codes(registry.valid_in(2019, "city"))
    counties = codes(registry.valid_in(2019, "county"))
    assert {"370116", "370117"} <= counties and not {"371202", "371203"} & counties
    assert {registry.get(c).parent_code for c in ("370116", "370117")} == {"370100"}


def test_year_end_view_of_2018_already_shows_the_merger(registry: DivisionRegistry) -> None:
    year_end = registry.in_force_at_year_end(2018)
    assert len([d for d in year_end if d.level == "city"]) == 16
    assert {"370116", "370117"} <= codes(year_end)
    assert not {"371200", "371202", "371203"} & codes(year_end)
    assert codes(registry.in_force_at_year_end(2018, "city")) == codes(
        registry.valid_in(2019, "city")
    )


@pytest.mark.parametrize("year", [y for y in YEARS if y != 2018])
def test_year_end_view_equals_data_years_outside_late_changes(
    registry: DivisionRegistry, year: int
) -> None:
    for level in ("city", "county"):
        assert registry.in_force_at_year_end(year, level) == registry.valid_in(year, level)


def test_late_year_changes_are_only_laiwu_and_documented(registry: DivisionRegistry) -> None:
    assert [(c.effective.isoformat(), c.year) for c in LATE_YEAR_CHANGES] == [("2018-12-26", 2018)]
    doc = (PROJECT_ROOT / "docs" / "divisions.md").read_text(encoding="utf-8")
    for change in LATE_YEAR_CHANGES:
        assert change.effective.isoformat() in doc
        for code in (*change.abolished, *change.created):
            assert code in doc
            unit = registry.get(code)
            in_change_year = unit.exists_in(change.year)
            assert in_change_year == (code in change.abolished)


@pytest.mark.parametrize(
    ("old_codes", "last_year", "new_code", "former_name"),
    [
        (("370181",), 2015, "370114", "章丘市"),
        (("370521",), 2015, "370505", "垦利县"),
        (("371727",), 2015, "371703", "定陶县"),
        (("370282",), 2016, "370215", "即墨市"),
        (("370125",), 2017, "370115", "济阳县"),
        (("371626",), 2017, "371681", "邹平县"),
        (("371202",), 2018, "370116", "莱城区"),
        (("371203",), 2018, "370117", None),
        (("371200",), 2018, "370100", None),
        (("371523",), 2018, "371503", "茌平县"),
        (("370684", "370634"), 2019, "370614", None),
    ],
)
def test_boundary_changes_2014_2024(
    registry: DivisionRegistry,
    old_codes: tuple[str, ...],
    last_year: int,
    new_code: str,
    former_name: str | None,
) -> None:
    new = registry.get(new_code)
    assert new.exists_in(last_year + 1)
    for code in old_codes:
        old = registry.get(code)
        assert old.last_year == last_year and old.successor_codes == (new_code,)
        assert old.level == new.level
    if new.first_year > 2014:
        assert new.first_year == last_year + 1
    if former_name is not None:
        assert former_name in new.former_names


@pytest.mark.parametrize(
    ("code", "former_name"),
    [("371003", "文登市"), ("371403", "陵县"), ("371603", "沾化县"), ("370812", "兖州市"),
     ("371324", "苍山县")],
)  # fmt: skip
def test_changes_before_2014_leave_former_names(
    registry: DivisionRegistry, code: str, former_name: str
) -> None:
    unit = registry.get(code)
    assert unit.first_year == 2014 and unit.last_year is None
    assert former_name in unit.former_names
    assert registry.match(former_name, 2015) == unit


# --- match ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "year", "kwargs", "expected"),
    [
        ("370102", 2020, {}, "370102"),
        ("370102000000", 2020, {}, "370102"),
        ("３７０１０２", 2020, {}, "370102"),
        ("济南市", 2020, {}, "370100"),
        ("济南", 2020, {}, "370100"),
        ("历下区", 2020, {}, "370102"),
        ("历下", 2020, {}, "370102"),
        ("　历 下　区 ", 2020, {}, "370102"),
        ("山东省济南市", 2020, {}, "370100"),
        ("即墨市", 2016, {}, "370282"),
        ("即墨市", 2018, {}, "370215"),
        ("即墨", 2016, {}, "370282"),
        ("即墨", 2018, {}, "370215"),
        ("邹平县", 2020, {}, "371681"),
        ("莱芜市", 2018, {}, "371200"),
        ("莱芜", 2018, {"level": "city"}, "371200"),
        ("莱城区", 2018, {}, "371202"),
        ("莱城区", 2019, {}, "370116"),
        ("钢城区", 2018, {}, "371203"),
        ("钢城区", 2019, {}, "370117"),
        ("市中区", 2020, {"parent": "枣庄市"}, "370402"),
        ("市中区", 2020, {"parent": "370100"}, "370103"),
        ("市中", 2020, {"parent": "枣庄"}, "370402"),
        ("枣庄市市中区", 2020, {}, "370402"),
        ("济南市 市中区", 2020, {}, "370103"),
        ("东营", 2020, {"level": "city"}, "370500"),
        ("东营", 2020, {"level": "county"}, "370502"),
        ("蓬莱", 2021, {}, "370614"),
        ("蓬莱市", 2019, {}, "370684"),
        ("莘县", 2020, {}, "371522"),
    ],
)
def test_match_finds_the_unit(
    registry: DivisionRegistry, text: str, year: int, kwargs: dict[str, str], expected: str
) -> None:
    found = registry.match(text, year, **kwargs)
    assert found is not None and found.code == expected


@pytest.mark.parametrize(
    ("text", "year", "kwargs"),
    [
        ("莱芜市", 2020, {}),  # merged into Jinan: no unit of 2020 is Laiwu city
        ("莱芜市", 2019, {"level": "city"}),
        ("蓬莱市", 2021, {}),  # merged with Changdao into the larger Penglai district
        ("长岛县", 2020, {}),
        ("370116", 2018, {}),  # Laiwu district of Jinan does not exist in data year 2018
        ("371200", 2019, {}),
        ("370102", 2020, {"level": "city"}),
        ("370102", 2020, {"parent": "枣庄"}),
        ("市中区", 2020, {}),  # ambiguous without a parent
        ("东营", 2020, {}),  # the city and 东营区
        ("市中区", 2020, {"parent": "青岛市"}),
        ("市中区", 2020, {"parent": "莱芜市"}),  # unknown parent in 2020
        ("单", 2020, {}),  # one-character stems are never short names
        ("高新区", 2020, {}),
        ("", 2020, {}),
        ("370171", 2020, {}),  # a development zone
    ],
)
def test_match_returns_none(
    registry: DivisionRegistry, text: str, year: int, kwargs: dict[str, str]
) -> None:
    assert registry.match(text, year, **kwargs) is None


def test_candidates_lists_the_competitors(registry: DivisionRegistry) -> None:
    assert codes(registry.candidates("市中区", 2020)) == {"370103", "370402"}
    assert codes(registry.candidates("东营", 2020)) == {"370500", "370502"}


def test_full_name_wins_over_short_and_former_names(registry: DivisionRegistry) -> None:
    # 莱城区 is the current name of 371202 in 2018 and a former name of 370116 later
    assert codes(registry.candidates("莱城区", 2018)) == {"371202"}
    assert codes(registry.candidates("莱芜", 2018)) == {"371200"}
    assert codes(registry.candidates("莱芜", 2019)) == {"370116"}


def test_years_before_coverage_and_bad_levels_are_errors(registry: DivisionRegistry) -> None:
    with pytest.raises(DataError, match="2013 is before 2014"):
        registry.valid_in(2013)
    with pytest.raises(DataError, match="2010"):
        registry.match("济南", 2010)
    with pytest.raises(DataError, match="'province'"):
        registry.valid_in(2020, "province")
    with pytest.raises(DataError, match="'379999'"):
        registry.get("379999")


# --- crosswalk and restate --------------------------------------------------------------------


def walk(registry: DivisionRegistry, from_year: int, to_year: int, level: str) -> dict[str, set]:
    frame = registry.crosswalk(from_year, to_year, level)
    assert frame.columns == ["from_code", "to_code"]
    out: dict[str, set] = {}
    for from_code, to_code in frame.iter_rows():
        out.setdefault(from_code, set()).add(to_code)
    return out


def test_crosswalk_follows_successors_through_intermediate_years(
    registry: DivisionRegistry,
) -> None:
    county = walk(registry, 2016, 2023, "county")
    assert county["370684"] == county["370634"] == {"370614"}
    assert county["370282"] == {"370215"}  # 即墨市 2016 -> 即墨区
    assert county["371626"] == {"371681"}
    assert walk(registry, 2014, 2024, "county")["370181"] == {"370114"}
    assert walk(registry, 2018, 2019, "county")["371202"] == {"370116"}
    assert walk(registry, 2018, 2023, "city")["371200"] == {"370100"}


def test_crosswalk_covers_every_unit_and_lands_on_valid_units(
    registry: DivisionRegistry,
) -> None:
    for level in ("city", "county"):
        for from_year in YEARS:
            mapping = walk(registry, from_year, 2024, level)
            assert set(mapping) == codes(registry.valid_in(from_year, level))
            targets = set().union(*mapping.values())
            assert targets == codes(registry.valid_in(2024, level))
    same = walk(registry, 2021, 2021, "county")
    assert all(mapping == {code} for code, mapping in same.items())


def test_crosswalk_only_goes_forward(registry: DivisionRegistry) -> None:
    with pytest.raises(DataError, match="forward"):
        registry.crosswalk(2023, 2016, "county")


def long_frame(rows: list[tuple[str, int, str, float | None]]) -> pl.DataFrame:
    return pl.DataFrame(
        rows,
        schema={"region_code": pl.String, "year": pl.Int64, "variable": pl.String,
                "value": pl.Float64},
        orient="row",
    )  # fmt: skip


def test_restate_sums_merged_counties(registry: DivisionRegistry) -> None:
    values = long_frame(
        [
            ("370684", 2019, "gdp", 100.0),
            ("370634", 2019, "gdp", 10.0),
            ("370684", 2019, "rd_expenditure", 3.0),
            ("370634", 2019, "rd_expenditure", None),
            ("371202", 2018, "gdp", 50.0),
            ("371203", 2018, "gdp", 40.0),
            ("370614", 2021, "gdp", 125.0),
            ("370102", 2018, "gdp", 7.0),
        ]
    )
    expected = long_frame(
        [
            ("370102", 2018, "gdp", 7.0),
            ("370116", 2018, "gdp", 50.0),
            ("370117", 2018, "gdp", 40.0),
            ("370614", 2019, "gdp", 110.0),
            ("370614", 2019, "rd_expenditure", None),  # Changdao's part unknown
            ("370614", 2021, "gdp", 125.0),
        ]
    )
    assert_frame_equal(restate_totals(values, registry, to_year=2023, level="county"), expected)


def test_restate_merges_laiwu_into_jinan_at_city_level(registry: DivisionRegistry) -> None:
    values = long_frame(
        [
            ("370100", 2018, "population", 746.0),
            ("371200", 2018, "population", 138.0),
            ("370100", 2019, "population", 890.0),
            ("370100", 2017, "population", 730.0),  # Laiwu's 2017 value is missing
        ]
    )
    expected = long_frame(
        [
            ("370100", 2017, "population", None),
            ("370100", 2018, "population", 884.0),
            ("370100", 2019, "population", 890.0),
        ]
    )
    assert_frame_equal(restate_totals(values, registry, to_year=2024, level="city"), expected)


def test_restate_keeps_unchanged_units_as_they_are(registry: DivisionRegistry) -> None:
    values = long_frame([("370102", 2015, "patent_applications", 12.0)])
    assert_frame_equal(restate_totals(values, registry, to_year=2015, level="county"), values)
    assert restate_totals(values.clear(), registry, to_year=2020, level="county").is_empty()


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([("370116", 2017, "gdp", 1.0)], "370116 is not a county-level unit in data year 2017"),
        ([("370100", 2018, "gdp", 1.0)], "370100 is not a county-level unit"),
        ([("370102", 2024, "gdp", 1.0)], "later year"),
        ([("370102", 2018, "gdp", 1.0), ("370102", 2018, "gdp", 2.0)], "more than once"),
    ],
)
def test_restate_rejects_bad_values(
    registry: DivisionRegistry, rows: list[tuple[str, int, str, float]], message: str
) -> None:
    with pytest.raises(DataError, match=message):
        restate_totals(long_frame(rows), registry, to_year=2023, level="county")


def test_restate_names_missing_columns(registry: DivisionRegistry) -> None:
    with pytest.raises(DataError, match="lack column"):
        restate_totals(
            pl.DataFrame({"region_code": ["370102"], "year": [2018]}),
            registry,
            to_year=2020,
            level="city",
        )


@settings(max_examples=20, deadline=None)
@given(
    years=st.lists(st.integers(2014, 2024), min_size=1, max_size=3, unique=True),
    level=st.sampled_from(["city", "county"]),
    seed=st.integers(0, 10_000),
)
def test_restate_preserves_provincial_totals(years: list[int], level: str, seed: int) -> None:
    registry = DivisionRegistry.load()
    rows = [
        (d.code, year, "gdp", float((int(d.code) * 7 + seed * 13 + year) % 997))
        for year in years
        for d in registry.valid_in(year, level)
    ]
    values = long_frame(rows)
    restated = restate_totals(values, registry, to_year=2024, level=level)
    assert restated["value"].null_count() == 0
    assert set(restated["region_code"]) <= codes(registry.valid_in(2024, level))
    before = values.group_by("year").agg(pl.col("value").sum()).sort("year")
    after = restated.group_by("year").agg(pl.col("value").sum()).sort("year")
    assert_frame_equal(before, after)


# --- frame, names, loading --------------------------------------------------------------------


def test_to_frame_has_the_warehouse_columns(registry: DivisionRegistry) -> None:
    frame = registry.to_frame()
    assert frame.columns == [
        "code", "name_zh", "name_en", "level", "type", "parent_code", "valid_from", "valid_to",
        "successor_codes",
    ]  # fmt: skip
    assert frame.height == len(registry.all()) and frame["code"].is_unique().all()
    laiwu = frame.filter(pl.col("code") == "371200").row(0, named=True)
    assert laiwu["valid_to"] == 2018 and laiwu["successor_codes"] == ["370100"]
    assert frame.filter(pl.col("code") == "370100")["valid_to"].to_list() == [None]
    assert frame.schema["successor_codes"] == pl.List(pl.String)


@pytest.mark.parametrize(
    ("code", "name_en"),
    [
        ("370100", "Jinan"),
        ("370900", "Tai'an"),
        ("370102", "Lixia District"),
        ("370113", "Changqing District"),
        ("370405", "Tai'erzhuang District"),
        ("370614", "Penglai District"),
        ("370634", "Changdao County"),
        ("370612", "Muping District"),
        ("370812", "Yanzhou District"),
        ("370881", "Qufu City"),
        ("371481", "Laoling City"),
        ("371503", "Chiping District"),
        ("371522", "Shen County"),
        ("371524", "Dong'e County"),
        ("371722", "Shan County"),
        ("371122", "Ju County"),
        ("370282", "Jimo City"),
    ],
)
def test_english_names_of_known_units(registry: DivisionRegistry, code: str, name_en: str) -> None:
    assert registry.get(code).name_en == name_en


def test_csv_english_names_match_pinyin_and_overrides(registry: DivisionRegistry) -> None:
    drift = [
        (d.code, d.name_en, english_name(d.name_zh, d.type))
        for d in registry.all()
        if d.name_en != english_name(d.name_zh, d.type)
    ]
    assert drift == []


def test_every_unit_has_both_names_and_later_units_a_note() -> None:
    with DIVISIONS_FILE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert all(row["name_zh"] and re.fullmatch(r"[A-Z][a-z']+( \w+)?", row["name_en"])
               for row in rows)  # fmt: skip
    changed = [row for row in rows if int(row["first_year"]) > 2014 or row["last_year"]]
    assert changed and all(row["note"] for row in changed)


def test_load_is_cached_and_sees_edits(tmp_path: Path) -> None:
    assert DivisionRegistry.load() is DivisionRegistry.load()
    copy = tmp_path / "divisions.csv"
    shutil.copy(DIVISIONS_FILE, copy)
    first = DivisionRegistry.load(copy)
    assert DivisionRegistry.load(copy) is first
    text = copy.read_text(encoding="utf-8").replace("Lixia District", "Lixia  District")
    copy.write_text(text, encoding="utf-8")
    assert DivisionRegistry.load(copy).get("370102").name_en == "Lixia  District"


def test_missing_file_is_a_data_error(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="cannot be read"):
        DivisionRegistry.load(tmp_path / "absent.csv")


def edited(tmp_path: Path, old: str, new: str) -> Path:
    text = DIVISIONS_FILE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "divisions.csv"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("370102,历下区", "370171,历下区", "row 3, column code = '370171'; codes ending 71-79"),
        ("370102,历下区", "3701,历下区", "column code"),
        ("Lixia District,county", "Lixia District,town", "column level"),
        ("Lixia District,county,市辖区", "Lixia District,county,县", "column name_zh"),
        ("Lixia District,county,市辖区", "Lixia District,county,地级市", "column type"),
        ("市辖区,370100,2014,,", "市辖区,370100,20x4,,", "column first_year"),
        ("370102,历下区,Lixia District,county,市辖区,370100",
         "370102,历下区,Lixia District,county,市辖区,370900", "starts with its parent's 3709"),
        ("370102,历下区,Lixia District,county,市辖区,370100",
         "370102,历下区,Lixia District,county,市辖区,370103", "'370103' is not a city"),
        (",370000,2014,2018,370100", ",370000,2014,2018,", "successor_codes exactly"),
        (",2014,2015,370114,", ",2014,2015,370999,", "successor 370999"),
        ("Laiwu,city,地级市,370000,2014,2018", "Laiwu,city,地级市,370000,2014,2019",
         "late-year change of 2018-12-26"),
        ("370112,历城区", "370112,历下区", "names must be unique"),
    ],
)  # fmt: skip
def test_bad_csv_rows_are_data_errors(tmp_path: Path, old: str, new: str, message: str) -> None:
    with pytest.raises(DataError, match=re.escape(message)) as caught:
        DivisionRegistry.load(edited(tmp_path, old, new))
    assert isinstance(caught.value, InnovationMonitorError)


# --- independent check against the reference --------------------------------------------------


def reference_codes(reference: pl.DataFrame, year: int, level: str) -> dict[str, set[str]]:
    """Codes in force on 31 December of ``year`` with their names, dev zones excluded."""
    grade = {"city": "地级", "county": "县级"}[level]
    found: dict[str, set[str]] = {}
    for row in reference.iter_rows(named=True):
        code, end = row["代码"], row["变更/弃用时间"]
        if row["级别"] != grade or 71 <= int(code[4:]) <= 79:
            continue
        if int(row["启用时间"]) <= year and (end is None or year < int(end)):
            found.setdefault(code, set()).add(row["名称"])
    return found


@pytest.fixture(scope="module")
def reference(divisions_reference_dir: Path) -> pl.DataFrame:
    return pl.read_csv(divisions_reference_dir / "shandong_areacodes.csv", infer_schema=False)


@pytest.mark.parametrize("level", ["city", "county"])
@pytest.mark.parametrize("year", YEARS)
def test_year_end_units_equal_the_reference(
    registry: DivisionRegistry, reference: pl.DataFrame, year: int, level: str
) -> None:
    expected = reference_codes(reference, year, level)
    units = registry.in_force_at_year_end(year, level)
    assert codes(units) == set(expected)
    assert [d.code for d in units if d.name_zh not in expected[d.code]] == []


@pytest.mark.parametrize("level", ["city", "county"])
@pytest.mark.parametrize("year", YEARS)
def test_data_year_units_equal_the_reference_after_exceptions(
    registry: DivisionRegistry, reference: pl.DataFrame, year: int, level: str
) -> None:
    expected = set(reference_codes(reference, year, level))
    for change in LATE_YEAR_CHANGES:
        if change.year == year:
            expected -= set(change.created)
            expected |= {c for c in change.abolished if registry.get(c).level == level}
    assert codes(registry.valid_in(year, level)) == expected


def test_successors_agree_with_the_reference(
    registry: DivisionRegistry, reference: pl.DataFrame
) -> None:
    disagreements = {}
    for row in reference.iter_rows(named=True):
        end, code = row["变更/弃用时间"], row["代码"]
        if end is None or not 2014 < int(end) <= 2024 or row["级别"] == "省级":
            continue
        # the reference marks earlier intermediate steps as CODE[YEAR]; keep the final ones
        final = {c for c in (row["新代码"] or "").split(";") if c and "[" not in c}
        if set(registry.get(code).successor_codes) != final:
            disagreements[code] = (registry.get(code).successor_codes, final)
    # the one documented difference: Laiwu's whole territory went to Jinan
    assert disagreements == {"371200": (("370100",), set())}


def test_restate_refuses_to_apportion_a_split_unit(tmp_path: Path) -> None:
    split = DivisionRegistry.load(
        edited(tmp_path, ",2014,2018,370100,", ",2014,2018,370100;370300,")
    )
    assert walk(split, 2018, 2019, "city")["371200"] == {"370100", "370300"}
    values = long_frame([("371200", 2018, "gdp", 1.0)])
    with pytest.raises(DataError, match="371200 of 2018 was split"):
        restate_totals(values, split, to_year=2019, level="city")
