"""Errors that describe what is wrong with one report, so the run can record it and go on."""

from __future__ import annotations


class ReportError(Exception):
    """A report could not get through a stage; the message is meant for the person running cxbench.

    ``stage`` is one of: registry, fetch, sniff, decode, parse, clean, figures, tables.
    """

    def __init__(self, stage: str, message: str) -> None:
        super().__init__(message)
        self.stage = stage
        self.message = message

    def __reduce__(self) -> tuple:
        # Stage outputs (and the registry) are pickled between Dagster steps; the default exception
        # protocol would call __init__ with one argument and fail to unpickle.
        return (type(self), (self.stage, self.message))

    def __str__(self) -> str:
        return f"{self.stage}: {self.message}"


class SourcesError(ValueError):
    """The sources folder as a whole cannot be built (missing, unreadable registry, no reports).

    One line for the person running cxbench; the CLI prints it without a traceback.
    """
