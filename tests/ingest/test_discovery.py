"""What a file's path says: its level and data year; what a year cell says."""

import pytest

from innovation_monitor.ingest.cleaning import CellProblem
from innovation_monitor.ingest.discovery import level_from_path, parse_year, year_from_path


def test_level_and_year_conventions() -> None:
    assert level_from_path("city/2020.csv") == "city"
    assert level_from_path("raw/county/x.xlsx") == "county"
    assert level_from_path("2020_county_stats.csv") == "county"
    assert level_from_path("2020年各市主要指标.xlsx") == "city"
    assert level_from_path("2020年县（市、区）主要指标.xlsx") == "county"
    assert level_from_path("city_county_2020.csv") is None
    assert level_from_path("2020.csv") is None
    assert year_from_path("city/2020.csv") == 2020
    assert year_from_path("county/山东县域2019年.xlsx") == 2019
    assert year_from_path("city/2019-2020.csv") is None
    assert year_from_path("city/data.csv") is None
    assert parse_year("2020年") == 2020 and parse_year(2020.0) == 2020
    with pytest.raises(CellProblem, match="invalid year"):
        parse_year("3020")
