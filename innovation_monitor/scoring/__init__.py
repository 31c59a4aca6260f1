"""Scoring: the composite engine applied to a level's panel, and the rankings derived from it.

``panel`` scores every unit-year at every node and lists the values imputed or left missing
(:func:`~.panel.score_panel`), ``tiers`` assigns the methodology's tiers, ``rank_change``
compares each year with the previous one on current boundaries, ``rankings`` puts ranks, tiers,
ranks within the parent city and changes into one table, and ``schemas`` holds the columns of
the stored tables. Import the modules themselves: this file imports nothing, so the warehouse
can read ``schemas`` without loading the engine.
"""
