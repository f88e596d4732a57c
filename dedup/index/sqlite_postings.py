"""PostingsMirror: a SQLite index's postings held in memory, so candidate search runs no SQL."""

from __future__ import annotations

import heapq
import sys
from array import array
from collections.abc import Collection, Iterable

import numpy as np
import numpy.typing as npt

from dedup.index.keys import unpack_key_hashes


class PostingsMirror:
    """Item numbers per hashed key and item ids per number, as committed to one SQLite index.

    The store feeds it what it commits and what other connections committed (by item number:
    numbers only grow, so everything above `last_seq` is new). Each item row carries its hashed
    keys, so the postings live only here: a lookup costs a dict probe, where a postings table
    cost a B-tree descent and a row per posting to search, and most of a scan's writes to keep.
    """

    def __init__(self, data_version: int) -> None:
        self.data_version = data_version  # PRAGMA data_version when last brought up to date
        self.last_seq = 0
        # Item numbers as 64-bit arrays: a lookup joins them into one numpy array to count.
        self._items_by_key: dict[int, array[int]] = {}
        self._ids: dict[int, str] = {}

    def add_items(self, items: Iterable[tuple[int, str, bytes]]) -> None:
        """Record many committed items at once: (seq, id, packed hashed keys) in ascending seq."""
        seq_parts: list[npt.NDArray[np.int64]] = []
        key_parts: list[npt.NDArray[np.int64]] = []
        for seq, item_id, packed in items:
            keys = unpack_key_hashes(packed)
            self._ids[seq] = item_id
            key_parts.append(keys)
            seq_parts.append(np.full(len(keys), seq, dtype=np.int64))
            self.last_seq = max(self.last_seq, seq)
        if not key_parts:
            return
        # Grouped in numpy, so Python touches each distinct key once rather than each posting.
        keys, seqs = np.concatenate(key_parts), np.concatenate(seq_parts)
        order = np.argsort(keys, kind="stable")  # stable: each key's items stay in seq order
        keys, seqs = keys[order], seqs[order]
        starts = _run_starts(keys)
        for key, group in zip(keys[starts].tolist(), np.split(seqs, starts[1:]), strict=True):
            held = self._items_by_key.get(key)
            if held is None:
                self._items_by_key[key] = array("q", group.tobytes())
            else:
                held.frombytes(group.tobytes())

    def holders(self, hashed_keys: Iterable[int]) -> list[int]:
        """Return how many items hold each of `hashed_keys`."""
        held = self._items_by_key.get
        return [len(held(key) or ()) for key in hashed_keys]

    def rank(
        self, hashed_keys: Collection[int], limit: int, min_shared: int, max_key_items: int | None
    ) -> list[tuple[str, int]]:
        """Return up to `limit` (item id, shared keys) pairs sharing `min_shared` keys or more.

        `hashed_keys` must be distinct.
        Most shared first, ties by id; keys held by more than `max_key_items` items are skipped.
        """
        bound = sys.maxsize if max_key_items is None else max_key_items
        held = [items for items in map(self._items_by_key.get, hashed_keys) if items and len(items) <= bound]
        if len(held) < min_shared:
            return []  # no item can share more keys than are held at all
        # Counted in numpy, runs of a sorted array: a Counter costs about twice as much at 100,000
        # items, and np.unique's own overhead is a third of a lookup.
        postings = np.sort(np.frombuffer(b"".join(held), dtype=np.int64))
        starts = _run_starts(postings)
        seqs, counts = postings[starts], np.diff(np.append(starts, len(postings)))
        kept = counts >= min_shared
        if np.count_nonzero(kept) > limit > 0:
            # Only items with at least the limit-th best count can make the cut (ties broken by
            # id below), so Python sees a handful of items instead of every one sharing a key.
            kept &= counts >= -np.partition(-counts[kept], limit - 1)[limit - 1]
        ids = self._ids
        ranked = [
            (-count, ids[seq]) for seq, count in zip(seqs[kept].tolist(), counts[kept].tolist(), strict=True)
        ]
        return [(item_id, -negated) for negated, item_id in heapq.nsmallest(limit, ranked)]


def _run_starts(ordered: npt.NDArray[np.int64]) -> npt.NDArray[np.intp]:
    """Return where each run of equal values starts in a sorted, non-empty array."""
    return np.concatenate(([0], np.flatnonzero(ordered[1:] != ordered[:-1]) + 1))
