"""Names and codes of units as written in the CSV and in yearbooks.

English names are derived from the Chinese ones (pinyin plus the type), so the CSV cannot drift
from the rule; short forms (济南 for 济南市) and codes in text (6-digit or 12-digit statistical
codes) are what the registry's matching recognises besides full names.
"""

from __future__ import annotations

import re

NAME_SUFFIX = {"地级市": "市", "市辖区": "区", "县级市": "市", "县": "县"}
"""The ending every Chinese name of a unit type has (checked when the CSV is read)."""
_EN_SUFFIX = {"地级市": "", "市辖区": " District", "县级市": " City", "县": " County"}

PINYIN_OVERRIDES: dict[str, str] = {
    "莘": "Shen",
    "单": "Shan",
    "乐陵": "Laoling",
    "东阿": "Dong'e",
    "长清": "Changqing",
    "长岛": "Changdao",
    "茌平": "Chiping",
    "曲阜": "Qufu",
    "兖州": "Yanzhou",
    "牟平": "Muping",
    "蓬莱": "Penglai",
}
"""Official readings of place names whose characters are polyphonic (pypinyin guesses wrong or
depends on its phrase dictionary for them). Keys are names without the type suffix."""


def english_name(name_zh: str, type_: str) -> str:
    """English name: pinyin of the name without its suffix, plus the type in English.

    Prefecture-level cities get no suffix ("Jinan"); county-level units get "District", "City"
    or "County". Syllables are joined with an apostrophe before a, o, e (Tai'an), as in
    official pinyin orthography.
    """
    from pypinyin import Style, lazy_pinyin  # imported here: loading the registry needs no pinyin

    stem = _stem(name_zh, type_)
    if stem in PINYIN_OVERRIDES:
        return PINYIN_OVERRIDES[stem] + _EN_SUFFIX[type_]
    syllables = lazy_pinyin(stem, style=Style.NORMAL)
    joined = syllables[0] + "".join(
        ("'" + s if s[:1] in ("a", "o", "e") else s) for s in syllables[1:]
    )
    return joined[:1].upper() + joined[1:] + _EN_SUFFIX[type_]


def _stem(name_zh: str, type_: str) -> str:
    suffix = NAME_SUFFIX[type_]
    return name_zh[: -len(suffix)] if name_zh.endswith(suffix) else name_zh


def short_name(name: str) -> str | None:
    """济南市 -> 济南, 历下区 -> 历下; none for one-character stems (单县 stays 单县)."""
    if name[-1:] in ("市", "区", "县") and len(name) >= 3:
        return name[:-1]
    return None


def code_in(text: str) -> str | None:
    """A 6-digit code, or a 12-digit statistical code of a county or higher (trailing zeros)."""
    if re.fullmatch(r"\d{6}", text):
        return text
    if re.fullmatch(r"\d{6}0{6}", text):
        return text[:6]
    return None
