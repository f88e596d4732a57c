"""Ranking a Redis index's candidates in the scanner: buckets come back packed, numpy counts them.

Redis hands out the record numbers of each key's bucket (dedup.index.redis_scripts.BUCKETS); the
scanner counts how many keys each record shares, keeps the best levels, and reads the heads of
those records (the first bytes, dedup.index.redis_codec) to break ties by id. Counting
in Lua cost Redis about 0.6 ms of CPU per item, more than everything else a scan asks of it.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt


def shared_counts(packed: bytes, before: int) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Return (record numbers, keys each shares) from buckets packed together, below `before` only."""
    numbers = np.frombuffer(packed, dtype=">u4").astype(np.int64)
    if before > 0:
        numbers = numbers[numbers < before]
    if not len(numbers):
        return numbers, numbers
    numbers.sort()
    starts = np.flatnonzero(np.concatenate(([True], numbers[1:] != numbers[:-1])))
    return numbers[starts], np.diff(np.append(starts, len(numbers)))


def levels(
    numbers: npt.NDArray[np.int64], counts: npt.NDArray[np.int64], depth: int | None = None
) -> list[tuple[int, list[int]]]:
    """Group record numbers by the keys they share, most first: whole levels, the first `depth`.

    Most of the hundreds of records sharing a key or two never make a shortlist; only the
    levels holding the best `depth` reach Python.
    """
    order = np.argsort(-counts, kind="stable")
    ranked = counts[order]
    if depth is not None and 0 < depth < len(order):
        end = int(np.searchsorted(-ranked, -ranked[depth - 1], side="right"))
        order, ranked = order[:end], ranked[:end]
    grouped: list[tuple[int, list[int]]] = []
    for number, count in zip(numbers[order].tolist(), ranked.tolist(), strict=True):
        if grouped and grouped[-1][0] == count:
            grouped[-1][1].append(number)
        else:
            grouped.append((count, [number]))
    return grouped


def to_fetch(grouped: list[tuple[int, list[int]]], ids: dict[int, str], limit: int) -> list[int]:
    """Return the numbers whose ids `pick` still needs: whole levels until `limit` live ones.

    An empty id marks a record found gone (expired); it does not count.
    """
    needed: list[int] = []
    live = 0
    for _, numbers in grouped:
        if live >= limit:
            break
        for number in numbers:
            found = ids.get(number)
            if found is None:
                needed.append(number)
                live += 1
            elif found:
                live += 1
    return needed


def pick(grouped: list[tuple[int, list[int]]], ids: dict[int, str], limit: int) -> list[tuple[str, int, int]]:
    """Return up to `limit` (id, shared keys, number), most shared first, ties by id.

    Only records whose ids were read count: call once `to_fetch` asks for nothing.
    """
    found: list[tuple[str, int, int]] = []
    for count, numbers in grouped:
        if len(found) >= limit:
            break
        level = sorted((ids[number], count, number) for number in numbers if ids.get(number))
        found.extend(level[: limit - len(found)])
    return found
