"""Several scanners on one shared index: a Redis Stream consumer group hands out each item once.

How the work is split (all of it Redis's own machinery, no home-made locks):

1. Claim. A scanner about to sketch an item it read claims it (Lua: SET NX with an expiry, and
   the next number n from a counter), so two scanners reading one feed split the work and the
   numbers follow the order items were read in. After sketching, one script (ENQUEUE in
   dedup.index.redis_scripts) registers the record under n, unless its id is known, and XADDs n
   to the queue stream; that id check, not the claim, keeps an item queued once.
2. Deal. Every scanner reads the stream in one consumer group (XREADGROUP ... ">"), so each entry
   goes to exactly one of them. Entries a scanner read but never acknowledged stay in the group's
   pending list; once idle for `claim_idle_s` another scanner takes them over with XAUTOCLAIM.
3. Judge. Record n is compared with the records numbered below n and no others, exactly what a
   lone scanner would have indexed when it reached that item; a scanner about to judge n first
   waits until every number below n is registered or its claim has lapsed (READY). So the flags
   do not depend on how many scanners ran or who judged what: their union equals a lone
   scanner's flags.
4. Commit. The flags, the record's done bit and the XACK/XDEL of its entry are one Lua script
   (COMMIT). If a taken-over item was in fact finished by its first scanner, the done bit makes
   the second commit a no-op, so no flag is kept twice.

A run-once scanner stops when its sources are read and the stream is empty: every item any
scanner queued has then been judged. Flags are printed by the scanner that committed them; one
killed between the commit and the print leaves the flag in the index only (`dedup flags`).
"""

from __future__ import annotations

import os
import socket
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence

from dedup.closing import ClosesOnExit
from dedup.index.base import IndexRecord, IndexStore
from dedup.index.shared import CandidateView, QueueEntry, SharedIndex
from dedup.model import Flag
from dedup.settings import DEFAULT_QUEUE_SETTINGS, QueueSettings

_PREFETCH = 8  # candidate records fetched per round trip while judging


Judge = Callable[[IndexRecord, CandidateView], Sequence[Flag]]
"""Scan's per-item step: the flags of a new record against what `CandidateView` shows."""


class _Before:
    """The index as it stood when record `number` arrived: only records numbered below it.

    Judging reads candidates in the order `candidates` gave them, so `get` fetches the next
    few of them in one round trip instead of one trip each.
    """

    def __init__(self, index: SharedIndex, number: int) -> None:
        self.index = index
        self.number = number
        self._order: list[str] = []
        self._fetched: dict[str, IndexRecord | None] = {}

    def get(self, item_id: str) -> IndexRecord | None:
        if item_id not in self._fetched:
            at = self._order.index(item_id) if item_id in self._order else len(self._order)
            batch = [*self._order[at : at + _PREFETCH], item_id][:_PREFETCH]
            self._fetched.update(zip(batch, self.index.get_many(batch), strict=True))
        return self._fetched[item_id]

    def candidates(
        self, keys: Sequence[str], limit: int, max_key_items: int | None = None
    ) -> list[tuple[str, int]]:
        found = self.index.candidates_many([keys], limit, max_key_items, before=[self.number])[0]
        self._order = [item_id for item_id, _ in found]
        return found


