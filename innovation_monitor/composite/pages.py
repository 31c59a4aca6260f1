"""Large arrays on ordinary memory pages while the engine runs, not transparent huge pages.

NumPy advises the kernel to back every array of 4 MiB or more with transparent huge pages
(``madvise``). Where fresh memory is dear to fault in, as in a virtual machine whose host takes
freed memory back (the Firecracker guest the benchmarks run on), a huge page costs far more than
the small pages it stands for: there, filling a new 128 MiB array took 0.8–1.6 s with huge
pages and 0.14 s without. A large build's arrays are fresh memory (glibc maps each allocation
over 32 MiB anew and unmaps it when freed), so at 30,000 units × 20 years the faults were two
thirds of the build's time (9.5 s against 3.3 s) and why it grew 20–25 times from 3,000 units,
whose smaller arrays glibc recycles; with the steps sharing their columns (see
:mod:`~innovation_monitor.composite.columns`) they would still add 1–2 s to a 2.5 s build. The
advice only trades page-table entries for the cost of faulting; no result depends on it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

try:  # NumPy's own switch (NUMPY_MADVISE_HUGEPAGE sets it at import), without type stubs
    from numpy._core.multiarray import _set_madvise_hugepage  # type: ignore[attr-defined]
except ImportError:  # a NumPy without the switch: the advice stays as it is

    def _set_madvise_hugepage(enabled: bool) -> bool:
        return enabled


class _Advice:
    """NumPy's huge-page advice, off while any thread is inside :func:`ordinary_pages` and
    restored when the last one leaves."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.inside = 0
        self.before = True

    def enter(self) -> None:
        with self.lock:
            if self.inside == 0:
                self.before = _set_madvise_hugepage(False)
            self.inside += 1

    def leave(self) -> None:
        with self.lock:
            self.inside -= 1
            if self.inside == 0:
                _set_madvise_hugepage(self.before)


_ADVICE = _Advice()


@contextmanager
def ordinary_pages() -> Iterator[None]:
    """Allocate NumPy arrays on ordinary pages inside the block (also a decorator); the advice
    is process-wide, so another thread's arrays meanwhile are on ordinary pages too."""
    _ADVICE.enter()
    try:
        yield
    finally:
        _ADVICE.leave()
