"""PostingsMirror: a SQLite index's postings held in memory, so candidate search runs no SQL."""

from __future__ import annotations

import heapq
import sys
from array import array
from collections.abc import Iterable

import numpy as np


class PostingsMirror:
    """Item numbers per hashed key and item ids per number, as committed to one SQLite index.

    The store feeds it what it commits and what other connections committed (by item number:
    numbers only grow, so everything above `last_seq` is new). Looking a key up here costs a dict
    probe where SQLite costs a B-tree descent and a row per posting, which was most of a scan.

    Items numbered above `flushed_through` have no rows in the postings tables yet: the store
    writes those in bulk every few thousand items (write-behind), and until then they wait in
    `pending`. A kill loses nothing: the keys are in each item's body too.
    """

    def __init__(self, data_version: int, flushed_through: int) -> None:
        self.data_version = data_version  # PRAGMA data_version when last brought up to date
        self.flushed_through = flushed_through
        self.last_seq = flushed_through
        self.pending: list[tuple[int, tuple[int, ...]]] = []
        # Item numbers as 64-bit arrays: a lookup joins them into one numpy array to count.
        self._items_by_key: dict[int, array[int]] = {}
        self._ids: dict[int, str] = {}

    def add_item(self, seq: int, item_id: str, hashed_keys: Iterable[int]) -> None:
        """Record one committed item and its (distinct) hashed keys."""
        keys = tuple(hashed_keys)
        self._ids[seq] = item_id
        for key in keys:
            self._add_posting(key, seq)
        self.last_seq = max(self.last_seq, seq)
        if seq > self.flushed_through:
            self.pending.append((seq, keys))

    def add_postings(self, postings: Iterable[tuple[int, int]], ids: Iterable[tuple[int, str]]) -> None:
        """Record (key, seq) postings and (seq, id) pairs of items already in the postings tables."""
        for key, seq in postings:
            self._add_posting(key, seq)
        for seq, item_id in ids:
            self._ids[seq] = item_id

    def _add_posting(self, key: int, seq: int) -> None:
        items = self._items_by_key.get(key)
        if items is None:
            self._items_by_key[key] = array("q", (seq,))
        else:
            items.append(seq)

    def unflushed(self, flushed_through: int) -> list[tuple[int, tuple[int, ...]]]:
        """Return the pending items numbered above `flushed_through` (another writer wrote the rest)."""
        return [(seq, keys) for seq, keys in self.pending if seq > flushed_through]

    def mark_flushed(self, through: int) -> None:
        """Forget the pending items numbered up to `through`: their postings are committed."""
        if through <= self.flushed_through:
            return  # nothing newly written: most batches of a scan
        self.flushed_through = through
        self.pending = [(seq, keys) for seq, keys in self.pending if seq > through]

    def rank(
        self, hashed_keys: set[int], limit: int, min_shared: int, max_key_items: int | None
    ) -> list[tuple[str, int]]:
        """Return up to `limit` (item id, shared keys) pairs sharing `min_shared` keys or more.

        Most shared first, ties by id; keys held by more than `max_key_items` items are skipped.
        """
        bound = sys.maxsize if max_key_items is None else max_key_items
        held = [items for items in map(self._items_by_key.get, hashed_keys) if items and len(items) <= bound]
        if not held:
            return []
        # Counted in numpy: a Counter over the postings costs about twice as much at 100,000 items.
        seqs, counts = np.unique(np.frombuffer(b"".join(held), dtype=np.int64), return_counts=True)
        kept = counts >= min_shared
        ids = self._ids
        ranked = [
            (-count, ids[seq]) for seq, count in zip(seqs[kept].tolist(), counts[kept].tolist(), strict=True)
        ]
        return [(item_id, -negated) for negated, item_id in heapq.nsmallest(limit, ranked)]
