"""The CJK font of every chart, PDF and notebook: Noto Sans CJK (SIL Open Font License) from the
package index (``noto-cjk-sans-otc``, pinned in ``uv.lock``), so a fresh ``make`` installs it and
nothing is fetched at run time. Its collection holds the Simplified Chinese face used here."""

from pathlib import Path

FAMILY = "Noto Sans CJK SC"
"""The face for Chinese text (the collection also holds the JP, KR, TC and HK faces)."""


def font_path() -> Path:
    """The font collection file."""
    from noto_cjk_sans_otc import FONT_PATH

    return Path(str(FONT_PATH))


def use_in_matplotlib() -> None:
    """Make matplotlib draw Chinese labels with :data:`FAMILY` (every face of the collection is
    registered once; the minus sign drawn as a hyphen, which the CJK face lacks)."""
    from matplotlib import font_manager, rcParams

    if FAMILY not in {f.name for f in font_manager.fontManager.ttflist}:
        font_manager.fontManager.addfont(str(font_path()))
    rcParams["font.family"] = "sans-serif"
    rcParams["font.sans-serif"] = [FAMILY, *rcParams["font.sans-serif"]]
    rcParams["axes.unicode_minus"] = False
