"""English for the units the framework writes in Chinese (indicator units, canonical variable
units, the units of plan targets): kept apart from :mod:`.labels`, which re-exports both names,
so that the table of report strings stays one readable module."""

UNITS_EN: dict[str, str] = {
    "人年/万人": "person-years per 10,000",
    "人/万人": "per 10,000 residents",
    "人/百万人": "per million residents",
    "个/万人": "per 10,000 residents",
    "个/百万人": "per million residents",
    "家/万人": "firms per 10,000 residents",
    "家/百万人": "firms per million residents",
    "件/万人": "per 10,000 residents",
    "件/亿元": "per 100 million yuan",
    "元/人": "yuan per person",
    "万元/人": "10,000 yuan per person",
    "吨标准煤/万元": "tce per 10,000 yuan",
    "元": "yuan",
    "万元": "10,000 yuan",
    "户/百人": "per 100 residents",
    "个": "units",
    "家": "firms",
    "件": "items",
    "人": "persons",
    "万人": "10,000 persons",
    "人年": "person-years",
    "亿元": "100 million yuan",
    "万户": "10,000 households",
    "万吨标准煤": "10,000 tce",
}
"""English for the indicator and canonical variable units of indicators.schema.json (and 亿元,
the unit of some plan targets); a unit not listed (e.g. %) is shown as written."""


def unit_text(unit: str, lang: str) -> str:
    """An indicator unit in the page language (units are written in Chinese in the framework)."""
    return UNITS_EN.get(unit, unit) if lang == "en" else unit
