"""SqliteStore specifics: one real file, WAL, refusing foreign or damaged files without touching them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from dedup.errors import IndexCorruptError, IndexSettingsError, IndexStoreError, IndexUnavailableError
from dedup.index import open_index
from dedup.index.base import SCHEMA_VERSION, IndexRecord, SignatureSettings
from dedup.index.sqlite_store import SqliteStore


def _record(item_id: str) -> IndexRecord:
    return IndexRecord(item_id, "hash", "some text", None, None, None, ("t:x",), b"sig")


def _snapshot(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), path.stat().st_mtime_ns


def test_open_index_makes_a_sqlite_file_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite"
    with open_index(path) as store:
        assert isinstance(store, SqliteStore)
        store.add(_record("a"))
    assert path.read_bytes().startswith(b"SQLite format 3\x00")
    connection = sqlite3.connect(path)
    try:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        meta = dict(connection.execute("SELECT name, value FROM meta").fetchall())
        assert meta["schema_version"] == str(SCHEMA_VERSION)
        assert meta["candidate_scheme"] == SignatureSettings.current().candidate_scheme
    finally:
        connection.close()


def test_an_index_holding_the_old_minhash_settings_still_opens(tmp_path: Path) -> None:
    # Releases up to 0.1 stored MinHash parameters beside the schemes; indexes never held MinHash
    # signatures, so those rows are left as they are and no longer checked.
    path = tmp_path / "index.sqlite"
    with open_index(path) as store:
        store.add(_record("a"))
    connection = sqlite3.connect(path)
    with connection:
        connection.executemany(
            "INSERT INTO meta (name, value) VALUES (?, ?)",
            [
                ("hash_scheme", "crc32-shingle+datasketch-affine32"),
                ("num_perm", "128"),
                ("shingle_words", "5"),
            ],
        )
    connection.close()
    with open_index(path) as store:
        assert store.get("a") == _record("a")


@pytest.mark.parametrize(
    "content",
    [b"just some notes, not a database\n" * 20, b"SQLite format 3\x00" + b"\xff" * 4000],
    ids=["text-file", "damaged-sqlite"],
)
def test_a_foreign_or_damaged_file_is_refused_and_left_alone(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "index.sqlite"
    path.write_bytes(content)
    before = _snapshot(path)
    with pytest.raises(IndexCorruptError) as caught:
        open_index(path)
    assert str(path) in str(caught.value)
    assert "\n" not in str(caught.value)
    assert _snapshot(path) == before


def test_another_applications_database_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "theirs.sqlite"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE accounts (name TEXT)")
    connection.execute("INSERT INTO accounts VALUES ('precious')")
    connection.commit()
    connection.close()
    before = _snapshot(path)
    with pytest.raises(IndexCorruptError, match="not a dedup index"):
        open_index(path)
    assert _snapshot(path) == before
    assert not (tmp_path / "theirs.sqlite-wal").exists()


def test_a_directory_is_not_an_index(tmp_path: Path) -> None:
    with pytest.raises(IndexCorruptError, match="directory"):
        open_index(tmp_path)


def test_another_schema_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite"
    open_index(path).close()
    connection = sqlite3.connect(path)
    connection.execute("UPDATE meta SET value = '999' WHERE name = 'schema_version'")
    connection.commit()
    connection.close()
    with pytest.raises(IndexSettingsError, match="schema_version"):
        open_index(path)


def test_a_write_locked_index_gives_an_unavailable_error(tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite"
    open_index(path).close()
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        store = SqliteStore(path, SignatureSettings.current(), busy_timeout_s=0.05)
        with pytest.raises(IndexUnavailableError, match="locked"):
            store.add(_record("a"))
        store.close()
    finally:
        blocker.rollback()
        blocker.close()
    with open_index(path) as store:
        assert store.get("a") is None
        assert store.add(_record("a")) is True


def test_a_failed_batch_commits_nothing(tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite"
    with open_index(path) as store:
        assert isinstance(store, SqliteStore)
        # A title sqlite cannot bind fails the second insert, after the first one ran.
        bad = IndexRecord("b", "hash", "text", object(), None, None, ("t:x",), b"sig")  # type: ignore[arg-type]
        with pytest.raises(IndexStoreError, match=str(path)):
            store.add_many([(_record("a"), []), (bad, [])])
        assert store.get("a") is None


def test_signatures_are_those_of_the_indexed_records_and_skip_unknown_ids(tmp_path: Path) -> None:
    with open_index(tmp_path / "index.sqlite") as store:
        assert isinstance(store, SqliteStore)
        store.add(IndexRecord("a", "hash-a", "text a", None, None, None, ("t:x",), b"sig-a"))
        store.add(IndexRecord("b", "hash-b", "text b", None, None, None, ("t:y",), b"sig-b"))
        store.add(
            IndexRecord("c", "hash-c", "text c", None, None, None, ("h:hash-c", "t:x", "t:y"), b"sig-c")
        )
        # Term keys are counted from the key hashes when the content-hash key is among them.
        assert store.signatures(["b", "missing", "a", "c"]) == {
            "a": ("hash-a", b"sig-a", -1),
            "b": ("hash-b", b"sig-b", -1),
            "c": ("hash-c", b"sig-c", 2),
        }
        assert store.signatures([]) == {}
