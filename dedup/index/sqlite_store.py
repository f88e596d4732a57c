"""SqliteStore: the embedded IndexStore in one SQLite file (WAL, schema version, settings check)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from dedup.closing import ClosesOnExit
from dedup.errors import IndexCorruptError
from dedup.index.base import IndexRecord, SignatureSettings, check_settings
from dedup.index.flag_codec import decode_flag, encode_flag
from dedup.index.keys import hash_keys, key_hash
from dedup.index.sqlite_codec import (
    BODY_ERRORS,
    item_row,
    pack_body,
    read_record,
    unpack_body,
)
from dedup.index.sqlite_connection import Transaction, connect, translate
from dedup.index.sqlite_lock import scan_lock
from dedup.index.sqlite_postings import PostingsMirror
from dedup.model import Flag

# PRAGMA application_id marks the file as ours ("DDUP"), so a foreign SQLite file is refused.
_APPLICATION_ID = 0x44445550
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
    signature BLOB NOT NULL,
    key_hashes BLOB NOT NULL
);
CREATE INDEX items_content_hash ON items (content_hash);
CREATE TABLE flags (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, body TEXT NOT NULL);
CREATE TABLE checkpoints (source TEXT PRIMARY KEY, position TEXT NOT NULL);
"""
_TABLES = frozenset({"meta", "items", "flags", "checkpoints"})
# What an index written before items carried their key hashes kept instead (see _upgrade).
_POSTINGS_TABLES = ("postings", "key_counts")
_POSTINGS_THROUGH = "postings_through"


