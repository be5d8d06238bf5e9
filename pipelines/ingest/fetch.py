"""Fetch a report from an http(s) URL into the snapshot store, safely.

Belongs here: the HTTP side of ingest: scheme checks, timeouts, a total deadline, retries with
backoff, redirects, the size cap, conditional re-fetch and the fetch record. Storage belongs to
``pipelines.ingest.snapshots``; deciding what the bytes are belongs to ``pipelines.ingest.sniff``.

Content-Type policy: servers label documents carelessly (PDFs as ``application/octet-stream``,
HTML as ``text/plain``), so the header is recorded, never trusted: the bytes are sniffed and a
disagreement is recorded as ``content_type_mismatch``. The one refusal is when the bytes
contradict what the source promised, i.e. a PDF was expected (``expected_format="pdf"`` or a URL
path ending in ``.pdf``) and the bytes are not a PDF: that is nearly always a login wall, cookie
banner or error page served with status 200, and publishing it as a report would be silent
garbage. The refused bytes are still kept as a blob (named in the error) for inspection, but the
report's record is not updated, so the next run fetches afresh.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import functools
import itertools
import random
import ssl
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from pipelines.errors import ReportError
from pipelines.ingest.limits import DEFAULT_MAX_BYTES, has_zlib_header, inflate, too_large
from pipelines.ingest.snapshots import SnapshotStore, utc_now
from pipelines.ingest.sniff import SNIFF_HEAD_BYTES, is_pdf, sniff_format
from pipelines.ingest.urls import (
    FETCHED_SCHEMES,
    AllowedPrivate,
    checked_addresses,
    private_addresses_allowed,
    refuse_private_host,
    require_fetchable,
    strip_credentials,
)
from pipelines.model import Snapshot

# Content-Encodings decoded here (one layer at most); anything else is refused, not guessed at.
ACCEPTED_ENCODINGS = ("gzip", "x-gzip", "deflate")
_REFUSAL_HINTS = {
    401: "the server wants a login",
    403: "the server refuses to serve it (login or bot wall?)",
    404: "nothing is there any more (moved, or mistyped in the registry?)",
    410: "the server says it was removed for good; update or drop the registry entry",
    451: "the server withholds it for legal reasons",
}


@dataclass(frozen=True)
class FetchPolicy:
    """How patient and how trusting one fetch is; tests shrink the numbers to stay fast."""

    connect_timeout: float = 10.0  # seconds to establish a connection
    read_timeout: float = 30.0  # seconds of silence tolerated between two reads
    total_deadline: float = 300.0  # wall-clock budget for the whole fetch, retries and waits included
    retries: int = 3  # further attempts after a 5xx, 429, timeout or broken connection
    backoff_base: float = 0.5  # first wait; doubles each retry (with jitter)
    backoff_max: float = 30.0  # longest single wait, also caps a server's Retry-After
    max_bytes: int = DEFAULT_MAX_BYTES
    max_redirects: int = 5
    user_agent: str = "cxbench/0.1 (customer-experience report benchmark)"
    conditional: bool = True  # send If-None-Match / If-Modified-Since from the last record
    # Private, loopback and link-local hosts (the URL's and every redirect's) are refused unless
    # allowed; the default comes from $CXBENCH_ALLOW_PRIVATE_URLS (see pipelines.ingest.urls).
    allow_private_addresses: AllowedPrivate = field(default_factory=private_addresses_allowed)


class _Transient(Exception):
    """A failure worth retrying (server error, throttling, timeout, broken connection)."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class _Download:
    status: int
    final_url: str
    redirects: tuple[str, ...]
    headers: httpx.Headers
    body: bytes | None  # None for 304 Not Modified


