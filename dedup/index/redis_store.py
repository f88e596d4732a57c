"""RedisStore: the shared IndexStore in one Redis database; pipelined batches, bounded retries."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from functools import partial

import numpy as np
import redis

from dedup.closing import ClosesOnExit
from dedup.errors import IndexCorruptError
from dedup.index import redis_scripts
from dedup.index.base import IndexRecord, SignatureSettings, check_settings
from dedup.index.body import pack_body
from dedup.index.flag_codec import decode_flag, encode_flag
from dedup.index.keys import term_key_total
from dedup.index.redis_client import RedisClient, RedisOptions, redact_url, text
from dedup.index.redis_codec import HEAD_BYTES, ID_BYTES, Head, decode_head, decode_id, encode_record
from dedup.index.redis_keys import RedisKeys
from dedup.index.redis_queue import RedisQueue
from dedup.index.redis_ranking import levels, pick, shared_counts, to_fetch
from dedup.index.shared import ClaimState, QueueEntry
from dedup.model import Flag

__all__ = ["RedisOptions", "RedisStore", "redact_url"]

_FLAG_PAGE = 500
_ADD_CHUNK = 256
_CLAIM_STATES: tuple[ClaimState, ...] = ("ours", "indexed", "theirs")
_GONE: Head = ("", "", b"", 0)  # the head of a record that expired


class RedisStore(RedisClient, ClosesOnExit):
    """IndexStore in a Redis database chosen by URL (redis://, rediss://, with password and db).

    Every write is one Lua script, so a record and its flags are committed together and a flag id
    is kept once however many scanners race; batches go through one pipeline round trip. The key
    layout is drawn in dedup.index.redis_keys.
    """

    def __init__(
        self, url: str, signature_settings: SignatureSettings, options: RedisOptions | None = None
    ) -> None:
        super().__init__(url, options or RedisOptions())
        self._keys = RedisKeys.under(self.options.prefix)
        self._init = self._client.register_script(redis_scripts.INIT)
        self._add = self._client.register_script(redis_scripts.ADD)
        self._enqueue = self._client.register_script(redis_scripts.ENQUEUE)
        self._commit = self._client.register_script(redis_scripts.COMMIT)
        self._buckets = self._client.register_script(redis_scripts.BUCKETS)
        self._heads = self._client.register_script(redis_scripts.HEADS)
        self._get = self._client.register_script(redis_scripts.GET)
        self._claim = self._client.register_script(redis_scripts.CLAIM)
        self._claim_many = self._client.register_script(redis_scripts.CLAIM_MANY)
        self._ready = self._client.register_script(redis_scripts.READY)
        try:
            # Opening fails fast: a wrong URL should not hang for the whole retry window.
            stored = self._call(
                lambda: self._init(keys=[self._keys.meta], args=_flatten(signature_settings.as_pairs())),
                retry_s=0.0,
            )
            pairs = [(text(stored[index]), text(stored[index + 1])) for index in range(0, len(stored), 2)]
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
        numbered = self.numbered_candidates(key_lists, limit, max_key_items, before)
        return [[(item_id, shared) for item_id, shared, _ in answer] for answer in numbered]

    def numbered_candidates(
        self,
        key_lists: Sequence[Sequence[str]],
        limit: int,
        max_key_items: int | None = None,
        before: Sequence[int] | None = None,
    ) -> list[list[tuple[str, int, int]]]:
        """Return what `candidates_many` does, each candidate with its record number too."""
        return self.rank_many(key_lists, limit, max_key_items, before)[0]

    def rank_many(
        self,
        key_lists: Sequence[Sequence[str]],
        limit: int,
        max_key_items: int | None = None,
        before: Sequence[int] | None = None,
    ) -> tuple[list[list[tuple[str, int, int]]], dict[int, Head]]:
        """Rank candidates for many key lists: (id, shared keys, number) each, and their heads.

        One round trip brings every list's buckets (BUCKETS), numpy counts the keys each record
        shares, one more reads the ids of those ranked high enough (ties are broken by id), and a
        third the heads (id, content hash, signature, term keys) of those chosen, which spares the
        caller reading them. Records found expired make way for the next level (one more trip,
        only then). The first bytes of every tie are cheap; whole heads of them cost Redis more
        than everything else it did for a scan.
        """
        if limit <= 0 or not key_lists:
            return [[] for _ in key_lists], {}
        bounds = [0 if before is None else bound for bound in (before or [0] * len(key_lists))]

        def run(pipe: redis.client.Pipeline) -> None:
            for keys, bound in zip(key_lists, bounds, strict=True):
                names = self._keys.bucket_names(keys)
                args: list[str | int] = [bound, max_key_items or 0, self._keys.bucket_prefix, names]
                self._buckets(args=args, client=pipe)

        counted = [
            shared_counts(packed, bound) for packed, bound in zip(self._pipelined(run), bounds, strict=True)
        ]
        # Only the best levels, unless expired records leave them short (then all of them).
        depth = 4 * limit
        grouped = [levels(numbers, counts, depth) for numbers, counts in counted]
        ids: dict[int, str] = {}
        while True:
            while needed := list(dict.fromkeys(n for found in grouped for n in to_fetch(found, ids, limit))):
                ids.update(self._read_ids(needed))
            answers = [pick(found, ids, limit) for found in grouped]
            short = [
                at
                for at, (answer, (numbers, _)) in enumerate(zip(answers, counted, strict=True))
                if len(answer) < limit and sum(len(level) for _, level in grouped[at]) < len(numbers)
            ]
            if not short:
                break
            for at in short:
                grouped[at] = levels(*counted[at])
        chosen = list(dict.fromkeys(number for answer in answers for _, _, number in answer))
        return answers, self.heads_by_number(chosen)

    @property
    def pack_body(self) -> Callable[[str, tuple[str, ...]], bytes]:
        """The function that encodes an item's text and keys into its body (dedup.index.body)."""
        return pack_body

    def heads_by_number(self, numbers: Sequence[int]) -> dict[int, Head]:
        """Return (id, content hash, signature, term keys) by number, reading no text, in one trip.

        Records that expired are left out.
        """
        heads = self._read_heads(list(dict.fromkeys(numbers))) if numbers else {}
        return {number: head for number, head in heads.items() if head[0]}

    def _read_ids(self, numbers: Sequence[int]) -> dict[int, str]:
        """Read ids by number (one reply); empty for a record gone, from the head if long."""
        ids: dict[int, str] = {}
        long: list[int] = []
        for number, prefix in zip(numbers, self._prefixes(numbers, ID_BYTES), strict=True):
            try:
                found = decode_id(prefix) if prefix else ""
            except ValueError as exc:
                raise IndexCorruptError(f"{self.location}: a stored record is damaged: {exc}") from exc
            if found is None:
                long.append(number)
            else:
                ids[number] = found
        heads = self._read_heads(long)
        ids.update((number, heads[number][0]) for number in long)
        return ids

    def _prefixes(self, numbers: Sequence[int], size: int) -> list[bytes]:
        """Return the first `size` bytes of each record (empty: gone), in one reply (HEADS)."""
        if not numbers:
            return []
        packed_numbers = np.asarray(numbers, dtype=">u4").tobytes()
        args: list[str | int | bytes] = [self._keys.doc_prefix, size, packed_numbers]
        packed = self._call(lambda: self._heads(args=args))
        prefixes = []
        at = 0
        for _ in numbers:
            length = int.from_bytes(packed[at : at + 2], "big")
            prefixes.append(packed[at + 2 : at + 2 + length])
            at += 2 + length
        return prefixes

    def _read_heads(self, numbers: Sequence[int]) -> dict[int, Head]:
        """Read heads by number (HEADS: one reply); an empty id marks a record gone.

        A record of the earlier layout, or one whose id is too long for the head, is read whole.
        """
        heads: dict[int, Head] = {}
        whole: list[int] = []
        for number, head in zip(numbers, self._prefixes(numbers, HEAD_BYTES), strict=True):
            try:
                found = decode_head(head) if head else _GONE
            except ValueError as exc:
                raise IndexCorruptError(f"{self.location}: a stored record is damaged: {exc}") from exc
            if found is None:
                whole.append(number)
            else:
                heads[number] = found
        for number, record in zip(whole, self.records_by_number(whole), strict=True):
            heads[number] = _GONE if record is None else _head_of(record)
        return heads

    def checkpoint(self, source: str, position: str) -> None:
        """Record how far `source` has been read."""
        self._call(lambda: self._client.hset(self._keys.checkpoints, source, position))

    def last_checkpoint(self, source: str) -> str | None:
        """Return the last position recorded for `source`, or None."""
        value = self._call(lambda: self._client.hget(self._keys.checkpoints, source))
        return None if value is None else text(value)

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

    def claim_many(
        self, item_ids: Sequence[str], scanner: str, lifetime_s: float
    ) -> list[tuple[ClaimState, int]]:
        """Claim many items at once, as `claim` does each; (state, number) per id, in one trip."""
        if not item_ids:
            return []
        keys = [self._keys.seq, self._keys.reading]
        args: list[str | int] = [
            self._keys.id_prefix,
            self._keys.claim_prefix,
            scanner,
            max(1, round(lifetime_s * 1000)),
            *item_ids,
        ]
        reply = self._call(lambda: self._claim_many(keys=keys, args=args))
        return [(_CLAIM_STATES[int(reply[at])], int(reply[at + 1])) for at in range(0, len(reply), 2)]

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


def _flag_args(flags: Sequence[Flag]) -> list[str | bytes | int]:
    return [value for flag in flags for value in (flag.id, encode_flag(flag))]


def _flatten(pairs: Sequence[tuple[str, str]]) -> list[str]:
    return [value for pair in pairs for value in pair]


def _head_of(record: IndexRecord) -> Head:
    return record.id, record.content_hash, record.signature, term_key_total(record.keys)
