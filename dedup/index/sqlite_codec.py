"""How SqliteStore lays out an item: its row, its compressed body, its key hashes, and back."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from dedup.errors import IndexCorruptError
from dedup.index.base import IndexRecord
from dedup.index.body import BODY_ERRORS, pack_body, unpack_body
from dedup.index.keys import hash_keys

__all__ = ["BODY_ERRORS", "item_row", "pack_body", "read_record", "unpack_body"]


def item_row(record: IndexRecord) -> tuple[object, ...]:
    """Return (id, content_hash, title, url, published, body, signature, key_hashes) for an items row."""
    published = record.published.isoformat() if record.published else None
    # Packed ahead by a sketching worker with pack_body itself, from the same text and keys.
    body = record.packed_body if record.packed_body is not None else pack_body(record.text, record.keys)
    return (
        record.id,
        record.content_hash,
        record.title,
        record.url,
        published,
        body,
        record.signature,
        record.key_hashes if record.key_hashes is not None else hash_keys(record.keys),
    )


def read_record(row: tuple[Any, ...], path: Path) -> IndexRecord:
    """Make the IndexRecord of an items row, or raise IndexCorruptError naming it."""
    item_id, digest, title, url, published, body, signature = row
    try:
        text, keys = unpack_body(bytes(body))
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
    except BODY_ERRORS as exc:
        raise IndexCorruptError(f"{path}: record {item_id!r} is damaged ({exc})") from exc
