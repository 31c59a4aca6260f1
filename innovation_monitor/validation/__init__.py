"""Data validation with Great Expectations, for ``innovation-monitor validate`` and the pipeline.

``rules`` and ``consistency`` generate the checks of each data year from the framework
(``indicators.yaml``) and the division registry, ``consistency`` also the frames derived from
the statistics and the quarantine it checks; ``run`` evaluates them (``assess_statistics`` is
the one entry point for statistics): ``screen`` passes, in one polars pass, the checks no row
fails, and ``suite`` runs the others in Great Expectations (imported only then), which reports
their counts and rows. ``outcomes`` holds what comes back, ``expectations`` the project's own GX
expectation (whole numbers for counts) and ``data_dir`` the ``validate`` command.
"""

from innovation_monitor.validation.outcomes import (
    BLOCKING,
    COMPLETENESS,
    CONSISTENCY,
    INTEGRITY,
    PLAUSIBILITY,
    QUARANTINE,
    WARNING,
    CheckOutcome,
    ValidationReport,
)
from innovation_monitor.validation.run import assess_statistics, validate_indicators

__all__ = [
    "BLOCKING",
    "COMPLETENESS",
    "CONSISTENCY",
    "INTEGRITY",
    "PLAUSIBILITY",
    "QUARANTINE",
    "WARNING",
    "CheckOutcome",
    "ValidationReport",
    "assess_statistics",
    "validate_indicators",
]