class SqliteStore(ClosesOnExit):
    """IndexStore in one SQLite file; a new file is created, anything else must be a dedup index.

    Each item row carries its keys as 64-bit hashes (blake2b); candidate search inverts them in
    memory (dedup.index.sqlite_postings), read in whole on the first search. Texts are
    zlib-compressed. Nothing is ever written to a file that is not already a dedup index.
    """

    def __init__(
        self,
        path: Path,
        signature_settings: SignatureSettings,
        busy_timeout_s: float = _BUSY_TIMEOUT_S,
    ) -> None:
        self.path = path
        self._postings: PostingsMirror | None = None  # built on the first candidate search
        self._connection = connect(path, busy_timeout_s)
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
        if not tables.isdisjoint(_POSTINGS_TABLES):
            self._upgrade()
        self._execute("PRAGMA journal_mode = WAL")
        self._execute("PRAGMA synchronous = NORMAL")
        # The id and content-hash indexes take inserts at random keys: a 64 MB page cache keeps
        # their leaves in memory, and rarer checkpoints write each hot page once for many commits.
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

    def _upgrade(self) -> None:
        """Move an index written with postings tables to key hashes in each item row, in place.

        One transaction: a damaged body stops it with IndexCorruptError and leaves the file as it
        was. Another process may have upgraded it first; then there is nothing left to do.
        """
        with self._write():
            columns = {str(row[1]) for row in self._query("PRAGMA table_info(items)")}
            if "key_hashes" not in columns:
                self._execute("ALTER TABLE items ADD COLUMN key_hashes BLOB NOT NULL DEFAULT x''")
                rows = self._query("SELECT seq, id, body FROM items")
                self._connection.executemany(
                    "UPDATE items SET key_hashes = ? WHERE seq = ?",
                    ((hash_keys(self._body_keys(item_id, body)), seq) for seq, item_id, body in rows),
                )
            for table in _POSTINGS_TABLES:
                self._execute(f"DROP TABLE IF EXISTS {table}")
            self._query("DELETE FROM meta WHERE name = ?", (_POSTINGS_THROUGH,))

    def _body_keys(self, item_id: str, body: bytes) -> tuple[str, ...]:
        try:
            return unpack_body(bytes(body))[1]
        except BODY_ERRORS as exc:
            raise IndexCorruptError(f"{self.path}: record {item_id!r} is damaged ({exc})") from exc

    def _read_header(self) -> tuple[int, set[str]]:
        application_id = int(self._query("PRAGMA application_id")[0][0])
        tables = {str(row[0]) for row in self._query("SELECT name FROM sqlite_master WHERE type = 'table'")}
        return application_id, tables

    def sole_writer(self) -> AbstractContextManager[None]:
        """Hold the index's scan lock: a second scan of this file waits until this one ends."""
        return scan_lock(self.path)

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
            self._postings.add_items(new_items)
        return added

    def _insert_many(
        self, entries: Sequence[tuple[IndexRecord, Sequence[Flag]]]
    ) -> tuple[list[bool], list[tuple[int, str, bytes]]]:
        """Insert the records not yet present, a few statements for the whole batch.

        Runs inside the write transaction, so numbering new items from MAX(seq) + 1 (what SQLite
        itself would pick) cannot race another writer. Returns what was added, and the new items
        as (seq, id, packed key hashes).
        """
        present = {
            str(item_id)
            for (item_id,) in self._select_in(
                "SELECT id FROM items WHERE id", [record.id for record, _ in entries]
            )
        }
        last_seq = self._last_seq()
        mirror = self._postings
        if mirror is not None and mirror.last_seq != last_seq:
            self._catch_up(mirror)  # another connection added items since we last looked
        added: list[bool] = []
        new_items: list[tuple[int, str, bytes]] = []
        rows: list[tuple[object, ...]] = []
        flags_kept: list[tuple[str, str]] = []
        for record, flags in entries:
            if record.id in present:
                added.append(False)
                continue
            present.add(record.id)
            last_seq += 1
            row = item_row(record)
            rows.append((last_seq, *row))
            flags_kept.extend((flag.id, encode_flag(flag)) for flag in flags)
            new_items.append((last_seq, record.id, row[-1]))  # type: ignore[arg-type]
            added.append(True)
        self._connection.executemany(
            "INSERT INTO items (seq, id, content_hash, title, url, published, body, signature, key_hashes)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        self._connection.executemany("INSERT OR IGNORE INTO flags (id, body) VALUES (?, ?)", flags_kept)
        return added, new_items

    def _last_seq(self) -> int:
        return int(self._query("SELECT COALESCE(MAX(seq), 0) FROM items")[0][0])

    def get(self, item_id: str) -> IndexRecord | None:
        """Return the record stored under `item_id`, or None."""
        rows = self._query(
            "SELECT id, content_hash, title, url, published, body, signature FROM items WHERE id = ?",
            (item_id,),
        )
        return read_record(rows[0], self.path) if rows else None

    @property
    def pack_body(self) -> Callable[[str, tuple[str, ...]], bytes]:
        """The function that encodes an item's text and keys into its body (zlib-compressed JSON)."""
        return pack_body

    def signatures(self, item_ids: Sequence[str]) -> dict[str, tuple[str, bytes]]:
        """Return (content hash, signature) by item id, for each of `item_ids` that is indexed.

        A shortlist ranks its candidates by these alone; only the few it keeps need `get`, whose
        body (zlib, JSON) costs several times the row lookup.
        """
        rows = self._select_in("SELECT id, content_hash, signature FROM items WHERE id", item_ids)
        return {str(item_id): (str(digest), bytes(signature)) for item_id, digest, signature in rows}

    def candidates(
        self, keys: Sequence[str], limit: int, max_key_items: int | None = None
    ) -> list[tuple[str, int]]:
        """Return up to `limit` (item id, shared keys) pairs, most shared first, ties by id.

        Keys held by more than `max_key_items` items are ignored.
        """
        return self.candidates_sharing(keys, limit, 1, max_key_items)

    def candidates_sharing(
        self,
        keys: Sequence[str],
        limit: int,
        min_shared: int,
        max_key_items: int | None = None,
        hashed_keys: Sequence[int] | None = None,
    ) -> list[tuple[str, int]]:
        """Return what `candidates` would, less the items sharing fewer than `min_shared` keys.

        Answered from the in-memory postings (dedup.index.sqlite_postings), read in whole on the
        first call and brought up to date with what other connections commit. `hashed_keys`, the
        distinct dedup.index.keys.key_hash of each key, stand for `keys` when the caller has them.
        """
        hashed: Collection[int] = {key_hash(key) for key in keys} if hashed_keys is None else hashed_keys
        if not hashed or limit <= 0:
            return []
        return self._synced_postings().rank(hashed, limit, min_shared, max_key_items)

    def key_holders(self, hashed_keys: Sequence[int]) -> list[int]:
        """Return how many indexed items hold each of `hashed_keys` (dedup.index.keys.key_hash)."""
        return self._synced_postings().holders(hashed_keys)

    def _synced_postings(self) -> PostingsMirror:
        version = int(self._query("PRAGMA data_version")[0][0])
        if self._postings is None:
            mirror = PostingsMirror(version)
            self._catch_up(mirror)
            self._postings = mirror
        elif version != self._postings.data_version:
            self._catch_up(self._postings)
            self._postings.data_version = version
        return self._postings

    def _catch_up(self, mirror: PostingsMirror) -> None:
        """Add the items committed after `mirror.last_seq` (all of them, the first time)."""
        rows = self._query(
            "SELECT seq, id, key_hashes FROM items WHERE seq > ? ORDER BY seq", (mirror.last_seq,)
        )
        try:
            mirror.add_items((int(seq), str(item_id), bytes(hashed)) for seq, item_id, hashed in rows)
        except ValueError as exc:
            raise IndexCorruptError(f"{self.path}: an item's key hashes are damaged ({exc})") from exc

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

    def _write(self) -> Transaction:
        return Transaction(self._connection, self.path)

    def _query(self, sql: str, parameters: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        try:
            return self._connection.execute(sql, parameters).fetchall()
        except sqlite3.Error as exc:
            raise translate(exc, self.path) from exc

    def _select_in(self, sql: str, values: Sequence[object], *before: object) -> list[tuple[Any, ...]]:
        """Run `sql IN (values)` in chunks that stay under SQLite's bound-parameter limit."""
        rows: list[tuple[Any, ...]] = []
        for start in range(0, len(values), _SQL_VARIABLES):
            part = values[start : start + _SQL_VARIABLES]
            rows.extend(self._query(f"{sql} IN ({','.join('?' * len(part))})", (*before, *part)))
        return rows

    def _execute(self, sql: str) -> None:
        self._query(sql)
