"""Variance-based sensitivity analysis of a build's ranks: first-order and total Sobol indices.

Which uncertain input (:mod:`.perturbation`) drives the ranks' uncertainty? The output is
COINr's: each replication's mean absolute rank shift of the target from its nominal ranks. The
design and the estimates are SALib's (``SALib.sample.sobol``: a scrambled Sobol sequence with
Saltelli's cross-sampling, N (d + 2) replications for N base points and d inputs;
``SALib.analyze.sobol``: Saltelli et al. 2010 for S1, Jansen for ST, bootstrap confidence
intervals). A ``weights`` input has one variable per node it perturbs, analysed as one group,
so it is one input with one pair of indices; a ``step`` input is one variable, mapped to an
alternative as :mod:`.perturbation` says. When the output does not vary at all (nothing is
perturbed, or nothing that changes a rank) no input has an effect: every index is 0, where the
estimators would divide 0 by 0; a spec with a single uncertain input gives it S1 = ST = 1 (all
of the variance is its own; SALib cannot group one input's variables).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from innovation_monitor.composite.perturbation import Sensitivity
from innovation_monitor.composite.uncertainty import Analysis, draw_ranks, evaluate_draws
from innovation_monitor.errors import DataError

COLUMNS = ("input", "S1", "S1_conf", "ST", "ST_conf")


def _problem(variables: Sequence[tuple[str, int]]) -> dict:
    """SALib's problem: a uniform [0, 1] variable per entry, grouped by input."""
    names, groups = [], []
    for name, count in variables:
        names += [f"{name}[{i}]" for i in range(count)] if count > 1 else [name]
        groups += [name] * count
    return {
        "num_vars": len(names),
        "names": names,
        "bounds": [[0.0, 1.0]] * len(names),
        "groups": groups,
    }


def _seeds(seed: int) -> tuple[int, int]:
    """Two non-zero seeds, for the design and the bootstrap, from the spec's seed (SALib's
    analysis takes a seed of 0 as none)."""
    design, bootstrap = np.random.default_rng([seed, 1]).integers(1, 2**31 - 1, size=2)
    return int(design), int(bootstrap)


def sobol_design(variables: Sequence[tuple[str, int]], samples: int, seed: int) -> np.ndarray:
    """SALib's Sobol design, N (g + 2) rows of uniform [0, 1) numbers for ``samples`` = N base
    points and g inputs (``variables``: each input's name and number of variables)."""
    from SALib.sample import sobol

    return np.asarray(
        sobol.sample(_problem(variables), samples, calc_second_order=False, seed=_seeds(seed)[0])
    )


def sobol_indices(
    variables: Sequence[tuple[str, int]], output: np.ndarray, bootstrap: int, seed: int
) -> pd.DataFrame:
    """First-order (S1) and total (ST) indices of each input, with the half-widths of their
    95 % bootstrap intervals, from the outputs of :func:`sobol_design`'s rows."""
    from SALib.analyze import sobol

    names = list(dict.fromkeys(name for name, _ in variables))
    output = np.asarray(output, dtype=float)
    if not np.all(np.isfinite(output)):
        raise DataError(
            "sensitivity: a replication's mean absolute rank shift is missing (no unit ranked)"
        )
    if np.ptp(output) == 0 or len(names) == 1:
        # nothing varies: no input has an effect; one input: it has all of it (S1 = ST = 1;
        # SALib cannot group the variables of a single input)
        share = np.full(len(names), 0.0 if np.ptp(output) == 0 else 1.0)
        zeros = np.zeros(len(names))
        return pd.DataFrame(dict(zip(COLUMNS, [names, share, zeros, share, zeros], strict=True)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        # a unit's rank is constant on some cross-samples: expected, the estimate holds
        warnings.filterwarnings("ignore", "Constant values encountered", UserWarning)
        found = sobol.analyze(
            _problem(variables),
            output,
            calc_second_order=False,
            num_resamples=bootstrap,
            seed=_seeds(seed)[1],
        )
    return pd.DataFrame(
        {
            "input": names,
            "S1": np.asarray(found["S1"], dtype=float),
            "S1_conf": np.asarray(found["S1_conf"], dtype=float),
            "ST": np.asarray(found["ST"], dtype=float),
            "ST_conf": np.asarray(found["ST_conf"], dtype=float),
        }
    )


def run_sensitivity(analysis: Analysis, settings: Sensitivity, seed: int) -> pd.DataFrame:
    """Sobol indices of every input of the analysis on the mean absolute rank shift."""
    variables = analysis.inputs.variables
    design = sobol_design(variables, settings.samples, seed)
    output = evaluate_draws(analysis, analysis.inputs.draws(design))
    return sobol_indices(variables, output, settings.bootstrap, seed)


def unit_sensitivity(analysis: Analysis, settings: Sensitivity, seed: int) -> pd.DataFrame:
    """Sobol indices of every input on each ranked unit's rank (one SALib analysis per unit
    over the same design): which choice moves this unit; rows ``uCode (Time), input, S1, …``.
    A unit whose rank never moves has indices 0; one unranked in the nominal build (a reference
    unit) or in some replication (a score missing under an alternative) none."""
    variables = analysis.inputs.variables
    design = sobol_design(variables, settings.samples, seed)
    ranks = draw_ranks(analysis, analysis.inputs.draws(design)).astype(float)
    ranked = ~np.isnan(analysis.nominal_ranks) & (ranks > 0).all(axis=1)
    frames = []
    for row in np.flatnonzero(ranked):
        indices = sobol_indices(variables, ranks[row], settings.bootstrap, seed)
        ids = analysis.ids.iloc[[row] * len(indices)].reset_index(drop=True)
        frames.append(pd.concat([ids, indices], axis=1))
    columns = [*analysis.ids.columns, *COLUMNS]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
