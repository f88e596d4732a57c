"""source_turns and FeedFetcher on the loopback server: concurrent fetches, deadlines, own clocks."""

from __future__ import annotations

import time
from dataclasses import replace
from itertools import islice

from dedup.errors import FetchError
from dedup.scanning.polling import FeedFetcher, source_turns
from dedup.settings import DEFAULT_SCAN_OPTIONS, DEFAULT_SOURCE_SETTINGS, ScanOptions
from dedup.sources.fetch import FetchResult
from tests.http_server import FeedServer


def _options(deadline_s: float) -> ScanOptions:
    return replace(
        DEFAULT_SCAN_OPTIONS, sources=replace(DEFAULT_SOURCE_SETTINGS, fetch_deadline_s=deadline_s)
    )


def _no_validators(url: str) -> tuple[None, None]:
    del url
    return None, None


def test_once_every_feed_is_fetched_at_the_start_and_read_in_order(
    feed_server: FeedServer, tmp_path: object
) -> None:
    slow, fast = feed_server.url + "/trickle", feed_server.url + "/good/courier.rss"
    with FeedFetcher(_options(1.0)) as fetcher:
        turns = list(source_turns([slow, "some/folder", fast], None, fetcher, _no_validators))
    assert [turn.source for turn in turns] == [slow, "some/folder", fast]
    assert isinstance(turns[0].fetched, FetchError) and "deadline" in str(turns[0].fetched)
    assert turns[1].fetched is None
    assert isinstance(turns[2].fetched, FetchResult) and turns[2].fetched.body.startswith(b"<?xml")
    # The courier was asked for while the slow feed was still trickling, not after it.
    assert feed_server.statuses("/good/courier.rss") == [200]


def test_watching_a_feed_comes_up_while_another_still_trickles(feed_server: FeedServer) -> None:
    slow, fast = feed_server.url + "/trickle", feed_server.url + "/good/courier.rss"
    with FeedFetcher(_options(60.0)) as fetcher:
        turns = source_turns([slow, fast], 0.05, fetcher, _no_validators)
        first, second = islice(turns, 2)
        assert feed_server.trickling.is_set()
    assert first.source == fast and second.source == fast  # polled twice while the slow one trickles
    assert isinstance(first.fetched, FetchResult)


def test_closing_the_fetcher_ends_a_fetch_in_flight_at_once(feed_server: FeedServer) -> None:
    fetcher = FeedFetcher(_options(60.0))
    future = fetcher.submit(feed_server.url + "/trickle-headers", (None, None))
    while not feed_server.trickling.is_set():
        time.sleep(0.01)
    fetcher.close()
    result = future.result(timeout=30)
    assert isinstance(result, FetchError) and "not fetched within the 60 s deadline" in str(result)
