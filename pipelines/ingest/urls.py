"""What a source URL may be and how it may be written down: checks and redaction in one place.

Belongs here: parsing a registry or redirect URL without crashing on malformed input, removing
credentials before a URL is stored anywhere (registry specs are pickled into the work store and the
Dagster run database; URLs are published in ``reports.parquet`` and ``datapackage.json`` and kept
in fetch records), and refusing hosts on private, loopback and link-local networks.

Why refuse private addresses: a registry entry (or a public server's redirect) pointing at
``http://169.254.169.254/`` or ``http://10.0.0.5/admin`` would make cxbench fetch from inside the
network it runs in and publish the answer. Tests and deliberate intranet sources opt in with
``CXBENCH_ALLOW_PRIVATE_URLS=1`` (every address), or a comma-separated list of networks such as
``CXBENCH_ALLOW_PRIVATE_URLS=127.0.0.0/8,10.1.0.0/16`` (only those), or the same through
``FetchPolicy(allow_private_addresses=...)``.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from urllib.parse import SplitResult, urlsplit, urlunsplit

from pipelines.errors import ReportError

FETCHED_SCHEMES = ("http", "https")
MAX_URL_LENGTH = 2048  # what browsers and most servers accept; longer is a mistake or an attack
ALLOW_PRIVATE_ENV = "CXBENCH_ALLOW_PRIVATE_URLS"


def split_url(url: str, *, stage: str = "fetch") -> SplitResult:
    """``urlsplit`` that reports malformed input (``http://[::1/x``, a bad port) as ``ReportError``."""
    if len(url) > MAX_URL_LENGTH:
        raise ReportError(stage, f"URL is {len(url)} characters long, over the {MAX_URL_LENGTH} limit")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - parsing the port is what raises on "host:99999" or "host:x"
    except ValueError as exc:
        raise ReportError(stage, f"invalid URL {strip_credentials(url)}: {exc}") from None
    return parts


def strip_credentials(url: str) -> str:
    """The URL without ``user:password@`` (and unchanged when it has none or cannot be parsed).

    A malformed URL is cut at its ``@`` by hand so that even an error message never repeats a
    password.
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        scheme, sep, rest = url.partition("://")
        return f"{scheme}{sep}{rest.rpartition('@')[2]}" if sep and "@" in rest.split("/", 1)[0] else url
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def has_credentials(url: str) -> bool:
    return strip_credentials(url) != url


def require_fetchable(url: str, *, stage: str = "fetch") -> SplitResult:
    """Refuse anything but absolute http(s) URLs with a host: file://, ftp:// and data: could read
    local files or bypass the size and time limits of fetching."""
    parts = split_url(url, stage=stage)
    if parts.scheme.lower() not in FETCHED_SCHEMES:
        raise ReportError(
            stage, f"only http and https URLs are fetched, not {parts.scheme or 'a scheme-less'} URL: {url}"
        )
    if not parts.hostname:
        raise ReportError(stage, f"URL has no host: {url}")
    return parts


AllowedPrivate = bool | tuple[str, ...]
"""True: every private address may be fetched; False or (): none; a tuple: those networks only."""


def private_addresses_allowed() -> AllowedPrivate:
    """The default of ``FetchPolicy.allow_private_addresses``, from ``$CXBENCH_ALLOW_PRIVATE_URLS``:
    1/true/yes/on -> True, a comma-separated list of networks -> those, anything else -> False."""
    raw = os.environ.get(ALLOW_PRIVATE_ENV, "").strip()
    if raw.lower() in ("1", "true", "yes", "on"):
        return True
    networks = tuple(part.strip() for part in raw.split(",") if part.strip())
    for network in networks:
        try:
            ipaddress.ip_network(network, strict=False)
        except ValueError:
            raise ValueError(f"{ALLOW_PRIVATE_ENV}: {network!r} is not a network (e.g. 127.0.0.0/8)") from None
    return networks


def refuse_private_host(url: str, allowed: AllowedPrivate = False) -> None:
    """Raise ``ReportError("fetch", ...)`` when the URL's host is or resolves to a private,
    loopback, link-local, multicast, reserved or unspecified address.

    Every address the name resolves to must be public: an attacker's DNS name may return a public
    and a private address and let the connection pick. This early check names the URL in the
    error; the fetch itself connects only to addresses ``checked_addresses`` passed at connect
    time (``pipelines.ingest.fetch``), so a name that answers differently a moment later (DNS
    rebinding) cannot reach a private address either.
    """
    if allowed is not True:
        checked_addresses(split_url(url).hostname or "", allowed, url)


def checked_addresses(host: str, allowed: AllowedPrivate, what: str) -> list[str]:
    """Resolve ``host`` once and return its addresses, all of them public (or in ``allowed``);
    ``ReportError("fetch", ...)`` naming ``what`` otherwise. Connect only to what this returns."""
    networks = [] if allowed is True else [ipaddress.ip_network(n, strict=False) for n in allowed or ()]
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise ReportError("fetch", f"cannot resolve host {host!r} of {what}: {exc}") from None
    found: list[str] = []
    for info in infos:
        raw = str(info[4][0])
        address = ipaddress.ip_address(raw.split("%", 1)[0])
        mapped = getattr(address, "ipv4_mapped", None)
        address = mapped or address
        if raw not in found:
            found.append(raw)
        if allowed is True or any(address in network for network in networks):
            continue
        if not address.is_global or address.is_multicast:
            raise ReportError(
                "fetch",
                f"{what} points at {address}, a private, loopback or link-local address: refused "
                f"(set {ALLOW_PRIVATE_ENV}=1, or to a list of networks, to fetch from your own network)",
            )
    return found
