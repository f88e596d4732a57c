"""SqliteStore's postings (segments and buffer) answer as its item rows say, in step with every writer."""

from __future__ import annotations

import sqlite3
import struct
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dedup.errors import IndexCorruptError, IndexStoreError
from dedup.index.base import IndexRecord, SignatureSettings
from dedup.index.keys import key_hash
from dedup.index.sqlite_codec import pack_body
from dedup.index.sqlite_store import SqliteStore
from dedup.settings import SqliteIndexSettings

# A buffer of a few items and merges a few postings a step: every path through segments is taken.
SMALL = SqliteIndexSettings(buffer_items=4, merge_chunk_postings=3)


def _open(path: Path) -> SqliteStore:
    return SqliteStore(path, SignatureSettings.current(), settings=SMALL)


def _record(item_id: str, keys: tuple[str, ...]) -> IndexRecord:
    return IndexRecord(item_id, f"hash-{item_id}", "text", None, None, None, keys, b"sig")


def _expected(
    records: dict[str, tuple[str, ...]],
    keys: list[str],
    limit: int,
    min_shared: int = 1,
    max_key_items: int | None = None,
) -> list[tuple[str, int]]:
    """The IndexStore contract worked out on the records themselves."""
    holders = Counter(key for item_keys in records.values() for key in set(item_keys))
    kept = {key for key in keys if max_key_items is None or holders[key] <= max_key_items}
    shared = [(item_id, len(kept & set(item_keys))) for item_id, item_keys in records.items()]
    ranked = sorted((pair for pair in shared if pair[1] >= max(1, min_shared)), key=lambda p: (-p[1], p[0]))
    return ranked[: max(0, limit)]


def _from_rows(
    path: Path, keys: list[str], limit: int, min_shared: int = 1, max_key_items: int | None = None
) -> list[tuple[str, int]]:
    """What the committed item rows say, read on a connection of its own and inverted in plain Python."""
    connection = sqlite3.connect(path)
    try:
        rows = connection.execute("SELECT id, key_hashes FROM items").fetchall()
    finally:
        connection.close()
    stored = {
        str(item_id): {value for (value,) in struct.iter_unpack("<q", hashed)} for item_id, hashed in rows
    }
    holders = Counter(key for hashes in stored.values() for key in hashes)
    wanted = {key_hash(key) for key in keys}
    kept = {key for key in wanted if max_key_items is None or holders[key] <= max_key_items}
    shared = [(item_id, len(kept & hashes)) for item_id, hashes in stored.items()]
    ranked = sorted((pair for pair in shared if pair[1] >= max(1, min_shared)), key=lambda p: (-p[1], p[0]))
    return ranked[: max(0, limit)]


