"""SqliteStore: the embedded IndexStore in one SQLite file (WAL), its postings in segments beside it."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from dedup.closing import ClosesOnExit
from dedup.errors import IndexCorruptError
from dedup.index.base import IndexRecord, SignatureSettings, check_settings
from dedup.index.flag_codec import decode_flag, encode_flag
from dedup.index.keys import CONTENT_KEY, key_hash
from dedup.index.sqlite_catalog import EXPIRED_THROUGH, Catalog
from dedup.index.sqlite_codec import item_row, pack_body, read_record
from dedup.index.sqlite_connection import Database, connect
from dedup.index.sqlite_lock import scan_lock
from dedup.index.sqlite_retention import Retention
from dedup.index.sqlite_schema import APPLICATION_ID, TABLES, create, needs_upgrade, read_header, upgrade
from dedup.model import Flag
from dedup.settings import DEFAULT_SQLITE_INDEX_SETTINGS, SqliteIndexSettings

_BUSY_TIMEOUT_S = 10.0
# Bound parameters per statement: under SQLite's historic limit of 999.
_SQL_VARIABLES = 900


class SqliteStore(ClosesOnExit):
    """IndexStore in one SQLite file; a new file is created, anything else must be a dedup index.

    Each item row carries its keys as 64-bit hashes (blake2b); candidate search inverts them in
    segments on disk and a buffer of the newest items (dedup.index.sqlite_catalog), so memory and
    opening time do not grow with the index. Texts are zlib-compressed. Nothing is ever written to
    a file that is not already a dedup index. With `retain_days`, items expire that long after
    they were added (dedup.index.sqlite_retention).
    """

    def __init__(
        self,
        path: Path,
        signature_settings: SignatureSettings,
        busy_timeout_s: float = _BUSY_TIMEOUT_S,
        settings: SqliteIndexSettings = DEFAULT_SQLITE_INDEX_SETTINGS,
        retain_days: float | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = path
        self._db = Database(connect(path, busy_timeout_s), path)
        try:
            self._open(signature_settings, clock())
            self._catalog = Catalog(self._db, settings)
            self._retention = Retention(self._db, self._catalog, retain_days, settings, clock)
            self._retention.maybe_expire()
        except BaseException:
            self._db.connection.close()
            raise

    def _open(self, signature_settings: SignatureSettings, now: float) -> None:
        db = self._db
        application_id, tables = read_header(db)
        if application_id == 0 and not tables:
            with db.write():
                # Checked again inside the write lock: another process may have just created it.
                application_id, tables = read_header(db)
                if application_id == 0 and not tables:
                    create(db, signature_settings)
                    application_id, tables = read_header(db)
        if application_id != APPLICATION_ID or not tables >= TABLES:
            raise IndexCorruptError(f"{self.path}: not a dedup index (a SQLite file of another application)")
        stored = db.query("SELECT name, value FROM meta")
        check_settings(
            [(str(name), str(value)) for name, value in stored], signature_settings, str(self.path)
        )
        if needs_upgrade(tables):
            upgrade(db, now)
        db.query("PRAGMA journal_mode = WAL")
        db.query("PRAGMA synchronous = NORMAL")
        # Expired items' text is overwritten in the file, not only unlinked from the tree.
        db.query("PRAGMA secure_delete = ON")
        # The id and content-hash indexes take inserts at random keys: a 64 MB page cache keeps
        # their leaves in memory, and rarer checkpoints write each hot page once for many commits.
        db.query("PRAGMA cache_size = -65536")
        db.query("PRAGMA wal_autocheckpoint = 8192")

    def sole_writer(self) -> AbstractContextManager[None]:
        """Hold the index's scan lock: a second scan of this file waits until this one ends."""
        return scan_lock(self.path)

    # -- the IndexStore contract -------------------------------------------------------------

    def add(self, record: IndexRecord, flags: Sequence[Flag] = ()) -> bool:
        """Store `record` and its `flags` in one transaction; False if its id was already there."""
        return self.add_many([(record, flags)])[0]

    def add_many(self, entries: Sequence[tuple[IndexRecord, Sequence[Flag]]]) -> list[bool]:
        """Add many records with their flags in one transaction (all or none are committed).

        Once committed, their postings join the buffer (which may be written out as a segment),
        a merge under way takes a step, and, with a retention window, expired items go.
        """
        with self._db.write():
            added, new_items = self._insert_many(entries)
            if new_items:
                self._retention.record(new_items[-1][0])
        # Only once committed: a rolled-back batch must not be found by candidate search.
        self._catalog.committed(new_items)
        self._retention.maybe_expire()
        return added

    def _insert_many(
        self, entries: Sequence[tuple[IndexRecord, Sequence[Flag]]]
    ) -> tuple[list[bool], list[tuple[int, bytes]]]:
        """Insert the records not yet present, a few statements for the whole batch.

        Runs inside the write transaction, so numbering new items from MAX(seq) + 1 (what SQLite
        itself would pick, unless items expired) cannot race another writer. Returns what was
        added, and the new items as (seq, packed key hashes).
        """
        present = {
            str(item_id)
            for (item_id,) in self._select_in(
                "SELECT id FROM items WHERE id", [record.id for record, _ in entries]
            )
        }
        # Numbers never go back, not even past expired items: expiry is "numbered up to n".
        last_seq = int(
            self._db.query(
                "SELECT MAX(COALESCE((SELECT MAX(seq) FROM items), 0),"
                " COALESCE((SELECT CAST(value AS INTEGER) FROM meta WHERE name = ?), 0))",
                (EXPIRED_THROUGH,),
            )[0][0]
        )
        added: list[bool] = []
        new_items: list[tuple[int, bytes]] = []
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
            new_items.append((last_seq, row[-1]))  # type: ignore[arg-type]
            added.append(True)
        self._db.execute_many(
            "INSERT INTO items (seq, id, content_hash, title, url, published, body, signature, key_hashes)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        self._db.execute_many("INSERT OR IGNORE INTO flags (id, body) VALUES (?, ?)", flags_kept)
        return added, new_items

    def get(self, item_id: str) -> IndexRecord | None:
        """Return the record stored under `item_id`, or None."""
        rows = self._db.query(
            "SELECT id, content_hash, title, url, published, body, signature FROM items WHERE id = ?",
            (item_id,),
        )
        return read_record(rows[0], self.path) if rows else None

    @property
    def pack_body(self) -> Callable[[str, tuple[str, ...]], bytes]:
        """The function that encodes an item's text and keys into its body (zlib-compressed JSON)."""
        return pack_body

    def signatures(self, item_ids: Sequence[str]) -> dict[str, tuple[str, bytes, int]]:
        """Return (content hash, signature, term keys) by item id, for each of `item_ids` indexed.

        A shortlist ranks its candidates by these alone; only the few it keeps need `get`, whose
        body (zlib, JSON) costs several times the row lookup. Term keys come from the key hashes
        when the item holds its content-hash key (all but it are terms), else -1: unknown.
        """
        rows = self._select_in("SELECT id, content_hash, signature, key_hashes FROM items WHERE id", item_ids)
        return {
            str(item_id): (str(digest), bytes(signature), _term_keys(str(digest), bytes(hashed)))
            for item_id, digest, signature, hashed in rows
        }

    def keyed_signatures(self, item_ids: Sequence[str]) -> dict[str, tuple[str, bytes, bytes]]:
        """Return (content hash, signature, key hashes) by item id, for each of `item_ids` indexed."""
        rows = self._select_in("SELECT id, content_hash, signature, key_hashes FROM items WHERE id", item_ids)
        return {
            str(item_id): (str(digest), bytes(signature), bytes(hashed))
            for item_id, digest, signature, hashed in rows
        }

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

        Answered from the segments and the buffer (dedup.index.sqlite_postings), brought up to
        date with what other connections commit; only the item numbers that make the cut are
        looked up for their ids. `hashed_keys`, the distinct dedup.index.keys.key_hash of each
        key, stand for `keys` when the caller has them.
        """
        hashed = sorted({key_hash(key) for key in keys}) if hashed_keys is None else list(hashed_keys)
        if not hashed or limit <= 0:
            return []
        levels, _ = self._catalog.postings().rank(hashed, limit, min_shared, max_key_items)
        return self._resolve(levels, limit)

    def candidates_within(
        self,
        hashed_keys: Sequence[int],
        also_held: Sequence[int],
        limit: int,
        min_shared: int,
        max_key_items: int | None,
    ) -> tuple[list[tuple[str, int]], list[int]]:
        """Return `candidates_sharing`'s answer with each key's holders counted `also_held[i]` more.

        One pass over the segments where `key_holders` and `candidates_sharing` took two; also
        returns the keys kept under `max_key_items`. Items must share `min_shared` in proportion
        to the keys kept (dedup.index.keys.min_shared_of_kept).
        """
        if not hashed_keys or limit <= 0:
            return [], list(hashed_keys)
        postings = self._catalog.postings()
        levels, kept = postings.rank(hashed_keys, limit, min_shared, max_key_items, also_held, True)
        return self._resolve(levels, limit), kept

    def _resolve(self, levels: list[tuple[int, list[int]]], limit: int) -> list[tuple[str, int]]:
        """Turn levels of item numbers into (item id, shared keys), ties by id, cut to `limit`."""
        found: list[tuple[str, int]] = []
        for count, seqs in levels:
            if len(found) >= limit:
                break
            rows = self._select_in("SELECT id FROM items WHERE seq", seqs)
            ids = sorted(str(item_id) for (item_id,) in rows)
            found.extend((item_id, count) for item_id in ids[: limit - len(found)])
        return found

    def key_holders(self, hashed_keys: Sequence[int]) -> list[int]:
        """Return how many indexed items hold each of `hashed_keys` (dedup.index.keys.key_hash)."""
        return self._catalog.postings().holders(hashed_keys)

    def checkpoint(self, source: str, position: str) -> None:
        """Record how far `source` has been read."""
        with self._db.write():
            self._db.query(
                "INSERT INTO checkpoints (source, position) VALUES (?, ?)"
                " ON CONFLICT (source) DO UPDATE SET position = excluded.position",
                (source, position),
            )

    def last_checkpoint(self, source: str) -> str | None:
        """Return the last position recorded for `source`, or None."""
        rows = self._db.query("SELECT position FROM checkpoints WHERE source = ?", (source,))
        return str(rows[0][0]) if rows else None

    def flags(self) -> Iterator[Flag]:
        """Yield every kept flag once, in commit order."""
        for (body,) in self._db.query("SELECT body FROM flags ORDER BY seq"):
            try:
                yield decode_flag(body)
            except (ValueError, KeyError, TypeError) as exc:
                raise IndexCorruptError(f"{self.path}: a stored flag is damaged ({exc})") from exc

    def size(self) -> int:
        """Return the number of indexed items."""
        return int(self._db.query("SELECT COUNT(*) FROM items")[0][0])

    def expire(self, now: float | None = None) -> int:
        """Delete the items older than the retention window now; return how many (0 without one)."""
        return self._retention.expire(self._retention.clock() if now is None else now)

    def close(self) -> None:
        """Close the connection (the WAL is checkpointed into the main file) and the segments."""
        self._catalog.close()
        self._db.connection.close()

    # -- helpers -------------------------------------------------------------------------------

    def _select_in(self, sql: str, values: Sequence[object]) -> list[tuple[Any, ...]]:
        """Run `sql IN (values)` in chunks that stay under SQLite's bound-parameter limit."""
        rows: list[tuple[Any, ...]] = []
        for start in range(0, len(values), _SQL_VARIABLES):
            part = values[start : start + _SQL_VARIABLES]
            rows.extend(self._db.query(f"{sql} IN ({','.join('?' * len(part))})", part))
        return rows


def _term_keys(digest: str, hashed: bytes) -> int:
    """Count an item's term keys from its key hashes: all but its content-hash key, if it has one."""
    count = len(hashed) // 8
    content = key_hash(CONTENT_KEY + digest).to_bytes(8, "little", signed=True)
    held = (hashed[at : at + 8] for at in range(0, len(hashed), 8))
    return count - 1 if any(value == content for value in held) else -1
