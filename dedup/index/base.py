"""The IndexStore Protocol every index backend implements, and the IndexRecord it stores."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field, fields
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self, runtime_checkable

from dedup.errors import IndexSettingsError
from dedup.model import Document, Flag

SCHEMA_VERSION = 1
"""Bumped whenever a backend's stored layout changes; stores refuse other versions."""

CANDIDATE_SCHEME = "rare-terms+tfidf-sketch-v1"
"""Names the recipe of `IndexRecord.keys` (dedup.scanning.candidates); keys made otherwise never mix."""


@dataclass(frozen=True, slots=True)
class IndexRecord:
    """One indexed item: what candidate search needs and what `compare` needs to run again.

    `id` is the item's stable id (feed guid or link, JSONL id, file path). `content_hash` is the
    sha256 hex of its normalised text. `keys` are its candidate keys (dedup.scanning.candidates), which the
    store inverts for `candidates`; `signature` is the cheap pre-filter signature, opaque bytes.
    """

    id: str
    content_hash: str
    text: str
    title: str | None
    url: str | None
    published: datetime | None
    keys: tuple[str, ...]
    signature: bytes
    # The store's own encoding of `text` and `keys`, made ahead by its `BodyPacker.pack_body`.
    packed_body: bytes | None = field(default=None, compare=False, repr=False)
    # dedup.index.keys.hash_keys(keys) when the sketch brought them; a store needing them makes
    # them otherwise.
    key_hashes: bytes | None = field(default=None, compare=False, repr=False)

    def to_document(self) -> Document:
        """Return the item as the Document it was indexed from, for comparing it again."""
        return Document(id=self.id, text=self.text, title=self.title, url=self.url, published=self.published)


@dataclass(frozen=True, slots=True)
class SignatureSettings:
    """The settings that signatures and keys in an index were made with; they must match to mix."""

    schema_version: int
    candidate_scheme: str

    @classmethod
    def current(cls) -> SignatureSettings:
        """Return the schemes this release writes.

        Indexes hold rare-term keys and TF-IDF sketches, never MinHash signatures (those are made per
        comparison), so the MinHash fields earlier releases stored here are no longer checked.
        """
        return cls(schema_version=SCHEMA_VERSION, candidate_scheme=CANDIDATE_SCHEME)

    def as_pairs(self) -> tuple[tuple[str, str], ...]:
        """Return (name, value) string pairs, the form stores write them in."""
        return tuple((field.name, str(getattr(self, field.name))) for field in fields(self))


def check_settings(stored: Sequence[tuple[str, str]], expected: SignatureSettings, location: str) -> None:
    """Raise IndexSettingsError unless the settings an index stored equal `expected`.

    Raises:
        IndexSettingsError: naming the first differing setting, both values and the index.
    """
    found = dict(stored)
    for name, value in expected.as_pairs():
        if found.get(name) != value:
            raise IndexSettingsError(
                f"{location}: index was built with {name}={found.get(name)!r}, these settings use {value!r}"
            )


