"""How SqliteStore lays out an item: its row, its compressed body, its key hashes, and back."""

from __future__ import annotations

import json
import zlib
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from dedup.errors import IndexCorruptError
from dedup.index.base import IndexRecord
from dedup.index.keys import hash_keys

# What a damaged body raises on the way back.
BODY_ERRORS = (zlib.error, ValueError, TypeError, UnicodeDecodeError)


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


def pack_body(text: str, keys: Sequence[str]) -> bytes:
    """Compress an item's text and keys into its body."""
    return zlib.compress(json.dumps([text, list(keys)], ensure_ascii=False).encode(), 1)


def unpack_body(body: bytes) -> tuple[str, tuple[str, ...]]:
    """Return the text and keys of a body (raises one of BODY_ERRORS when damaged)."""
    text, keys = json.loads(zlib.decompress(body))
    return str(text), tuple(str(key) for key in keys)


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
