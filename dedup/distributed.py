"""Several scanners on one shared index: a Redis Stream consumer group hands out each item once.

How the work is split (all of it Redis's own machinery, no home-made locks):

1. Claim. A scanner that reads an item runs one Lua script (dedup.index.redis_scripts.ENQUEUE):
   if no record has the item's id, it registers the record under the next number n and XADDs n to
   the queue stream. Two scanners reading the same feed race on that script; one wins, the other
   sees the id and moves on.
2. Deal. Every scanner reads the stream in one consumer group (XREADGROUP ... ">"), so each entry
   goes to exactly one of them. Entries a scanner read but never acknowledged stay in the group's
   pending list; once idle for `claim_idle_s` another scanner takes them over with XAUTOCLAIM.
3. Judge. Record n is compared with the records numbered below n and no others, exactly what a
   lone scanner would have indexed when it reached that item. So the flags do not depend on how
   many scanners ran or who judged what: their union equals a single scanner's flags.
4. Commit. The flags, the record's done bit and the XACK/XDEL of its entry are one Lua script
   (COMMIT). If a taken-over item was in fact finished by its first scanner, the done bit makes
   the second commit a no-op, so no flag is kept twice.

A run-once scanner stops when its sources are read and the stream is empty: every item any
scanner queued has then been judged.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from dedup.index.base import IndexRecord
from dedup.model import Flag


@dataclass(frozen=True, slots=True)
class QueueSettings:
    """How a scanner takes part in the shared queue."""

    group: str = "scanners"
    # Items queued, read and committed per Redis round trip.
    batch_size: int = 64
    # A pending item idle this long belongs to a dead scanner; longer than judging one batch takes.
    claim_idle_s: float = 30.0
    # How long one wait for new entries blocks, while other scanners finish theirs.
    wait_s: float = 0.2


@dataclass(frozen=True, slots=True)
class QueueEntry:
    """A record number waiting in the queue, and the stream entry that carries it."""

    entry_id: str
    number: int


class CandidateView(Protocol):
    """The read side of an index that judging one item needs."""

    def get(self, item_id: str) -> IndexRecord | None:
        """Return the record stored under `item_id`, or None."""
        ...

    def candidates(
        self, keys: Sequence[str], limit: int, max_key_items: int | None = None
    ) -> list[tuple[str, int]]:
        """Return up to `limit` (item id, shared keys) pairs, most shared first, ties by id."""
        ...


@runtime_checkable
class SharedIndex(Protocol):
    """An index several scanners can share: dedup.index.redis_store.RedisStore."""

    @property
    def queue_key(self) -> str:
        """The stream that carries record numbers."""
        ...

    @property
    def client(self) -> Any:
        """The Redis client."""
        ...

    def call(self, operation: Callable[[], Any]) -> Any:
        """Run one Redis operation with the store's bounded retries."""
        ...

    def get(self, item_id: str) -> IndexRecord | None:
        """Return the record stored under `item_id`, or None."""
        ...

    def enqueue_many(self, records: Sequence[IndexRecord]) -> list[int | None]:
        """Claim and queue records; each one's number, or None where another scanner had it."""
        ...

    def records_by_number(self, numbers: Sequence[int]) -> list[IndexRecord | None]:
        """Fetch records by number."""
        ...

    def candidates_many(
        self,
        key_lists: Sequence[Sequence[str]],
        limit: int,
        max_key_items: int | None = None,
        before: Sequence[int] | None = None,
    ) -> list[list[tuple[str, int]]]:
        """Candidate search, optionally bounded to records numbered below `before[i]`."""
        ...

    def commit_many(
        self, group: str, entries: Sequence[tuple[QueueEntry, Sequence[Flag]]]
    ) -> list[tuple[bool, tuple[Flag, ...]]]:
        """Commit judged records and acknowledge their entries; what each commit kept."""
        ...


Judge = Callable[[IndexRecord, CandidateView], Sequence[Flag]]
"""Scan's per-item step: the flags of a new record against what `CandidateView` shows."""


