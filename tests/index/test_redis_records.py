"""Redis records: heads read without texts, the earlier layout still read, expired ones passed over."""

from __future__ import annotations

import json
import struct
import zlib

import pytest
import redis

from dedup.index import redis_store
from dedup.index.base import IndexRecord, SignatureSettings
from dedup.index.keys import term_key_total
from dedup.index.redis_codec import decode_head, decode_id, decode_record, encode_record
from dedup.index.redis_store import RedisStore

SIGNATURES = SignatureSettings.current()


def _record(number: int, keys: tuple[str, ...], item_id: str | None = None) -> IndexRecord:
    return IndexRecord(
        item_id or f"item-{number}",
        f"{number:064x}",
        f"text {number} " * 20,
        f"title {number}",
        None,
        None,
        ("h:" + f"{number:064x}", *keys),
        bytes([number % 256]) * 12,
    )


def _version_1(record: IndexRecord) -> bytes:
    """The layout earlier releases wrote."""
    body = zlib.compress(
        json.dumps(
            [record.content_hash, record.text, record.title, record.url, None, list(record.keys)]
        ).encode(),
        1,
    )
    item_id = record.id.encode()
    return struct.pack(">H", len(item_id)) + item_id + struct.pack(">I", len(body)) + body + record.signature


@pytest.mark.parametrize("item_id", ["short", "x" * 200, "y" * 2000])
def test_a_head_holds_what_a_shortlist_reads_and_the_record_round_trips(item_id: str) -> None:
    record = _record(7, ("t:a", "t:b"), item_id)
    blob = encode_record(record)
    assert decode_record(blob) == record
    head = decode_head(blob[:1024])
    if len(item_id) < 900:
        assert head == (item_id, record.content_hash, record.signature, 2)
    else:
        assert head is None  # too long for the head: read whole
    assert decode_id(blob[:64]) == (item_id if len(item_id) < 60 else None)
    assert decode_record(_version_1(record)) == record
    assert decode_head(_version_1(record)) is None
    assert decode_id(_version_1(record)[:64]) == (item_id if len(item_id) < 60 else None)
    assert term_key_total(record.keys) == 2


def test_records_of_the_earlier_layout_are_still_found_and_read(
    redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with RedisStore(redis_url, SIGNATURES) as store:
        monkeypatch.setattr(redis_store, "encode_record", _version_1)
        store.add_many([(_record(number, ("t:a", f"t:{number}")), ()) for number in (1, 2)])
        monkeypatch.undo()
        store.add(_record(3, ("t:a", "t:3")))
        assert store.get("item-1") == _record(1, ("t:a", "t:1"))
        assert store.candidates(["t:a", "t:2"], 5) == [("item-2", 2), ("item-1", 1), ("item-3", 1)]
        answers, heads = store.rank_many([["t:a", "t:2"]], 5)
        assert [item_id for item_id, _, _ in answers[0]] == ["item-2", "item-1", "item-3"]
        record = _record(2, ("t:a", "t:2"))
        assert heads[2] == (record.id, record.content_hash, record.signature, 2)


def test_an_expired_record_makes_way_for_the_next_level(redis_url: str) -> None:
    with RedisStore(redis_url, SIGNATURES) as store:
        store.add(_record(1, ("t:a", "t:b", "t:c")))
        store.add(_record(2, ("t:a", "t:b")))
        store.add(_record(3, ("t:a",)))
        store.add(_record(4, ("t:a",)))
        assert store.candidates(["t:a", "t:b", "t:c"], 2) == [("item-1", 3), ("item-2", 2)]
        redis.Redis.from_url(redis_url).delete("dedup:doc:1", "dedup:doc:2")  # as expiry would
        assert store.candidates(["t:a", "t:b", "t:c"], 2) == [("item-3", 1), ("item-4", 1)]


def test_long_ids_are_named_in_full_among_ties(redis_url: str) -> None:
    with RedisStore(redis_url, SIGNATURES) as store:
        long_ids = [letter * 300 for letter in "cab"]
        for number, item_id in enumerate(long_ids):
            store.add(_record(number, ("t:a",), item_id))
        assert store.candidates(["t:a"], 2) == [("a" * 300, 1), ("b" * 300, 1)]
