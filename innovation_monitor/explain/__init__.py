"""How a stored score was produced: one unit-year's index traced to the yearbook cells.

``explain`` (``trace``) reads the stored tables — statistics with their provenance, quarantined
cells, indicator values, imputations, scores, rankings, check outcomes — and the framework
(formulas, weights, directions, methodology) and returns an :class:`Explanation` (``model``):
for every indicator its cells, formula, value, imputation, normalised score, weight and
contribution to the pillar, then every pillar's score, weight and contribution to the index,
and the index and rank. The contributions are computed as the engine's aggregation computes
the scores (``contributions``), so they add up to the stored scores; where the methodology's
mean is not a sum of parts the explanation says so instead. ``Explanation.text`` lays it out
for the terminal in Chinese or English (``text``), ``to_frame`` and ``cells_frame`` as tables.
"""

from innovation_monitor.explain.model import Explanation, IndicatorPart, PillarPart, SourceCell
from innovation_monitor.explain.trace import explain, explain_file

__all__ = [
    "Explanation",
    "IndicatorPart",
    "PillarPart",
    "SourceCell",
    "explain",
    "explain_file",
]
