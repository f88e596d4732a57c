"""The Redis store's key layout: what each key under the prefix holds, and how long keys are named.

Key layout under a prefix P (default "dedup:"), one logical index per Redis database:

    P meta          hash    signature settings and schema version, written once, checked on open
    P seq           string  counter; every record gets the next number n when it is claimed or
                            added, so numbers follow the order items were read in
    P high          string  the highest number registered so far
    P id:<item id>  string  n of the record with that id (expires with --retain-days)
    P doc:<n>       string  the record: 2-byte id length, id, zlib body (redis_codec)
    P done          bitmap  bit n is set once record n and its flags are committed
    P k:<key>       string  bucket: the n of every record with this candidate key, 4 bytes each,
                            big-endian, ascending (appended; inserted in place in the rare case
                            that a scanner registers a number below one already registered)
    P flags         list    kept flags as JSON, in commit order
    P flag-ids      set     ids of the kept flags, so none is kept twice
    P checkpoints   hash    source -> position
    P queue         stream  records waiting to be scanned (dedup.scanning.distributed), field "n"
    P claim:<id>    string  "<scanner>|<n>": who is reading that item now (SET NX PX, expires)
    P reading       zset    ids claimed but not yet registered, scored by their number n

Buckets hold record numbers, not item ids, so an index entry costs 4 bytes per key: datasketch's
Redis storage kept the full item key in every bucket and in a directory hash beside them (its issue
#96: 223 MB of input became 15 GB in Redis). Buckets are packed strings rather than Redis sets
because they are sorted by n for free: "how many records below n hold this key" (the
max_key_items cut, as a lone scanner would have seen it) is a binary search, and the records
below n are a prefix. A set answers neither without reading all of it, and costs 4-8 bytes a
member only up to set-max-intset-entries (512), about 50 beyond. Long keys (content hashes) are
named by an 8-byte blake2b hash. Scripts build `P doc:<n>` names themselves, so the store needs
a single Redis, not a cluster.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

_MAX_PLAIN_KEY = 24


@dataclass(frozen=True, slots=True)
class RedisKeys:
    """Key names under one prefix, as drawn in the module docstring."""

    meta: str
    seq: str
    high: str
    done: str
    flags: str
    flag_ids: str
    checkpoints: str
    queue: str
    reading: str
    id_prefix: str
    doc_prefix: str
    claim_prefix: str
    bucket_prefix: str

    @classmethod
    def under(cls, prefix: str) -> RedisKeys:
        """Name every key under `prefix`."""
        return cls(
            meta=f"{prefix}meta",
            seq=f"{prefix}seq",
            high=f"{prefix}high",
            done=f"{prefix}done",
            flags=f"{prefix}flags",
            flag_ids=f"{prefix}flag-ids",
            checkpoints=f"{prefix}checkpoints",
            queue=f"{prefix}queue",
            reading=f"{prefix}reading",
            id_prefix=f"{prefix}id:",
            doc_prefix=f"{prefix}doc:",
            claim_prefix=f"{prefix}claim:",
            bucket_prefix=f"{prefix}k:",
        )

    @property
    def record_prefixes(self) -> tuple[str, str, str]:
        """The id, document and bucket key prefixes, as the scripts take them."""
        return self.id_prefix, self.doc_prefix, self.bucket_prefix

    def doc(self, number: int) -> str:
        """Return the key of record `number`."""
        return f"{self.doc_prefix}{number}"

    def item(self, item_id: str) -> str:
        """Return the key holding the number of item `item_id`."""
        return f"{self.id_prefix}{item_id}"

    def claim(self, item_id: str) -> str:
        """Return the key of the claim on item `item_id`."""
        return f"{self.claim_prefix}{item_id}"

    def buckets(self, keys: Sequence[str]) -> list[str]:
        """Return the distinct bucket keys of candidate `keys`: one listed twice counts once."""
        return [f"{self.bucket_prefix}{name}" for name in dict.fromkeys(map(_short_key, keys))]

    def bucket_names(self, keys: Sequence[str]) -> str:
        """Return the distinct bucket names of `keys` after the bucket prefix, one a line."""
        return "\n".join(dict.fromkeys(map(_short_key, keys)))


def _short_key(key: str) -> str:
    # Terms are short and name themselves; a long key (a content hash), or one with a newline (the
    # scripts' separator), becomes 8 bytes of blake2b behind "#", which no term key starts with.
    if len(key) <= _MAX_PLAIN_KEY and "\n" not in key:
        return key
    return "#" + hashlib.blake2b(key.encode(), digest_size=8).hexdigest()