@dataclass(frozen=True, slots=True)
class _Before:
    """The index as it stood when record `number` arrived: only records numbered below it."""

    index: SharedIndex
    number: int

    def get(self, item_id: str) -> IndexRecord | None:
        return self.index.get(item_id)

    def candidates(
        self, keys: Sequence[str], limit: int, max_key_items: int | None = None
    ) -> list[tuple[str, int]]:
        return self.index.candidates_many([keys], limit, max_key_items, before=[self.number])[0]


def consumer_name() -> str:
    """Return a name no other scanner uses: host, process id and a random suffix."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def scan_shared(
    index: SharedIndex,
    records: Iterable[IndexRecord],
    judge: Judge,
    settings: QueueSettings = QueueSettings(),
    consumer: str | None = None,
) -> Iterator[Flag]:
    """Queue `records` on the shared index, judge queued items with the other scanners, yield flags.

    Yields the flags this scanner committed, each once across all scanners. Returns when
    `records` is exhausted and the shared queue is empty.

    Raises:
        IndexUnavailableError: Redis stayed unreachable for the store's retry window.
    """
    worker = _Worker(index, judge, settings, consumer or consumer_name())
    worker.join_group()
    batch: list[IndexRecord] = []
    for record in records:
        batch.append(record)
        if len(batch) >= settings.batch_size:
            index.enqueue_many(batch)
            batch = []
            flags, _ = worker.work_once(block=False)
            yield from flags
    if batch:
        index.enqueue_many(batch)
    while True:
        flags, handled = worker.work_once(block=True)
        yield from flags
        if not handled and worker.is_queue_empty():
            return


class _Worker:
    """One scanner's side of the consumer group."""

    def __init__(self, index: SharedIndex, judge: Judge, settings: QueueSettings, consumer: str) -> None:
        self.index = index
        self.judge = judge
        self.settings = settings
        self.consumer = consumer

    def join_group(self) -> None:
        """Create the consumer group (and stream) unless another scanner did."""
        client, key, group = self.index.client, self.index.queue_key, self.settings.group

        def create() -> None:
            try:
                client.xgroup_create(key, group, id="0", mkstream=True)
            except Exception as exc:  # redis.ResponseError, imported lazily with the store
                if "BUSYGROUP" not in str(exc):
                    raise

        self.index.call(create)

    def is_queue_empty(self) -> bool:
        """Tell whether no entry is waiting or pending; committed entries are deleted."""
        return int(self.index.call(lambda: self.index.client.xlen(self.index.queue_key))) == 0

    def work_once(self, block: bool) -> tuple[list[Flag], int]:
        """Take a dead scanner's stale entries, else new ones; judge and commit them.

        Returns the flags kept and how many entries were handled.
        """
        entries = self._take_over() or self._read_new(block)
        if not entries:
            return [], 0
        records = self.index.records_by_number([entry.number for entry in entries])
        judged = [
            (entry, () if record is None else tuple(self.judge(record, _Before(self.index, entry.number))))
            for entry, record in zip(entries, records, strict=True)
        ]
        kept: list[Flag] = []
        for _, flags in self.index.commit_many(self.settings.group, judged):
            kept.extend(flags)
        return kept, len(entries)

    def _take_over(self) -> list[QueueEntry]:
        client, key = self.index.client, self.index.queue_key
        reply = self.index.call(
            lambda: client.xautoclaim(
                key,
                self.settings.group,
                self.consumer,
                min_idle_time=round(self.settings.claim_idle_s * 1000),
                start_id="0-0",
                count=self.settings.batch_size,
            )
        )
        return _entries(reply[1])

    def _read_new(self, block: bool) -> list[QueueEntry]:
        client, key = self.index.client, self.index.queue_key
        wait_ms = round(self.settings.wait_s * 1000) if block else None
        reply = self.index.call(
            lambda: client.xreadgroup(
                self.settings.group, self.consumer, {key: ">"}, count=self.settings.batch_size, block=wait_ms
            )
        )
        if not reply:
            return []
        return _entries(reply[0][1])


def _entries(raw: Sequence[tuple[Any, dict[Any, Any] | None]]) -> list[QueueEntry]:
    entries = []
    for entry_id, fields in raw:
        if fields:  # an entry deleted after its commit comes back without fields
            identifier = entry_id.decode() if isinstance(entry_id, bytes) else str(entry_id)
            entries.append(QueueEntry(entry_id=identifier, number=int(fields[b"n"])))
    return entries
