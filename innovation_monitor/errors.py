"""Errors a user can act on.

Every error the command line shows as one clear message (no traceback) derives from
:class:`InnovationMonitorError`; anything else is a bug and keeps its traceback.
"""


class InnovationMonitorError(Exception):
    """Base class: the message alone must tell the user what is wrong and where."""


class FrameworkError(InnovationMonitorError):
    """The indicator framework (tree, weights, directions, methods) is not usable."""


class DataError(InnovationMonitorError):
    """Input data does not fit the framework (missing indicator, non-numeric column, ...)."""


class IngestError(InnovationMonitorError):
    """A raw statistics file cannot be read at all (the whole file, not one value)."""
