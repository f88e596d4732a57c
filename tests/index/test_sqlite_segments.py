"""SQLite postings segments: on disk, made again when damaged, upgraded into, and safe to kill -9 at."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from dedup.errors import IndexCorruptError
from dedup.index import open_index
from dedup.index.base import IndexRecord, SignatureSettings
from dedup.index.keys import hash_keys
from dedup.index.sqlite_catalog import folder_of
from dedup.index.sqlite_codec import pack_body
from dedup.index.sqlite_store import SqliteStore
from dedup.settings import SqliteIndexSettings

ROOT = Path(__file__).resolve().parents[2]
SMALL = SqliteIndexSettings(buffer_items=5, merge_chunk_postings=4)
QUERY = ["t:1", "t:2", "t:5", "t:7"]


def _keys(number: int) -> tuple[str, ...]:
    return tuple(f"t:{number % modulus}" for modulus in (3, 5, 11))


def _record(number: int) -> IndexRecord:
    return IndexRecord(f"item-{number:05}", f"hash-{number}", "text", None, None, None, _keys(number), b"sig")


def _open(path: Path) -> SqliteStore:
    return SqliteStore(path, SignatureSettings.current(), settings=SMALL)


def _expected(numbers: list[int], query: list[str], limit: int = 50) -> list[tuple[str, int]]:
    shared = [(f"item-{n:05}", len(set(query) & set(_keys(n)))) for n in numbers]
    return sorted((pair for pair in shared if pair[1]), key=lambda pair: (-pair[1], pair[0]))[:limit]


def _segment_files(path: Path) -> list[str]:
    return sorted(name for name in os.listdir(folder_of(path)) if name.endswith(".seg"))


def test_postings_go_to_segments_and_memory_holds_only_the_newest(tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite"
    with _open(path) as store:
        store.candidates(QUERY, 1)  # postings read: from now on they are kept as items come
        for number in range(60):
            store.add(_record(number))
        assert store.candidates(QUERY, 50) == _expected(list(range(60)), QUERY)
    listed = sqlite3.connect(path).execute("SELECT name, first_seq, last_seq FROM segments").fetchall()
    assert sorted(name for name, _, _ in listed) == _segment_files(path)
    assert max(last for _, _, last in listed) >= 55  # all but the last few items are on disk
    assert len(listed) <= 4  # merged as they pile up: about log2(60 / 5) + 1
    with _open(path) as store:
        assert store.candidates(QUERY, 50) == _expected(list(range(60)), QUERY)


# The layout the release before segments wrote: key hashes in each item row, nothing else.
_PREVIOUS_RELEASE = """
CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE items (
    seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, content_hash TEXT NOT NULL, title TEXT,
    url TEXT, published TEXT, body BLOB NOT NULL, signature BLOB NOT NULL, key_hashes BLOB NOT NULL
);
CREATE INDEX items_content_hash ON items (content_hash);
CREATE TABLE flags (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, body TEXT NOT NULL);
CREATE TABLE checkpoints (source TEXT PRIMARY KEY, position TEXT NOT NULL);
"""


def test_an_index_of_the_previous_release_is_upgraded_in_place(tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite"
    connection = sqlite3.connect(path)
    connection.execute(f"PRAGMA application_id = {0x44445550}")
    connection.executescript(_PREVIOUS_RELEASE)
    connection.executemany("INSERT INTO meta VALUES (?, ?)", SignatureSettings.current().as_pairs())
    connection.executemany(
        "INSERT INTO items (id, content_hash, body, signature, key_hashes) VALUES (?, ?, ?, ?, ?)",
        [
            (f"item-{n:05}", f"hash-{n}", pack_body("text", _keys(n)), b"sig", hash_keys(_keys(n)))
            for n in range(23)
        ],
    )
    connection.execute("INSERT INTO checkpoints VALUES ('file:a', '1')")
    connection.commit()
    connection.close()
    with _open(path) as store:
        assert store.candidates(QUERY, 50) == _expected(list(range(23)), QUERY)
        assert store.last_checkpoint("file:a") == "1"
        assert store.get("item-00004") == _record(4)
        store.add(_record(23))
    tables = {row[0] for row in sqlite3.connect(path).execute("SELECT name FROM sqlite_master")}
    assert {"segments", "added", "items", "flags", "checkpoints"} <= tables
    assert _segment_files(path)  # the old items' postings were written out as segments
    with _open(path) as store:
        assert store.candidates(QUERY, 50) == _expected(list(range(24)), QUERY)


@pytest.mark.parametrize("damage", ["missing", "truncated", "garbled-header", "garbled-keys"])
def test_a_missing_or_damaged_segment_is_made_again_from_the_rows(tmp_path: Path, damage: str) -> None:
    path = tmp_path / "index.sqlite"
    with _open(path) as store:
        store.candidates(QUERY, 1)
        for number in range(40):
            store.add(_record(number))
    victim = folder_of(path) / _segment_files(path)[0]
    data = victim.read_bytes()
    if damage == "missing":
        victim.unlink()
    elif damage == "truncated":
        victim.write_bytes(data[: len(data) // 2])
    elif damage == "garbled-header":
        victim.write_bytes(data[:20] + b"\xff" * 8 + data[28:])
    else:  # the key array, at the end of the file, out of order
        victim.write_bytes(data[:-64] + bytes(reversed(data[-64:])))
    with _open(path) as store:
        assert store.candidates(QUERY, 50) == _expected(list(range(40)), QUERY)
    assert victim.name not in _segment_files(path)
    with _open(path) as store:
        assert store.candidates(QUERY, 50) == _expected(list(range(40)), QUERY)


def test_foreign_files_beside_the_segments_are_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite"
    folder = folder_of(path)
    folder.mkdir()
    notes, lookalike = folder / "notes.txt", folder / "000000000001-000000000002-abcdef12.seg"
    notes.write_text("mine")
    lookalike.write_text("not a segment, though named like one")
    with _open(path) as store:
        store.candidates(QUERY, 1)
        for number in range(40):
            store.add(_record(number))
    assert notes.read_text() == "mine"
    assert lookalike.read_text() == "not a segment, though named like one"


def test_a_file_where_the_segments_belong_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "index.sqlite"
    open_index(path).close()
    folder_of(path).write_text("someone else's")
    with pytest.raises(IndexCorruptError, match="not a folder"):
        open_index(path)
    assert folder_of(path).read_text() == "someone else's"


_WRITER = """
import sys
from pathlib import Path
from dedup.index.base import IndexRecord, SignatureSettings
from dedup.index.sqlite_store import SqliteStore
from dedup.model import DerivationKind, Flag, ItemRef
from dedup.settings import SqliteIndexSettings

