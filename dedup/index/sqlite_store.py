"""SqliteStore: the embedded IndexStore in one SQLite file (WAL, schema version, settings check)."""

from __future__ import annotations

import functools
import hashlib
import json
import sqlite3
import zlib
from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from dedup.closing import ClosesOnExit
from dedup.errors import IndexCorruptError, IndexStoreError, IndexUnavailableError
from dedup.index.base import IndexRecord, SignatureSettings, check_settings
from dedup.index.redis_codec import decode_flag, encode_flag
from dedup.index.sqlite_postings import PostingsMirror
from dedup.model import Flag

# PRAGMA application_id marks the file as ours ("DDUP"), so a foreign SQLite file is refused.
_APPLICATION_ID = 0x44445550
_SQLITE_MAGIC = b"SQLite format 3\x00"
_BUSY_TIMEOUT_S = 10.0
# Bound parameters per statement: under SQLite's historic limit of 999.
_SQL_VARIABLES = 900
_SCHEMA = """
CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE items (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    content_hash TEXT NOT NULL,
    title TEXT,
    url TEXT,
    published TEXT,
    body BLOB NOT NULL,
    signature BLOB NOT NULL
);
CREATE INDEX items_content_hash ON items (content_hash);
CREATE TABLE postings (key INTEGER NOT NULL, item INTEGER NOT NULL, PRIMARY KEY (key, item)) WITHOUT ROWID;
CREATE TABLE key_counts (key INTEGER PRIMARY KEY, items INTEGER NOT NULL);
CREATE TABLE flags (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, body TEXT NOT NULL);
CREATE TABLE checkpoints (source TEXT PRIMARY KEY, position TEXT NOT NULL);
"""
_TABLES = frozenset({"meta", "items", "postings", "key_counts", "flags", "checkpoints"})


