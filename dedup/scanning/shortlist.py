"""Sketch -> shortlist -> Comparer: which indexed items to compare a new item with, and its record."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeGuard, cast

import numpy as np
import numpy.typing as npt

from dedup.index.base import IndexRecord, KeyedSignatureLookup, SharedKeySearch, SignatureLookup
from dedup.index.keys import (
    CONTENT_KEY,
    hash_keys,
    key_hash,
    min_shared_of_kept,
    term_key_total,
    unpack_key_hashes,
)
from dedup.index.shared import CandidateView, QueueView
from dedup.model import Document, Flag
from dedup.scanning.candidates import Sketch, is_close, sketch_cosines, term_key_count
from dedup.scanning.flagging import Comparer, PendingFlags
from dedup.settings import CandidateSettings

if TYPE_CHECKING:
    from dedup.settings import ScanOptions


@dataclass(frozen=True, slots=True)
class Judged:
    """A new item after judging: its index record, its flags, and how many items it was compared with."""

    record: IndexRecord
    flags: tuple[Flag, ...]
    compared: int


@dataclass(frozen=True, slots=True)
class Judging:
    """A new item whose shortlist is being compared: its record now, its flags when asked for."""

    record: IndexRecord
    pending_flags: PendingFlags
    compared: int

    def judged(self) -> Judged:
        """Wait for the flags and return the judged item."""
        return Judged(self.record, self.pending_flags.result(), self.compared)


@dataclass(slots=True)
class PendingBatch:
    """Items not yet committed, in the order they came, with their keys inverted so later items find them.

    Keys are held by their 64-bit hashes (dedup.index.keys.hash_keys), as the SQLite index holds
    them, so a lookup can weigh a key by its holders in the index and the batch together.
    """

    entries: list[Judging] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    items_by_key: dict[int, list[int]] = field(default_factory=dict)

    def append(self, judging: Judging) -> None:
        """Hold one item being judged."""
        record = judging.record
        position = len(self.entries)
        self.entries.append(judging)
        self.ids.add(record.id)
        for key in _hashed_keys(record.key_hashes, record.keys):
            self.items_by_key.setdefault(key, []).append(position)

    def holders(self, hashed_keys: Sequence[int]) -> list[int]:
        """Return how many held items hold each of `hashed_keys`."""
        held = self.items_by_key.get
        return [len(held(key) or ()) for key in hashed_keys]

    def matches(
        self, hashed_keys: Iterable[int], min_shared: int, limit: int, max_key_items: int | None = None
    ) -> list[tuple[int, IndexRecord]]:
        """Return (shared keys, record) for the `limit` held items sharing most keys, if `min_shared`.

        `hashed_keys` must be distinct. Keys held by more than `max_key_items` items of the batch
        are ignored, as an index ignores its own.
        """
        shared: dict[int, int] = {}
        held = self.items_by_key.get
        bound = len(self.entries) if max_key_items is None else max_key_items
        for key in hashed_keys:
            positions = held(key) or ()
            if len(positions) > bound:
                continue
            for position in positions:
                shared[position] = shared.get(position, 0) + 1
        found = sorted(((count, pos) for pos, count in shared.items() if count >= min_shared), reverse=True)
        return [(count, self.entries[pos].record) for count, pos in found[:limit]]

    def ready_count(self) -> int:
        """Return how many items, from the first held on, have their flags known."""
        count = 0
        for judging in self.entries:
            if not judging.pending_flags.done():
                break
            count += 1
        return count

    def take(self, count: int) -> list[Judging]:
        """Remove and return the first `count` items held; the others stay, found by `matches`."""
        taken, kept = self.entries[:count], self.entries[count:]
        self.clear()
        for judging in kept:
            self.append(judging)
        return taken

    def clear(self) -> None:
        """Forget every held item."""
        self.entries.clear()
        self.ids.clear()
        self.items_by_key.clear()


def judge_document(
    document: Document,
    sketch: Sketch,
    index: CandidateView,
    batch: PendingBatch,
    options: ScanOptions,
    comparer: Comparer,
) -> Judging:
    """Shortlist a new item, start comparing it with the shortlist, and make its index record."""
    chosen = shortlist(sketch, index, options, batch)
    pending_flags = comparer.submit(document, sketch.content_hash, chosen)
    record = IndexRecord(
        id=document.id,
        content_hash=sketch.content_hash,
        text=document.text,
        title=document.title,
        url=document.url,
        published=document.published,
        keys=sketch.keys,
        signature=sketch.vector,
        packed_body=sketch.packed_body,
        key_hashes=sketch.key_hashes,
    )
    return Judging(record, pending_flags, len(chosen))


def shortlist(
    sketch: Sketch, index: CandidateView, options: ScanOptions, batch: PendingBatch | None = None
) -> list[IndexRecord]:
    """Indexed (or batched) items worth a full compare: enough shared keys, then a close sketch.

    None for an item a shared scan queues: it is judged when it comes off the queue.
    """
    if _type_has(type(index), QueueView):
        return []
    stage = options.candidates
    floor = min(stage.min_shared_keys, len(sketch.keys))
    # The `limit` items sharing most keys, from the index and the batch, are the only ones fetched.
    sharing = _sharing_most_keys(sketch, index, batch, floor, stage.limit, options.max_key_items)
    found: list[tuple[int, str, IndexRecord | None]] = [
        (shared, held, None) if isinstance(held, str) else (shared, held.id, held) for shared, held in sharing
    ]
    found.sort(key=lambda entry: (-entry[0], entry[1]))
    top = found[: stage.limit]
    records: dict[str, IndexRecord | None] = {}
    signatures = _signatures(index, [item_id for _, item_id, in_batch in top if in_batch is None], records)

    def record_of(item_id: str) -> IndexRecord | None:
        # Texts are read only for the candidates that need more than a signature.
        if item_id not in records:
            records[item_id] = index.get(item_id)
        return records[item_id]

    # (id, content hash, signature, key hashes or None) of each candidate still indexed.
    matches: list[tuple[str, str, bytes, bytes | None]] = []
    for _, item_id, in_batch in top:
        if in_batch is not None:
            records[item_id] = in_batch
            matches.append((item_id, in_batch.content_hash, in_batch.signature, in_batch.key_hashes))
        elif item_id in signatures:
            matches.append((item_id, *signatures[item_id]))
    # An exact copy outranks everything; the rest are ranked by sketch cosine.
    scored = [(2.0, item_id) for item_id, digest, _, _ in matches if digest == sketch.content_hash]
    sketched = [match for match in matches if match[1] != sketch.content_hash]
    cosines = sketch_cosines(sketch.vector, [vector for _, _, vector, _ in sketched])
    overlap = _KeyOverlap(sketch, record_of)
    for (item_id, digest, _, key_hashes), similarity in zip(sketched, cosines, strict=True):
        if _is_close(similarity, overlap, item_id, digest, key_hashes, stage):
            scored.append((similarity, item_id))
    scored.sort(key=lambda pair: (-pair[0], pair[1]))
    chosen = (record_of(item_id) for _, item_id in scored[: options.max_compares])
    return [record for record in chosen if record is not None]


def _is_close(
    similarity: float,
    overlap: _KeyOverlap,
    item_id: str,
    digest: str,
    key_hashes: bytes | None,
    stage: CandidateSettings,
) -> bool:
    """Tell `is_close`'s answer; keys are counted only for a sketch neither close nor far enough."""
    if similarity >= stage.sure_cosine:
        return True
    if similarity < min(stage.min_cosine, stage.floor_cosine):
        return False
    counted = overlap.count(item_id, digest, key_hashes)
    if counted is None:
        return False
    shared, terms = counted
    return is_close(similarity, shared, overlap.key_count, terms, stage)


