"""shortlist: a store handing out signatures alone shortlists exactly what whole records would."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dedup.index import open_index
from dedup.index.base import IndexRecord, SignatureSettings
from dedup.index.keys import hash_keys, unpack_key_hashes
from dedup.index.sqlite_store import SqliteStore
from dedup.model import Document
from dedup.scanning.candidates import Sketch, sketch_text
from dedup.scanning.flagging import KnownFlags
from dedup.scanning.shortlist import Judging, PendingBatch, _sharing_most_keys, shortlist
from dedup.settings import ScanOptions
from dedup.sources.feeds import read_file

GOOD = Path(__file__).resolve().parents[2] / "fixtures" / "feeds" / "good"


class _RecordsOnly:
    """The read side of a store with only `get` and `candidates`, as a store without signatures."""

    def __init__(self, store: SqliteStore) -> None:
        self.store = store
        self.gets: list[str] = []

    def get(self, item_id: str) -> IndexRecord | None:
        self.gets.append(item_id)
        return self.store.get(item_id)

    def candidates(
        self, keys: Sequence[str], limit: int, max_key_items: int | None = None
    ) -> list[tuple[str, int]]:
        return self.store.candidates(keys, limit, max_key_items)


def test_shortlists_from_signatures_equal_those_from_whole_records(tmp_path: Path) -> None:
    documents = [entry for path in sorted(GOOD.rglob("*")) if path.is_file() for entry in read_file(path)]
    options = ScanOptions()
    with open_index(tmp_path / "index.sqlite") as store:
        assert isinstance(store, SqliteStore)
        plain = _RecordsOnly(store)
        chosen_total = 0
        for document in documents:
            assert isinstance(document, Document)
            sketch = sketch_text(document.text, options.candidates)
            chosen = shortlist(sketch, store, options)
            assert chosen == shortlist(sketch, plain, options)
            chosen_total += len(chosen)
            store.add(
                IndexRecord(
                    document.id,
                    sketch.content_hash,
                    document.text,
                    document.title,
                    document.url,
                    document.published,
                    sketch.keys,
                    sketch.vector,
                )
            )
        assert chosen_total >= 3  # the fixtures' derivatives reach their sources


_KEYS = [f"t:{letter}" for letter in "abcdef"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    held=st.lists(st.lists(st.sampled_from(_KEYS), min_size=1, max_size=4), min_size=1, max_size=12),
    split=st.integers(0, 12),
    query=st.lists(st.sampled_from(_KEYS), min_size=1, max_size=6),
    min_shared=st.integers(1, 3),
    max_key_items=st.integers(1, 8),
)
def test_items_held_in_a_batch_are_found_as_if_they_were_indexed(
    tmp_path_factory: pytest.TempPathFactory,
    held: list[list[str]],
    split: int,
    query: list[str],
    min_shared: int,
    max_key_items: int,
) -> None:
    records = [
        IndexRecord(f"item-{number:02}", f"hash-{number}", "text", None, None, None, tuple(keys), b"")
        for number, keys in enumerate(held)
    ]
    folder = tmp_path_factory.mktemp("batch")
    sketch = Sketch("query", tuple(query), b"")
    limit = len(held)
    with (
        SqliteStore(folder / "split.sqlite", SignatureSettings.current()) as split_index,
        SqliteStore(folder / "whole.sqlite", SignatureSettings.current()) as whole_index,
    ):
        batch = PendingBatch()
        for number, record in enumerate(records):
            whole_index.add(record)
            if number < split:
                split_index.add(record)
            else:
                batch.append(Judging(record, KnownFlags(), 0))
        found = _sharing_most_keys(sketch, split_index, batch, min_shared, limit, max_key_items)
        hashed = unpack_key_hashes(hash_keys(query)).tolist()
        whole, _ = whole_index.candidates_within(hashed, [0] * len(hashed), limit, min_shared, max_key_items)
    # However the items are split between the index and a batch, the same items share the same keys.
    named = sorted((held if isinstance(held, str) else held.id, shared) for shared, held in found)
    assert named == sorted(whole)
