"""shortlist: a store handing out signatures alone shortlists exactly what whole records would."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dedup.candidates import sketch_text
from dedup.feeds import read_file
from dedup.index import open_index
from dedup.index.base import IndexRecord, SignatureSettings
from dedup.index.sqlite_store import SqliteStore
from dedup.judge import Judging, PendingBatch, shortlist
from dedup.model import Document
from dedup.scan import ScanOptions
from dedup.settings import Settings

GOOD = Path(__file__).resolve().parent.parent / "fixtures" / "feeds" / "good"


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


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    held=st.lists(st.lists(st.sampled_from(_KEYS), min_size=1, max_size=4), min_size=1, max_size=12),
    query=st.lists(st.sampled_from(_KEYS), min_size=1, max_size=6),
    min_shared=st.integers(1, 3),
    max_key_items=st.integers(1, 8),
)
def test_a_batch_matches_what_an_index_of_the_same_items_finds(
    tmp_path_factory: pytest.TempPathFactory,
    held: list[list[str]],
    query: list[str],
    min_shared: int,
    max_key_items: int,
) -> None:
    batch = PendingBatch()
    path = tmp_path_factory.mktemp("batch") / "index.sqlite"
    with SqliteStore(path, SignatureSettings.from_settings(Settings())) as store:
        for number, keys in enumerate(held):
            record = IndexRecord(
                f"item-{number:02}", f"hash-{number}", "text", None, None, None, tuple(keys), b""
            )
            batch.append(Judging(record, tuple, 0))
            store.add(record)
        indexed = store.candidates_sharing(query, len(held), min_shared, max_key_items)
    # The same items under the same rule for keys too common to point anywhere.
    found = batch.matches(query, min_shared, len(held), max_key_items)
    assert sorted((record.id, shared) for shared, record in found) == sorted(indexed)
