"""Composite-indicator scoring engine, conformant with COINr (the JRC's R package).

Pure functions over pandas frames: a data set (``uCode``, optional ``Time``, indicator columns)
and a :class:`Framework` go through steps — denominate, impute, screen, treat, normalise,
weight, aggregate — each returning the new frame and a :class:`StepRecord` of what it did.
:func:`run_build` runs a BUILD list of steps and keeps every intermediate data set.
"""

from innovation_monitor.composite.aggregate import aggregate
from innovation_monitor.composite.build import (
    Build,
    load_build,
    parse_steps,
    run_build,
    run_build_files,
)
from innovation_monitor.composite.denominate import denominate
from innovation_monitor.composite.framework import Framework, Node
from innovation_monitor.composite.impute import impute
from innovation_monitor.composite.normalise import normalise
from innovation_monitor.composite.record import StepRecord
from innovation_monitor.composite.results import Results, make_results, rank_scores
from innovation_monitor.composite.screen import screen
from innovation_monitor.composite.treat import treat
from innovation_monitor.composite.weight import weight

__all__ = [
    "Build",
    "Framework",
    "Node",
    "Results",
    "StepRecord",
    "aggregate",
    "denominate",
    "impute",
    "load_build",
    "make_results",
    "normalise",
    "parse_steps",
    "rank_scores",
    "run_build",
    "run_build_files",
    "screen",
    "treat",
    "weight",
]
