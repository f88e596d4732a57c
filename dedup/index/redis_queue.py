"""RedisQueue: the stream of record numbers several scanners share, read through one consumer group."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import redis

from dedup.index.shared import QueueEntry

T = TypeVar("T")


class RedisQueue:
    """XGROUP / XREADGROUP / XAUTOCLAIM on one stream; `call` runs each with the store's retries."""

    def __init__(self, client: redis.Redis, key: str, call: Callable[[Callable[[], Any]], Any]) -> None:
        self._client = client
        self._key = key
        self._call = call

    def join_group(self, group: str) -> None:
        """Create the consumer group (and the stream) unless another scanner did."""

        def create() -> None:
            try:
                self._client.xgroup_create(self._key, group, id="0", mkstream=True)
            except redis.ResponseError as exc:
                if "BUSYGROUP" not in str(exc):  # the group exists already: nothing to do
                    raise

        self._call(create)

    def is_empty(self) -> bool:
        """Tell whether no entry is waiting or pending; committed entries are deleted."""
        return int(self._call(lambda: self._client.xlen(self._key))) == 0

    def read(
        self, group: str, consumer: str, start_id: str, count: int, wait_s: float | None
    ) -> list[QueueEntry]:
        """Read new entries (start_id ">") or this consumer's own unfinished ones ("0")."""
        wait_ms = None if wait_s is None else round(wait_s * 1000)
        reply = self._call(
            lambda: self._client.xreadgroup(
                group, consumer, {self._key: start_id}, count=count, block=wait_ms
            )
        )
        return _entries(reply[0][1]) if reply else []

    def take_over(self, group: str, consumer: str, min_idle_s: float, count: int) -> list[QueueEntry]:
        """Claim entries another consumer read but left unacknowledged for `min_idle_s`."""
        reply = self._call(
            lambda: self._client.xautoclaim(
                self._key,
                group,
                consumer,
                min_idle_time=round(min_idle_s * 1000),
                start_id="0-0",
                count=count,
            )
        )
        return _entries(reply[1])


def _entries(raw: Sequence[tuple[Any, dict[Any, Any] | None]]) -> list[QueueEntry]:
    entries = []
    for entry_id, fields in raw:
        if fields:  # an entry deleted after its commit comes back without fields
            identifier = entry_id.decode() if isinstance(entry_id, bytes) else str(entry_id)
            entries.append(QueueEntry(entry_id=identifier, number=int(fields[b"n"])))
    return entries