def test_items_another_connection_commits_are_found(tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite"
    with _open(path) as ours, _open(path) as theirs:
        ours.add(_record("a", ("t:x", "t:y")))
        assert ours.candidates(["t:x", "t:y"], 10) == [("a", 2)]  # the postings are now in memory
        theirs.add(_record("b", ("t:x", "t:y", "t:z")))
        assert ours.candidates(["t:x", "t:y", "t:z"], 10) == [("b", 3), ("a", 2)]
        # Their item lands between two of ours: our next batch must number after it, not over it.
        theirs.add(_record("c", ("t:z",)))
        ours.add_many([(_record("d", ("t:x", "t:z")), []), (_record("e", ("t:q",)), [])])
        expected = [("b", 3), ("a", 2), ("d", 2), ("c", 1)]
        assert ours.candidates(["t:x", "t:y", "t:z"], 10) == expected
        assert theirs.candidates(["t:x", "t:y", "t:z"], 10) == expected
        assert ours.candidates(["t:q"], 10) == [("e", 1)]
    assert _from_rows(path, ["t:x", "t:y", "t:z"], 10) == expected


def test_a_reopened_index_finds_what_it_found_before(tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite"
    keys = ["t:x", "t:y", "t:z", "t:w"]
    with _open(path) as store:
        store.add_many([(_record(f"item-{n}", tuple(keys[: 1 + n % 4])), []) for n in range(12)])
        before = store.candidates(keys, 5)
        sharing = store.candidates_sharing(keys, 5, 3, max_key_items=9)
    with _open(path) as store:
        assert store.candidates(keys, 5) == before == _from_rows(path, keys, 5)
        assert store.candidates_sharing(keys, 5, 3, max_key_items=9) == sharing
    expected = [("item-11", 3), ("item-3", 3), ("item-7", 3)]
    assert sharing == _from_rows(path, keys, 5, min_shared=3, max_key_items=9) == expected


def test_a_failed_batch_is_not_found_by_candidate_search(tmp_path: Path) -> None:
    with _open(tmp_path / "index.sqlite") as store:
        store.add(_record("a", ("t:x",)))
        assert store.candidates(["t:x"], 10) == [("a", 1)]
        bad = IndexRecord("c", "hash", "text", object(), None, None, ("t:x",), b"sig")  # type: ignore[arg-type]
        with pytest.raises(IndexStoreError):
            store.add_many([(_record("b", ("t:x",)), []), (bad, [])])
        assert store.candidates(["t:x"], 10) == [("a", 1)]
        store.add(_record("b", ("t:x",)))
        assert store.candidates(["t:x"], 10) == [("a", 1), ("b", 1)]


_KEYS = [f"t:{letter}" for letter in "abcdefg"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    writes=st.lists(
        st.tuples(st.booleans(), st.lists(st.sampled_from(_KEYS), min_size=1, max_size=5)),
        min_size=1,
        max_size=30,
    ),
    query=st.lists(st.sampled_from(_KEYS), min_size=1, max_size=7),
    limit=st.integers(0, 6),
    min_shared=st.integers(1, 4),
    max_key_items=st.integers(1, 12),
)
def test_two_writers_and_the_rows_always_agree(
    tmp_path_factory: pytest.TempPathFactory,
    writes: list[tuple[bool, list[str]]],
    query: list[str],
    limit: int,
    min_shared: int,
    max_key_items: int,
) -> None:
    path = tmp_path_factory.mktemp("postings") / "index.sqlite"
    records: dict[str, tuple[str, ...]] = {}
    with _open(path) as first, _open(path) as second:
        first.candidates(query, 1)
        second.candidates(query, 1)
        for number, (by_first, keys) in enumerate(writes):
            records[f"item-{number:02}"] = tuple(keys)
            (first if by_first else second).add(_record(f"item-{number:02}", tuple(keys)))
            if number % 3 == 0:
                assert first.candidates(query, limit) == _expected(records, query, limit)
        for store in (first, second):
            assert store.candidates(query, limit) == _expected(records, query, limit)
            assert store.candidates_sharing(query, limit, min_shared, max_key_items) == _expected(
                records, query, limit, min_shared, max_key_items
            )
    assert _from_rows(path, query, limit, min_shared, max_key_items) == _expected(
        records, query, limit, min_shared, max_key_items
    )


_KILLED_WRITER = """
import sys
from pathlib import Path
from dedup.index.base import IndexRecord, SignatureSettings
from dedup.index.sqlite_store import SqliteStore
from dedup.settings import SqliteIndexSettings
from dedup.settings import Settings

store = SqliteStore(Path(sys.argv[1]), SignatureSettings.current())
store.candidates(["t:0"], 1)  # from here on the postings are held in memory too
for number in range(100_000):
    keys = tuple(f"t:{number % modulus}" for modulus in (3, 5, 11))
    store.add(IndexRecord(f"item-{number:05}", f"hash-{number}", "text", None, None, None, keys, b"sig"))
    if number == 40:
        print("writing", flush=True)
"""


def test_a_killed_writer_loses_no_committed_item_to_candidate_search(tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite"
    root = Path(__file__).resolve().parents[2]
    writer = subprocess.Popen(
        [sys.executable, "-c", _KILLED_WRITER, str(path)], stdout=subprocess.PIPE, text=True, cwd=root
    )
    assert writer.stdout is not None
    assert writer.stdout.readline() == "writing\n"
    writer.kill()  # SIGKILL, mid-write
    writer.communicate()
    connection = sqlite3.connect(path)
    try:
        committed = [str(item_id) for (item_id,) in connection.execute("SELECT id FROM items")]
    finally:
        connection.close()
    assert len(committed) > 40
    records = {
        item_id: tuple(f"t:{int(item_id[5:]) % modulus}" for modulus in (3, 5, 11)) for item_id in committed
    }
    query = ["t:1", "t:2", "t:7"]
    with _open(path) as store:
        assert store.candidates(query, 20) == _expected(records, query, 20)
        store.add(_record("late", ("t:1",)))
    records["late"] = ("t:1",)
    with _open(path) as store:
        assert store.candidates(query, 20) == _expected(records, query, 20)
    assert _from_rows(path, query, 20) == _expected(records, query, 20)


# The layout of an index written before item rows carried their key hashes.
_POSTINGS_LAYOUT = """
CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE items (
    seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, content_hash TEXT NOT NULL,
    title TEXT, url TEXT, published TEXT, body BLOB NOT NULL, signature BLOB NOT NULL
);
CREATE INDEX items_content_hash ON items (content_hash);
CREATE TABLE postings (key INTEGER NOT NULL, item INTEGER NOT NULL, PRIMARY KEY (key, item)) WITHOUT ROWID;
CREATE TABLE key_counts (key INTEGER PRIMARY KEY, items INTEGER NOT NULL);
CREATE TABLE flags (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, body TEXT NOT NULL);
CREATE TABLE checkpoints (source TEXT PRIMARY KEY, position TEXT NOT NULL);
"""


def _postings_layout_index(
    path: Path, records: dict[str, tuple[str, ...]], body: bytes | None = None
) -> None:
    connection = sqlite3.connect(path)
    try:
        connection.execute(f"PRAGMA application_id = {0x44445550}")  # "DDUP"
        connection.executescript(_POSTINGS_LAYOUT)
        pairs = (*SignatureSettings.current().as_pairs(), ("postings_through", "0"))
        connection.executemany("INSERT INTO meta VALUES (?, ?)", pairs)
        connection.executemany(
            "INSERT INTO items (id, content_hash, body, signature) VALUES (?, ?, ?, ?)",
            [
                (item_id, f"hash-{item_id}", body or pack_body("text", keys), b"sig")
                for item_id, keys in records.items()
            ],
        )
        connection.commit()
    finally:
        connection.close()


def test_an_index_with_postings_tables_is_upgraded_in_place(tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite"
    records = {"a": ("t:x", "t:y"), "b": ("t:y",), "c": ("t:z",)}
    _postings_layout_index(path, records)
    with _open(path) as store:
        assert store.candidates(["t:x", "t:y"], 10) == [("a", 2), ("b", 1)]
        store.add(_record("d", ("t:x",)))
    connection = sqlite3.connect(path)
    try:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        connection.close()
    assert tables.isdisjoint({"postings", "key_counts"})
    records["d"] = ("t:x",)
    assert _from_rows(path, ["t:x", "t:y"], 10) == _expected(records, ["t:x", "t:y"], 10)


def test_an_upgrade_that_meets_a_damaged_body_leaves_the_file_alone(tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite"
    _postings_layout_index(path, {"a": ("t:x",)}, body=b"not zlib")
    before = path.read_bytes()
    with pytest.raises(IndexCorruptError, match="record 'a' is damaged"):
        _open(path)
    assert path.read_bytes() == before