class _KeyOverlap:
    """Count the keys a candidate shares with the new item, from the candidate's own keys.

    Candidate search skips the keys held by more than `max_key_items` items, and more of an
    item's keys pass that bound as the index grows; counting shared keys among those looked up
    would make the key share of one pair fall with the index size. Counted here over all the keys
    of both items, the share is the one `CandidateSettings` was fitted on, at any size.
    """

    def __init__(self, sketch: Sketch, record_of: Callable[[str], IndexRecord | None]) -> None:
        self.key_count = term_key_count(sketch.keys)
        self._query = _key_hash_array(sketch.key_hashes, sketch.keys)
        self._record_of = record_of

    def count(self, item_id: str, digest: str, key_hashes: bytes | None) -> tuple[int, int] | None:
        """Return (keys shared, candidate's term keys), or None when the candidate is gone.

        `key_hashes` (dedup.index.keys.hash_keys of the candidate's keys) spare reading its record
        when they hold its content-hash key: then all the others are term keys.
        """
        if key_hashes is not None:
            held = unpack_key_hashes(key_hashes)
            if key_hash(CONTENT_KEY + digest) in held:
                return self._shared(held), len(held) - 1
        record = self._record_of(item_id)
        if record is None:
            return None
        return self._shared(_key_hash_array(record.key_hashes, record.keys)), term_key_total(record.keys)

    def _shared(self, held: npt.NDArray[np.int64]) -> int:
        # Both sides are hash_keys output: distinct. The new item's content-hash key is never
        # shared here, as exact copies were taken before the sketch check.
        return int(np.intersect1d(self._query, held, assume_unique=True).size)


