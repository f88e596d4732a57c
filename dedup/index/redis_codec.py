"""Bytes and JSON forms of IndexRecord and Flag as the Redis store keeps them."""

from __future__ import annotations

import json
import struct
import zlib
from datetime import datetime

from dedup.errors import IndexStoreError
from dedup.index.base import IndexRecord

_ID_LENGTH = struct.Struct(">H")
_BODY_LENGTH = struct.Struct(">I")
_MAX_ID_BYTES = 0xFFFF


def encode_record(record: IndexRecord) -> bytes:
    """Return the stored form: 2-byte id length, id, 4-byte body length, zlib body, signature.

    Raises:
        IndexStoreError: the id is longer than 65,535 bytes.

    The id comes first and uncompressed so a Lua script can read it with two GETRANGE calls
    without fetching the text; zlib level 1 roughly halves news text at little CPU cost. The
    signature (sketch weights) stays raw: it does not compress, and deflating it costs time.
    """
    item_id = record.id.encode()
    if len(item_id) > _MAX_ID_BYTES:
        raise IndexStoreError(f"item id {record.id[:60]!r}...: longer than {_MAX_ID_BYTES} bytes")
    body = json.dumps(
        [
            record.content_hash,
            record.text,
            record.title,
            record.url,
            record.published.isoformat() if record.published else None,
            list(record.keys),
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()
    compressed = zlib.compress(body, 1)
    return b"".join(
        (
            _ID_LENGTH.pack(len(item_id)),
            item_id,
            _BODY_LENGTH.pack(len(compressed)),
            compressed,
            record.signature,
        )
    )


def decode_record(blob: bytes) -> IndexRecord:
    """Invert `encode_record`.

    Raises:
        ValueError: the blob is damaged.
    """
    try:
        return _decode_record(blob)
    except (struct.error, zlib.error, TypeError, KeyError, IndexError) as exc:
        raise ValueError(f"damaged record: {exc}") from exc


def _decode_record(blob: bytes) -> IndexRecord:
    (id_length,) = _ID_LENGTH.unpack_from(blob)
    body_at = _ID_LENGTH.size + id_length
    item_id = blob[_ID_LENGTH.size : body_at].decode()
    (body_length,) = _BODY_LENGTH.unpack_from(blob, body_at)
    signature_at = body_at + _BODY_LENGTH.size + body_length
    content_hash, text, title, url, published, keys = json.loads(
        zlib.decompress(blob[body_at + _BODY_LENGTH.size : signature_at])
    )
    return IndexRecord(
        id=item_id,
        content_hash=content_hash,
        text=text,
        title=title,
        url=url,
        published=datetime.fromisoformat(published) if published else None,
        keys=tuple(keys),
        signature=blob[signature_at:],
    )
