"""The uncertainty analysis's replications on a Dask distributed cluster, given its address.

The Monte Carlo is embarrassingly parallel, so it is the part worth sending to other machines.
The result must not depend on where it ran: the client draws every replication up front from
the spec's seed (exactly as :func:`~.uncertainty.run_uncertainty` does in-process), prepares
the analysis (nominal build, the groups of alternatives the draws use) once, and cuts the work
into the very blocks the in-process run evaluates (:func:`~.uncertainty.draw_blocks`). Each
task ranks one block on a worker, with the same data, the same shapes and the same numpy
operations; the client tallies the ranks and the shifts in block order. The ranks are
integers, so the gathered result is bit-identical to the in-process run with the same seed.

Dask is imported only here, and this module only when an address is given: the command's
start-up does not pay for it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import numpy as np

from innovation_monitor.composite.uncertainty import (
    Analysis,
    RankTally,
    block_ranks,
    draw_blocks,
    shifts_of,
)
from innovation_monitor.errors import InnovationMonitorError

if TYPE_CHECKING:
    from innovation_monitor.composite.perturbation import Draws

ADDRESS = re.compile(r"(tcp|tls|inproc|ucx)://[^\s:/]+(:\d+)?")
#: seconds to wait for the scheduler before saying it cannot be reached
CONNECT_TIMEOUT = 10


class SchedulerError(InnovationMonitorError):
    """The scheduler's address is malformed or nothing answers there."""


def _rank_block(analysis: Analysis, group_key: tuple[int, ...], draws: Draws) -> np.ndarray:
    """One block's ranks on a worker (rows × draws, the smallest integer type that holds them):
    the same computation as the in-process run's for that block."""
    ranks = block_ranks(analysis, analysis.groups[group_key], draws)
    return ranks.astype(np.uint16) if analysis.max_rank < 2**16 else ranks


def connect_scheduler(address: str) -> Any:
    """A ``distributed.Client`` of the scheduler at ``address`` (``tcp://host:port``), or a
    :class:`SchedulerError` saying what is wrong with it."""
    if not ADDRESS.fullmatch(address):
        raise SchedulerError(
            f"--scheduler {address!r}: expected a Dask scheduler address such as "
            "tcp://10.0.0.5:8786"
        )
    from distributed import Client

    try:
        return Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError) as err:
        raise SchedulerError(
            f"--scheduler {address}: no Dask scheduler answered within {CONNECT_TIMEOUT} s "
            f"({err}); start one with `dask scheduler` and workers with `dask worker {address}`"
        ) from None


def evaluate_on_cluster(
    client: Any, analysis: Analysis, draws: Draws, tally: RankTally
) -> np.ndarray:
    """Each draw's mean absolute rank shift, its ranks tallied into ``tally``, computed block by
    block on the cluster behind ``client``: what :func:`~.uncertainty.evaluate_draws` gives."""
    from distributed import as_completed

    blocks = draw_blocks(analysis, draws)  # builds every group the draws need, here, once
    keys = {id(group): key for key, group in analysis.groups.items()}
    shared = client.scatter(analysis, broadcast=True, hash=False)
    futures = {
        client.submit(
            _rank_block, shared, keys[id(group)], draws.take(members), pure=False
        ): members
        for group, members in blocks
    }
    out = np.empty(len(draws))
    for future in as_completed(futures, loop=client.loop):
        ranks = future.result().astype(np.int32)
        members = futures.pop(future)
        tally.add(ranks)  # a sum of counts: the order blocks arrive in does not matter
        out[members] = shifts_of(ranks, analysis.nominal_ranks)
        future.release()
    return out
