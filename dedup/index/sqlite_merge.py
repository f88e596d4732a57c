"""Making segments: from rows or an in-memory buffer at once, or by merging segments a chunk at a time.

A merge runs as a generator: each step writes the postings of the next few keys, so a scan can
interleave it with its commits instead of stalling on one long merge, and memory holds one chunk
of postings (plus the merged key list) however large the segments are.
"""

from __future__ import annotations

from collections.abc import Generator, Sequence
from typing import BinaryIO

import numpy as np

from dedup.index.sqlite_segments import (
    Int64s,
    Segment,
    finish,
    header,
    pad_seqs,
    write_keys,
    write_segment,
    write_seqs,
)


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
    written = 0
    key_parts: list[Int64s] = []
    end_parts: list[Int64s] = []
    for low, high in _key_ranges(inputs, chunk_postings):
        slices = [segment.keys[_span(segment.keys, low, high)] for segment in inputs]
        keys = _distinct(np.concatenate(slices))
        if not len(keys):
            continue
        keys, counts, seqs = _merge_chunk(inputs, keys, first_seq, floor)
        write_seqs(file, seqs, 0)
        key_parts.append(keys)
        end_parts.append(written + np.cumsum(counts))
        written += len(seqs)
        yield len(seqs)
    keys = np.concatenate(key_parts) if key_parts else np.zeros(0, dtype=np.int64)
    ends = np.concatenate(end_parts) if end_parts else np.zeros(0, dtype=np.int64)
    pad_seqs(file, written)
    write_keys(file, keys, ends)
    file.seek(0)
    file.write(header(first_seq, last_seq, len(keys), written))
    finish(file)
    return written


def _key_ranges(inputs: Sequence[Segment], chunk_postings: int) -> list[tuple[int | None, int | None]]:
    """Split the key space into ranges [low, high) of about `chunk_postings` postings in all.

    The cuts are keys of the largest input at even steps through its postings; the others,
    smaller, add proportionally less to each range. None is an open end.
    """
    largest = max(inputs, key=lambda segment: segment.postings)
    pieces = max(1, sum(segment.postings for segment in inputs) // max(1, chunk_postings))
    if pieces == 1 or not len(largest.keys):
        return [(None, None)]
    steps = np.linspace(0, largest.postings, pieces + 1)[1:-1]
    at = np.minimum(largest.bounds.searchsorted(steps), len(largest.keys) - 1)
    cuts: list[int | None] = [int(key) for key in _distinct(largest.keys.take(at))]
    return list(zip([None, *cuts], [*cuts, None], strict=True))


def _distinct(keys: Int64s) -> Int64s:
    """Return the distinct values of a concatenation of sorted runs, ascending."""
    keys.sort(kind="stable")  # timsort: merges the runs rather than sorting afresh
    return keys[np.concatenate(([True], keys[1:] != keys[:-1]))] if len(keys) else keys


def _span(keys: Int64s, low: int | None, high: int | None) -> slice:
    """Return the slice of the sorted `keys` that lies in [low, high)."""
    start = 0 if low is None else int(keys.searchsorted(low))
    stop = len(keys) if high is None else int(keys.searchsorted(high))
    return slice(start, stop)


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
        bounds = segment.bounds[low : high + 1]
        counts = np.diff(bounds)
        at = np.searchsorted(keys, segment.keys[low:high])
        seqs = segment.seqs[int(bounds[0]) : int(bounds[-1])].astype(np.int64)
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