def consumer_name() -> str:
    """Return a name no other scanner uses: host, process id and a random suffix."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def scan_shared(
    index: SharedIndex,
    read: Callable[[IndexStore], Iterable[object]],
    judge: Judge,
    settings: QueueSettings = DEFAULT_QUEUE_SETTINGS,
    consumer: str | None = None,
) -> Iterator[Flag]:
    """Queue what `read` reads, judge queued items with the other scanners, yield kept flags.

    `read(view)` is scan's reading loop run against `view`, a QueueingIndex: its `get` claims
    the item, its `add` queues the record (in batches) instead of storing it, its `candidates`
    are empty (judging happens off the queue), and its `checkpoint` marks a source read only once
    its items are safely queued. It yields once per entry read; between batches this scanner
    judges a batch of queued items. Yields the flags this scanner committed, each once across all
    scanners, and returns when `read` is done and the shared queue is empty.

    Raises:
        IndexUnavailableError: Redis stayed unreachable for the store's retry window.
    """
    worker = _Worker(index, judge, settings, consumer or consumer_name())
    worker.join_group()
    view = QueueingIndex(index, settings, worker.consumer)
    is_read_whole = False
    while not is_read_whole:  # another pass when a dead scanner left items claimed, unqueued
        for _ in read(view):
            if view.take_sent():
                flags, _ = worker.work_once(block=False, may_wait=False)
                yield from flags
        is_read_whole = view.finish_pass()
    is_waiting = False
    while True:
        flags, handled = worker.work_once(block=is_waiting, may_wait=True)
        yield from flags
        if not handled and worker.is_queue_empty():
            return
        is_waiting = not handled  # the rest is in other scanners' hands: wait for news


class QueueingIndex(ClosesOnExit):
    """The IndexStore that scan's reading loop writes to in shared mode: adds go to the queue.

    Before the loop sketches an item it asks `get`, which here also claims the item for this
    scanner (SET NX with an expiry): two scanners reading one feed then split the sketching
    instead of both doing it. An item another scanner claimed is skipped, and the source is
    checkpointed only once every such item has been queued by its claimant; if a claim lapses
    with the item unqueued (its scanner died), the checkpoint is not written and `finish_pass`
    asks for another pass over the sources, which claims the item afresh.
    """

    def __init__(self, index: SharedIndex, settings: QueueSettings, scanner: str) -> None:
        self.index = index
        self.settings = settings
        self.scanner = scanner
        self._batch: list[tuple[IndexRecord, int]] = []
        self._numbers: dict[str, int] = {}
        self._has_sent = False
        self._theirs: list[str] = []
        self._has_lapsed = False

    def add(self, record: IndexRecord, flags: Sequence[Flag] = ()) -> bool:
        """Queue `record` (judged later, off the queue, so `flags` is empty); True."""
        del flags
        self._batch.append((record, self._numbers.pop(record.id, 0)))
        if len(self._batch) >= self.settings.batch_size:
            self.send()
        return True

    def add_many(self, entries: Sequence[tuple[IndexRecord, Sequence[Flag]]]) -> list[bool]:
        """Queue every record."""
        return [self.add(record, flags) for record, flags in entries]

    def get(self, item_id: str) -> IndexRecord | None:
        """Claim the item: None when it is this scanner's to read, else a placeholder to skip it."""
        state, number = self.index.claim(item_id, self.scanner, self.settings.claim_idle_s)
        if state == "ours":
            self._numbers[item_id] = number
            return None
        if state == "theirs":
            self._theirs.append(item_id)
        return IndexRecord(item_id, "", "", None, None, None, (), b"")

    def candidates(
        self, keys: Sequence[str], limit: int, max_key_items: int | None = None
    ) -> list[tuple[str, int]]:
        """Return nothing: an item is judged when it comes off the queue, not when read."""
        del keys, limit, max_key_items
        return []

    def checkpoint(self, source: str, position: str) -> None:
        """Record the position once everything read before it is queued, by us or by others."""
        if self._settle():
            self.index.checkpoint(source, position)

    def finish_pass(self) -> bool:
        """Queue what is left; tell whether the pass missed nothing (else read the sources again)."""
        is_whole = self._settle() and not self._has_lapsed
        self._has_lapsed = False
        return is_whole

    def _settle(self) -> bool:
        """Send the batch and wait until items other scanners claimed are queued.

        False when a claim lapsed with its item unqueued (its scanner died): the source is then
        not checkpointed, and the pass counts as incomplete, so the item is read again.
        """
        self.send()
        theirs, self._theirs = self._theirs, []
        while theirs:
            states = self.index.claim_states(theirs)
            if None in states:
                self._has_lapsed = True
                return False
            theirs = [item_id for item_id, state in zip(theirs, states, strict=True) if state == "theirs"]
            if theirs:
                time.sleep(self.settings.wait_s)
        return True

    def last_checkpoint(self, source: str) -> str | None:
        """Return the shared index's checkpoint."""
        return self.index.last_checkpoint(source)

    def flags(self) -> Iterator[Flag]:
        """Yield the shared index's flags."""
        return self.index.flags()

    def send(self) -> None:
        """Claim and queue the batch in one round trip."""
        if self._batch:
            self.index.enqueue_many(self._batch)
            self._batch = []
            self._has_sent = True

    def take_sent(self) -> bool:
        """Tell whether a batch went out since the last call."""
        has_sent, self._has_sent = self._has_sent, False
        return has_sent

    def close(self) -> None:
        """Send what is left; the shared index stays open."""
        self.send()


class _Worker:
    """One scanner's side of the consumer group."""

    def __init__(self, index: SharedIndex, judge: Judge, settings: QueueSettings, consumer: str) -> None:
        self.index = index
        self.judge = judge
        self.settings = settings
        self.consumer = consumer

    def join_group(self) -> None:
        """Create the consumer group (and stream) unless another scanner did."""
        self.index.queue.join_group(self.settings.group)

    def is_queue_empty(self) -> bool:
        """Tell whether no entry is waiting or pending; committed entries are deleted."""
        return self.index.queue.is_empty()

    def work_once(self, block: bool, may_wait: bool) -> tuple[list[Flag], int]:
        """Judge and commit a batch: this scanner's unfinished entries, a dead one's, or new ones.

        Entries are judged in number order, each once every number below it is registered. If
        one is not ready yet, `may_wait` says whether to wait for it or to leave it (and those
        after it) pending for the next call, so a scanner that can still read does not idle.
        Returns the flags kept and how many entries were committed.
        """
        entries = self._read("0", block=False) or self._take_over() or self._read(">", block)
        if not entries:
            return [], 0
        entries.sort(key=lambda entry: entry.number)
        records = self.index.records_by_number([entry.number for entry in entries])
        # Readiness only grows with the number: the last entry ready means every entry is.
        is_all_ready = self.index.is_ready(entries[-1].number)
        judged = []
        for entry, record in zip(entries, records, strict=True):
            if not is_all_ready and not self._is_ready(entry.number, may_wait):
                break
            flags = () if record is None else tuple(self.judge(record, _Before(self.index, entry.number)))
            judged.append((entry, flags))
        kept: list[Flag] = []
        for _, flags in self.index.commit_many(self.settings.group, judged):
            kept.extend(flags)
        return kept, len(judged)

    def _is_ready(self, number: int, may_wait: bool) -> bool:
        while not self.index.is_ready(number):
            if not may_wait:
                return False
            time.sleep(self.settings.wait_s)  # an item read before it is still being sketched
        return True

    def _take_over(self) -> list[QueueEntry]:
        return self.index.queue.take_over(
            self.settings.group, self.consumer, self.settings.claim_idle_s, self.settings.take_size
        )

    def _read(self, start_id: str, block: bool) -> list[QueueEntry]:
        """Read new entries (">") or this scanner's own unfinished ones ("0")."""
        wait_s = self.settings.wait_s if block else None
        return self.index.queue.read(
            self.settings.group, self.consumer, start_id, self.settings.take_size, wait_s
        )
