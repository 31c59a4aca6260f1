"""The CJK font comes from the lock file and draws Chinese in charts."""

import warnings
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

from matplotlib import font_manager
from matplotlib import pyplot as plt

from innovation_monitor.fonts import FAMILY, font_path, use_in_matplotlib


def _draw(path: Path) -> None:
    figure, axes = plt.subplots()
    axes.set_title("山东省区域创新能力")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a glyph missing from the font warns
            figure.savefig(path)
    finally:
        plt.close(figure)


def test_the_font_is_installed_and_matplotlib_draws_chinese_with_it(tmp_path: Path) -> None:
    assert font_path().is_file() and font_path().stat().st_size > 10_000_000
    without = matplotlib.rc_context({"font.family": "DejaVu Sans"})  # glyphs missing
    with without, pytest.raises(UserWarning, match="missing from font"):
        _draw(tmp_path / "without.png")
    use_in_matplotlib()
    properties = font_manager.FontProperties(family=FAMILY)
    assert font_manager.findfont(properties, fallback_to_default=False) == str(font_path())
    _draw(tmp_path / "chart.png")
