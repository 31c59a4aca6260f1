"""How the data sets of a build hold their columns: shared where a step changed nothing, the
changed cells where it changed few, whole where it changed the column; and the huge-page
advice the engine turns off while it runs."""

import numpy as np
import pytest

from innovation_monitor.composite.aggregate import aggregate
from innovation_monitor.composite.columns import Patch, fill, materialise, revised
from innovation_monitor.composite.dataset import Data
from innovation_monitor.composite.impute import impute
from innovation_monitor.composite.normalise import normalise
from innovation_monitor.composite.pages import _set_madvise_hugepage, ordinary_pages
from innovation_monitor.composite.treat import treat


def test_a_column_is_handed_on_as_it_was_patched_or_whole():
    bases = [np.arange(8.0), np.arange(8.0), np.arange(8.0), np.full(8, np.nan)]
    old = np.column_stack(bases)
    new = old.copy(order="F")
    new[[2, 5], 1] = [20.0, np.nan]  # few cells
    new[:, 2] += 1  # every cell
    same, patch, whole, missing = revised(bases, old, new)
    assert same is bases[0]
    assert isinstance(patch, Patch) and patch.base is bases[1]
    assert patch.rows.tolist() == [2, 5]
    assert np.array_equal(materialise(patch), new[:, 1], equal_nan=True)
    assert isinstance(whole, np.ndarray) and not whole.flags.writeable
    assert np.array_equal(whole, new[:, 2])
    assert not np.shares_memory(whole, new)  # copied: the matrix need not be kept for it
    assert missing is bases[3]  # NaN → NaN is no change
    shifted = old[:, :2] + 1
    rewritten = revised(bases[:2], old[:, :2], shifted)
    assert all(np.shares_memory(column, shifted) for column in rewritten)  # all new: views
    assert not any(column.flags.writeable for column in rewritten)


def test_patches_over_patches_read_as_their_cells_set_in_turn():
    first = Patch(np.zeros(5), np.array([1, 3]), np.array([1.0, 3.0]))
    second = Patch(first, np.array([3, 4]), np.array([30.0, 40.0]))
    out = np.full(5, -1.0)
    fill(out, second)
    assert out.tolist() == [0.0, 1.0, 0.0, 30.0, 40.0]
    assert materialise(second).tolist() == out.tolist()


def test_the_steps_share_what_they_leave_alone(toy_panel, toy_framework):
    codes = list(toy_framework.indicators)
    raw = Data.from_frame(toy_panel, codes)
    assert np.shares_memory(raw.columns["a"], toy_panel["a"].to_numpy())  # not copied
    imputed, _ = impute(raw, toy_framework, method="carry_forward")
    assert imputed.columns["c"] is raw.columns["c"]  # nothing to fill
    assert isinstance(imputed.columns["a"], Patch) and imputed.columns["a"].base is raw.columns["a"]
    treated, _ = treat(imputed, toy_framework)
    assert all(treated.columns[c] is imputed.columns[c] for c in codes)  # nothing to treat
    normalised, _ = normalise(treated, toy_framework)
    aggregated, _ = aggregate(normalised, toy_framework)
    assert all(aggregated.columns[c] is normalised.columns[c] for c in codes)
    assert not any(column.flags.writeable for column in aggregated.columns.values())


def _advice() -> bool:
    """NumPy's huge-page advice now (it has no getter: set it and put it back)."""
    now = _set_madvise_hugepage(False)
    _set_madvise_hugepage(now)
    return now


def test_ordinary_pages_restores_numpy_advice_however_it_is_left():
    before = _set_madvise_hugepage(True)
    try:
        with ordinary_pages():
            with ordinary_pages():
                assert not _advice()
            assert not _advice()  # the outer block is still open
        assert _advice()
        with pytest.raises(RuntimeError), ordinary_pages():
            raise RuntimeError
        assert _advice()
    finally:
        _set_madvise_hugepage(before)
