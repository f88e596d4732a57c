"""shortlist in a crowded index: keys over max_key_items neither hide a source nor lower its key share."""

from __future__ import annotations

import math
import struct
from pathlib import Path

import pytest

from dedup.index.base import IndexRecord, SignatureSettings
from dedup.index.keys import min_shared_of_kept
from dedup.index.sqlite_store import SqliteStore
from dedup.scanning.candidates import Sketch, sketch_cosine
from dedup.scanning.shortlist import shortlist
from dedup.settings import ScanOptions

# Keys held by more than 3 items are skipped by candidate search: the index is "crowded".
OPTIONS = ScanOptions(max_key_items=3)
COMMON = tuple(f"t:common{number}" for number in range(6))


def _vector(weights: dict[int, float]) -> bytes:
    """Pack term weights as sketch_text does: crc32-like terms ascending, then unit float16 weights."""
    norm = math.sqrt(sum(weight * weight for weight in weights.values()))
    terms = sorted(weights)
    return struct.pack(f"<{len(terms)}I", *terms) + struct.pack(
        f"<{len(terms)}e", *(weights[term] / norm for term in terms)
    )


def _record(name: str, terms: tuple[str, ...], vector: bytes) -> IndexRecord:
    return IndexRecord(name, name, "text", None, None, None, (f"h:{name}", *terms), vector)


def _crowded_index(path: Path, source_vector: bytes) -> SqliteStore:
    """An index holding a source and four fillers that share its six common keys (held by 5 > 3)."""
    store = SqliteStore(path, SignatureSettings.current())
    store.add(_record("source", (*COMMON, "t:rare0", "t:rare1", "t:rare2", "t:rare3"), source_vector))
    for number in range(4):
        store.add(_record(f"filler{number}", (*COMMON, f"t:filler{number}"), _vector({100 + number: 1.0})))
    return store


def test_a_partial_reuse_sharing_mostly_crowded_keys_keeps_its_key_share(tmp_path: Path) -> None:
    # A few sentences taken with most of their names: a loose sketch (cosine 0.30) and 9 of 10 keys
    # shared, six of them too common to be looked up. Counted over the keys looked up, the share
    # would be 3 of 10, under high_key_share; counted over all keys it is 9 of 10.
    source_vector = _vector({1: 0.3, 3: math.sqrt(1 - 0.09)})
    derivative = Sketch(
        "derivative", ("h:derivative", *COMMON, "t:rare0", "t:rare1", "t:rare2", "t:own"), _vector({1: 1.0})
    )
    assert 0.25 < sketch_cosine(derivative.vector, source_vector) < 0.35
    with _crowded_index(tmp_path / "index.sqlite", source_vector) as store:
        listed = store.candidates(derivative.keys, 8, OPTIONS.max_key_items)
        assert ("source", 3) in listed
        assert [record.id for record in shortlist(derivative, store, OPTIONS)] == ["source"]


def test_a_source_sharing_few_uncrowded_keys_is_still_listed(tmp_path: Path) -> None:
    # A close sketch sharing 8 of 10 keys, but only 2 of the 4 keys under the bound: 3 shared keys
    # (min_shared_keys) of all 11 keys are about 2 of the 5 looked up.
    source_vector = _vector({1: 1.0, 3: 0.2})
    derivative = Sketch(
        "derivative",
        ("h:derivative", *COMMON, "t:rare0", "t:rare1", "t:own0", "t:own1"),
        _vector({1: 1.0, 2: 0.1}),
    )
    assert sketch_cosine(derivative.vector, source_vector) >= OPTIONS.candidates.sure_cosine
    with _crowded_index(tmp_path / "index.sqlite", source_vector) as store:
        assert store.candidates(derivative.keys, 8, OPTIONS.max_key_items) == [("source", 2)]
        assert [record.id for record in shortlist(derivative, store, OPTIONS)] == ["source"]


@pytest.mark.parametrize(
    ("min_shared", "kept", "keys", "expected"),
    [
        (3, 10, 10, 3),
        (3, 11, 10, 3),
        (3, 5, 11, 2),
        (4, 5, 6, 4),
        (3, 3, 49, 2),
        (3, 0, 49, 2),
        (1, 1, 40, 1),
        (0, 5, 10, 0),
    ],
)
def test_min_shared_scales_with_the_keys_kept(min_shared: int, kept: int, keys: int, expected: int) -> None:
    assert min_shared_of_kept(min_shared, kept, keys) == expected
