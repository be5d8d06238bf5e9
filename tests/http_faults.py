"""A real HTTP server on 127.0.0.1 that misbehaves on request, for testing fetch code.

Each path is given a script of ``Reply`` objects (or a function of the request), so one test can
say "500, then 500, then the document" or "send 1 byte every 50 ms". Replies can lie about
Content-Length, stall before answering, drip the body, redirect anywhere, and answer conditional
requests. Requests are logged so tests can assert on retries and headers sent.

Usage::

    with FaultServer() as server:
        server.route("/doc.pdf", Reply(500), Reply(body=b"%PDF-1.7 ..."))
        fetch(server.url("/doc.pdf"))
        assert server.hits("/doc.pdf") == 2
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Reply:
    """One scripted response."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_length: int | None = None  # a lie to tell; None sends len(body); -1 sends none
    stall: float = 0.0  # seconds of silence before the status line (provokes read timeouts)
    drip_delay: float = 0.0  # seconds between body chunks (a slow drip)
    drip_chunk: int = 1


@dataclass(frozen=True)
class Request:
    """What the server saw, for assertions."""

    path: str
    headers: dict[str, str]


Responder = Callable[[Request], Reply]


def redirect(location: str, status: int = 302) -> Reply:
    return Reply(status=status, headers={"Location": location})


class Conditional:
    """A document that honours If-None-Match / If-Modified-Since, and can change later."""

    def __init__(
        self, body: bytes, *, etag: str | None, last_modified: str | None, content_type: str
    ) -> None:
        self.body, self.etag, self.last_modified, self.content_type = body, etag, last_modified, content_type
        self.full_responses = 0

    def update(self, body: bytes, *, etag: str | None, last_modified: str | None) -> None:
        self.body, self.etag, self.last_modified = body, etag, last_modified

    def __call__(self, request: Request) -> Reply:
        validators = {"ETag": self.etag, "Last-Modified": self.last_modified}
        headers = {k: v for k, v in validators.items() if v}
        if_none_match = request.headers.get("if-none-match")
        if_modified_since = request.headers.get("if-modified-since")
        if (if_none_match and if_none_match == self.etag) or (
            not if_none_match and if_modified_since and if_modified_since == self.last_modified
        ):
            return Reply(status=304, headers=headers, content_length=-1)
        self.full_responses += 1
        return Reply(body=self.body, headers={**headers, "Content-Type": self.content_type})


class FaultServer:
    """ThreadingHTTPServer on an ephemeral 127.0.0.1 port, serving scripted replies per path."""

    def __init__(self) -> None:
        self._routes: dict[str, Responder | list[Reply]] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self.requests: list[Request] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        # A short poll interval makes shutdown (once per test) take milliseconds, not half a second.
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def route(self, path: str, *replies: Reply | Responder) -> None:
        """Script a path: replies are served in order and the last one repeats; or one responder."""
        if len(replies) == 1 and callable(replies[0]) and not isinstance(replies[0], Reply):
            self._routes[path] = replies[0]
        else:
            self._routes[path] = list(replies)

    def hits(self, path: str) -> int:
        return sum(1 for r in self.requests if r.path == path)

    def __enter__(self) -> FaultServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()  # wakes stalled and dripping handlers
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def _reply_for(self, request: Request) -> Reply:
        with self._lock:
            self.requests.append(request)
            script = self._routes.get(request.path)
            if script is None:
                return Reply(status=404, body=b"no such test route")
            if callable(script):
                return script(request)
            return script.pop(0) if len(script) > 1 else script[0]


def _handler_for(server: FaultServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            request = Request(self.path, {k.lower(): v for k, v in self.headers.items()})
            reply = server._reply_for(request)
            if reply.stall and server._stop.wait(reply.stall):
                return
            # The client hanging up mid-reply is what many tests provoke.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self._send(reply)

        def _send(self, reply: Reply) -> None:
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            length = len(reply.body) if reply.content_length is None else reply.content_length
            if length >= 0:
                self.send_header("Content-Length", str(length))
            self.send_header("Connection", "close")
            self.end_headers()
            if not reply.drip_delay:
                self.wfile.write(reply.body)
                return
            for start in range(0, len(reply.body), reply.drip_chunk):
                self.wfile.write(reply.body[start : start + reply.drip_chunk])
                self.wfile.flush()
                if server._stop.wait(reply.drip_delay):
                    return

        def log_message(self, format: str, *args: object) -> None:
            pass  # keep pytest output clean

    return Handler
