"""The tables of a SQLite index, making them in a new file, and upgrading older layouts in place."""

from __future__ import annotations

from dedup.errors import IndexCorruptError
from dedup.index.base import SignatureSettings
from dedup.index.keys import hash_keys
from dedup.index.sqlite_catalog import SEGMENTS_SCHEMA
from dedup.index.sqlite_codec import BODY_ERRORS, unpack_body
from dedup.index.sqlite_connection import Database

# PRAGMA application_id marks the file as ours ("DDUP"), so a foreign SQLite file is refused.
APPLICATION_ID = 0x44445550
ADDED_SCHEMA = "CREATE TABLE added (seq INTEGER PRIMARY KEY, at REAL NOT NULL)"
_SCHEMA = (
    "CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE items (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    content_hash TEXT NOT NULL,
    title TEXT,
    url TEXT,
    published TEXT,
    body BLOB NOT NULL,
    signature BLOB NOT NULL,
    key_hashes BLOB NOT NULL
)""",
    "CREATE INDEX items_content_hash ON items (content_hash)",
    "CREATE TABLE flags (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, body TEXT NOT NULL)",
    "CREATE TABLE checkpoints (source TEXT PRIMARY KEY, position TEXT NOT NULL)",
    SEGMENTS_SCHEMA,
    ADDED_SCHEMA,
)
# What every release's index holds; `segments` and `added` are added on opening one without them.
TABLES = frozenset({"meta", "items", "flags", "checkpoints"})
_LATER_TABLES = {"segments": SEGMENTS_SCHEMA, "added": ADDED_SCHEMA}
# What an index written before items carried their key hashes kept instead.
_POSTINGS_TABLES = ("postings", "key_counts")
_POSTINGS_THROUGH = "postings_through"


def read_header(db: Database) -> tuple[int, set[str]]:
    """Return the file's application id and its table names."""
    application_id = int(db.query("PRAGMA application_id")[0][0])
    tables = {str(row[0]) for row in db.query("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return application_id, tables


def create(db: Database, signature_settings: SignatureSettings) -> None:
    """Make the tables of a new index and write its settings (in the caller's transaction)."""
    db.query(f"PRAGMA application_id = {APPLICATION_ID}")
    for statement in _SCHEMA:
        db.query(statement)
    db.execute_many("INSERT INTO meta (name, value) VALUES (?, ?)", signature_settings.as_pairs())


def needs_upgrade(tables: set[str]) -> bool:
    """Tell whether an index's tables are an older release's."""
    return not tables.isdisjoint(_POSTINGS_TABLES) or not tables >= set(_LATER_TABLES)


def upgrade(db: Database, now: float) -> None:
    """Bring an older index to this layout, in place, in one transaction.

    Indexes written before items carried their key hashes get them from each body; the postings
    tables they kept go. Indexes without `segments` or `added` get them; the items already there
    count as added now (for --retain-days) and their postings are written out on the first
    search. A damaged body stops it with IndexCorruptError and leaves the file as it was. Another
    process may have upgraded it first; then there is nothing left to do.
    """
    with db.write():
        _, tables = read_header(db)
        if not tables.isdisjoint(_POSTINGS_TABLES):
            _add_key_hashes(db)
        for name, statement in _LATER_TABLES.items():
            if name not in tables:
                db.query(statement)
        if "added" not in tables:
            db.query("INSERT INTO added (seq, at) SELECT MAX(seq), ? FROM items HAVING COUNT(*) > 0", (now,))


def _add_key_hashes(db: Database) -> None:
    columns = {str(row[1]) for row in db.query("PRAGMA table_info(items)")}
    if "key_hashes" not in columns:
        db.query("ALTER TABLE items ADD COLUMN key_hashes BLOB NOT NULL DEFAULT x''")
        rows = db.query("SELECT seq, id, body FROM items")
        db.execute_many(
            "UPDATE items SET key_hashes = ? WHERE seq = ?",
            ((hash_keys(_body_keys(db, item_id, body)), seq) for seq, item_id, body in rows),
        )
    for table in _POSTINGS_TABLES:
        db.query(f"DROP TABLE IF EXISTS {table}")
    db.query("DELETE FROM meta WHERE name = ?", (_POSTINGS_THROUGH,))


def _body_keys(db: Database, item_id: str, body: bytes) -> tuple[str, ...]:
    try:
        return unpack_body(bytes(body))[1]
    except BODY_ERRORS as exc:
        raise IndexCorruptError(f"{db.path}: record {item_id!r} is damaged ({exc})") from exc
