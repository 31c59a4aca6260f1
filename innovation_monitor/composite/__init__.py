"""Composite-indicator scoring engine, conformant with COINr (the JRC's R package).

Pure functions over pandas frames: a data set (``uCode``, optional ``Time``, indicator columns)
and a :class:`Framework` go through steps — denominate, impute, screen, treat, normalise,
weight, aggregate — each returning the new frame and a :class:`StepRecord` of what it did.
:func:`run_build` runs a BUILD list of steps and keeps every intermediate data set.

Each step function lives in the module of its name (``composite.normalise.normalise``) and
looks its methods up in a registry (``composite.normalisers.NORMALISERS``, see
:mod:`innovation_monitor.composite.registry`). The package exports the framework, the build and
its results only, none under the name of a module, so that ``import
innovation_monitor.composite.normalise`` always gives the module. docs/engine.md has an example
of every step.
"""

from innovation_monitor.composite.build import (
    Build,
    load_build,
    parse_steps,
    run_build,
    run_build_files,
)
from innovation_monitor.composite.framework import Framework
from innovation_monitor.composite.record import StepRecord
from innovation_monitor.composite.results import Results, make_results, rank_scores
from innovation_monitor.composite.tree import Node

__all__ = [
    "Build",
    "Framework",
    "Node",
    "Results",
    "StepRecord",
    "load_build",
    "make_results",
    "parse_steps",
    "rank_scores",
    "run_build",
    "run_build_files",
]
