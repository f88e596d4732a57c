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
from collections.abc import Iterable, Sequence

import numpy as np

from dedup.index.keys import min_shared_of_kept, unpack_key_hashes
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
        order = query.argsort()
        counts = np.zeros(len(query), dtype=np.int64)
        for starts, ends in self._ranges(query[order]):
            counts[order] += ends - starts
        buffered = self.buffer.holders(hashed_keys)
        return [int(count) + held for count, held in zip(counts.tolist(), buffered, strict=True)]

    def rank(
        self,
        hashed_keys: Sequence[int],
        limit: int,
        min_shared: int,
        max_key_items: int | None,
        also_held: Sequence[int] | None = None,
        is_min_shared_scaled: bool = False,
    ) -> tuple[list[tuple[int, list[int]]], list[int]]:
        """Return the best levels of (shared keys, item numbers) until they hold `limit` items.

        `hashed_keys` must be distinct. A key is skipped when more than `max_key_items` live
        items hold it, counting `also_held[i]` more for key i (items not yet indexed, as a
        scan's pending batch), and so is an item sharing fewer than `min_shared` keys (with
        `is_min_shared_scaled`, fewer than dedup.index.keys.min_shared_of_kept of the keys kept).
        The last level is whole, so the caller can break its ties (by item id) and cut to
        `limit`. Returns the levels and the keys kept.
        """
        bound = sys.maxsize if max_key_items is None else max_key_items
        query = np.asarray(hashed_keys, dtype=np.int64)
        extra = None if also_held is None else np.asarray(also_held, dtype=np.int64)
        if len(query) > 1 and not bool(np.all(query[1:] > query[:-1])):
            order = query.argsort()
            query, extra = query[order], None if extra is None else extra[order]
        ranges = self._ranges(query)
        buffered = self.buffer.holders(query.tolist())
        held = np.asarray(buffered, dtype=np.int64)
        for starts, ends in ranges:
            held += ends - starts
        kept = held <= bound if extra is None else held + extra <= bound
        kept_keys = query[kept].tolist()
        if is_min_shared_scaled:
            min_shared = min_shared_of_kept(min_shared, len(kept_keys), len(query))
        kept &= held > 0
        if np.count_nonzero(kept) < min_shared:
            return [], kept_keys  # no item can share more keys than are held at all
        parts = [
            segment.gather(starts[kept], ends[kept])
            for segment, (starts, ends) in zip(self.segments, ranges, strict=True)
        ]
        parts.append(np.frombuffer(self.buffer.postings(query[kept].tolist()), dtype=np.int64))
        postings = np.concatenate(parts)
        if not len(postings):
            return [], kept_keys
        postings.sort()
        starts = np.flatnonzero(np.concatenate(([True], postings[1:] != postings[:-1])))
        seqs, counts = postings[starts], np.diff(np.append(starts, len(postings)))
        return _levels(seqs, counts, limit, min_shared), kept_keys

    def _ranges(self, query: Int64s) -> list[tuple[Int64s, Int64s]]:
        """Return each segment's (starts, ends) of its live postings under the sorted `query`."""
        ranges = []
        for segment in self.segments:
            starts, ends = segment.locate(query)
            ranges.append((segment.live_starts(starts, ends, self.floor), ends))
        return ranges


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