class SqliteStore(ClosesOnExit):
    """IndexStore in one SQLite file; a new file is created, anything else must be a dedup index.

    Keys are stored as 64-bit hashes (blake2b) in a WITHOUT ROWID postings table, with a count per
    key so `candidates` can skip keys too common to point anywhere. Texts are zlib-compressed.
    Nothing is ever written to a file that is not already a dedup index.
    """

    def __init__(
        self, path: Path, signature_settings: SignatureSettings, busy_timeout_s: float = _BUSY_TIMEOUT_S
    ) -> None:
        self.path = path
        self._postings: PostingsMirror | None = None  # built on the first candidate search
        self._connection = _connect(path, busy_timeout_s)
        try:
            self._open(signature_settings)
        except BaseException:
            self._connection.close()
            raise

    def _open(self, signature_settings: SignatureSettings) -> None:
        application_id, tables = self._read_header()
        if application_id == 0 and not tables:
            with self._write():
                # Checked again inside the write lock: another process may have just created it.
                application_id, tables = self._read_header()
                if application_id == 0 and not tables:
                    self._create(signature_settings)
                    application_id, tables = _APPLICATION_ID, set(_TABLES)
        if application_id != _APPLICATION_ID or not tables >= _TABLES:
            raise IndexCorruptError(f"{self.path}: not a dedup index (a SQLite file of another application)")
        stored = self._query("SELECT name, value FROM meta")
        check_settings(
            [(str(name), str(value)) for name, value in stored], signature_settings, str(self.path)
        )
        self._execute("PRAGMA journal_mode = WAL")
        self._execute("PRAGMA synchronous = NORMAL")
        # Postings are B-tree inserts at random keys: a 64 MB page cache keeps their leaves in
        # memory, and rarer checkpoints write each hot page once for many commits.
        self._execute("PRAGMA cache_size = -65536")
        self._execute("PRAGMA wal_autocheckpoint = 8192")

    def _create(self, signature_settings: SignatureSettings) -> None:
        self._connection.execute(f"PRAGMA application_id = {_APPLICATION_ID}")
        for statement in _SCHEMA.split(";"):
            if statement.strip():
                self._connection.execute(statement)
        self._connection.executemany(
            "INSERT INTO meta (name, value) VALUES (?, ?)", signature_settings.as_pairs()
        )

    def _read_header(self) -> tuple[int, set[str]]:
        application_id = int(self._query("PRAGMA application_id")[0][0])
        tables = {str(row[0]) for row in self._query("SELECT name FROM sqlite_master WHERE type = 'table'")}
        return application_id, tables

    # -- the IndexStore contract -------------------------------------------------------------

    def add(self, record: IndexRecord, flags: Sequence[Flag] = ()) -> bool:
        """Store `record` and its `flags` in one transaction; False if its id was already there."""
        return self.add_many([(record, flags)])[0]

    def add_many(self, entries: Sequence[tuple[IndexRecord, Sequence[Flag]]]) -> list[bool]:
        """Add many records with their flags in one transaction (all or none are committed)."""
        with self._write():
            added, new_items = self._insert_many(entries)
        # Only once committed: a rolled-back batch must not be found by candidate search.
        if self._postings is not None:
            for seq, item_id, hashed in new_items:
                self._postings.add_item(seq, item_id, hashed)
        return added

    def _insert_many(
        self, entries: Sequence[tuple[IndexRecord, Sequence[Flag]]]
    ) -> tuple[list[bool], list[tuple[int, str, set[int]]]]:
        """Insert the records not yet present, a few statements for the whole batch.

        Runs inside the write transaction, so numbering new items from MAX(seq) + 1 (what SQLite
        itself would pick) cannot race another writer. Returns what was added, and the new items
        with their hashed keys.
        """
        present = {
            str(item_id) for (item_id,) in self._select_in("SELECT id FROM items WHERE id", _ids(entries))
        }
        last_seq = int(self._query("SELECT COALESCE(MAX(seq), 0) FROM items")[0][0])
        if self._postings is not None and self._postings.last_seq != last_seq:
            self._catch_up(self._postings)  # another connection added items since we last looked
        added: list[bool] = []
        new_items: list[tuple[int, str, set[int]]] = []
        rows: list[tuple[object, ...]] = []
        postings: list[tuple[int, int]] = []
        key_counts: Counter[int] = Counter()
        flags_kept: list[tuple[str, str]] = []
        for record, flags in entries:
            if record.id in present:
                added.append(False)
                continue
            present.add(record.id)
            last_seq += 1
            rows.append((last_seq, *_item_row(record)))
            hashed = {_key_hash(key) for key in record.keys}
            postings.extend((key, last_seq) for key in hashed)
            key_counts.update(hashed)
            flags_kept.extend((flag.id, encode_flag(flag)) for flag in flags)
            new_items.append((last_seq, record.id, hashed))
            added.append(True)
        connection = self._connection
        connection.executemany(
            "INSERT INTO items (seq, id, content_hash, title, url, published, body, signature)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        # In key order, each B-tree leaf a batch touches is visited once rather than at random.
        connection.executemany("INSERT INTO postings (key, item) VALUES (?, ?)", sorted(postings))
        connection.executemany(
            "INSERT INTO key_counts (key, items) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET items = items + excluded.items",
            sorted(key_counts.items()),
        )
        connection.executemany("INSERT OR IGNORE INTO flags (id, body) VALUES (?, ?)", flags_kept)
        return added, new_items

    def get(self, item_id: str) -> IndexRecord | None:
        """Return the record stored under `item_id`, or None."""
        rows = self._query(
            "SELECT id, content_hash, title, url, published, body, signature FROM items WHERE id = ?",
            (item_id,),
        )
        return _record(rows[0], self.path) if rows else None

    def candidates(
        self, keys: Sequence[str], limit: int, max_key_items: int | None = None
    ) -> list[tuple[str, int]]:
        """Return up to `limit` (item id, shared keys) pairs, most shared first, ties by id.

        Keys held by more than `max_key_items` items are ignored.
        """
        return self.candidates_sharing(keys, limit, 1, max_key_items)

    def candidates_sharing(
        self, keys: Sequence[str], limit: int, min_shared: int, max_key_items: int | None = None
    ) -> list[tuple[str, int]]:
        """Return what `candidates` would, less the items sharing fewer than `min_shared` keys.

        Answered from the in-memory postings (dedup.index.sqlite_postings), read in whole on the
        first call and brought up to date with what other connections commit.
        """
        hashed = {_key_hash(key) for key in keys}
        if not hashed or limit <= 0:
            return []
        return self._synced_postings().rank(hashed, limit, min_shared, max_key_items)

    def _synced_postings(self) -> PostingsMirror:
        version = int(self._query("PRAGMA data_version")[0][0])
        if self._postings is None:
            self._postings = self._load_postings(version)
        elif version != self._postings.data_version:
            self._catch_up(self._postings)
            self._postings.data_version = version
        return self._postings

    def _load_postings(self, version: int) -> PostingsMirror:
        mirror = PostingsMirror(version)
        try:
            # One read transaction: postings and ids from the same snapshot.
            self._connection.execute("BEGIN")
            try:
                mirror.add_postings(
                    self._connection.execute("SELECT key, item FROM postings"),
                    self._connection.execute("SELECT seq, id FROM items"),
                )
            finally:
                self._connection.execute("COMMIT")
        except sqlite3.Error as exc:
            raise _translate(exc, self.path) from exc
        return mirror

    def _catch_up(self, mirror: PostingsMirror) -> None:
        """Add the items other connections committed after `mirror.last_seq`, keys from their bodies."""
        rows = self._query("SELECT seq, id, body FROM items WHERE seq > ? ORDER BY seq", (mirror.last_seq,))
        for seq, item_id, body in rows:
            try:
                _, keys = _unpack_body(bytes(body))
            except (zlib.error, ValueError, TypeError, UnicodeDecodeError) as exc:
                raise IndexCorruptError(f"{self.path}: record {item_id!r} is damaged ({exc})") from exc
            mirror.add_item(int(seq), str(item_id), {_key_hash(key) for key in keys})

    def checkpoint(self, source: str, position: str) -> None:
        """Record how far `source` has been read."""
        with self._write():
            self._connection.execute(
                "INSERT INTO checkpoints (source, position) VALUES (?, ?)"
                " ON CONFLICT (source) DO UPDATE SET position = excluded.position",
                (source, position),
            )

    def last_checkpoint(self, source: str) -> str | None:
        """Return the last position recorded for `source`, or None."""
        rows = self._query("SELECT position FROM checkpoints WHERE source = ?", (source,))
        return str(rows[0][0]) if rows else None

    def flags(self) -> Iterator[Flag]:
        """Yield every kept flag once, in commit order."""
        for (body,) in self._query("SELECT body FROM flags ORDER BY seq"):
            try:
                yield decode_flag(body)
            except (ValueError, KeyError, TypeError) as exc:
                raise IndexCorruptError(f"{self.path}: a stored flag is damaged ({exc})") from exc

    def size(self) -> int:
        """Return the number of indexed items."""
        return int(self._query("SELECT COUNT(*) FROM items")[0][0])

    def close(self) -> None:
        """Close the connection; the WAL is checkpointed into the main file."""
        self._connection.close()

    # -- helpers -------------------------------------------------------------------------------

    def _write(self) -> _Transaction:
        return _Transaction(self._connection, self.path)

    def _query(self, sql: str, parameters: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        try:
            return self._connection.execute(sql, parameters).fetchall()
        except sqlite3.Error as exc:
            raise _translate(exc, self.path) from exc

    def _select_in(self, sql: str, values: Sequence[object], *before: object) -> list[tuple[Any, ...]]:
        """Run `sql IN (values)` in chunks that stay under SQLite's bound-parameter limit."""
        rows: list[tuple[Any, ...]] = []
        for start in range(0, len(values), _SQL_VARIABLES):
            part = values[start : start + _SQL_VARIABLES]
            rows.extend(self._query(f"{sql} IN ({','.join('?' * len(part))})", (*before, *part)))
        return rows

    def _execute(self, sql: str) -> None:
        self._query(sql)


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any error, sqlite3 errors made ours."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._connection = connection
        self._path = path

    def __enter__(self) -> None:
        try:
            self._connection.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise _translate(exc, self._path) from exc

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if exc_type is not None:
            self._connection.rollback()
            if isinstance(exc, sqlite3.Error):
                raise _translate(exc, self._path) from exc
            return
        try:
            self._connection.commit()
        except sqlite3.Error as error:
            self._connection.rollback()
            raise _translate(error, self._path) from error


def _connect(path: Path, busy_timeout_s: float) -> sqlite3.Connection:
    """Open `path` for reading and writing after checking it is not some other kind of file."""
    if path.is_dir():
        raise IndexCorruptError(f"{path}: is a directory, not an index file")
    if path.exists():
        try:
            with path.open("rb") as file:
                head = file.read(len(_SQLITE_MAGIC))
        except OSError as exc:
            raise IndexUnavailableError(f"{path}: cannot read ({exc.strerror})") from exc
        if head and head != _SQLITE_MAGIC:
            raise IndexCorruptError(f"{path}: not a dedup index (not a SQLite file)")
    try:
        # isolation_level=None: transactions are explicit (BEGIN IMMEDIATE in _Transaction).
        return sqlite3.connect(path, timeout=busy_timeout_s, isolation_level=None, check_same_thread=False)
    except sqlite3.Error as exc:
        raise _translate(exc, path) from exc


def _translate(exc: sqlite3.Error, path: Path) -> IndexStoreError:
    message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if isinstance(exc, sqlite3.OperationalError) and ("locked" in message or "busy" in message):
        return IndexUnavailableError(f"{path}: index is locked by another process ({message})")
    if isinstance(exc, sqlite3.OperationalError) and "unable to open" in message:
        return IndexUnavailableError(f"{path}: cannot open the index ({message})")
    if isinstance(exc, sqlite3.DatabaseError):
        return IndexCorruptError(f"{path}: index is damaged ({message})")
    return IndexStoreError(f"{path}: {message}")


def _ids(entries: Sequence[tuple[IndexRecord, Sequence[Flag]]]) -> list[str]:
    return [record.id for record, _ in entries]


def _item_row(record: IndexRecord) -> tuple[object, ...]:
    published = record.published.isoformat() if record.published else None
    body = _pack_body(record.text, record.keys)
    return (record.id, record.content_hash, record.title, record.url, published, body, record.signature)


# Bounded: keys repeat across items (and each is hashed for the lookup, then again for the add).
@functools.lru_cache(maxsize=1 << 16)
def _key_hash(key: str) -> int:
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "little", signed=True)


def _pack_body(text: str, keys: Sequence[str]) -> bytes:
    return zlib.compress(json.dumps([text, list(keys)], ensure_ascii=False).encode(), 1)


def _unpack_body(body: bytes) -> tuple[str, tuple[str, ...]]:
    text, keys = json.loads(zlib.decompress(body))
    return str(text), tuple(str(key) for key in keys)


def _record(row: tuple[Any, ...], path: Path) -> IndexRecord:
    item_id, digest, title, url, published, body, signature = row
    try:
        text, keys = _unpack_body(bytes(body))
        return IndexRecord(
            id=str(item_id),
            content_hash=str(digest),
            text=text,
            title=None if title is None else str(title),
            url=None if url is None else str(url),
            published=datetime.fromisoformat(str(published)) if published else None,
            keys=keys,
            signature=bytes(signature),
        )
    except (zlib.error, ValueError, TypeError, UnicodeDecodeError) as exc:
        raise IndexCorruptError(f"{path}: record {item_id!r} is damaged ({exc})") from exc
