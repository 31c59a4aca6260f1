"""The bad-input corpus: each case is one mistake in a copy of the two-year sample cut
(``conftest.cut_sample``: 2020–2021, cities and counties) and the result it must end with.

``REFUSED``: ``validate`` and ``run`` both fail with a message naming the file (and, for a cell,
its row and column); the warehouse and the reports stay exactly as they were. ``LOADED``: both
pass; the cell is quarantined with its kind and reason and everything else is loaded. Nothing
ever ends in a traceback.
"""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.corpus import editing

REFUSED = "refused"
LOADED = "loaded"

CITY = "city/2020.csv"
COUNTY = "county/2020.csv"


@dataclass(frozen=True)
class Case:
    name: str
    edit: Callable[[Path], object]
    outcome: str
    says: tuple[str, ...] = ()  # texts the output must contain
    quarantined: tuple[str, str] | None = None  # (kind, text of the reason) for LOADED cases


def _yaml(text: str) -> Callable[[Path], None]:
    def edit(data: Path) -> None:
        (data / "dataset.yaml").write_text(text, "utf-8")

    return edit


def _append_yaml(text: str) -> Callable[[Path], None]:
    def edit(data: Path) -> None:
        path = data / "dataset.yaml"
        path.write_text(path.read_text("utf-8") + text, "utf-8")

    return edit


def _cell(file: str, code: str, header: str, text: str) -> Callable[[Path], int]:
    return lambda data: editing.set_cell(data / file, code, header, text)


def _scaled(file: str, code: str, header: str, factor: float) -> Callable[[Path], int]:
    def edit(data: Path) -> int:
        value = float(editing.get_cell(data / file, code, header))
        return editing.set_cell(data / file, code, header, f"{value * factor:.2f}")

    return edit


def _symlink_outside(data: Path) -> None:
    outside = data.parent / "elsewhere.csv"
    outside.write_bytes((data / CITY).read_bytes())
    (data / CITY).unlink()
    (data / CITY).symlink_to(outside)


def _bytes(file: str, content: bytes) -> Callable[[Path], None]:
    def edit(data: Path) -> None:
        (data / file).write_bytes(content)

    return edit


def _move_to_xlsx(data: Path) -> None:
    """A CSV renamed .xlsx (a provider's 'save as' that did not convert)."""
    (data / CITY).rename(data / "city/2020.xlsx")


def _header_only(data: Path) -> None:
    editing.keep_rows(data / COUNTY, set())


def _few_rows(data: Path) -> None:
    editing.keep_rows(data / COUNTY, {"370102", "370103", "370104"})


def _county_table_as_city(data: Path) -> None:
    (data / CITY).write_bytes((data / COUNTY).read_bytes())


def _unknown_header_layout(data: Path) -> None:
    """Every variable header replaced by a code the reader cannot match."""
    rows, encoding = editing.read_rows(data / CITY)
    header = editing.header_index(rows)
    rows[header] = rows[header][:2] + [f"X{i}" for i in range(len(rows[header]) - 2)]
    editing.write_rows(data / CITY, rows, encoding)


def _development_zone(data: Path) -> None:
    rows, _ = editing.read_rows(data / COUNTY)
    template = rows[editing.row_index(rows, "370102")]
    editing.add_row(data / COUNTY, ["", "济南高新技术产业开发区", *template[2:]], "370102")


def _total_row(data: Path) -> None:
    rows, _ = editing.read_rows(data / CITY)
    template = rows[editing.row_index(rows, "370100")]
    editing.add_row(data / CITY, ["", "合计", *template[2:]], "370100")


def _province_row(data: Path) -> None:
    rows, _ = editing.read_rows(data / CITY)
    template = rows[editing.row_index(rows, "370100")]
    editing.add_row(data / CITY, ["370000", "全省", *template[2:]], "370100")


def _duplicate_row(data: Path) -> None:
    rows, _ = editing.read_rows(data / CITY)
    editing.add_row(data / CITY, rows[editing.row_index(rows, "370200")], "370200")


def _unknown_region(data: Path) -> None:
    rows, _ = editing.read_rows(data / CITY)
    template = rows[editing.row_index(rows, "370200")]
    editing.add_row(data / CITY, ["379900", "新设市", *template[2:]], "370200")


def _missing_column(data: Path) -> None:
    editing.drop_column(data / CITY, "R&D经费内部支出")


