"""RedisStore: the shared IndexStore in one Redis database; pipelined batches, bounded retries."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import redis

from dedup.closing import ClosesOnExit
from dedup.errors import IndexCorruptError, IndexStoreError, IndexUnavailableError
from dedup.index import redis_scripts
from dedup.index.base import IndexRecord, SignatureSettings, check_settings
from dedup.index.flag_codec import decode_flag, encode_flag
from dedup.index.redis_codec import decode_record, encode_record
from dedup.index.redis_keys import RedisKeys
from dedup.index.redis_queue import RedisQueue
from dedup.index.shared import ClaimState, QueueEntry
from dedup.model import Flag

T = TypeVar("T")

_FLAG_PAGE = 500
_ADD_CHUNK = 256
_CLAIM_STATES: tuple[ClaimState, ...] = ("ours", "indexed", "theirs")


@dataclass(frozen=True, slots=True)
class RedisOptions:
    """How a RedisStore behaves beyond the shared contract.

    `retry_s` bounds how long an operation keeps retrying, with exponential backoff from
    `backoff_start_s` to `backoff_max_s`, while Redis is unreachable; then IndexUnavailableError.
    `retain_days`, when set, expires documents that long after they were indexed. Flags are kept.
    """

    prefix: str = "dedup:"
    retry_s: float = 30.0
    backoff_start_s: float = 0.05
    backoff_max_s: float = 2.0
    socket_timeout_s: float = 10.0
    retain_days: float | None = None

    @property
    def retain_s(self) -> int:
        """The retention window in whole seconds, 0 when documents never expire."""
        return 0 if self.retain_days is None else max(1, round(self.retain_days * 86400))


def redact_url(url: str) -> str:
    """Return `url` without its password, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username or ''}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


