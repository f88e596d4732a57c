"""What several scanners sharing one index agree on: queue settings, entries, the index Protocol."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol, TypeVar, runtime_checkable

from dedup.index.base import IndexRecord
from dedup.model import Flag

E = TypeVar("E")

ClaimState = Literal["ours", "indexed", "theirs"]
"""Where an item stands when a scanner reads it: this scanner's to queue, indexed, or another's."""


@dataclass(frozen=True, slots=True)
class QueueEntry:
    """A record number waiting in the queue, and the stream entry that carries it."""

    entry_id: str
    number: int


class CandidateView(Protocol):
    """The read side of an index that judging one item needs."""

    def get(self, item_id: str) -> IndexRecord | None:
        """Return the record stored under `item_id`, or None."""
        ...

    def candidates(
        self, keys: Sequence[str], limit: int, max_key_items: int | None = None
    ) -> list[tuple[str, int]]:
        """Return up to `limit` (item id, shared keys) pairs, most shared first, ties by id."""
        ...


class SharedQueue(Protocol):
    """The queue of record numbers, handed out through one consumer group: dedup.index.redis_queue."""

    def join_group(self, group: str) -> None:
        """Create the consumer group unless another scanner did."""
        ...

    def is_empty(self) -> bool:
        """Tell whether no entry is waiting or pending."""
        ...

    def read(
        self, group: str, consumer: str, start_id: str, count: int, wait_s: float | None
    ) -> list[QueueEntry]:
        """Read new entries (">") or this consumer's own unfinished ones ("0")."""
        ...

    def take_over(self, group: str, consumer: str, min_idle_s: float, count: int) -> list[QueueEntry]:
        """Claim entries another consumer left unacknowledged for `min_idle_s`."""
        ...


@runtime_checkable
class QueueView(Protocol):
    """The view of a shared index that a scan's reading loop writes to: it queues, judges later.

    `read_ahead` sees the entries before they are sketched, so it can claim a batch of them in
    one round trip (and hand the others on without their text, so no sketching is spent on them).
    """

    def read_ahead(self, entries: Iterable[E]) -> Iterator[E]:
        """Yield `entries` (Documents and errors) in order, claimed a batch at a time."""
        ...


@runtime_checkable
class SharedIndex(Protocol):
    """An index several scanners can share: dedup.index.redis_store.RedisStore."""

    @property
    def queue(self) -> SharedQueue:
        """The stream of record numbers the scanners share."""
        ...

    def get(self, item_id: str) -> IndexRecord | None:
        """Return the record stored under `item_id`, or None."""
        ...

    def get_many(self, item_ids: Sequence[str]) -> list[IndexRecord | None]:
        """Return the records stored under `item_ids`, None where absent, in one round trip."""
        ...

    def checkpoint(self, source: str, position: str) -> None:
        """Record how far `source` has been read."""
        ...

    def last_checkpoint(self, source: str) -> str | None:
        """Return the last position recorded for `source`, or None."""
        ...

    def flags(self) -> Iterator[Flag]:
        """Yield every kept flag once, in commit order."""
        ...

    def enqueue_many(self, records: Sequence[tuple[IndexRecord, int]]) -> list[int | None]:
        """Register and queue (record, claimed number) pairs; each one's number, None if known."""
        ...

    def claim(self, item_id: str, scanner: str, lifetime_s: float) -> tuple[ClaimState, int]:
        """Claim an item to read and queue, unless indexed or another's; our number or 0."""
        ...

    def claim_many(
        self, item_ids: Sequence[str], scanner: str, lifetime_s: float
    ) -> list[tuple[ClaimState, int]]:
        """Claim many items as `claim` does each, in one round trip."""
        ...

    def is_ready(self, number: int) -> bool:
        """Tell whether every item numbered below `number` is registered (or its claim lapsed)."""
        ...

    def claim_states(self, item_ids: Sequence[str]) -> list[ClaimState | None]:
        """Tell per item: indexed, claimed by a scanner ("theirs"), or neither (None)."""
        ...

    def records_by_number(self, numbers: Sequence[int]) -> list[IndexRecord | None]:
        """Fetch records by number."""
        ...

    def candidates_many(
        self,
        key_lists: Sequence[Sequence[str]],
        limit: int,
        max_key_items: int | None = None,
        before: Sequence[int] | None = None,
    ) -> list[list[tuple[str, int]]]:
        """Candidate search, optionally bounded to records numbered below `before[i]`."""
        ...

    def rank_many(
        self,
        key_lists: Sequence[Sequence[str]],
        limit: int,
        max_key_items: int | None = None,
        before: Sequence[int] | None = None,
    ) -> tuple[list[list[tuple[str, int, int]]], dict[int, tuple[str, str, bytes, int]]]:
        """What `candidates_many` returns, with record numbers, and the heads read on the way."""
        ...

    @property
    def pack_body(self) -> Callable[[str, tuple[str, ...]], bytes]:
        """The function that encodes an item's text and keys into its stored body."""
        ...

    def heads_by_number(self, numbers: Sequence[int]) -> dict[int, tuple[str, str, bytes, int]]:
        """Return (id, content hash, signature, term keys) of records by number, not their texts."""
        ...

    def commit_many(
        self, group: str, entries: Sequence[tuple[QueueEntry, Sequence[Flag]]]
    ) -> list[tuple[bool, tuple[Flag, ...]]]:
        """Commit judged records and acknowledge their entries; what each commit kept."""
        ...
