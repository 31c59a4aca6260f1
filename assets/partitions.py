"""Data years as Dagster partitions of each level's statistics and indicator assets.

A partition is a data year of the folder (``2016`` … ``2023``). They are dynamic: the run
command, the schedule and the new-data sensor register the years they find, so a provider's new
year appears in the UI as a new partition without reloading the code. Scores and reports are not
partitioned: an edition pools every data year it uses (``AllPartitionMapping``), which the graph
shows as a dependency on all partitions. Keys are kept in year order, because Dagster's partition
ranges follow the order keys were added in.

A run tagged with :data:`YEARS_TAG` ``all`` (``innovation-monitor run`` without ``--years``, the
schedule, the sensor after a removed file) makes the warehouse mirror the folder: a year no
longer in the folder leaves it. Any other run replaces the years of its partitions only.
"""

import warnings
from collections.abc import Iterable

import dagster as dg

# Dagster 1.13 calls ``backfill_policy`` beta and would say so on every command
warnings.filterwarnings("ignore", "Parameter `backfill_policy`", dg.BetaWarning)

DATA_YEARS_NAME = "data_years"
DATA_YEARS = dg.DynamicPartitionsDefinition(name=DATA_YEARS_NAME)

#: one run loads a range of data years (not one run per year): a run commits all or nothing, and
#: the scores it makes pool every year
ONE_RUN = dg.BackfillPolicy.single_run()

RANGE_START = "dagster/asset_partition_range_start"
RANGE_END = "dagster/asset_partition_range_end"
YEARS_TAG = "innovation_monitor/years"
EVERY_YEAR = "all"


def register_years(instance: dg.DagsterInstance, years: Iterable[int], *, exact: bool) -> None:
    """Make the years partitions of :data:`DATA_YEARS`, in year order; with ``exact`` the
    partitions are exactly ``years`` (the years of a folder the run mirrors)."""
    wanted = {str(year) for year in years}
    present = instance.get_dynamic_partitions(DATA_YEARS_NAME)
    keep = wanted if exact else wanted | set(present)
    ordered = sorted(keep, key=int)
    if present == ordered:
        return
    if present != ordered[: len(present)]:  # a year removed or one before the last: re-add all
        for key in present:
            instance.delete_dynamic_partition(DATA_YEARS_NAME, key)
        present = []
    instance.add_dynamic_partitions(DATA_YEARS_NAME, ordered[len(present) :])


def range_tags(years: list[int], *, every_year: bool = False) -> dict[str, str]:
    """Run tags that select the partitions from the first to the last of ``years``; with
    ``every_year`` the run also makes the warehouse mirror the folder."""
    label = EVERY_YEAR if every_year else ",".join(map(str, years))
    return {RANGE_START: str(min(years)), RANGE_END: str(max(years)), YEARS_TAG: label}


def run_years(
    context: dg.AssetExecutionContext | dg.AssetCheckExecutionContext,
) -> list[int] | None:
    """The data years a step works on: its run's partitions, or None for a run of every year
    (the warehouse then mirrors the folder)."""
    if context.run.tags.get(YEARS_TAG) == EVERY_YEAR:
        return None
    return sorted(int(key) for key in context.partition_keys)


def partition_ranges(instance: dg.DagsterInstance, years: Iterable[int]) -> list[list[int]]:
    """``years`` (registered partitions) cut into ranges with no other partition inside, since
    one run loads one range: 2019 and 2021 are one range if 2020 is not a partition."""
    wanted = set(years)
    ranges: list[list[int]] = [[]]
    for key in map(int, instance.get_dynamic_partitions(DATA_YEARS_NAME)):
        if key in wanted:
            ranges[-1].append(key)
        elif ranges[-1]:
            ranges.append([])
    return [years for years in ranges if years]
