"""The PDF document's blocks (headings, paragraphs, tables, figures) in one language, as the
Typst template reads them (:mod:`.document`, :mod:`.document_profiles`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from innovation_monitor.reports.labels import PUNCTUATION, Bilingual, label

Block = dict[str, Any]
Placed = Mapping[str, Any]
"""A figure beside the document: ``key``, ``path`` (its file), ``caption``, ``note`` and
``width`` (in % of the text width)."""


class DocumentBlocks:
    """Blocks of one language; ``L`` a label, ``t`` a bilingual text, in that language."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.blocks: list[Block] = []
        self.p = PUNCTUATION[lang]

    def L(self, key: str, **fields: Any) -> str:
        text = label(key).get(self.lang)
        return text.format(**fields) if fields else text

    def t(self, text: Bilingual | None) -> str:
        return "—" if text is None else text.get(self.lang)

    def heading(self, text: str, level: int = 1, page: bool = False) -> None:
        """``page``: the section starts on a new page."""
        self.blocks.append({"kind": "heading", "level": level, "text": text, "page": page})

    def para(self, text: str, muted: bool = False) -> None:
        if text:
            self.blocks.append({"kind": "para", "text": text, "muted": muted})

    def figure(self, placed: Placed) -> None:
        self.blocks.append(
            {"kind": "figure", "caption": "", "note": "", "width": 100} | dict(placed)
        )

    def table(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        nums: str = "",
        widths: Sequence[float] = (),
        whole: bool = False,
    ) -> None:
        """``nums``: a letter per column, ``r`` for a right-aligned (number) column; ``widths``:
        the columns' shares of the text width (else each as wide as its content); ``whole``:
        the table is never split across pages."""
        self.blocks.append(
            {
                "kind": "table",
                "header": list(header),
                "rows": [[str(c) for c in r] for r in rows],
                "align": ["right" if c == "r" else "left" for c in nums.ljust(len(header), "l")],
                "widths": list(widths),
                "whole": whole,
            }
        )


def rank_text(value: int | None) -> str:
    return "—" if value is None else str(value)
