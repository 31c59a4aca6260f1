"""An explanation as plain text for the terminal, in Chinese or English.

Names, units, directions and the wording of imputations and cells are the reports' (see
:mod:`innovation_monitor.explain.words`); no code of ``indicators.yaml`` is shown. Scores and
contributions are rounded for reading, and each aggregate ends with a check line that prints its
contributions in full precision (the shortest text that reads back as the same number), so the
stored score can be re-added from the printed figures.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from innovation_monitor.explain.model import Explanation, IndicatorPart, PillarPart, SourceCell
from innovation_monitor.explain.words import cell_place, words
from innovation_monitor.reports.labels import (
    LANGS,
    PUNCTUATION,
    SYNTHETIC_BANNER,
    Bilingual,
    label,
    unit_text,
)
from innovation_monitor.warehouse import PUBLISHED

INDENT = "  "
SIGNIFICANT = 6
"""Significant digits of a value that is not a whole number (2.98466, 15.8679)."""


def figure(value: float) -> str:
    """A value as people read it: whole numbers with thousands separators (3,974,200), others
    to six significant digits without an exponent (0.177926)."""
    if value == 0 or (value.is_integer() and abs(value) < 1e15):
        return f"{value:,.0f}"
    decimals = max(0, SIGNIFICANT - 1 - math.floor(math.log10(abs(value))))
    return f"{value:,.{decimals}f}".rstrip("0").rstrip(".")


def exact(value: float) -> str:
    """The shortest text that reads back as exactly ``value`` (negative ones bracketed)."""
    text = repr(float(value))
    return f"({text})" if value < 0 else text


def _score(value: float | None, lang: str) -> str:
    return words("no_index").get(lang) if value is None else f"{value:.2f}"


def _share(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.1f}%"


def _rank(value: int | None) -> str:
    return "–" if value is None else str(value)


def _cell(cell: SourceCell, lang: str) -> str:
    """Where a statistic was read and what became of it."""
    marks = PUNCTUATION[lang]
    where = (
        ""
        if cell.file is None
        else cell_place(cell.file, cell.sheet, cell.row, cell.column, cell.raw).get(lang)
    )
    if cell.value is None:
        outcome = (
            words("not_loaded", reason=cell.reason)
            if cell.reason is not None
            else words("no_statistic")
        )
    elif cell.written_unit is not None and cell.factor is not None and cell.factor != 1:
        outcome = words(
            "converted",
            written=unit_text(cell.written_unit, lang),
            factor=figure(cell.factor),
            value=figure(cell.value),
            unit=unit_text(cell.unit, lang),
        )
    elif cell.written_unit is not None:
        outcome = words("stored_plain", value=figure(cell.value), unit=unit_text(cell.unit, lang))
    else:
        outcome = words("stored", value=figure(cell.value), unit=unit_text(cell.unit, lang))
    parts = [p for p in (where, outcome.get(lang)) if p]
    return f"· {cell.name.get(lang)}{marks['colon']}{marks['sep'].join(parts)}"


def _indicator(part: IndicatorPart, lang: str, depth: int) -> list[str]:
    """The chain of one indicator, from its cells to its contribution to the pillar."""
    marks = PUNCTUATION[lang]
    pad = INDENT * depth
    direction = label("positive" if part.direction > 0 else "negative").get(lang)
    head = words(
        "indicator_head", indicator=part.name, unit=unit_text(part.unit, lang), direction=direction
    )
    lines = [f"{INDENT * (depth - 1)}▸ {head.get(lang)}"]
    lines.append(f"{pad}{label('formula').get(lang)}{marks['colon']}{part.formula.get(lang)}")
    lines.append(f"{pad}{words('source_cells').get(lang)}{marks['colon'].rstrip()}")
    lines += [f"{pad}{INDENT}{_cell(cell, lang)}" for cell in part.cells]
    if part.value is None:
        lines.append(f"{pad}{words('no_own_value').get(lang)}")
    else:
        value = f"{figure(part.value)} {unit_text(part.unit, lang)}"
        lines.append(f"{pad}{words('indicator_value').get(lang)}{marks['colon']}{value}")
    estimate = part.estimate
    if estimate is not None and estimate.value is not None:
        lines.append(
            pad + words("value_used", value=figure(estimate.value), how=estimate.how).get(lang)
        )
    if part.carried_year is not None:
        title = words("carried_cells", year=part.carried_year).get(lang)
        lines.append(f"{pad}{title}{marks['colon'].rstrip()}")
        lines += [f"{pad}{INDENT}{_cell(cell, lang)}" for cell in part.carried_cells]
    if part.screened_out:
        lines.append(f"{pad}{words('screened_out').get(lang)}")
        return lines
    if part.score is None:
        lines.append(pad + words("no_normalised", weight=f"{part.weight:g}").get(lang))
        return lines
    normalised = words("normalised", score=f"{part.score:.2f}", rank=_rank(part.rank))
    lines.append(pad + normalised.get(lang))
    if part.share is None or part.contribution is None:
        lines.append(pad + words("weight_only", weight=f"{part.weight:g}").get(lang))
    else:
        share = _share(part.share)
        lines.append(
            pad
            + words("weight_share", weight=f"{part.weight:g}", share=share).get(lang)
            + marks["sep"]
            + words(
                "contribution",
                contribution=f"{part.contribution:.2f}",
                share=share,
                score=f"{part.score:.2f}",
            ).get(lang)
        )
    return lines


def _pillar_line(pillar: PillarPart, lang: str) -> str:
    fields = {
        "pillar": pillar.name,
        "score": _score(pillar.score, lang),
        "rank": _rank(pillar.rank),
        "weight": f"{pillar.weight:g}",
    }
    if pillar.contribution is None:
        return words("pillar_line_plain", **fields).get(lang)
    contribution = f"{pillar.contribution:.2f}"
    share = _share(pillar.share)
    return words("pillar_line", **fields, share=share, contribution=contribution).get(lang)


def _check(what: Bilingual, contributions: Iterable[float | None], stored: float, lang: str) -> str:
    """The check line of an aggregate: its contributions in full precision and their sum."""
    given = [c for c in contributions if c is not None]
    return words(
        "sum_check",
        what=what,
        terms=" + ".join(exact(c) for c in given),
        total=exact(math.fsum(given)),
        stored=exact(stored),
    ).get(lang)


def _edition_line(explanation: Explanation) -> Bilingual:
    if explanation.status == PUBLISHED:
        first, last = explanation.edition_years[0], explanation.edition_years[-1]
        return words("edition_published", edition=explanation.edition, first=first, last=last)
    return words("edition_draft", edition=explanation.edition)


def _header(explanation: Explanation, lang: str) -> list[str]:
    marks = PUNCTUATION[lang]
    unit = explanation.unit
    who = f"{unit.name.get(lang)}{marks['open']}{unit.code}"
    if explanation.parent is not None:
        who += f"{marks['sep']}{explanation.parent.name.get(lang)}"
    who += marks["close"]
    focus = next(
        (
            part
            for pillar in explanation.pillars
            for part in pillar.indicators
            if part.code == explanation.indicator
        ),
        None,
    )
    title = (
        words("title", unit=who, year=explanation.year, index=explanation.index_name)
        if focus is None
        else words(
            "focus_title",
            unit=who,
            year=explanation.year,
            index=explanation.index_name,
            indicator=focus.name,
        )
    )
    lines = [title.get(lang)]
    if explanation.edition is not None:
        lines.append(_edition_line(explanation).get(lang))
    if explanation.synthetic:
        lines.append(SYNTHETIC_BANNER.get(lang))
    standing = [
        words(
            "index_line", index=explanation.index_name, score=_score(explanation.score, lang)
        ).get(lang)
    ]
    if explanation.rank is not None:
        standing.append(words("rank_of", rank=explanation.rank, n=explanation.ranked).get(lang))
    if explanation.tier is not None:
        standing.append(explanation.tier.get(lang))
    if explanation.rank_in_parent is not None:
        rank_in_city = label("rank_in_city").get(lang)
        standing.append(f"{rank_in_city}{marks['colon']}{explanation.rank_in_parent}")
    lines.append(marks["sep"].join(standing))
    if explanation.note is not None:
        lines.append(explanation.note.get(lang))
    lines.append("")
    lines.append(f"{label('steps').get(lang)}{marks['colon'].rstrip()}")
    lines += [f"{INDENT}{n}. {step.get(lang)}" for n, step in enumerate(explanation.steps, 1)]
    lines.append(f"{words('checks').get(lang)}{marks['colon'].rstrip()}")
    lines += [f"{INDENT}· {check.get(lang)}" for check in explanation.checks] or [
        f"{INDENT}{label('none').get(lang)}"
    ]
    return lines


def explanation_text(explanation: Explanation, lang: str) -> str:
    """The whole explanation, or with ``explanation.indicator`` that indicator's chain and the
    way its contribution reaches the index."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(LANGS)}")
    lines = _header(explanation, lang)
    for pillar in explanation.pillars:
        parts = [
            p
            for p in pillar.indicators
            if explanation.indicator is None or p.code == explanation.indicator
        ]
        if not parts:
            continue
        lines += ["", _pillar_line(pillar, lang)]
        if pillar.note is not None:
            lines.append(f"{INDENT}{pillar.note.get(lang)}")
        for part in parts:
            lines += _indicator(part, lang, 2)
            if explanation.indicator is not None and part.index_contribution is not None:
                lines.append(
                    INDENT * 2
                    + words(
                        "to_index",
                        index=explanation.index_name,
                        contribution=f"{part.index_contribution:.2f}",
                        share=_share(pillar.share),
                    ).get(lang)
                )
        if explanation.indicator is None and pillar.score is not None and pillar.note is None:
            what = words("pillar_score", pillar=pillar.name)
            contributions = (p.contribution for p in pillar.indicators)
            lines.append(INDENT + _check(what, contributions, pillar.score, lang))
    if explanation.indicator is None and explanation.score is not None and explanation.note is None:
        contributions = (p.contribution for p in explanation.pillars)
        lines += ["", _check(explanation.index_name, contributions, explanation.score, lang)]
    lines += ["", words("notes").get(lang)]
    return "\n".join(lines) + "\n"