settings = SqliteIndexSettings(buffer_items=7, merge_chunk_postings=2)
store = SqliteStore(Path(sys.argv[1]), SignatureSettings.current(), settings=settings)
store.candidates(["t:0"], 1)
print("open", flush=True)
for number in range(int(sys.argv[2])):
    keys = tuple(f"t:{number % modulus}" for modulus in (3, 5, 11))
    record = IndexRecord(f"item-{number:05}", f"hash-{number}", "text", None, None, None, keys, b"sig")
    ref = ItemRef(id=record.id, title=None, url=None, published=None)
    flag = Flag(f"flag-{number}", ref, ref, DerivationKind.COPY, 1.0, "source", ())
    store.add_many([(record, [flag])])
    store.candidates(["t:1", "t:2"], 3)
print("done", flush=True)
"""


def _writer(path: Path, count: int) -> subprocess.Popen[str]:
    command = [sys.executable, "-c", _WRITER, str(path), str(count)]
    return subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=ROOT)


def _wait_for_a_file_in_flight(path: Path, process: subprocess.Popen[str]) -> bool:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if folder_of(path).is_dir() and any(name.endswith(".tmp") for name in os.listdir(folder_of(path))):
            return True
    return False


def test_a_writer_killed_while_writing_segments_resumes_with_nothing_lost_or_doubled(tmp_path: Path) -> None:
    path, count = tmp_path / "index.sqlite", 400
    caught_in_flight = 0
    for _ in range(3):
        writer = _writer(path, count)
        assert writer.stdout is not None and writer.stdout.readline() == "open\n"
        caught_in_flight += _wait_for_a_file_in_flight(path, writer)
        writer.send_signal(signal.SIGKILL)  # mid-merge or mid-flush, whenever a file is in flight
        writer.communicate()
        with _open(path) as store:
            numbers = [int(item_id[5:]) for item_id in _ids(path)]
            assert store.candidates(QUERY, 500) == _expected(numbers, QUERY, 500)
    assert caught_in_flight >= 2
    writer = _writer(path, count)
    assert writer.communicate()[0] == "open\ndone\n"
    ids = _ids(path)
    assert ids == [f"item-{number:05}" for number in range(count)]
    with _open(path) as store:
        assert Counter(flag.id for flag in store.flags()) == Counter(f"flag-{n}" for n in range(count))
        assert store.candidates(QUERY, 500) == _expected(list(range(count)), QUERY, 500)
        for number in range(count, count + 10):  # a flush, which sweeps what the kills left
            store.add(_record(number))
    left = [name for name in os.listdir(folder_of(path)) if name.endswith(".tmp")]
    assert left == []
    assert _segment_files(path) == sorted(
        str(name) for (name,) in sqlite3.connect(path).execute("SELECT name FROM segments")
    )


def _ids(path: Path) -> list[str]:
    connection = sqlite3.connect(path)
    try:
        return [str(item_id) for (item_id,) in connection.execute("SELECT id FROM items ORDER BY seq")]
    finally:
        connection.close()
