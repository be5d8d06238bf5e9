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


def describe_os_error(exc: OSError) -> str:
    """An operating-system error as a few words a person can act on: what went wrong, and where.

    ``[Errno 28] No space left on device: '/x/y'`` becomes ``no space left on device (writing
    /x/y)``; a permission error on a folder names the folder as read-only for this user.
    """
    import errno

    where = exc.filename if exc.filename is not None else ""
    reason = {
        errno.ENOSPC: "no space left on device",
        errno.EDQUOT: "disk quota exceeded",
        errno.EROFS: "read-only file system",
        errno.EACCES: "permission denied (the folder is read-only for this user)",
        errno.EPERM: "operation not permitted",
        errno.ENOENT: "no such file or folder",
        errno.EIO: "input/output error (a failing disk?)",
    }.get(exc.errno or 0, (exc.strerror or str(exc) or type(exc).__name__).lower())
    return f"{reason} ({where})" if where else reason
