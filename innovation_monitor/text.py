"""How names, headers, units and numbers written by yearbooks and data providers are compared.

One definition for the division registry, the indicator system and ingestion alike, so a text
that matches in one of them matches in all. Depends on nothing else of the package.
"""

from __future__ import annotations

import unicodedata


def normalize(text: str) -> str:
    """NFKC (full-width digits, letters, brackets, commas → ASCII), minus sign → '-', stripped."""
    return unicodedata.normalize("NFKC", text).replace("\u2212", "-").strip()


def compact(text: str) -> str:
    """:func:`normalize` without any whitespace: yearbooks pad names with (full-width) spaces."""
    return "".join(normalize(text).split())


def fold(text: str) -> str:
    """:func:`compact`, case-folded: headers and aliases match whatever their case (Region_Code)."""
    return compact(text).casefold()
