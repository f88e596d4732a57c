"""fetch: real HTTP on loopback; conditional GET with ETag, errors as one-line FetchErrors."""

from __future__ import annotations

import socket

import pytest

from dedup.errors import FetchError
from dedup.sources.fetch import fetch, is_url
from tests.http_server import FeedServer


def test_a_conditional_get_with_the_etag_costs_a_304(feed_server: FeedServer) -> None:
    url = feed_server.url + "/good/courier.rss"
    first = fetch(url)
    assert first.is_modified
    assert first.body.startswith(b"<?xml")
    assert first.etag and first.last_modified
    assert first.content_type == "application/rss+xml"
    second = fetch(url, etag=first.etag, last_modified=first.last_modified)
    assert not second.is_modified
    assert second.body == b""
    assert second.etag == first.etag
    assert feed_server.statuses("/good/courier.rss") == [200, 304]


def test_a_changed_feed_is_fetched_again_with_a_new_etag(feed_server: FeedServer) -> None:
    url = feed_server.url + "/good/courier.rss"
    first = fetch(url)
    feed_server.overrides["/good/courier.rss"] = first.body.replace(b"Marrowby", b"Marrowbie")
    second = fetch(url, etag=first.etag)
    assert second.is_modified
    assert b"Marrowbie" in second.body
    assert second.etag != first.etag


def test_an_error_status_is_a_one_line_fetch_error(feed_server: FeedServer) -> None:
    with pytest.raises(FetchError, match=r"/nothing-here: HTTP 404") as caught:
        fetch(feed_server.url + "/nothing-here")
    assert "\n" not in str(caught.value)


def test_a_body_over_the_limit_is_refused(feed_server: FeedServer) -> None:
    with pytest.raises(FetchError, match="larger than 100 bytes"):
        fetch(feed_server.url + "/good/courier.rss", max_bytes=100)


def test_a_slow_server_times_out(feed_server: FeedServer) -> None:
    with pytest.raises(FetchError, match="/slow"):
        fetch(feed_server.url + "/slow", timeout_s=0.2)


def test_nothing_listening_is_a_fetch_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(FetchError, match=f"127.0.0.1:{port}"):
        fetch(f"http://127.0.0.1:{port}/feed.xml", timeout_s=2)


def test_is_url() -> None:
    assert is_url("https://example.org/feed") and is_url("http://x")
    assert not is_url("feeds/http.txt") and not is_url("ftp://x")
