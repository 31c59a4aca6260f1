import pytest

from innovation_monitor.errors import InnovationMonitorError
from innovation_monitor.years import parse_years


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023", [2023]),
        ("2019-2023", [2019, 2020, 2021, 2022, 2023]),
        ("2021,2016-2017, 2021", [2016, 2017, 2021]),
        ("2020，2022", [2020, 2022]),
    ],
)
def test_parse_years(text: str, expected: list[int]) -> None:
    assert parse_years(text) == expected


@pytest.mark.parametrize("text", ["", "twenty", "2023-2019", "1800", "2019-x"])
def test_parse_years_rejects_with_a_clear_message(text: str) -> None:
    with pytest.raises(InnovationMonitorError, match="--years"):
        parse_years(text)
