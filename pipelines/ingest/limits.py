"""Limits on what one report may cost in bytes: raw size, and bounded decompression.

One home for the caps so a 5 GB file on disk and a 5 GB download are refused by the same rule
(``too_large``), for the capped local-file reader so the registry never slurps an unbounded file
into memory, and for the chunked inflater that the fetcher (gzip bodies) and the PDF stream check
(``pipelines.ingest.pdf_streams``: a 300 KB file can inflate to gigabytes inside the PDF library)
both read through. Wall-clock time and memory per report are bounded by the engine, which ends the
worker (``pipelines.engine``): an alarm inside the process cannot stop a long call in a C library.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator
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


INFLATE_CHUNK = 1024 * 1024
"""Largest piece any bounded decoder hands on (1 MiB): what bounds memory per layer."""


def has_zlib_header(data: bytes) -> bool:
    """Whether ``data`` starts like a zlib stream (deflate method, valid header checksum)."""
    return len(data) >= 2 and data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0


def inflate(pieces: Iterable[bytes], *, wbits: int = zlib.MAX_WBITS) -> Iterator[bytes]:
    """Inflate a stream given in pieces, yielding at most ``INFLATE_CHUNK`` bytes at a time.

    The one bounded inflater for HTTP bodies and PDF streams: ``zlib.decompress`` and httpx's
    decoders inflate a whole input in one call, which is how 3.5 KB became 4.4 GB. The caller counts
    the pieces against its cap and stops. Raises ``zlib.error`` on damage and ``EOFError`` when the
    pieces end before the compressed stream does; data after the stream's end is ignored.
    """
    inflater = zlib.decompressobj(wbits)
    for piece in pieces:
        while piece and not inflater.eof:
            out = inflater.decompress(piece, INFLATE_CHUNK)
            piece = inflater.unconsumed_tail
            if out:
                yield out
        if inflater.eof:
            return
    raise EOFError("compressed stream ends early")
