"""Data validation with Great Expectations, for the pipeline's asset checks.

``rules`` generates the checks from the framework (``indicators.yaml``) and the division
registry; ``run`` evaluates them: ``screen`` passes, in one polars pass, the checks no row fails,
and ``suite`` runs the others in Great Expectations (imported only then), which reports their
counts and rows. ``outcomes`` holds what comes back, and ``expectations`` the project's own GX
expectation (whole numbers for counts).
"""

from innovation_monitor.validation.outcomes import (
    COMPLETENESS,
    INTEGRITY,
    PLAUSIBILITY,
    CheckOutcome,
    ValidationReport,
)
from innovation_monitor.validation.run import validate_indicators, validate_statistics

__all__ = [
    "COMPLETENESS",
    "INTEGRITY",
    "PLAUSIBILITY",
    "CheckOutcome",
    "ValidationReport",
    "validate_indicators",
    "validate_statistics",
]