class IndexStore(Protocol):
    """Persistent index of scanned items and the flags kept for them; a context manager.

    Implementations: dedup.index.sqlite_store.SqliteStore(path, signature_settings) (one file) and
    dedup.index.redis_store.RedisStore(url, signature_settings) (shared). On open each writes
    `SignatureSettings.as_pairs()` into an empty index, or checks them with `check_settings`.
    Third-party errors become IndexCorruptError / IndexUnavailableError at the store's edge.
    """

    def add(self, record: IndexRecord, flags: Sequence[Flag] = ()) -> bool:
        """Store `record` and its `flags` in one transaction; return False if its id was present.

        Adding a record whose id is already indexed writes nothing (neither record nor flags), so a
        restarted scan can re-add freely. The same content under a new id is a new record (an exact
        copy, which the scan flags). A flag whose id is already kept is not kept twice.
        """
        ...

    def add_many(self, entries: Sequence[tuple[IndexRecord, Sequence[Flag]]]) -> list[bool]:
        """Add many (record, flags) entries as `add` would, in one round trip; True where added.

        Each record is committed together with its flags; a batch may commit as a whole.
        """
        ...

    def get(self, item_id: str) -> IndexRecord | None:
        """Return the record stored under `item_id`, or None."""
        ...

    def candidates(
        self, keys: Sequence[str], limit: int, max_key_items: int | None = None
    ) -> list[tuple[str, int]]:
        """Return up to `limit` (item id, number of `keys` it shares) pairs, most shared first.

        Ties are broken by item id, ascending, so the answer is deterministic. A key held by more
        than `max_key_items` items is ignored, as a stop word is: it points at too much to matter
        (an IDF cut), and it keeps the cost of a lookup bounded as the index grows.
        """
        ...

    def checkpoint(self, source: str, position: str) -> None:
        """Record how far `source` has been read (an opaque position, e.g. a line or an ETag)."""
        ...

    def last_checkpoint(self, source: str) -> str | None:
        """Return the last position recorded for `source`, or None."""
        ...

    def flags(self) -> Iterator[Flag]:
        """Yield every kept flag once, in the order they were committed.

        The order is stable, so the scan can checkpoint how many flags it has printed and, after a
        restart, print only those committed but not yet printed.
        """
        ...

    def close(self) -> None:
        """Release connections and files; the store is unusable afterwards."""
        ...

    def __enter__(self) -> Self:
        """Return the open store."""
        ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Close the store."""
        ...


@runtime_checkable
class SharedKeySearch(Protocol):
    """A store that skips items sharing too few keys before ranking them, and counts a key's holders."""

    def candidates_sharing(
        self,
        keys: Sequence[str],
        limit: int,
        min_shared: int,
        max_key_items: int | None = None,
        hashed_keys: Sequence[int] | None = None,
    ) -> list[tuple[str, int]]:
        """Return what `candidates` would, less the items sharing fewer than `min_shared` keys.

        `hashed_keys`, the distinct dedup.index.keys.key_hash of each key, stand for `keys` when
        the caller has them (and spare the store hashing them).
        """
        ...

    def key_holders(self, hashed_keys: Sequence[int]) -> list[int]:
        """Return how many indexed items hold each of `hashed_keys` (dedup.index.keys.key_hash)."""
        ...

    def candidates_within(
        self,
        hashed_keys: Sequence[int],
        also_held: Sequence[int],
        limit: int,
        min_shared: int,
        max_key_items: int | None,
    ) -> tuple[list[tuple[str, int]], list[int]]:
        """Return `candidates_sharing`'s answer, each key's holders counted with `also_held[i]` more.

        In one pass: what `key_holders`, a cut at `max_key_items` and `candidates_sharing` over
        the keys kept would give, and the keys kept. `hashed_keys` are distinct key hashes. Of
        the keys kept, an item must share `min_shared` scaled by the share of keys kept
        (dedup.index.keys.min_shared_of_kept), as it would share about that many of them.
        """
        ...


@runtime_checkable
class SignatureLookup(Protocol):
    """A store that can hand out items' sketch signatures without reading (or decompressing) their texts."""

    def signatures(self, item_ids: Sequence[str]) -> dict[str, tuple[str, bytes, int]]:
        """Return (content hash, signature, term keys) by id, for each of `item_ids` indexed.

        Term keys is dedup.index.keys.term_key_total of the item's keys, or -1 when the store
        cannot tell it without reading the item.
        """
        ...


@runtime_checkable
class KeyedSignatureLookup(Protocol):
    """A store that hands out items' signatures with their key hashes, reading no text."""

    def keyed_signatures(self, item_ids: Sequence[str]) -> dict[str, tuple[str, bytes, bytes]]:
        """Return (content hash, signature, key hashes) by id, for each of `item_ids` indexed.

        The key hashes are dedup.index.keys.hash_keys of the item's keys, so a shortlist counts
        every key an item shares, those too common for candidate search included.
        """
        ...


@runtime_checkable
class BodyPacker(Protocol):
    """A store whose item bodies a pure function encodes, so sketching workers can encode them ahead."""

    @property
    def pack_body(self) -> Callable[[str, tuple[str, ...]], bytes]:
        """The module-level function turning (text, keys) into the stored body."""
        ...


@runtime_checkable
class SoleWriter(Protocol):
    """A store that one scanner at a time may write: a second scan waits for the first to end."""

    def sole_writer(self) -> AbstractContextManager[None]:
        """Hold the index for one scan, waiting while another scan holds it."""
        ...


def scan_writer(index: object) -> AbstractContextManager[None]:
    """Return what a scan holds while it reads and writes `index`: its scan lock, if it has one."""
    return index.sole_writer() if isinstance(index, SoleWriter) else nullcontext()
