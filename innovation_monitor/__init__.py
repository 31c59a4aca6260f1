"""innovation-monitor: regional innovation capability monitoring for Shandong.

The domain library. It imports no Dagster, so notebooks, tests and the command line use it
directly; the Dagster assets in ``assets/`` are thin wrappers around it.
"""

__version__ = "0.1.0"
