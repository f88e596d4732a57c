"""HTTP GET of feeds with timeouts, a size limit and conditional requests (ETag, Last-Modified)."""

from __future__ import annotations

import http.client
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import Message
from importlib.metadata import version

from dedup.errors import FetchError

DEFAULT_TIMEOUT_S = 10.0
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
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
) -> FetchResult:
    """GET `url`, sending the validators of an earlier response so an unchanged feed costs a 304.

    Raises:
        FetchError: the server is unreachable, answers with an error status, is too slow, or sends
            more than `max_bytes`.
    """
    headers = {"User-Agent": f"dedup/{version('dedup')}", "Accept-Encoding": "identity"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    request = urllib.request.Request(url, headers=headers, method="GET")
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            body = _read_limited(response, url, max_bytes)
            return _result(url, True, body, response.headers, etag, last_modified)
    except urllib.error.HTTPError as exc:
        exc.close()  # an HTTPError holds the open response
        if exc.code == 304:
            return _result(url, False, b"", exc.headers, etag, last_modified)
        raise FetchError(f"{url}: HTTP {exc.code} {exc.reason}") from exc
    except urllib.error.URLError as exc:
        raise FetchError(f"{url}: cannot fetch ({exc.reason})") from exc
    except TimeoutError as exc:
        raise FetchError(f"{url}: no answer within {timeout_s:g} s") from exc
    except OSError as exc:
        raise FetchError(f"{url}: cannot fetch ({exc})") from exc


def _read_limited(response: http.client.HTTPResponse, url: str, max_bytes: int) -> bytes:
    chunks: list[bytes] = []
    total = 0
    while chunk := response.read(_CHUNK_BYTES):
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
