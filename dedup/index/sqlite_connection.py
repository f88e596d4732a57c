"""The SQLite connection of an index: opening it safely, transactions, errors made ours."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

from dedup.errors import IndexCorruptError, IndexStoreError, IndexUnavailableError

_SQLITE_MAGIC = b"SQLite format 3\x00"


class Transaction:
    """BEGIN IMMEDIATE (or `begin`) ... COMMIT, rolled back on any error, sqlite3 errors made ours."""

    def __init__(self, connection: sqlite3.Connection, path: Path, begin: str = "BEGIN IMMEDIATE") -> None:
        self._connection = connection
        self._path = path
        self._begin = begin

    def __enter__(self) -> None:
        try:
            self._connection.execute(self._begin)
        except sqlite3.Error as exc:
            raise translate(exc, self._path) from exc

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if exc_type is not None:
            self._connection.rollback()
            if isinstance(exc, sqlite3.Error):
                raise translate(exc, self._path) from exc
            return
        try:
            self._connection.commit()
        except sqlite3.Error as error:
            self._connection.rollback()
            raise translate(error, self._path) from error


def connect(path: Path, busy_timeout_s: float) -> sqlite3.Connection:
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
        # isolation_level=None: transactions are explicit (BEGIN IMMEDIATE in Transaction).
        return sqlite3.connect(path, timeout=busy_timeout_s, isolation_level=None, check_same_thread=False)
    except sqlite3.Error as exc:
        raise translate(exc, path) from exc


def translate(exc: sqlite3.Error, path: Path) -> IndexStoreError:
    """Turn a sqlite3 error into ours, naming the index: locked, unopenable, damaged, or other."""
    message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if isinstance(exc, sqlite3.OperationalError) and ("locked" in message or "busy" in message):
        return IndexUnavailableError(f"{path}: index is locked by another process ({message})")
    if isinstance(exc, sqlite3.OperationalError) and "unable to open" in message:
        return IndexUnavailableError(f"{path}: cannot open the index ({message})")
    if isinstance(exc, sqlite3.DatabaseError):
        return IndexCorruptError(f"{path}: index is damaged ({message})")
    return IndexStoreError(f"{path}: {message}")


class Database:
    """One connection to an index file: queries and write transactions, sqlite3 errors made ours."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self.connection = connection
        self.path = path

    def query(self, sql: str, parameters: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        """Run one statement and return all its rows."""
        try:
            return self.connection.execute(sql, parameters).fetchall()
        except sqlite3.Error as exc:
            raise translate(exc, self.path) from exc

    def execute(self, sql: str, parameters: Sequence[object] = ()) -> int:
        """Run one statement; return how many rows it changed."""
        try:
            return int(self.connection.execute(sql, parameters).rowcount)
        except sqlite3.Error as exc:
            raise translate(exc, self.path) from exc

    def execute_many(self, sql: str, rows: Iterable[Sequence[object]]) -> None:
        """Run one statement for each of `rows`."""
        try:
            self.connection.executemany(sql, rows)
        except sqlite3.Error as exc:
            raise translate(exc, self.path) from exc

    def write(self) -> Transaction:
        """Return a write transaction (BEGIN IMMEDIATE: it waits for other writers)."""
        return Transaction(self.connection, self.path)

    @property
    def in_transaction(self) -> bool:
        """Tell whether a transaction is open on the connection."""
        return self.connection.in_transaction

    def data_version(self) -> int:
        """Return PRAGMA data_version: it changes when another connection commits."""
        return int(self.query("PRAGMA data_version")[0][0])

    def meta_int(self, name: str) -> int:
        """Return an integer from the meta table, 0 when absent."""
        rows = self.query("SELECT value FROM meta WHERE name = ?", (name,))
        return int(rows[0][0]) if rows else 0

    def set_meta(self, name: str, value: object) -> None:
        """Write a meta value (inside the caller's transaction)."""
        self.query(
            "INSERT INTO meta (name, value) VALUES (?, ?)"
            " ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            (name, str(value)),
        )
