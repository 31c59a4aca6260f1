"""Headers → variables and region cells → registry units, with a reason for every miss."""

import pytest

from innovation_monitor.ingest.matching import RegionMatcher, match_header, region_text


@pytest.mark.parametrize(
    ("header", "code", "unit"),
    [
        ("变量X", "x", None),
        ("变量X(亿元)", "x", "亿元"),
        ("变量X（亿元）", "x", "亿元"),
        ("X的总量(合计)", "x", None),  # an alias with brackets is not a unit
        ("X的总量(合计)(亿元)", "x", "亿元"),
        (" 变量 Y ", "y", None),
        ("x", "x", None),
        ("变量Z[件]", "z", "件"),
    ],
)
def test_match_header(toy_system, header: str, code: str, unit: str | None) -> None:
    variable, found_unit = match_header(toy_system, header)
    assert variable is not None and variable.code == code
    assert found_unit == unit


@pytest.mark.parametrize("header", ["备注", "foo(万元)", "变量", "变量X的", ""])
def test_headers_that_name_no_variable(toy_system, header: str) -> None:
    assert match_header(toy_system, header)[0] is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(370102, "370102"), (370102.0, "370102"), ("370102.0", "370102"), (" 济 南 ", "济南")],
)
def test_region_text(raw: object, expected: str) -> None:
    assert region_text(raw) == expected


@pytest.fixture
def regions(registry) -> RegionMatcher:
    return RegionMatcher(registry)


@pytest.mark.parametrize(
    ("code", "name", "level", "expected"),
    [
        (None, "济南", "city", "370100"),
        (None, "济南市", "city", "370100"),
        (370102, None, "county", "370102"),
        ("370102000000", None, "county", "370102"),
        ("370102", "历下区", "county", "370102"),
        (None, "即墨市", "county", "370215"),  # an older name of 即墨区 (registry former_names)
    ],
)
def test_units_by_code_or_name(regions, code, name, level, expected) -> None:
    found = regions.match(code, name, 2020, level)
    assert found.division is not None and found.division.code == expected
    assert found.reason == ""


def test_laiwu_is_a_city_in_2017_and_merged_into_jinan_by_2019(regions) -> None:
    assert regions.match(None, "莱芜市", 2017, "city").division.code == "371200"
    merged = regions.match(None, "莱芜市", 2019, "city")
    assert merged.division is None
    assert merged.reason == (
        "region not valid in 2019 ('莱芜市' is not a city-level unit then: 371200 莱芜市 "
        "existed in data years 2014–2018, succeeded by 370100 济南市)"
    )


@pytest.mark.parametrize("year", [2019, 2023])
def test_a_former_city_in_a_later_city_table_is_the_abolished_city(regions, year: int) -> None:
    # 莱芜 is also the short name of 370116 莱芜区 (2019 on), but in a city table it is 莱芜市
    for text in ("莱芜", "莱芜市"):
        found = regions.match(None, text, year, "city")
        assert found.division is None
        assert found.reason.startswith(
            f"region not valid in {year} ({text!r} is not a city-level unit then: 371200 莱芜市 "
            "existed in data years 2014–2018, succeeded by 370100 济南市"
        )
        assert "county-level unit in a city table" not in found.reason
    assert regions.match(None, "莱芜", year, "city").reason.endswith(
        f"; in {year} '莱芜' names the county-level unit 370116 莱芜区)"
    )


def test_an_ambiguous_name_lists_the_rivals_and_a_parent_settles_it(regions) -> None:
    ambiguous = regions.match(None, "市中区", 2020, "county")
    assert ambiguous.division is None
    assert "ambiguous" in ambiguous.reason
    assert "370103" in ambiguous.reason and "370402" in ambiguous.reason
    settled = regions.match(None, "市中区", 2020, "county", parent="370400")
    assert settled.division is not None and settled.division.code == "370402"


def test_a_city_row_in_a_county_table_is_a_subtotal_and_names_the_city(regions) -> None:
    found = regions.match(None, "枣庄市", 2020, "county")
    assert found.division is None
    assert found.reason.startswith("city row in a county table (370400 枣庄市: a subtotal")
    assert found.city is not None and found.city.code == "370400"


def test_a_county_in_a_city_table(regions) -> None:
    found = regions.match(None, "历下区", 2020, "city")
    assert found.division is None
    assert found.reason == "county-level unit in a city table (370102 历下区)"


@pytest.mark.parametrize("name", ["全省", "山东省", "370000"])
def test_the_province_is_no_unit_but_its_own_row_in_a_city_table(regions, name: str) -> None:
    found = regions.match(name, None, 2020, "city")
    assert found.division is None and found.province
    assert found.reason == "province total row"
    assert not regions.match(name, None, 2020, "county").province  # a county table's total


@pytest.mark.parametrize("name", ["合计", "总计"])
def test_plain_totals_are_not_units(regions, name: str) -> None:
    found = regions.match(None, name, 2020, "city")
    assert (found.division, found.province, found.reason) == (None, False, "total row")


def test_unknown_regions_codes_and_conflicts(regions) -> None:
    assert regions.match(None, "火星市", 2020, "city").reason == (
        "unknown region ('火星市': no city-level unit of Shandong has this code or name)"
    )
    assert regions.match("379999", None, 2020, "county").reason.startswith(
        "unknown region ('379999'"
    )
    conflict = regions.match("370102", "槐荫区", 2020, "county")
    assert conflict.division is None
    assert conflict.reason == (
        "region code and name disagree (370102 is 历下区 but '槐荫区' is 370104 槐荫区)"
    )
    assert regions.match(None, None, 2020, "city").reason.startswith("no region (")


def test_a_year_the_registry_does_not_cover_is_a_reason_not_a_crash(regions) -> None:
    found = regions.match(None, "济南市", 2005, "city")
    assert found.division is None
    assert found.reason.startswith("year outside the division registry (data year 2005")
