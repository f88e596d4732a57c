"""Several scanners on one shared index: a Redis Stream consumer group hands out each item once.

How the work is split (all of it Redis's own machinery, no home-made locks):

1. Claim. A scanner about to sketch the items it read claims them, a batch per round trip
   (CLAIM_MANY: SET NX with an expiry, and the next number n from a counter, for each), so two
   scanners reading one feed split the work and the numbers follow the order items were read
   in. Its workers sketch the items it holds; then one script (ENQUEUE in
   dedup.index.redis_scripts) registers the record under n, unless its id is known, and XADDs n
   to the queue stream; that id check, not the claim, keeps an item queued once.
2. Deal. Every scanner reads the stream in one consumer group (XREADGROUP ... ">"), so each entry
   goes to exactly one of them. Entries a scanner read but never acknowledged stay in the group's
   pending list; once idle for `claim_idle_s` another scanner takes them over with XAUTOCLAIM.
3. Judge. Record n is compared with the records numbered below n and no others, exactly what a
   lone scanner would have indexed when it reached that item; a scanner about to judge n first
   waits until every number below n is registered or its claim has lapsed (READY). So the flags
   do not depend on how many scanners ran or who judged what: their union equals a lone
   scanner's flags. A scanner judges a take of entries together: one pipelined trip brings the
   buckets of every item's keys, counted in numpy, and two more the ids (for ties) and heads
   (content hash, sketch) of the records they rank highest; texts are read only to compare.
   While reading, it judges about as many items as it queued, so its workers sketch meanwhile.
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
from dataclasses import replace
from itertools import islice
from typing import cast

from dedup.closing import ClosesOnExit
from dedup.index.base import IndexRecord, IndexStore
from dedup.index.shared import CandidateView, ClaimState, E, QueueEntry, SharedIndex
from dedup.model import Document, Flag
from dedup.settings import DEFAULT_QUEUE_SETTINGS, QueueSettings

_PREFETCH = 8  # candidate records fetched per round trip while judging


Judge = Callable[[IndexRecord, CandidateView], Sequence[Flag]]
"""Scan's per-item step: the flags of a new record against what `CandidateView` shows."""


class _Take:
    """The items one scanner judges together, each against the records numbered below it.

    The first item to ask for candidates asks for every item's at once, which brings the heads
    (id, content hash, signature) of every candidate too (two pipelined round trips in all):
    judging a take costs a few round trips, not a few per item.
    """

    def __init__(self, index: SharedIndex, items: Sequence[tuple[int, IndexRecord]]) -> None:
        self.index = index
        self.items = items
        self._answers: dict[tuple[int, int | None], list[list[tuple[str, int, int]]]] = {}
        self._heads: dict[str, tuple[str, bytes, int]] = {}
        self._numbers: dict[str, int] = {}  # every candidate found so far, by id
        self._headed: set[int] = set()  # numbers whose heads were fetched

    def candidates(
        self, position: int, keys: Sequence[str], limit: int, max_key_items: int | None
    ) -> list[tuple[str, int]]:
        number, record = self.items[position]
        if tuple(keys) != record.keys:  # not the record's own keys: ask for these alone
            answers, heads = self.index.rank_many([keys], limit, max_key_items, [number])
            answer = answers[0]
            self._keep(answers, heads)
        else:
            if (limit, max_key_items) not in self._answers:
                answers, heads = self.index.rank_many(
                    [held.keys for _, held in self.items],
                    limit,
                    max_key_items,
                    [held_number for held_number, _ in self.items],
                )
                self._answers[(limit, max_key_items)] = answers
                self._keep(answers, heads)
            answer = self._answers[(limit, max_key_items)][position]
        self._numbers.update((item_id, found) for item_id, _, found in answer)
        return [(item_id, shared) for item_id, shared, _ in answer]

    def _keep(
        self, answers: list[list[tuple[str, int, int]]], heads: dict[int, tuple[str, str, bytes, int]]
    ) -> None:
        for found in answers:
            self._numbers.update((item_id, number) for item_id, _, number in found)
        self._headed.update(heads)
        for item_id, digest, signature, term_keys in heads.values():
            self._heads[item_id] = (digest, signature, term_keys)

    def signatures(self, item_ids: Sequence[str]) -> dict[str, tuple[str, bytes, int]]:
        wanted = [self._numbers[item_id] for item_id in item_ids if item_id in self._numbers]
        if any(number not in self._headed for number in wanted):
            missing = [number for number in self._numbers.values() if number not in self._headed]
            heads = self.index.heads_by_number(missing)
            self._headed.update(missing)
            self._keep([], heads)
        return {item_id: self._heads[item_id] for item_id in item_ids if item_id in self._heads}

    def records(self, item_ids: Sequence[str]) -> list[IndexRecord | None]:
        numbers = [self._numbers.get(item_id) for item_id in item_ids]
        if all(number is not None for number in numbers):
            return self.index.records_by_number([number or 0 for number in numbers])
        return self.index.get_many(item_ids)


