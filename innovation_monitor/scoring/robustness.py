"""Rank uncertainty of a level's scores (the JRC audits the GII this way): the methodology's
build replayed thousands of times with the choices its ``uncertainty`` spec perturbs (weights,
alternative steps; COINr's ``get_sensitivity`` meaning, :mod:`innovation_monitor.composite.
uncertainty`), so that a unit 5th under one defensible set of weights and 9th under another is
published with its 5–95 % rank interval, not as exactly 5th; and which choice the ranks are most
sensitive to (Sobol indices, when the spec asks).

A reference unit (the province) is scored in every replication as the cities' yardstick and
never ranked. The panel is the draft's, with pooled goalposts refitted in every replication
(frozen goalposts are not replayed).
"""

from collections.abc import Mapping

import polars as pl

from innovation_monitor.composite.build import parse_steps
from innovation_monitor.composite.dataset import TIME, UNIT
from innovation_monitor.composite.framework import Framework
from innovation_monitor.composite.perturbation import parse_uncertainty_spec
from innovation_monitor.composite.uncertainty import run_uncertainty
from innovation_monitor.framework import MonitoringFramework, build_steps, imeta_table
from innovation_monitor.indicators import indicator_frame
from innovation_monitor.scoring.schemas import RANK_INTERVALS_SCHEMA, SENSITIVITY_SCHEMA


def rank_intervals(
    values: pl.DataFrame, framework: MonitoringFramework, types: Mapping[str, str] | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The :data:`RANK_INTERVALS_SCHEMA` rows of every ranked unit-year and the
    :data:`SENSITIVITY_SCHEMA` rows (for the latest year) of ``values`` (with the reference
    unit's, see :func:`~innovation_monitor.scoring.panel.with_reference`); empty without an
    ``uncertainty`` spec in the methodology."""
    raw = framework.methodology.uncertainty
    if raw is None or values.is_empty():
        return pl.DataFrame(schema=RANK_INTERVALS_SCHEMA), pl.DataFrame(schema=SENSITIVITY_SCHEMA)
    spec = parse_uncertainty_spec(
        raw, source=f"indicators.yaml methodology.{framework.level}.uncertainty"
    )
    engine = Framework.from_imeta(imeta_table(framework), source=f"{framework.level} framework")
    data = indicator_frame(values, framework, types)
    reference = list(framework.methodology.reference_units)
    steps = parse_steps(build_steps(framework), f"indicators.yaml methodology.{framework.level}")
    result = run_uncertainty(data, engine, steps, spec, unranked=reference)
    stats = pl.from_pandas(result.rank_stats).join(
        pl.from_pandas(result.units).select(UNIT, TIME, "mean_abs_shift", "best", "worst"),
        on=[UNIT, TIME],
    )
    intervals = (
        stats.filter(~pl.col(UNIT).cast(pl.String).is_in(reference))
        .drop_nulls("nominal")
        .select(
            pl.col(TIME).cast(pl.Int64).alias("year"),
            pl.lit(framework.level).alias("level"),
            pl.col(UNIT).cast(pl.String).alias("region_code"),
            *(pl.col(c).cast(RANK_INTERVALS_SCHEMA[c]) for c in list(RANK_INTERVALS_SCHEMA)[3:]),
        )
        .sort("year", "region_code")
    )
    latest = max(values["year"].to_list())
    sensitivity = (
        pl.DataFrame(schema=SENSITIVITY_SCHEMA)
        if result.sensitivity is None
        else pl.from_pandas(result.sensitivity).select(
            pl.lit(latest, pl.Int64).alias("year"),
            pl.lit(framework.level).alias("level"),
            pl.col("input").cast(pl.String),
            *(pl.col(c).cast(pl.Float64) for c in ("S1", "S1_conf", "ST", "ST_conf")),
        )
    )
    return intervals, sensitivity.rename(str.lower).cast(pl.Schema(SENSITIVITY_SCHEMA))
