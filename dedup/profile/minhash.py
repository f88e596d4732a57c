"""Word shingles and MinHash signatures (datasketch); Jaccard estimates between signatures."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from functools import cache

import numpy as np
import numpy.typing as npt
from datasketch import MinHash

# datasketch's default hashes bytes with sha1; we hash shingles ourselves with crc32 (32-bit, stable
# across processes, unlike hash()) and hand datasketch the integers with an identity hashfunc.
MINHASH_SCHEME = "affine32"
HASH_SCHEME = f"crc32-shingle+datasketch-{MINHASH_SCHEME}"


def shingle_hashes(norms: Sequence[str], size: int, starts: Sequence[int] | None = None) -> frozenset[int]:
    """Hash every run of `size` consecutive tokens (the whole text when it is shorter).

    With `starts`, only the runs beginning at those token positions are hashed.
    """
    if not norms:
        return frozenset()
    if len(norms) < size:
        return frozenset({zlib.crc32(" ".join(norms).encode())}) if starts is None else frozenset()
    positions = range(len(norms) - size + 1) if starts is None else starts
    return frozenset(zlib.crc32(" ".join(norms[index : index + size]).encode()) for index in positions)


@cache
def _permutations(num_perm: int, seed: int) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64]]:
    # datasketch draws the same permutations for the same (num_perm, seed) in every process.
    template = MinHash(num_perm=num_perm, seed=seed, scheme=MINHASH_SCHEME)
    a, b = template.permutations
    return np.asarray(a, dtype=np.uint64), np.asarray(b, dtype=np.uint64)


def signature(hashes: frozenset[int], num_perm: int, seed: int) -> npt.NDArray[np.uint64]:
    """Return the MinHash signature of a set of 32-bit hashes, with datasketch's permutations."""
    minhash = MinHash(
        num_perm=num_perm,
        seed=seed,
        hashfunc=int,
        permutations=_permutations(num_perm, seed),
        scheme=MINHASH_SCHEME,
    )
    if hashes:
        minhash.update_batch(list(hashes))
    return np.asarray(minhash.hashvalues, dtype=np.uint64)


def estimate_jaccard(first: npt.NDArray[np.uint64], second: npt.NDArray[np.uint64]) -> float:
    """Estimate the Jaccard similarity of two sets from their MinHash signatures."""
    return float(np.count_nonzero(first == second)) / len(first)


def containment(part: frozenset[int], whole: frozenset[int]) -> float:
    """Return the share of `part`'s shingles that occur in `whole`."""
    if not part:
        return 0.0
    return len(part & whole) / len(part)
