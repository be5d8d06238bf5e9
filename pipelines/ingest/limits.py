"""Size limits for raw report bytes, shared by local files and HTTP fetches.

One home for the cap so a 5 GB file on disk and a 5 GB download are refused by the same rule, and
for the capped local-file reader so the registry never slurps an unbounded file into memory.
"""

from __future__ import annotations

from pathlib import Path

from pipelines.errors import ReportError

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
"""Largest raw report accepted (50 MiB): real CX reports are a few MiB; more means a wrong file."""


def describe_size(n: int) -> str:
    """Human-readable byte count for error messages (``52428800`` -> ``'50.0 MiB'``)."""
    value = float(n)
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{n} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def too_large(what: str, size: int | None, max_bytes: int) -> ReportError:
    """The one wording for an over-cap error, so local and fetched sources read the same."""
    got = f"{describe_size(size)}" if size is not None else f"more than {describe_size(max_bytes)}"
    return ReportError(
        "fetch", f"{what} is {got}, over the {describe_size(max_bytes)} cap (FetchPolicy.max_bytes)"
    )


def read_local_bytes(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """Read a local source file, refusing it before reading when it is over the cap.

    The size is checked with ``stat`` first and again while reading (the file may grow between
    the two), so the cap bounds memory even for files that are appended to concurrently.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise too_large(f"local file {path.name}", size, max_bytes)
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise ReportError("fetch", f"cannot read local file {path}: {exc.strerror or exc}") from exc
    if len(data) > max_bytes:
        raise too_large(f"local file {path.name}", None, max_bytes)
    return data
