"""Bytes forms of IndexRecord as the Redis store keeps them, and the head a shortlist reads alone.

The stored form (version 2) puts everything a shortlist needs before the compressed text:

    ff ff 02 | id length (2 bytes) | id | hash length (1) | content hash | signature length (2)
    | signature | term keys (2) | meta length (2) | meta JSON [title, url, published]
    | body: zlib JSON [text, keys] (dedup.index.body, packed ahead by a sketching worker)

so a scanner reads a candidate's id, content hash, sketch and term-key count with one GETRANGE
of the first bytes (`HEAD_BYTES` covers ids up to about 150 bytes) and decompresses only the
texts it compares. Version 1 (written by earlier releases, still read): 2-byte id length, id,
4-byte body length, zlib JSON [content hash, text, title, url, published, keys], signature. A
version-1 id is never 65,535 bytes long, which is what tells the two apart.
"""

from __future__ import annotations

import json
import struct
import zlib
from datetime import datetime

from dedup.errors import IndexStoreError
from dedup.index.base import IndexRecord
from dedup.index.body import pack_body, unpack_body
from dedup.index.keys import term_key_total

_MARK = b"\xff\xff\x02"
_SHORT = struct.Struct(">H")
_BODY_LENGTH = struct.Struct(">I")
_MAX_ID_BYTES = 0xFFFF
HEAD_BYTES = 1024
"""Bytes of a stored record that hold its id, content hash and signature, unless its id is long."""
ID_BYTES = 64
"""Bytes of a stored record that hold its id, unless the id is longer than about 60 bytes."""

Head = tuple[str, str, bytes, int]
"""A record's id, content hash, signature and term-key count."""


def encode_record(record: IndexRecord) -> bytes:
    """Return the stored form (version 2); the body is `record.packed_body` when packed ahead.

    Raises:
        IndexStoreError: the id is longer than 65,535 bytes, or the content hash than 255.
    """
    item_id = record.id.encode()
    if len(item_id) > _MAX_ID_BYTES:
        raise IndexStoreError(f"item id {record.id[:60]!r}...: longer than {_MAX_ID_BYTES} bytes")
    digest = record.content_hash.encode()
    if len(digest) > 0xFF:
        raise IndexStoreError(f"item {record.id[:60]!r}: a content hash longer than 255 bytes")
    published = record.published.isoformat() if record.published else None
    meta = json.dumps([record.title, record.url, published], ensure_ascii=False).encode()
    body = record.packed_body if record.packed_body is not None else pack_body(record.text, record.keys)
    return b"".join(
        (
            _MARK,
            _SHORT.pack(len(item_id)),
            item_id,
            bytes([len(digest)]),
            digest,
            _SHORT.pack(len(record.signature)),
            record.signature,
            _SHORT.pack(min(0xFFFF, term_key_total(record.keys))),
            _SHORT.pack(len(meta)),
            meta,
            body,
        )
    )


def decode_head(head: bytes) -> Head | None:
    """Return (id, content hash, signature, term keys) from the first bytes of a stored record.

    None when `head` is too short to hold them, or is a version-1 record (read it whole).

    Raises:
        ValueError: the head is damaged.
    """
    if not head.startswith(_MARK):
        return None
    try:
        found = _decode_head(head)
    except (struct.error, IndexError, UnicodeDecodeError) as exc:
        raise ValueError(f"damaged record: {exc}") from exc
    return None if found is None else found[0]


def decode_id(prefix: bytes) -> str | None:
    """Return the id from the first bytes of a stored record (either version), None if cut off.

    Raises:
        ValueError: the prefix is damaged.
    """
    at = len(_MARK) if prefix.startswith(_MARK) else 0
    try:
        (id_length,) = _SHORT.unpack_from(prefix, at)
        start = at + _SHORT.size
        return prefix[start : start + id_length].decode() if start + id_length <= len(prefix) else None
    except (struct.error, UnicodeDecodeError) as exc:
        raise ValueError(f"damaged record: {exc}") from exc


def _decode_head(blob: bytes) -> tuple[Head, int] | None:
    """Return the head and where it ends, or None if `blob` stops before."""
    at = len(_MARK)
    (id_length,) = _SHORT.unpack_from(blob, at)
    at += _SHORT.size + id_length
    if at >= len(blob):
        return None
    item_id = blob[at - id_length : at].decode()
    digest_length = blob[at]
    digest_at = at + 1
    at = digest_at + digest_length + _SHORT.size
    if at > len(blob):
        return None
    (signature_length,) = _SHORT.unpack_from(blob, at - _SHORT.size)
    end = at + signature_length + _SHORT.size
    if end > len(blob):
        return None
    (term_keys,) = _SHORT.unpack_from(blob, end - _SHORT.size)
    digest = blob[digest_at : digest_at + digest_length].decode()
    return (item_id, digest, blob[at : end - _SHORT.size], term_keys), end


def decode_record(blob: bytes) -> IndexRecord:
    """Invert `encode_record` (either version).

    Raises:
        ValueError: the blob is damaged.
    """
    try:
        return _decode_v2(blob) if blob.startswith(_MARK) else _decode_v1(blob)
    except (struct.error, zlib.error, TypeError, KeyError, IndexError, UnicodeDecodeError) as exc:
        raise ValueError(f"damaged record: {exc}") from exc


def _decode_v2(blob: bytes) -> IndexRecord:
    found = _decode_head(blob)
    if found is None:
        raise ValueError("damaged record: cut short")
    (item_id, digest, signature, _), at = found
    (meta_length,) = _SHORT.unpack_from(blob, at)
    body_at = at + _SHORT.size + meta_length
    title, url, published = json.loads(blob[at + _SHORT.size : body_at])
    text, keys = unpack_body(blob[body_at:])
    return _record(item_id, digest, text, title, url, published, list(keys), signature)


def _decode_v1(blob: bytes) -> IndexRecord:
    (id_length,) = _SHORT.unpack_from(blob)
    body_at = _SHORT.size + id_length
    item_id = blob[_SHORT.size : body_at].decode()
    (body_length,) = _BODY_LENGTH.unpack_from(blob, body_at)
    signature_at = body_at + _BODY_LENGTH.size + body_length
    digest, text, title, url, published, keys = json.loads(
        zlib.decompress(blob[body_at + _BODY_LENGTH.size : signature_at])
    )
    return _record(item_id, digest, text, title, url, published, keys, blob[signature_at:])


def _record(
    item_id: str,
    digest: str,
    text: str,
    title: str | None,
    url: str | None,
    published: str | None,
    keys: list[str],
    signature: bytes,
) -> IndexRecord:
    return IndexRecord(
        id=item_id,
        content_hash=digest,
        text=text,
        title=title,
        url=url,
        published=datetime.fromisoformat(published) if published else None,
        keys=tuple(keys),
        signature=signature,
    )