def fetch_url(
    url: str,
    *,
    report_id: str,
    store: SnapshotStore,
    policy: FetchPolicy | None = None,
    expected_format: str | None = None,
) -> Snapshot:
    """Download ``url`` into ``store`` and return its snapshot; raise ``ReportError("fetch", ...)``.

    A 304 (the server confirms the previous download is current) returns the previous snapshot
    and only updates ``last_checked`` in the record. ``expected_format`` defaults to "pdf" for
    URLs whose path ends in ``.pdf``; see the module docstring for what a mismatch does.
    Credentials in ``url`` (``user:pass@``) are neither sent nor stored: the registry strips them,
    and so does this function, so no record, snapshot or message ever carries a password.
    """
    policy = policy or FetchPolicy()
    url = strip_credentials(url)
    require_fetchable(url)
    refuse_private_host(url, policy.allow_private_addresses)
    deadline = time.monotonic() + policy.total_deadline
    previous = store.last_record(report_id)
    validators = _validators(previous, url, store) if policy.conditional else {}
    checked_at = utc_now()
    download, attempts = _download_with_retries(url, validators, policy, deadline)
    if download.body is None:
        if not validators:
            raise ReportError("fetch", f"{url} answered 304 Not Modified to an unconditional request")
        record = {**previous, "last_checked": checked_at.isoformat(), "last_status": 304}
        store.write_record(report_id, record)
        return store.snapshot_from_record(report_id, record)
    record = _fetch_record(download, attempts, checked_at)
    _refuse_unexpected_content(url, download.body, expected_format, record, store)
    return store.put_bytes(
        report_id, download.body, source_file=None, source_url=url, fetched_at=checked_at, record=record
    )


def _validators(previous: dict | None, url: str, store: SnapshotStore) -> dict[str, str]:
    """Conditional headers from the last record, only if its bytes are still in the store."""
    if not previous or previous.get("url") != url or not store.has(str(previous.get("sha256"))):
        return {}
    headers = {}
    if previous.get("etag"):
        headers["If-None-Match"] = previous["etag"]
    if previous.get("last_modified"):
        headers["If-Modified-Since"] = previous["last_modified"]
    return headers


def _download_with_retries(
    url: str, validators: dict[str, str], policy: FetchPolicy, deadline: float
) -> tuple[_Download, int]:
    headers = {"User-Agent": policy.user_agent, "Accept-Encoding": "gzip, deflate", **validators}
    hooks = {"response": [_refuse_foreign_redirect]}
    with httpx.Client(
        follow_redirects=False, headers=headers, event_hooks=hooks, transport=_transport(policy)
    ) as client:
        for attempt in range(1, policy.retries + 2):
            try:
                return _download_once(client, url, policy, deadline), attempt
            except _Transient as exc:
                failure = exc
            if attempt > policy.retries:
                break
            wait = _backoff(attempt, policy, failure.retry_after)
            if time.monotonic() + wait > deadline:
                raise ReportError(
                    "fetch",
                    f"{url}: {failure} (attempt {attempt}); no time left to retry within the "
                    f"{policy.total_deadline:g} s total deadline",
                )
            time.sleep(wait)
    tries = policy.retries + 1
    raise ReportError("fetch", f"{url}: {failure} (gave up after {tries} attempt{'s' * (tries > 1)})")


def _download_once(client: httpx.Client, url: str, policy: FetchPolicy, deadline: float) -> _Download:
    """One attempt: follow redirects by hand (to check each hop's scheme and spot loops), stream."""
    current, chain = url, [url]
    while True:
        try:
            with client.stream("GET", current, timeout=_timeout(policy, deadline)) as response:
                if response.has_redirect_location:
                    current = _next_hop(current, response.headers["Location"], chain, policy)
                    chain.append(current)
                    continue
                _raise_for_status(current, response)
                body = None if response.status_code == 304 else _read_capped(response, policy, deadline)
                return _Download(response.status_code, current, tuple(chain[1:]), response.headers, body)
        except httpx.TimeoutException as exc:
            if time.monotonic() >= deadline:
                raise _deadline_error(url, policy) from exc
            raise _Transient(f"timed out ({type(exc).__name__})") from exc
        except httpx.TransportError as exc:
            raise _Transient(f"connection failed: {exc or type(exc).__name__}") from exc
        except httpx.DecodingError as exc:
            raise ReportError("fetch", f"{current}: the body cannot be decompressed: {exc}") from exc
        except httpx.InvalidURL as exc:
            raise ReportError("fetch", f"invalid URL {current}: {exc}") from exc


class _CheckedNetwork(httpcore.SyncBackend):
    """Connections that go only where the private-address check looked (no DNS rebinding).

    The client would otherwise resolve the host a second time to connect, and a hostile name can
    answer a public address to the check and 127.0.0.1 to the connection. Here each connection
    resolves its host once, checks every address, and connects to one of those; TLS still verifies
    the certificate against the host name (httpcore passes it as the server name, not the address).
    """

    def __init__(self, allowed: AllowedPrivate) -> None:
        self.allowed = allowed

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.NetworkStream:
        error: Exception | None = None
        for address in checked_addresses(host, self.allowed, f"{host}:{port}"):
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except httpcore.ConnectError as exc:  # e.g. no IPv6 route: try the next checked address
                error = exc
        raise error or httpcore.ConnectError(f"no address for {host}")