BILLION_LAUGHS = "a: &a ['x','x','x','x','x','x','x','x','x','x']\n" + "".join(
    f"{c}: &{c} [{','.join(['*' + p] * 10)}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True)
)

CASES = [
    # dataset.yaml
    Case("manifest_old_key", _append_yaml("name: 我的数据\n"), REFUSED, ("dataset.yaml", "name")),
    Case("manifest_typo", _append_yaml("synthetc: true\n"), REFUSED, ("dataset.yaml", "synthetc")),
    Case("manifest_not_mapping", _yaml("- a\n- b\n"), REFUSED, ("dataset.yaml",)),
    Case(
        "manifest_python_tag",
        _yaml("name_zh: !!python/object/apply:os.system ['true']\n"),
        REFUSED,
        ("dataset.yaml",),
    ),
    Case("manifest_alias_bomb", _yaml(BILLION_LAUGHS), REFUSED, ("dataset.yaml",)),
    Case(
        "manifest_path_escapes",
        _append_yaml("files:\n- {path: ../elsewhere.csv, level: city, year: 2020}\n"),
        REFUSED,
        ("dataset.yaml", ".."),
    ),
    # files that cannot be read or are not what they claim
    Case("symlink_outside", _symlink_outside, REFUSED, (CITY,)),
    Case(
        "corrupt_xlsx",
        _bytes("city/2020.xlsx", b"PK\x03\x04 not really a workbook"),
        REFUSED,
        ("city/2020.xlsx",),
    ),
    Case("csv_renamed_xlsx", _move_to_xlsx, REFUSED, ("city/2020.xlsx",)),
    Case("binary_csv", _bytes(CITY, bytes(range(256)) * 8), REFUSED, (CITY,)),
    Case("empty_file", _bytes(CITY, b""), REFUSED, (CITY,)),
    Case("header_only", _header_only, REFUSED, (COUNTY,)),
    Case("few_rows", _few_rows, REFUSED, (COUNTY,)),
    Case("county_table_under_city", _county_table_as_city, REFUSED, (CITY,)),
    Case("unknown_header_layout", _unknown_header_layout, REFUSED, (CITY,)),
    # problem cells: blocking
    Case(
        "gdp_unit_slip",
        lambda d: editing.rename_header(d / CITY, "地区生产总值", "地区生产总值(万元)"),
        REFUSED,
        (CITY, "row", "地区生产总值(万元)"),
    ),
    Case(
        "approximate_population",
        _cell(COUNTY, "370102", "年末常住人口", "约85"),
        REFUSED,
        (COUNTY, "row 4", "年末常住人口", "约85"),
    ),
    Case("negative_count", _cell(CITY, "370200", "有效发明专利", "-5"), REFUSED, (CITY, "row")),
    Case(
        "hightech_above_industrial",
        _scaled(CITY, "370200", "高新技术产业产值", 3.0),
        REFUSED,
        (CITY, "370200"),
    ),
    Case(
        "rd_firms_above_firms",
        _scaled(CITY, "370200", "有R&D活动的规模以上工业企业数", 5.0),
        REFUSED,
        (CITY, "370200"),
    ),
    Case("duplicate_row", _duplicate_row, REFUSED, (CITY, "370200")),
    Case("unknown_region", _unknown_region, REFUSED, (CITY, "379900")),
    Case("missing_column", _missing_column, REFUSED, ("2020",)),
    Case(
        "text_in_number", _cell(CITY, "370300", "科学技术支出", "见附表"), REFUSED, (CITY, "见附表")
    ),
    # loaded: quarantined or flagged with a reason, the rest loaded
    Case(
        "declared_gap",
        _cell(COUNTY, "370102", "专利申请数", "…"),
        LOADED,
        quarantined=("declared_gap", "not available"),
    ),
    Case("development_zone", _development_zone, LOADED, quarantined=("development_zone", "zone")),
    Case("total_row", _total_row, LOADED, quarantined=("total_row", "total")),
    # the province's own figures: loaded apart as the cities' reference (level province)
    Case("province_own_row", _province_row, LOADED),
    Case(
        "county_sum_below_city", _scaled(CITY, "370100", "地区生产总值", 3.0), LOADED, ("370100",)
    ),
    Case("jump_year_on_year", _scaled(CITY, "370300", "技术合同成交额", 8.0), LOADED, ("370300",)),
]
