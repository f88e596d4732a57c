"""Making segments: from rows or an in-memory buffer at once, or by merging segments a chunk at a time.

A merge runs as a generator: each step writes the postings of the next few keys, so a scan can
interleave it with its commits instead of stalling on one long merge, and memory holds one chunk
of postings (plus the merged key list) however large the segments are.
"""

from __future__ import annotations

from collections.abc import Generator, Sequence
from typing import BinaryIO

import numpy as np

from dedup.index.sqlite_segments import Int64s, Segment, finish, header, pad_seqs, write_segment, write_seqs


def group_postings(keys: Int64s, seqs: Int64s) -> tuple[Int64s, Int64s, Int64s]:
    """Return (distinct keys, their ends, seqs grouped by key) from parallel arrays in seq order."""
    order = np.argsort(keys, kind="stable")  # stable: each key's items stay in seq order
    keys, seqs = keys[order], seqs[order]
    if not len(keys):
        return keys, keys, seqs
    starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
    ends = np.append(starts[1:], len(keys)).astype(np.int64)
    return keys[starts], ends, seqs


def write_grouped(file: BinaryIO, first_seq: int, last_seq: int, keys: Int64s, seqs: Int64s) -> None:
    """Write one segment from parallel (key hash, item number) arrays in item-number order."""
    distinct, ends, grouped = group_postings(keys, seqs)
    write_segment(file, first_seq, last_seq, distinct, ends, grouped)
    finish(file)


def merge(
    inputs: Sequence[Segment], file: BinaryIO, floor: int, chunk_postings: int
) -> Generator[int, None, int]:
    """Write the merge of `inputs` (adjacent, oldest first) to `file`; yield each chunk's postings.

    Returns (as the generator's value) how many postings the merged segment holds.
    Postings of items numbered `floor` or below (expired) are left out. The merged segment spans
    the inputs' numbers: an item's postings still sit in number order within each key, because the
    inputs are taken oldest first and hold ascending, disjoint ranges of numbers.
    """
    first_seq, last_seq = inputs[0].first_seq, inputs[-1].last_seq
    file.write(header(first_seq, last_seq, 0, 0))  # rewritten once the counts are known
    every_key = np.unique(np.concatenate([segment.keys for segment in inputs]))
    totals = np.zeros(len(every_key), dtype=np.int64)
    for segment in inputs:
        totals[np.searchsorted(every_key, segment.keys)] += _counts(segment.ends, 0)
    cuts = np.searchsorted(np.cumsum(totals), np.arange(chunk_postings, int(totals.sum()), chunk_postings))
    bounds = np.unique(np.concatenate(([0], cuts + 1, [len(every_key)])))
    written = 0
    key_parts: list[Int64s] = []
    end_parts: list[Int64s] = []
    for low, high in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
        keys, counts, seqs = _merge_chunk(inputs, every_key[low:high], first_seq, floor)
        write_seqs(file, seqs, 0)
        key_parts.append(keys)
        end_parts.append(written + np.cumsum(counts))
        written += len(seqs)
        yield len(seqs)
    keys = np.concatenate(key_parts) if key_parts else np.zeros(0, dtype=np.int64)
    ends = np.concatenate(end_parts) if end_parts else np.zeros(0, dtype=np.int64)
    pad_seqs(file, written)
    file.write(keys.astype("<i8").tobytes())
    file.write(ends.astype("<i8").tobytes())
    file.seek(0)
    file.write(header(first_seq, last_seq, len(keys), written))
    finish(file)
    return written


def _counts(ends: Int64s, start: int) -> Int64s:
    return np.diff(ends, prepend=np.int64(start))


def _merge_chunk(
    inputs: Sequence[Segment], keys: Int64s, first_seq: int, floor: int
) -> tuple[Int64s, Int64s, Int64s]:
    """Merge the postings of `keys` (ascending, each held by some input): (keys, counts, seqs - first).

    Each input's postings of these keys are one run of its seqs array, in key order; every
    posting's place in the output is its place in that run shifted by where its key starts in the
    output and by the postings older inputs put under the same key.
    """
    size = len(keys)
    runs: list[tuple[Int64s, Int64s, Int64s]] = []  # per input: key positions, counts, seqs
    totals = np.zeros(size, dtype=np.int64)
    for segment in inputs:
        low = int(np.searchsorted(segment.keys, keys[0], side="left"))
        high = int(np.searchsorted(segment.keys, keys[-1], side="right"))
        if low == high:
            continue
        start = int(segment.ends[low - 1]) if low else 0
        counts = _counts(segment.ends[low:high], start)
        at = np.searchsorted(keys, segment.keys[low:high])
        seqs = segment.seqs[start : int(segment.ends[high - 1])].astype(np.int64)
        runs.append((at, counts, seqs + (segment.first_seq - first_seq)))
        totals[at] += counts
    out_starts = np.cumsum(totals) - totals
    merged = np.empty(int(totals.sum()), dtype=np.int64)
    older = np.zeros(size, dtype=np.int64)  # postings of older inputs under each key so far
    for at, counts, seqs in runs:
        run_starts = np.cumsum(counts) - counts
        shift = np.repeat(out_starts[at] + older[at] - run_starts, counts)
        merged[np.arange(len(seqs)) + shift] = seqs
        older[at] += counts
    if floor >= first_seq:
        live = merged > floor - first_seq
        if not live.all():
            owners = np.repeat(np.arange(size), totals)
            totals = np.bincount(owners[live], minlength=size).astype(np.int64)
            merged = merged[live]
    kept = totals > 0
    return keys[kept], totals[kept], merged
