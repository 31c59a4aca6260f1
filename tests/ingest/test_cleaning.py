"""Cell text → numbers: placeholders, full-width text, thousand separators, units, counts."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from innovation_monitor.ingest.cleaning import (
    CellProblem,
    cell_text,
    normalize_unit,
    parse_number,
    split_unit,
    to_canonical,
    unit_factor,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12", Decimal("12")),
        (" 1.5 ", Decimal("1.5")),
        ("-3", Decimal("-3")),
        ("１２３．４", Decimal("123.4")),  # full-width digits and point
        ("－５", Decimal("-5")),  # full-width minus
        ("\u22127", Decimal("-7")),  # U+2212 minus sign
        ("1,234.5", Decimal("1234.5")),
        ("1，234", Decimal("1234")),  # full-width comma
        ("12,345,678", Decimal("12345678")),
        ("1 234", Decimal("1234")),  # space as thousand separator
        ("1.2e3", Decimal("1200")),
        (42, Decimal(42)),
        (0.1, Decimal("0.1")),  # repr, not the binary expansion
    ],
)
def test_parse_number_reads_yearbook_spellings(raw: object, expected: Decimal) -> None:
    assert parse_number(raw) == expected


@pytest.mark.parametrize("raw", ["…", "...", "—", "——", "--", "-", "－", "/", "NA", "n/a", "nan"])
def test_placeholders_are_not_available_with_the_placeholder_named(raw: str) -> None:
    with pytest.raises(CellProblem, match=r"^not available \(") as caught:
        parse_number(raw)
    assert raw in str(caught.value)


@pytest.mark.parametrize("raw", [None, "", "   ", "\u3000"])
def test_empty_cells_are_not_available(raw: object) -> None:
    with pytest.raises(CellProblem, match=r"not available \(empty cell\)"):
        parse_number(raw)


@pytest.mark.parametrize("raw", ["abc", "12万", "1,23", "12,3456", "1.2.3", "inf", True])
def test_text_that_is_no_number_is_refused(raw: object) -> None:
    with pytest.raises(CellProblem, match="not a number"):
        parse_number(raw)


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_thousand_separated_and_full_width_integers_round_trip(number: int) -> None:
    separated = f"{number:,}"
    full_width = separated.translate(str.maketrans("0123456789,-", "０１２３４５６７８９，－"))
    assert parse_number(separated) == number
    assert parse_number(full_width) == number


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("地区生产总值(亿元)", ("地区生产总值", "亿元")),
        ("R&D经费内部支出（万元）", ("R&D经费内部支出", "万元")),
        ("专利申请量 [件]", ("专利申请量", "件")),
        ("常住人口【万人】", ("常住人口", "万人")),
        ("地区生产总值", ("地区生产总值", None)),
    ],
)
def test_split_unit_takes_a_trailing_bracket(header: str, expected: tuple) -> None:
    assert split_unit(header) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("（万元）", "万元"), ("单位：亿元", "亿元"), ("万 元", "万元"), ("", None), (None, None)],
)
def test_normalize_unit(text: str | None, expected: str | None) -> None:
    assert normalize_unit(text) == expected


def test_unit_factor_converts_into_the_canonical_unit(toy_system) -> None:
    x = toy_system.variables["x"]  # 万元, or 亿元 = 10000 万元
    assert unit_factor(x, "万元") == 1
    assert unit_factor(x, "（亿元）") == 10000
    assert to_canonical(Decimal("1.23"), unit_factor(x, "亿元"), x, None) == 12300.0


def test_no_unit_is_the_canonical_one_only_when_every_accepted_unit_means_the_same(
    toy_system,
) -> None:
    assert unit_factor(toy_system.variables["n"], None) == 1  # 个 = 家
    assert unit_factor(toy_system.variables["z"], "  ") == 1  # 件 only
    with pytest.raises(CellProblem) as caught:
        unit_factor(toy_system.variables["x"], None)  # 万元 or 亿元: a bare number is ambiguous
    assert str(caught.value).startswith("no unit stated (accepted: 万元, 亿元; x needs one ")


def test_an_unknown_unit_names_the_unit_and_the_accepted_ones(toy_system) -> None:
    with pytest.raises(CellProblem, match=r"^unknown unit \(") as caught:
        unit_factor(toy_system.variables["x"], "美元")
    assert str(caught.value) == "unknown unit ('美元' for x; accepted: 万元, 亿元)"


def test_counts_must_be_whole_and_not_negative(toy_system) -> None:
    z = toy_system.variables["z"]
    assert to_canonical(Decimal("12"), Decimal(1), z, (0, 100)) == 12.0
    with pytest.raises(CellProblem, match="negative count"):
        to_canonical(Decimal("-1"), Decimal(1), z, None)
    with pytest.raises(CellProblem, match="not a whole number"):
        to_canonical(Decimal("1.5"), Decimal(1), z, None)
    x = toy_system.variables["x"]  # not a count: a fraction or a negative value is kept
    assert to_canonical(Decimal("-1.5"), Decimal(1), x, None) == -1.5


def test_values_outside_the_plausible_range_are_refused(toy_system) -> None:
    x = toy_system.variables["x"]
    assert to_canonical(Decimal("20"), Decimal(1), x, (10.0, 20.0)) == 20.0  # bounds included
    with pytest.raises(CellProblem, match=r"outside the plausible range \[10, 20\] 万元"):
        to_canonical(Decimal("21"), Decimal(1), x, (10.0, 20.0))


def test_cell_text_keeps_what_the_file_holds() -> None:
    assert cell_text(None) is None
    assert cell_text(370102) == "370102"
    assert cell_text(0.1) == "0.1"
    assert cell_text("  …") == "  …"