def _transport(policy: FetchPolicy) -> httpx.HTTPTransport:
    """httpx's transport, connecting through ``_CheckedNetwork`` unless every address is allowed.

    httpx does not take a network backend itself; its transport is a thin layer over an httpcore
    pool, so the pool is rebuilt with the backend (httpcore's public ``network_backend``).
    """
    transport = httpx.HTTPTransport(verify=_tls_context())
    if policy.allow_private_addresses is not True:
        transport._pool = httpcore.ConnectionPool(  # private attribute: see the docstring
            ssl_context=_tls_context(), network_backend=_CheckedNetwork(policy.allow_private_addresses)
        )
    return transport


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """One certificate-verifying context per process: building one loads the CA bundle (~0.1 s)."""
    return httpx.create_ssl_context()


def _next_hop(current: str, location: str, chain: list[str], policy: FetchPolicy) -> str:
    target = strip_credentials(urljoin(current, location))
    require_fetchable(target)
    refuse_private_host(target, policy.allow_private_addresses)
    if target in chain:
        loop = " -> ".join([*chain[chain.index(target) :], target])
        raise ReportError("fetch", f"redirect loop: {loop}")
    if len(chain) > policy.max_redirects:
        raise ReportError("fetch", f"{chain[0]}: more than {policy.max_redirects} redirects (last: {target})")
    return target


def _refuse_foreign_redirect(response: httpx.Response) -> None:
    """Response hook: refuse a redirect to file:, ftp:, data: ... before httpx even parses it
    (httpx builds the next request for every redirect and fails obscurely on some schemes)."""
    location = response.headers.get("Location") if response.is_redirect else None
    if location is None:
        return
    current = strip_credentials(str(response.request.url))
    target = strip_credentials(urljoin(current, location))
    try:
        scheme = urlsplit(target).scheme.lower()
    except ValueError:
        raise ReportError("fetch", f"{current} redirects to a malformed URL ({target})") from None
    if scheme not in FETCHED_SCHEMES:
        raise ReportError(
            "fetch",
            f"{current} redirects to a {scheme or 'scheme-less'} URL ({target}); only http and https are fetched",
        )


def _raise_for_status(url: str, response: httpx.Response) -> None:
    status = response.status_code
    if status in (200, 304):
        return
    if status == 429 or status >= 500:
        raise _Transient(f"HTTP {status} {response.reason_phrase}", _retry_after(response))
    hint = _REFUSAL_HINTS.get(status, "the server refused the request")
    if 300 <= status < 400:
        hint = "a redirect without a usable Location header"
    elif status < 400:
        hint = "only a plain 200 response carries a whole document"
    raise ReportError("fetch", f"HTTP {status} {response.reason_phrase} for {url}: {hint}")


def _read_capped(response: httpx.Response, policy: FetchPolicy, deadline: float) -> bytes:
    """Stream the body, stopping at the size cap and the total deadline (a slow drip of bytes
    never trips a per-read timeout, so the clock is checked between chunks)."""
    declared = _content_length(response)
    if declared is not None and declared > policy.max_bytes:
        raise too_large(f"the document at {response.url}", declared, policy.max_bytes)
    body = bytearray()
    for chunk in _decoded(response):
        body += chunk
        if len(body) > policy.max_bytes:
            raise too_large(f"the document at {response.url}", None, policy.max_bytes)
        if time.monotonic() > deadline:
            raise _deadline_error(str(response.url), policy, len(body), declared)
    # h11 already refuses a body cut short of Content-Length; this also covers other transports.
    if declared is not None and response.num_bytes_downloaded != declared:
        raise _Transient(f"body truncated: got {response.num_bytes_downloaded} of {declared} bytes")
    return bytes(body)


