"""Index keys as signed 64-bit integers: how stores keyed by integers hold a document's rare terms."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt


def key_hash(key: str) -> int:
    """Return the signed 64-bit blake2b hash of a key: how stores keyed by integers hold it."""
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "little", signed=True)


def hash_keys(keys: Iterable[str]) -> bytes:
    """Return the distinct `key_hash`es of `keys`, ascending, as little-endian int64s."""
    digests = b"".join(hashlib.blake2b(key.encode(), digest_size=8).digest() for key in keys)
    return np.unique(np.frombuffer(digests, dtype="<i8")).astype("<i8").tobytes()


def unpack_key_hashes(packed: bytes) -> npt.NDArray[np.int64]:
    """Return the key hashes `hash_keys` packed (raises ValueError when damaged)."""
    return np.frombuffer(packed, dtype="<i8").astype(np.int64)


_LEAST_SHARED = 2
CONTENT_KEY = "h:"
"""The prefix of the key dedup.scanning.candidates makes of an item's content hash (listed first)."""
TERM_KEY = "t:"
"""The prefix of its term keys (rare words, names, numbers)."""


def min_shared_of_kept(min_shared: int, kept: int, keys: int) -> int:
    """Return how many of a query's `kept` keys (of `keys`) an item must share: `min_shared` in proportion.

    Candidate search skips keys held by too many items, and more of them as an index grows; an
    item sharing `min_shared` of all the keys shares about that proportion of those looked up.
    Rounded up, and never under 2 (or `min_shared` if less): one shared rare key is any story
    naming the same person, and in a crowded index it lists nearly every item (bench_scan at
    200,000 items with `max_key_items` 20: 7.5 candidates an item at 1, 0.13 at 2).
    """
    if kept >= keys:
        return min_shared
    return max(min(min_shared, _LEAST_SHARED), -(-min_shared * kept // keys))


def term_key_total(keys: Sequence[str]) -> int:
    """Return how many of a record's keys are term keys: all but a leading content-hash key."""
    if keys and keys[0].startswith(CONTENT_KEY):
        return len(keys) - 1
    return sum(1 for key in keys if key.startswith(TERM_KEY))
