"""A real HTTP server on 127.0.0.1 in a thread, serving fixtures/feeds/ with ETag and 304 support."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.utils import formatdate
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

_ROOT = Path(__file__).resolve().parent.parent / "fixtures" / "feeds"
_TYPES = {
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".xml": "application/xml",
    ".jsonl": "application/x-ndjson",
    ".html": "text/html; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}


@dataclass
class FeedServer:
    """The running server: its base URL, a log of (path, status) answers, and overrides by path."""

    url: str
    requests: list[tuple[str, int]] = field(default_factory=list)
    overrides: dict[str, bytes] = field(default_factory=dict)
    # Extra or replaced response headers by path (Content-Type, Content-Encoding...).
    header_overrides: dict[str, dict[str, str]] = field(default_factory=dict)
    # path -> Location: answered with a 302 redirect.
    redirects: dict[str, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    release: threading.Event = field(default_factory=threading.Event)
    # Set while a /trickle answer is being sent, cleared when the client hangs up or the test ends.
    trickling: threading.Event = field(default_factory=threading.Event)

    def body(self, path: str) -> bytes | None:
        """Return what the server sends for `path`: an override, or the fixture file."""
        with self.lock:
            if path in self.overrides:
                return self.overrides[path]
        file = (_ROOT / path.lstrip("/")).resolve()
        if _ROOT not in file.parents or not file.is_file():
            return None
        return file.read_bytes()

    def statuses(self, path: str) -> list[int]:
        """Return the statuses answered for `path`, in order."""
        with self.lock:
            return [status for logged, status in self.requests if logged == path]


_TRICKLE_GAP_S = 0.2


def _handler(server: FeedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path.split("?")[0]
            if path == "/slow":
                server.release.wait(30.0)  # set when the test ends
            if path.startswith("/trickle"):
                self._trickle(path)
                return
            with server.lock:
                location = server.redirects.get(path)
                extra = dict(server.header_overrides.get(path, {}))
            if location is not None:
                self._answer(path, HTTPStatus.FOUND, b"", {"Location": location})
                return
            body = server.body(path)
            if body is None:
                self._answer(path, HTTPStatus.NOT_FOUND, b"not found", {})
                return
            etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            headers = {
                "ETag": etag,
                "Last-Modified": formatdate(0, usegmt=True),
                "Content-Type": _TYPES.get(Path(path).suffix, "application/octet-stream"),
                **extra,
            }
            if self.headers.get("If-None-Match") == etag:
                self._answer(path, HTTPStatus.NOT_MODIFIED, b"", headers)
                return
            self._answer(path, HTTPStatus.OK, body, headers)

        def _trickle(self, path: str) -> None:
            """Answer a feed one byte at a time, a byte every 0.2 s, until the test ends.

            Each byte comes well within any read timeout, so only a deadline on the whole fetch
            ends it. /trickle-headers trickles the status line and headers too.
            """
            with server.lock:
                server.requests.append((path, 200))
            head = b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: 100000\r\n\r\n"
            body = b'<?xml version="1.0"?><rss version="2.0"><channel>' + b" " * 100_000
            data = head + body if path == "/trickle-headers" else body
            server.trickling.set()
            try:
                if path != "/trickle-headers":
                    self.wfile.write(head)
                for byte in data:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    if server.release.wait(_TRICKLE_GAP_S):
                        return
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up, as it should
            finally:
                server.trickling.clear()

        def _answer(self, path: str, status: HTTPStatus, body: bytes, headers: dict[str, str]) -> None:
            with server.lock:
                server.requests.append((path, int(status)))
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            if status != HTTPStatus.NOT_MODIFIED:
                self.send_header("Content-Length", str(len(body)))
            try:
                self.end_headers()
                if status != HTTPStatus.NOT_MODIFIED:
                    self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test); nothing to answer to

        def log_message(self, format: str, *args: object) -> None:  # the base signature
            del format, args

    return Handler


@pytest.fixture(scope="session")
def _feed_server_once() -> Iterator[FeedServer]:
    state = FeedServer(url="")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    httpd.daemon_threads = False  # server_close joins request threads, closing their sockets
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, name="feed-server", daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@pytest.fixture
def feed_server(_feed_server_once: FeedServer) -> Iterator[FeedServer]:
    """The feed server (one per run), with its request log and overrides cleared for this test."""
    with _feed_server_once.lock:
        _feed_server_once.requests.clear()
        _feed_server_once.overrides.clear()
        _feed_server_once.header_overrides.clear()
        _feed_server_once.redirects.clear()
        _feed_server_once.release.clear()
    yield _feed_server_once
    _feed_server_once.release.set()