def _signatures(
    index: CandidateView, item_ids: list[str], records: dict[str, IndexRecord | None]
) -> dict[str, tuple[str, bytes, bytes | None]]:
    """Return (content hash, signature, key hashes or None) by id; from whole records (kept) if need be."""
    if not item_ids:
        return {}
    if _type_has(type(index), KeyedSignatureLookup):
        return dict(cast(KeyedSignatureLookup, index).keyed_signatures(item_ids))
    if _type_has(type(index), SignatureLookup):
        found = cast(SignatureLookup, index).signatures(item_ids)
        return {item_id: (digest, signature, None) for item_id, (digest, signature, _) in found.items()}
    signatures: dict[str, tuple[str, bytes, bytes | None]] = {}
    for item_id in item_ids:
        record = records[item_id] = index.get(item_id)
        if record is not None:
            signatures[item_id] = (record.content_hash, record.signature, record.key_hashes)
    return signatures


def _sharing_most_keys(
    sketch: Sketch,
    index: CandidateView,
    batch: PendingBatch | None,
    min_shared: int,
    limit: int,
    max_key_items: int | None,
) -> list[tuple[int, str | IndexRecord]]:
    """Return (shared keys, indexed item id or batched record) for up to `limit` items of each.

    A store that counts holders (SqliteStore) lets a key's holders in the index and the batch be
    added up, so a key too common to point anywhere is dropped on both sides alike, and the
    items found are those of one index holding both: whichever items a batch still holds (its
    commits wait for compares to finish) changes nothing; and `min_shared` is scaled to the keys
    kept (dedup.index.keys.min_shared_of_kept). Other stores bound each side alone.
    """
    if _searches_by_share(index):
        hashed = _hashed_keys(sketch.key_hashes, sketch.keys)
        in_batch = batch.holders(hashed) if batch is not None else [0] * len(hashed)
        sharing, kept = index.candidates_within(hashed, in_batch, limit, min_shared, max_key_items)
        min_shared = min_shared_of_kept(min_shared, len(kept), len(hashed))
        hashed = kept
        found: list[tuple[int, str | IndexRecord]] = [(shared, item_id) for item_id, shared in sharing]
        bound = None
    else:
        found = [
            (shared, item_id)
            for item_id, shared in index.candidates(sketch.keys, limit, max_key_items)
            if shared >= min_shared
        ]
        bound = max_key_items
        if batch is None:
            return found
        hashed = _hashed_keys(sketch.key_hashes, sketch.keys)
    if batch is not None:
        found.extend(batch.matches(hashed, min_shared, limit, bound))
    return found


def _key_hash_array(key_hashes: bytes | None, keys: tuple[str, ...]) -> npt.NDArray[np.int64]:
    return unpack_key_hashes(key_hashes if key_hashes is not None else hash_keys(keys))


def _hashed_keys(key_hashes: bytes | None, keys: tuple[str, ...]) -> list[int]:
    packed = key_hashes if key_hashes is not None else hash_keys(keys)
    hashed: list[int] = unpack_key_hashes(packed).tolist()
    return hashed


def _searches_by_share(index: CandidateView) -> TypeGuard[SharedKeySearch]:
    return _type_has(type(index), SharedKeySearch)


@functools.cache
def _type_has(kind: type, capability: type) -> bool:
    # isinstance against a runtime Protocol inspects every member on every call; a type's answer
    # does not change.
    return issubclass(kind, capability)