class _Before:
    """The index as it stood when one item of a take arrived: only records numbered below it.

    Judging reads candidates in the order `candidates` gave them, so `get` fetches the next
    few of them in one round trip instead of one trip each.
    """

    def __init__(self, take: _Take, position: int) -> None:
        self.take = take
        self.position = position
        self._order: list[str] = []
        self._fetched: dict[str, IndexRecord | None] = {}

    def get(self, item_id: str) -> IndexRecord | None:
        if item_id not in self._fetched:
            at = self._order.index(item_id) if item_id in self._order else len(self._order)
            batch = [*self._order[at : at + _PREFETCH], item_id][:_PREFETCH]
            self._fetched.update(zip(batch, self.take.records(batch), strict=True))
        return self._fetched[item_id]

    def candidates(
        self, keys: Sequence[str], limit: int, max_key_items: int | None = None
    ) -> list[tuple[str, int]]:
        found = self.take.candidates(self.position, keys, limit, max_key_items)
        self._order = [item_id for item_id, _ in found]
        return found

    def signatures(self, item_ids: Sequence[str]) -> dict[str, tuple[str, bytes, int]]:
        """Return (content hash, signature) by id, from the take's heads: no text is read."""
        return self.take.signatures(item_ids)


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
            # Judge about as many items as were just queued, while the workers sketch the next
            # batch: reading and judging keep pace, and the workers are not left idle at the end.
            owed = view.take_sent()
            while owed > 0:
                flags, handled = worker.work_once(block=False, may_wait=False)
                yield from flags
                owed = owed - handled if handled else 0
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
    instead of both doing it. The loop hands its entries to `read_ahead` first, which claims
    them a batch at a time (one round trip), so `get` answers from what that batch found, and
    passes on the entries it did not get without their text (so no sketching is spent on them).
    An item another scanner claimed is skipped, and the source is
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
        self._sent = 0
        self._theirs: list[str] = []
        self._has_lapsed = False
        self._claimed: dict[str, tuple[ClaimState, int]] = {}  # by read_ahead, for get

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

    @property
    def pack_body(self) -> Callable[[str, tuple[str, ...]], bytes]:
        """The shared store's body encoder, so sketching workers pack bodies ahead."""
        return self.index.pack_body

    def read_ahead(self, entries: Iterable[E]) -> Iterator[E]:
        """Yield `entries`, claimed a batch at a time; those not ours come without their text."""
        iterator = iter(entries)
        while chunk := list(islice(iterator, self.settings.batch_size)):
            ids = list(dict.fromkeys(entry.id for entry in chunk if isinstance(entry, Document)))
            states = self.index.claim_many(ids, self.scanner, self.settings.claim_idle_s)
            self._claimed.update(zip(ids, states, strict=True))
            for entry in chunk:
                if isinstance(entry, Document) and self._claimed[entry.id][0] != "ours":
                    yield cast(E, replace(entry, text=""))  # skipped by `get`: nothing to sketch
                else:
                    yield entry

    def get(self, item_id: str) -> IndexRecord | None:
        """Claim the item: None when it is this scanner's to read, else a placeholder to skip it."""
        claimed = self._claimed.pop(item_id, None)
        if claimed is None:
            claimed = self.index.claim(item_id, self.scanner, self.settings.claim_idle_s)
        state, number = claimed
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
            self._sent += len(self._batch)
            self._batch = []

    def take_sent(self) -> int:
        """Tell how many records went out since the last call."""
        sent, self._sent = self._sent, 0
        return sent

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
        ready: list[tuple[QueueEntry, IndexRecord | None]] = []
        for entry, record in zip(entries, records, strict=True):
            if not is_all_ready and not self._is_ready(entry.number, may_wait):
                break
            ready.append((entry, record))
        present = [(entry.number, record) for entry, record in ready if record is not None]
        take = _Take(self.index, present)
        views = iter(_Before(take, position) for position in range(len(present)))
        judged = [
            (entry, () if record is None else tuple(self.judge(record, next(views))))
            for entry, record in ready
        ]
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