def _decoded(response: httpx.Response) -> Iterator[bytes]:
    """The body decoded from its Content-Encoding in pieces of at most 1 MiB.

    httpx decodes each network chunk in one call with no output limit, so a 3.5 KB body encoded
    ``gzip, gzip`` inflates to gigabytes before any cap can look at it. Here every inflate call is
    bounded (``max_length``) and the caller counts the pieces against ``max_bytes``. Stacked
    encodings are refused: no server needs to compress a document twice, and a bomb does.
    """
    header = response.headers.get("Content-Encoding", "")
    codings = [c.strip().lower() for c in header.split(",") if c.strip() and c.strip().lower() != "identity"]
    if not codings:
        yield from response.iter_raw()
        return
    if len(codings) > 1:
        raise ReportError(
            "fetch",
            f"{response.url}: stacked Content-Encoding {header!r} refused (a document needs one layer of "
            "compression at most; several are how decompression bombs are built)",
        )
    coding = codings[0]
    if coding not in ACCEPTED_ENCODINGS:
        raise ReportError("fetch", f"{response.url}: unsupported Content-Encoding {header!r}")
    raw = response.iter_raw()
    first = next(raw, b"")
    if not first:
        return
    # "deflate" is zlib-wrapped by the standard, raw by some servers
    deflate_bits = zlib.MAX_WBITS if has_zlib_header(first) else -zlib.MAX_WBITS
    wbits = 16 + zlib.MAX_WBITS if "gzip" in coding else deflate_bits
    try:
        yield from inflate(itertools.chain([first], raw), wbits=wbits)
    except zlib.error as exc:
        raise ReportError("fetch", f"{response.url}: the body cannot be decompressed ({coding}): {exc}") from None
    except EOFError:
        raise _Transient(f"compressed body ends early ({coding} stream incomplete)") from None


def _fetch_record(download: _Download, attempts: int, checked_at: dt.datetime) -> dict:
    headers = download.headers
    content_type = headers.get("Content-Type")
    record = {
        "status": download.status,
        "final_url": strip_credentials(download.final_url),
        "redirects": [strip_credentials(u) for u in download.redirects],
        "etag": headers.get("ETag"),
        "last_modified": headers.get("Last-Modified"),
        "content_type": content_type,
        "attempts": attempts,
        "last_checked": checked_at.isoformat(),
    }
    try:
        sniffed = sniff_format(download.body[:SNIFF_HEAD_BYTES], content_type=content_type)
    except ReportError:
        sniffed = None  # empty or binary: the sniff stage reports it with the full story
    record["sniffed_format"] = sniffed
    declared = _declared_format(content_type)
    record["content_type_mismatch"] = bool(declared and sniffed and declared != sniffed)
    return record


def _refuse_unexpected_content(
    url: str, body: bytes, expected_format: str | None, record: dict, store: SnapshotStore
) -> None:
    expected = expected_format or ("pdf" if urlsplit(url).path.lower().endswith(".pdf") else None)
    if expected != "pdf" or is_pdf(body):
        return
    kept = store.put_blob(body)
    got = record["sniffed_format"] or "unreadable bytes"
    raise ReportError(
        "fetch",
        f"{url} should be a PDF but the server sent {got} (Content-Type {record['content_type']!r}, "
        f"{len(body)} bytes): a login, cookie or error page? Bytes kept as snapshot {kept}",
    )


def _declared_format(content_type: str | None) -> str | None:
    media = (content_type or "").split(";", 1)[0].strip().lower()
    if media == "application/pdf":
        return "pdf"
    if media in ("text/html", "application/xhtml+xml"):
        return "html"
    return None  # text/plain, octet-stream and friends say too little to call a mismatch


def _content_length(response: httpx.Response) -> int | None:
    if "Content-Encoding" in response.headers:
        return None  # the header counts compressed bytes; the cap is checked on decoded ones
    try:
        return int(response.headers["Content-Length"])
    except (KeyError, ValueError):
        return None


def _timeout(policy: FetchPolicy, deadline: float) -> httpx.Timeout:
    remaining = max(deadline - time.monotonic(), 0.001)
    read = min(policy.read_timeout, remaining)
    return httpx.Timeout(read, connect=min(policy.connect_timeout, remaining))


def _backoff(attempt: int, policy: FetchPolicy, retry_after: float | None) -> float:
    """Exponential backoff with jitter (parallel runs do not retry in lockstep), or the server's
    Retry-After when it asks for longer, both capped by ``backoff_max``."""
    exponential = policy.backoff_base * 2 ** (attempt - 1) * random.uniform(0.5, 1.0)
    return min(max(exponential, retry_after or 0.0), policy.backoff_max)


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if not value:
        return None
    if value.strip().isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max((when - utc_now()).total_seconds(), 0.0)


def _deadline_error(url: str, policy: FetchPolicy, got: int | None = None, of: int | None = None) -> ReportError:
    progress = "" if got is None else f" after {got} of {of if of is not None else 'unknown'} bytes"
    return ReportError("fetch", f"{url}: total deadline of {policy.total_deadline:g} s exceeded{progress}")
