"""shortlist: a store handing out signatures alone shortlists exactly what whole records would."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from dedup.candidates import sketch_text
from dedup.feeds import read_file
from dedup.index import open_index
from dedup.index.base import IndexRecord
from dedup.index.sqlite_store import SqliteStore
from dedup.judge import shortlist
from dedup.model import Document
from dedup.scan import ScanOptions

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
