"""HTTP GET of feeds with a read timeout, a whole-fetch deadline, a size limit and conditional requests."""

from __future__ import annotations

import contextlib
import http.client
import socket
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import Message
from functools import partial
from importlib.metadata import version
from typing import IO, Any

from dedup.errors import FetchError
from dedup.settings import DEFAULT_SOURCE_SETTINGS

DEFAULT_TIMEOUT_S = 10.0
DEFAULT_MAX_BYTES = DEFAULT_SOURCE_SETTINGS.fetch_max_bytes
DEFAULT_DEADLINE_S = DEFAULT_SOURCE_SETTINGS.fetch_deadline_s
_CHUNK_BYTES = 64 * 1024


@dataclass(frozen=True, slots=True)
class FetchResult:
    """One response: the body (empty when not modified) and the validators for the next request."""

    url: str
    is_modified: bool
    body: bytes
    etag: str | None
    last_modified: str | None
    content_type: str | None


class Deadline:
    """Shut the sockets of one fetch down when its time is up, or when told to stop at once.

    A read timeout bounds each wait, not the fetch: a server sending a byte every few seconds never
    trips it. Shutting the socket down from a timer thread ends any read blocked on it, in headers
    or body, over http or https; the fetch then fails as past its deadline.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self.is_expired = False
        self._timer = threading.Timer(seconds, self.expire)
        self._timer.daemon = True

    def start(self) -> None:
        """Start counting."""
        self._timer.start()

    def attach(self, sock: socket.socket) -> None:
        """Watch a socket of this fetch (a redirect opens another)."""
        with self._lock:
            self._sockets.append(sock)
            if not self.is_expired:
                return
        _shut(sock)

    def expire(self) -> None:
        """End the fetch now: shut every socket down."""
        with self._lock:
            self.is_expired = True
            sockets = list(self._sockets)
        for sock in sockets:
            _shut(sock)

    def cancel(self) -> None:
        """Stop the timer: the fetch is over."""
        self._timer.cancel()


def is_url(source: str) -> bool:
    """Tell whether a source names an http(s) URL rather than a path."""
    return source.startswith(("http://", "https://"))


def fetch(
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    max_bytes: int = DEFAULT_MAX_BYTES,
    deadline_s: float = DEFAULT_DEADLINE_S,
    deadline: Deadline | None = None,
) -> FetchResult:
    """GET `url`, sending the validators of an earlier response so an unchanged feed costs a 304.

    Each read waits at most `timeout_s`, the whole fetch (redirects included) at most `deadline_s`,
    or the given `deadline`, which another thread may expire to stop the fetch at once.

    Raises:
        FetchError: the server is unreachable, answers with an error status, is too slow, sends
            a broken response, or sends more than `max_bytes`.
    """
    headers = {"User-Agent": f"dedup/{version('dedup')}", "Accept-Encoding": "identity"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    request = urllib.request.Request(url, headers=headers, method="GET")
    watch = deadline or Deadline(deadline_s)
    opener = urllib.request.build_opener(_WatchedHttp(watch), _WatchedHttps(watch), _WebRedirects())
    watch.start()
    try:
        with opener.open(request, timeout=timeout_s) as response:
            encoding = (response.headers.get("Content-Encoding") or "identity").strip().lower()
            if encoding != "identity":
                # Asked for identity; a compressed body is not inflated (a gzip bomb stays 10 KB).
                raise FetchError(f"{url}: answered in Content-Encoding {encoding}, which was not asked for")
            body = _read_limited(response, url, max_bytes)
            if watch.is_expired:
                raise _past_deadline(url, watch)
            return _result(url, True, body, response.headers, etag, last_modified)
    except urllib.error.HTTPError as exc:
        exc.close()  # an HTTPError holds the open response
        if exc.code == 304:
            return _result(url, False, b"", exc.headers, etag, last_modified)
        raise FetchError(f"{url}: HTTP {exc.code} {exc.reason}") from exc
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as exc:
        if watch.is_expired:
            raise _past_deadline(url, watch) from exc
        raise FetchError(f"{url}: {_problem(exc, timeout_s)}") from exc
    finally:
        watch.cancel()


def _problem(exc: BaseException, timeout_s: float) -> str:
    if isinstance(exc, urllib.error.URLError):
        reason = exc.reason
        if isinstance(reason, TimeoutError):
            return f"no answer within {timeout_s:g} s"
        return f"cannot fetch ({reason})"
    if isinstance(exc, TimeoutError):
        return f"no answer within {timeout_s:g} s"
    if isinstance(exc, http.client.IncompleteRead):
        return "the server closed the connection before the end of the body"
    return f"cannot fetch ({type(exc).__name__}: {exc})".replace("\n", " ")


def _past_deadline(url: str, watch: Deadline) -> FetchError:
    return FetchError(f"{url}: not fetched within the {watch.seconds:g} s deadline (--fetch-deadline)")


def _read_limited(response: http.client.HTTPResponse, url: str, max_bytes: int) -> bytes:
    chunks: list[bytes] = []
    total = 0
    # read1 returns what one receive brings, so a trickling body does not block a read of 64 KiB.
    while chunk := response.read1(_CHUNK_BYTES):
        total += len(chunk)
        if total > max_bytes:
            raise FetchError(f"{url}: larger than {max_bytes} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _result(
    url: str,
    is_modified: bool,
    body: bytes,
    headers: Message,
    etag: str | None,
    last_modified: str | None,
) -> FetchResult:
    # A 304 may omit the validators; the earlier ones stay valid then.
    return FetchResult(
        url=url,
        is_modified=is_modified,
        body=body,
        etag=headers.get("ETag") or etag,
        last_modified=headers.get("Last-Modified") or last_modified,
        content_type=headers.get("Content-Type"),
    )


def _shut(sock: socket.socket) -> None:
    # socket.socket's own shutdown: for TLS too it acts on the descriptor alone, and the blocked
    # read sees the connection end. A socket already closed has nothing left to stop.
    with contextlib.suppress(OSError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


class _WatchedConnection(http.client.HTTPConnection):
    """An HTTP connection whose socket, once connected, its fetch's Deadline may shut down."""

    def __init__(self, *args: Any, watch: Deadline, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._watch = watch

    def connect(self) -> None:
        super().connect()  # bounded by the read timeout
        self._watch.attach(self.sock)


class _WatchedTlsConnection(http.client.HTTPSConnection):
    """The same over TLS; connect and the whole handshake are bounded by the read timeout."""

    def __init__(self, *args: Any, watch: Deadline, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._watch = watch

    def connect(self) -> None:
        super().connect()
        self._watch.attach(self.sock)


class _WebRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects to http(s) only: urllib would also follow one to ftp://."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: http.client.HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        if not is_url(newurl):
            raise urllib.error.HTTPError(newurl, code, f"redirect to a non-http(s) URL {newurl}", headers, fp)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class _WatchedHttp(urllib.request.HTTPHandler):
    """The stock http handler, its connections watched by one fetch's Deadline."""

    def __init__(self, watch: Deadline) -> None:
        super().__init__()
        self._watch = watch

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(partial(_WatchedConnection, watch=self._watch), req)


class _WatchedHttps(urllib.request.HTTPSHandler):
    """The stock https handler (certificates checked as usual), watched the same way."""

    def __init__(self, watch: Deadline) -> None:
        super().__init__()
        self._watch = watch

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        context = getattr(self, "_context", None)  # the default one HTTPSHandler made
        return self.do_open(partial(_WatchedTlsConnection, watch=self._watch), req, context=context)
