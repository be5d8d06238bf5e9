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

    def __str__(self) -> str:
        return f"{self.stage}: {self.message}"
