"""--retain-days on a SQLite index: items expire a set time after they were added, text and postings.

Items are numbered in the order they were committed, and each commit records (its last number,
the time) in the `added` table, so "added before the cut-off" is "numbered at or below some n":
expiry deletes the item rows up to n (`secure_delete` overwrites their text in the file, and
SQLite reuses the freed pages for later items), records n as `expired_through`, and unlists the
postings segments wholly at or below it; postings still holding expired numbers are skipped by
candidate search and dropped by the next merge. Flags are kept: they are the record of what was
found, and name the items they link.
"""

from __future__ import annotations

from collections.abc import Callable

from dedup.index.sqlite_catalog import EXPIRED_THROUGH, Catalog
from dedup.index.sqlite_connection import Database
from dedup.settings import SqliteIndexSettings


class Retention:
    """When a store's items expire, and expiring them."""

    def __init__(
        self,
        db: Database,
        catalog: Catalog,
        retain_days: float | None,
        settings: SqliteIndexSettings,
        clock: Callable[[], float],
    ) -> None:
        self.db = db
        self.catalog = catalog
        self.retain_s = None if retain_days is None else retain_days * 86400.0
        self.settings = settings
        self.clock = clock
        self._checked_at: float | None = None

    def record(self, last_seq: int) -> None:
        """Note, in the commit's transaction, that items up to `last_seq` were added now."""
        self.db.query("INSERT OR REPLACE INTO added (seq, at) VALUES (?, ?)", (last_seq, self.clock()))

    def maybe_expire(self) -> None:
        """Expire what is due, at most once every `retention_check_s` (outside any transaction)."""
        if self.retain_s is None:
            return
        now = self.clock()
        if self._checked_at is not None and now - self._checked_at < self.settings.retention_check_s:
            return
        self._checked_at = now
        self.expire(now)

    def expire(self, now: float) -> int:
        """Delete the items added more than the retention window before `now`; return how many."""
        if self.retain_s is None:
            return 0
        rows = self.db.query("SELECT MAX(seq) FROM added WHERE at <= ?", (now - self.retain_s,))
        cut = rows[0][0]
        if cut is None:
            return 0
        deleted = 0
        floor = self.db.meta_int(EXPIRED_THROUGH)
        while floor < int(cut):
            # A chunk a transaction: an index closed for long does not stall on one commit.
            upper = min(int(cut), floor + self.settings.expire_chunk_items)
            with self.db.write():
                floor = max(floor, self.db.meta_int(EXPIRED_THROUGH))  # another writer's expiry
                if floor >= upper:
                    continue
                deleted += self.db.execute("DELETE FROM items WHERE seq > ? AND seq <= ?", (floor, upper))
                self.db.query("DELETE FROM added WHERE seq <= ?", (upper,))
                self.db.set_meta(EXPIRED_THROUGH, upper)
                gone = self.catalog.expire(upper)
            floor = upper
            self.catalog.expired(gone)
        return deleted
