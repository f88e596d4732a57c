"""Candidate search over a SQLite index's postings: memory-mapped segments and a buffer of the newest.

Each item row carries its keys as 64-bit hashes; their inversion (key -> item numbers) lives in
segments on disk (dedup.index.sqlite_segments), written once the newest items fill the in-memory
`PostingsBuffer`, and merged as they pile up (dedup.index.sqlite_catalog). `Postings` answers
over both, leaving out expired items (numbered at or below `floor`). Memory holds the buffer and
whatever pages of the segments lookups touch, whatever the size of the index.
"""

from __future__ import annotations

import sys
from array import array
from collections.abc import Collection, Iterable, Sequence

import numpy as np

from dedup.index.keys import unpack_key_hashes
from dedup.index.sqlite_segments import Int64s, Segment


class PostingsBuffer:
    """Item numbers per hashed key of the items numbered above `through`, in memory.

    `through` is the last item number in a segment, or the last expired one if later: the buffer
    never holds an expired item.
    """

    def __init__(self, through: int) -> None:
        self.through = through  # every item numbered up to here is in a segment
        self.last_seq = through
        self.items = 0
        self._by_key: dict[int, array[int]] = {}

    def add_items(self, items: Iterable[tuple[int, bytes]]) -> None:
        """Record committed items, (seq, packed key hashes) in ascending seq above `last_seq`."""
        seq_parts: list[Int64s] = []
        key_parts: list[Int64s] = []
        for seq, packed in items:
            keys = unpack_key_hashes(packed)
            key_parts.append(keys)
            seq_parts.append(np.full(len(keys), seq, dtype=np.int64))
            self.last_seq = max(self.last_seq, seq)
            self.items += 1
        if not key_parts:
            return
        # Grouped in numpy, so Python touches each distinct key once rather than each posting.
        keys, seqs = np.concatenate(key_parts), np.concatenate(seq_parts)
        order = np.argsort(keys, kind="stable")  # stable: each key's items stay in seq order
        keys, seqs = keys[order], seqs[order]
        starts = np.concatenate(([0], np.flatnonzero(keys[1:] != keys[:-1]) + 1))
        for key, group in zip(keys[starts].tolist(), np.split(seqs, starts[1:]), strict=True):
            held = self._by_key.get(key)
            if held is None:
                self._by_key[key] = array("q", group.tobytes())
            else:
                held.frombytes(group.tobytes())

    def holders(self, hashed_keys: Iterable[int]) -> list[int]:
        """Return how many buffered items hold each of `hashed_keys`."""
        held = self._by_key.get
        return [len(held(key) or ()) for key in hashed_keys]

    def postings(self, hashed_keys: Iterable[int]) -> bytes:
        """Return the item numbers under `hashed_keys`, as packed int64s."""
        held = self._by_key.get
        return b"".join(found for found in map(held, hashed_keys) if found)

    def grouped(self) -> tuple[Int64s, Int64s, Int64s]:
        """Return (distinct keys ascending, where each one's postings end, item numbers by key)."""
        keys = sorted(self._by_key)
        ends = np.cumsum([len(self._by_key[key]) for key in keys], dtype=np.int64)
        seqs = np.frombuffer(b"".join(self._by_key[key] for key in keys), dtype=np.int64)
        return np.array(keys, dtype=np.int64), ends, seqs


class Postings:
    """The segments and the buffer of one index, less the items numbered `floor` or below."""

    def __init__(self, segments: Sequence[Segment], buffer: PostingsBuffer, floor: int) -> None:
        self.segments = list(segments)
        self.buffer = buffer
        self.floor = floor

    def holders(self, hashed_keys: Sequence[int]) -> list[int]:
        """Return how many live items hold each of `hashed_keys`."""
        if not hashed_keys:
            return []
        query = np.asarray(hashed_keys, dtype=np.int64)
        order = np.argsort(query)
        counts = np.zeros(len(query), dtype=np.int64)
        for segment in self.segments:
            starts, ends = self._live(segment, query[order])
            counts[order] += ends - starts
        return [
            int(count) + held for count, held in zip(counts, self._buffered_holders(hashed_keys), strict=True)
        ]

    def rank(
        self, hashed_keys: Collection[int], limit: int, min_shared: int, max_key_items: int | None
    ) -> list[tuple[int, list[int]]]:
        """Return the best levels of (shared keys, item numbers) until they hold `limit` items.

        `hashed_keys` must be distinct; keys held by more than `max_key_items` live items are
        skipped, and items sharing fewer than `min_shared` keys. The last level is whole, so
        the caller can break its ties (by item id) and cut to `limit`.
        """
        bound = sys.maxsize if max_key_items is None else max_key_items
        query = np.sort(np.fromiter(hashed_keys, dtype=np.int64, count=len(hashed_keys)))
        ranges = [(segment, *self._live(segment, query)) for segment in self.segments]
        held = np.zeros(len(query), dtype=np.int64)
        for _, starts, ends in ranges:
            held += ends - starts
        held += np.asarray(self._buffered_holders(query.tolist()), dtype=np.int64)
        kept = (held > 0) & (held <= bound)
        if np.count_nonzero(kept) < min_shared:
            return []  # no item can share more keys than are held at all
        parts = [segment.gather(starts[kept], ends[kept]) for segment, starts, ends in ranges]
        parts.append(self._buffered_postings(query[kept]))
        postings = np.sort(np.concatenate(parts))
        if not len(postings):
            return []
        starts = np.concatenate(([0], np.flatnonzero(postings[1:] != postings[:-1]) + 1))
        seqs, counts = postings[starts], np.diff(np.append(starts, len(postings)))
        return _levels(seqs, counts, limit, min_shared)

    def _live(self, segment: Segment, query: Int64s) -> tuple[Int64s, Int64s]:
        starts, ends = segment.locate(query)
        return segment.live_starts(starts, ends, self.floor), ends

    def _buffered_holders(self, hashed_keys: Sequence[int]) -> list[int]:
        # The buffer holds only live items: expiring items past its start rebuilds it.
        return self.buffer.holders(hashed_keys)

    def _buffered_postings(self, query: Int64s) -> Int64s:
        return np.frombuffer(self.buffer.postings(query.tolist()), dtype=np.int64)


def _levels(seqs: Int64s, counts: Int64s, limit: int, min_shared: int) -> list[tuple[int, list[int]]]:
    """Group item numbers by count, best first, until the levels hold `limit` items."""
    kept = counts >= min_shared
    if np.count_nonzero(kept) > limit > 0:
        # Only items with at least the limit-th best count can make the cut.
        kept &= counts >= -np.partition(-counts[kept], limit - 1)[limit - 1]
    seqs, counts = seqs[kept], counts[kept]
    order = np.argsort(-counts, kind="stable")
    levels: list[tuple[int, list[int]]] = []
    for seq, count in zip(seqs[order].tolist(), counts[order].tolist(), strict=True):
        if levels and levels[-1][0] == count:
            levels[-1][1].append(seq)
        else:
            levels.append((count, [seq]))
    return levels