class RedisStore(ClosesOnExit):
    """IndexStore in a Redis database chosen by URL (redis://, rediss://, with password and db).

    Every write is one Lua script, so a record and its flags are committed together and a flag id
    is kept once however many scanners race; batches go through one pipeline round trip. The key
    layout is drawn in dedup.index.redis_keys.
    """

    def __init__(
        self, url: str, signature_settings: SignatureSettings, options: RedisOptions | None = None
    ) -> None:
        self.location = redact_url(url)
        self.options = options or RedisOptions()
        prefix = self.options.prefix
        self._keys = RedisKeys.under(prefix)
        try:
            self._client = redis.Redis.from_url(
                url,
                socket_timeout=self.options.socket_timeout_s,
                socket_connect_timeout=min(self.options.socket_timeout_s, 5.0),
            )
        except ValueError as exc:
            raise IndexUnavailableError(f"{self.location}: not a usable Redis URL: {exc}") from exc
        self._init = self._client.register_script(redis_scripts.INIT)
        self._add = self._client.register_script(redis_scripts.ADD)
        self._enqueue = self._client.register_script(redis_scripts.ENQUEUE)
        self._commit = self._client.register_script(redis_scripts.COMMIT)
        self._candidates = self._client.register_script(redis_scripts.CANDIDATES)
        self._get = self._client.register_script(redis_scripts.GET)
        self._claim = self._client.register_script(redis_scripts.CLAIM)
        self._ready = self._client.register_script(redis_scripts.READY)
        try:
            # Opening fails fast: a wrong URL should not hang for the whole retry window.
            stored = self._call(
                lambda: self._init(keys=[self._keys.meta], args=_flatten(signature_settings.as_pairs())),
                retry_s=0.0,
            )
            pairs = [(_text(stored[index]), _text(stored[index + 1])) for index in range(0, len(stored), 2)]
            if "schema_version" not in dict(pairs):
                raise IndexCorruptError(f"{self.location}: {self._keys.meta} is not a dedup index header")
            check_settings(pairs, signature_settings, self.location)
        except BaseException:
            self._client.close()
            raise

    # -- the IndexStore contract -------------------------------------------------------------

    def add(self, record: IndexRecord, flags: Sequence[Flag] = ()) -> bool:
        """Store `record` and its `flags` atomically; False if its id was already committed."""
        return self.add_many([(record, flags)])[0]

    def add_many(self, entries: Sequence[tuple[IndexRecord, Sequence[Flag]]]) -> list[bool]:
        """Add many records, each with its flags atomically, one script call per chunk.

        Chunks of `_ADD_CHUNK` records keep any one script short, so Redis stays responsive to
        other scanners. (Encoding a chunk while Redis runs the previous one, in a thread, was
        measured no faster: the client's JSON and zlib hold the GIL or compete for the cores.)
        """
        added: list[bool] = []
        for start in range(0, len(entries), _ADD_CHUNK):
            added += self._send_add(self._add_args(entries[start : start + _ADD_CHUNK]))
        return added

    def _add_args(self, entries: Sequence[tuple[IndexRecord, Sequence[Flag]]]) -> list[str | bytes | int]:
        args: list[str | bytes | int] = [*self._keys.record_prefixes, self.options.retain_s]
        for record, flags in entries:
            args += [record.id, encode_record(record), self._keys.bucket_names(record.keys), len(flags)]
            args += _flag_args(flags)
        return args

    def _send_add(self, args: list[str | bytes | int]) -> list[bool]:
        keys = [self._keys.seq, self._keys.done, self._keys.flags, self._keys.flag_ids, self._keys.high]
        replies = self._call(lambda: self._add(keys=keys, args=args))
        return [bool(reply[0]) for reply in replies]

    def get(self, item_id: str) -> IndexRecord | None:
        """Return the record stored under `item_id`, or None."""
        blob = self._call(lambda: self._get(keys=[self._keys.item(item_id)], args=[self._keys.doc_prefix]))
        return None if blob is None else self._decode(blob)

    def get_many(self, item_ids: Sequence[str]) -> list[IndexRecord | None]:
        """Return the records stored under `item_ids` (None where absent), in one round trip."""

        def run(pipe: redis.client.Pipeline) -> None:
            for item_id in item_ids:
                self._get(keys=[self._keys.item(item_id)], args=[self._keys.doc_prefix], client=pipe)

        blobs = self._pipelined(run) if item_ids else []
        return [None if blob is None else self._decode(blob) for blob in blobs]

    def candidates(
        self, keys: Sequence[str], limit: int, max_key_items: int | None = None
    ) -> list[tuple[str, int]]:
        """Return up to `limit` (item id, shared keys) pairs, most shared first, ties by id.

        Keys held by more than `max_key_items` items are ignored.
        """
        return self.candidates_many([keys], limit, max_key_items)[0]

    def candidates_many(
        self,
        key_lists: Sequence[Sequence[str]],
        limit: int,
        max_key_items: int | None = None,
        before: Sequence[int] | None = None,
    ) -> list[list[tuple[str, int]]]:
        """Run candidate search for many key lists in one round trip, counting inside Redis.

        `before[i]`, when given, restricts list i to records numbered below it: the records that
        arrived before record `before[i]`, which is what a lone scanner would have seen, and
        `max_key_items` then counts only those too.
        """
        if limit <= 0:
            return [[] for _ in key_lists]

        def run(pipe: redis.client.Pipeline) -> None:
            for index, keys in enumerate(key_lists):
                bound = 0 if before is None else before[index]
                self._candidates(
                    keys=self._keys.buckets(keys),
                    args=[self._keys.doc_prefix, limit, bound, max_key_items or 0],
                    client=pipe,
                )

        answers = []
        for reply in self._pipelined(run):
            pairs = [(_text(reply[index]), int(reply[index + 1])) for index in range(0, len(reply), 2)]
            pairs.sort(key=lambda pair: (-pair[1], pair[0]))
            answers.append(pairs[:limit])
        return answers

    def checkpoint(self, source: str, position: str) -> None:
        """Record how far `source` has been read."""
        self._call(lambda: self._client.hset(self._keys.checkpoints, source, position))

    def last_checkpoint(self, source: str) -> str | None:
        """Return the last position recorded for `source`, or None."""
        value = self._call(lambda: self._client.hget(self._keys.checkpoints, source))
        return None if value is None else _text(value)

    def flags(self) -> Iterator[Flag]:
        """Yield every kept flag once, in commit order, a page at a time."""
        start = 0
        while True:
            page = self._call(partial(self._client.lrange, self._keys.flags, start, start + _FLAG_PAGE - 1))
            for value in page:
                try:
                    yield decode_flag(value)
                except (ValueError, KeyError, TypeError) as exc:
                    raise IndexCorruptError(f"{self.location}: a stored flag is damaged: {exc}") from exc
            if len(page) < _FLAG_PAGE:
                return
            start += _FLAG_PAGE

    def close(self) -> None:
        """Release the connection pool."""
        self._client.close()

    # -- the scan queue that dedup.scanning.distributed drives --------------------------------------

    @property
    def queue(self) -> RedisQueue:
        """The stream that carries record numbers to scanners, with this store's retries."""
        return RedisQueue(self._client, self._keys.queue, self._call)

    def enqueue_many(self, records: Sequence[tuple[IndexRecord, int]]) -> list[int | None]:
        """Register and queue (record, claimed number) pairs; each one's number, None if known."""
        if not records:
            return []
        args: list[str | bytes | int] = [*self._keys.record_prefixes, self.options.retain_s]
        for record, number in records:
            args += [record.id, number, encode_record(record), self._keys.bucket_names(record.keys)]
        keys = [self._keys.seq, self._keys.queue, self._keys.reading, self._keys.high]
        numbers = self._call(lambda: self._enqueue(keys=keys, args=args))
        return [int(number) or None for number in numbers]

    def claim(self, item_id: str, scanner: str, lifetime_s: float) -> tuple[ClaimState, int]:
        """Claim an item for `scanner` to read and queue, unless indexed or claimed by another.

        Returns the state and, when the claim is ours, the number the item will be judged at (0
        otherwise). The claim expires after `lifetime_s`, so a scanner that dies holding it blocks
        nobody for longer.
        """
        keys = [self._keys.item(item_id), self._keys.claim(item_id), self._keys.seq, self._keys.reading]
        args: list[str | int] = [scanner, max(1, round(lifetime_s * 1000)), item_id]
        reply = self._call(lambda: self._claim(keys=keys, args=args))
        return _CLAIM_STATES[int(reply[0])], int(reply[1]) if len(reply) > 1 else 0

    def is_ready(self, number: int) -> bool:
        """Tell whether every item numbered below `number` is registered (or its claim lapsed)."""
        args: list[str | int] = [self._keys.claim_prefix, number]
        return bool(self._call(lambda: self._ready(keys=[self._keys.reading], args=args)))

    def claim_states(self, item_ids: Sequence[str]) -> list[ClaimState | None]:
        """Tell, per item, whether it is indexed, claimed by some scanner, or neither (None)."""

        def run(pipe: redis.client.Pipeline) -> None:
            for item_id in item_ids:
                pipe.exists(self._keys.item(item_id))
                pipe.exists(self._keys.claim(item_id))

        replies = self._pipelined(run) if item_ids else []
        states: list[ClaimState | None] = []
        for index in range(0, len(replies), 2):
            states.append("indexed" if replies[index] else "theirs" if replies[index + 1] else None)
        return states

    def records_by_number(self, numbers: Sequence[int]) -> list[IndexRecord | None]:
        """Fetch records by their number, None where one has expired."""
        if not numbers:
            return []
        blobs = self._call(lambda: self._client.mget([self._keys.doc(number) for number in numbers]))
        return [None if blob is None else self._decode(blob) for blob in blobs]

    def commit_many(
        self, group: str, entries: Sequence[tuple[QueueEntry, Sequence[Flag]]]
    ) -> list[tuple[bool, tuple[Flag, ...]]]:
        """Commit queued records with their flags and acknowledge their entries, atomically each.

        Returns, per entry, whether this call committed it and which of its flags it kept.
        """

        def run(pipe: redis.client.Pipeline) -> None:
            for entry, flags in entries:
                self._commit(
                    keys=[self._keys.done, self._keys.flags, self._keys.flag_ids, self._keys.queue],
                    args=[entry.number, group, entry.entry_id, *_flag_args(flags)],
                    client=pipe,
                )

        results = []
        for (_, flags), reply in zip(entries, self._pipelined(run), strict=True):
            kept = tuple(flag for flag, is_kept in zip(flags, reply[1:], strict=True) if is_kept)
            results.append((bool(reply[0]), kept))
        return results

    # -- plumbing ------------------------------------------------------------------------------

    def _pipelined(self, run: Callable[[redis.client.Pipeline], None]) -> list[Any]:
        def execute() -> list[Any]:
            with self._client.pipeline(transaction=False) as pipe:
                run(pipe)
                return list(pipe.execute())

        return self._call(execute)

    def _call(self, operation: Callable[[], T], retry_s: float | None = None) -> T:
        """Run `operation`; retry connection failures for `retry_s`, then IndexUnavailableError.

        Every write is an idempotent script (it checks the id or the done bit first), so running
        one again after a lost reply changes nothing.
        """
        budget_s = self.options.retry_s if retry_s is None else retry_s
        deadline = time.monotonic() + budget_s
        delay_s = self.options.backoff_start_s
        while True:
            try:
                return operation()
            except redis.AuthenticationError as exc:
                raise IndexUnavailableError(
                    f"{self.location}: Redis refused the password: {_line(exc)}"
                ) from exc
            except (redis.ConnectionError, redis.TimeoutError) as exc:
                if time.monotonic() + delay_s > deadline:
                    waited = f" for {budget_s:g} s" if budget_s > 0 else ""
                    raise IndexUnavailableError(
                        f"{self.location}: Redis unreachable{waited}: {_line(exc)}"
                    ) from exc
                time.sleep(delay_s)
                delay_s = min(delay_s * 2, self.options.backoff_max_s)
            except redis.ResponseError as exc:
                message = _line(exc)
                if message.startswith(("NOAUTH", "WRONGPASS")):
                    raise IndexUnavailableError(
                        f"{self.location}: Redis refused the password: {message}"
                    ) from exc
                if message.startswith("WRONGTYPE"):
                    raise IndexCorruptError(
                        f"{self.location}: holds keys that are not a dedup index: {message}"
                    ) from exc
                raise IndexStoreError(f"{self.location}: Redis error: {message}") from exc
            except redis.RedisError as exc:
                raise IndexStoreError(f"{self.location}: Redis error: {_line(exc)}") from exc

    def _decode(self, blob: bytes | str) -> IndexRecord:
        try:
            return decode_record(blob if isinstance(blob, bytes) else blob.encode())
        except (ValueError, KeyError, TypeError, IndexError) as exc:
            raise IndexCorruptError(f"{self.location}: a stored record is damaged: {exc}") from exc


def _flag_args(flags: Sequence[Flag]) -> list[str | bytes | int]:
    return [value for flag in flags for value in (flag.id, encode_flag(flag))]


def _flatten(pairs: Sequence[tuple[str, str]]) -> list[str]:
    return [value for pair in pairs for value in pair]


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__
