"""An item's text and keys as one compressed body: how both stores keep them, packed ahead in workers."""

from __future__ import annotations

import json
import zlib
from collections.abc import Sequence

# What a damaged body raises on the way back.
BODY_ERRORS = (zlib.error, ValueError, TypeError, UnicodeDecodeError)


def pack_body(text: str, keys: Sequence[str]) -> bytes:
    """Compress an item's text and keys into its body (zlib level 1 halves news text cheaply)."""
    return zlib.compress(json.dumps([text, list(keys)], ensure_ascii=False).encode(), 1)


def unpack_body(body: bytes) -> tuple[str, tuple[str, ...]]:
    """Return the text and keys of a body (raises one of BODY_ERRORS when damaged)."""
    text, keys = json.loads(zlib.decompress(body))
    return str(text), tuple(str(key) for key in keys)
