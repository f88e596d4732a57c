"""Which source a scan reads when: feeds fetched in threads under a deadline, each polled on its own clock."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass

from dedup.closing import ClosesOnExit
from dedup.errors import FetchError
from dedup.settings import DEFAULT_SCAN_OPTIONS, ScanOptions
from dedup.sources.fetch import Deadline, FetchResult, fetch, is_url

Validators = tuple[str | None, str | None]
"""An earlier response's ETag and Last-Modified, sent so that an unchanged feed costs a 304."""


@dataclass(frozen=True, slots=True)
class Turn:
    """A source's turn to be read: a path (read in the scan's own thread) or a fetched URL."""

    source: str
    fetched: FetchResult | FetchError | None = None  # None for a path


class FeedFetcher(ClosesOnExit):
    """Fetch http(s) sources in a few threads, each fetch under its whole deadline.

    Closing ends the fetches in flight at once (their sockets are shut down), so Ctrl-C or the end of
    a scan never waits out a slow feed.
    """

    def __init__(self, options: ScanOptions = DEFAULT_SCAN_OPTIONS) -> None:
        self._options = options
        self._pool = ThreadPoolExecutor(options.sources.fetch_workers, thread_name_prefix="fetch")
        self._lock = threading.Lock()
        self._in_flight: set[Deadline] = set()

    def submit(self, url: str, validators: Validators) -> Future[FetchResult | FetchError]:
        """Start fetching `url`; the future holds the response or the FetchError that stands for it."""
        deadline = Deadline(self._options.sources.fetch_deadline_s)
        with self._lock:
            self._in_flight.add(deadline)
        future = self._pool.submit(self._fetch, url, validators, deadline)
        future.add_done_callback(lambda _: self._forget(deadline))
        return future

    def close(self) -> None:
        """Stop every fetch in flight and the threads."""
        with self._lock:
            in_flight = list(self._in_flight)
        for deadline in in_flight:
            deadline.expire()
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _fetch(self, url: str, validators: Validators, deadline: Deadline) -> FetchResult | FetchError:
        etag, last_modified = validators
        try:
            return fetch(
                url,
                etag=etag,
                last_modified=last_modified,
                timeout_s=self._options.fetch_timeout_s,
                max_bytes=self._options.sources.fetch_max_bytes,
                deadline=deadline,
            )
        except FetchError as error:
            return error

    def _forget(self, deadline: Deadline) -> None:
        with self._lock:
            self._in_flight.discard(deadline)


def source_turns(
    sources: list[str],
    interval_s: float | None,
    fetcher: FeedFetcher,
    validators: Callable[[str], Validators],
) -> Iterator[Turn]:
    """Yield the sources' turns: once each in order, or, with an interval, each on its own clock.

    Once: every feed is fetched at the start, all at the same time, and read in the order given, so
    a scan lasts as long as its slowest feed, not as long as all of them. Watching: a source comes
    up again `interval_s` after its last turn ended; a feed is read as soon as its fetch ends, so a
    slow one delays no other. `validators` is asked in this thread, just before each fetch.
    """
    if interval_s is None:
        fetches = {source: fetcher.submit(source, validators(source)) for source in sources if is_url(source)}
        for source in sources:
            yield Turn(source, fetches[source].result()) if source in fetches else Turn(source)
        return
    due = dict.fromkeys(sources, time.monotonic())
    in_flight: dict[str, Future[FetchResult | FetchError]] = {}
    while True:
        for source in sources:
            if source in in_flight or due[source] > time.monotonic():
                continue
            if is_url(source):
                in_flight[source] = fetcher.submit(source, validators(source))
            else:
                yield Turn(source)
                due[source] = time.monotonic() + interval_s
        for source in [source for source in sources if source in in_flight and in_flight[source].done()]:
            yield Turn(source, in_flight.pop(source).result())
            due[source] = time.monotonic() + interval_s
        idle = [due[source] for source in sources if source not in in_flight]
        wait_s = max(0.0, min(idle) - time.monotonic()) if idle else None
        if in_flight:
            wait(in_flight.values(), timeout=wait_s, return_when=FIRST_COMPLETED)
        elif wait_s:
            time.sleep(wait_s)
