"""How full each page of a PDF is, and which pages are more than half empty without ending a
section (the check of ``test_page_fill.py``).

A page's fill is how far down its body (between the running header and footer) the lowest
non-white pixel row reaches, on the page rendered by pdfium. A page ends a section when it is
the last page or the next page opens with a level-1 heading: the PDF outline (bookmarks, which
Typst writes for every heading) says where each level-1 heading is, so no text is parsed.
"""

from dataclasses import dataclass

import numpy as np

BODY = (0.06, 0.93)
"""The body's share of the page height (top, bottom): the header and footer lie outside it."""
TOP_OF_PAGE = 0.85
"""A heading whose outline position is above this share of the page height opens the page."""
INK = 200
"""A pixel darker than this (0–255 gray) is content."""


@dataclass(frozen=True)
class PageFill:
    """A page (1-based) and how far down its body its content reaches (0–1)."""

    page: int
    fill: float
    ends_section: bool


def page_fills(pdf: bytes, scale: float = 0.4) -> list[PageFill]:
    """The fill of every page, and whether it ends a section."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        opening = set()
        for item in doc.get_toc(max_depth=1):
            dest = item.get_dest()
            if item.level == 0 and dest is not None:
                page = dest.get_index()
                _, view = dest.get_view()
                height = doc[page].get_height()
                if view and view[1] >= TOP_OF_PAGE * height:
                    opening.add(page)
        fills = []
        for index in range(len(doc)):
            gray = np.asarray(doc[index].render(scale=scale, grayscale=True).to_pil().convert("L"))
            top, bottom = (round(share * gray.shape[0]) for share in BODY)
            inked = np.flatnonzero((gray[top:bottom] < INK).any(axis=1))
            fill = (inked[-1] + 1) / (bottom - top) if len(inked) else 0.0
            last = index + 1 == len(doc) or index + 1 in opening
            fills.append(PageFill(index + 1, round(float(fill), 3), last))
        return fills
    finally:
        doc.close()


def half_empty(pdf: bytes) -> list[PageFill]:
    """The pages more than half empty that do not end a section."""
    return [p for p in page_fills(pdf) if p.fill < 0.5 and not p.ends_section]
