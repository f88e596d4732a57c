"""RedisStore beyond the shared contract: URLs, passwords, settings, retries, retention, batches."""

from __future__ import annotations

import random
import threading
from dataclasses import replace
from pathlib import Path

import pytest
import redis

from dedup.errors import IndexCorruptError, IndexSettingsError, IndexUnavailableError
from dedup.index import open_index
from dedup.index.base import IndexRecord, SignatureSettings
from dedup.index.redis_keys import RedisKeys
from dedup.index.redis_store import RedisOptions, RedisStore, redact_url
from dedup.model import DerivationKind, Flag, ItemRef
from tests.redis_server import RedisServer, _free_port

SIGNATURES = SignatureSettings.current()


def record(number: int, keys: tuple[str, ...]) -> IndexRecord:
    return IndexRecord(
        id=f"item-{number}",
        content_hash=f"{number:064x}",
        text=f"text of item {number}",
        title=None,
        url=None,
        published=None,
        keys=keys,
        signature=bytes([number % 256]) * 6,
    )


def flag(item: str, source: str) -> Flag:
    return Flag(
        id=f"{item}<{source}",
        item=ItemRef(item),
        source=ItemRef(source),
        kind=DerivationKind.COPY,
        confidence=0.99,
        original="source",
    )


def test_open_index_picks_redis_for_redis_urls(redis_url: str) -> None:
    with open_index(redis_url) as store:
        assert isinstance(store, RedisStore)
        assert store.add(record(1, ("a",)))
        assert store.get("item-1") == record(1, ("a",))


def test_other_signature_settings_are_refused(redis_url: str) -> None:
    RedisStore(redis_url, SIGNATURES).close()
    with pytest.raises(IndexSettingsError, match="candidate_scheme") as caught:
        RedisStore(redis_url, replace(SIGNATURES, candidate_scheme="rare-terms-v0"))
    assert "\n" not in str(caught.value)


def test_a_foreign_header_is_corrupt(redis_url: str) -> None:
    redis.Redis.from_url(redis_url).set("dedup:meta", "not a hash")
    with pytest.raises(IndexCorruptError, match="not a dedup index"):
        RedisStore(redis_url, SIGNATURES)


def test_a_header_without_schema_is_corrupt(redis_url: str) -> None:
    redis.Redis.from_url(redis_url).hset("dedup:meta", "owner", "someone else")
    with pytest.raises(IndexCorruptError, match="dedup:meta"):
        RedisStore(redis_url, SIGNATURES)


def test_databases_in_the_url_are_separate_indexes(redis_server: RedisServer, redis_url: str) -> None:
    other = redis_server.url(3)
    redis.Redis.from_url(other).flushdb()
    with open_index(redis_url) as first, open_index(other) as second:
        first.add(record(1, ("a",)))
        assert second.get("item-1") is None
    redis.Redis.from_url(other).flushdb()


def test_no_server_gives_one_line_unavailable_error() -> None:
    url = f"redis://:s3cret@127.0.0.1:{_free_port()}/0"
    with pytest.raises(IndexUnavailableError) as caught:
        open_index(url)
    message = str(caught.value)
    assert "\n" not in message
    assert "127.0.0.1" in message
    assert "s3cret" not in message


def test_rediss_to_a_plain_server_is_unavailable(redis_server: RedisServer) -> None:
    with pytest.raises(IndexUnavailableError, match=r"rediss://127\.0\.0\.1") as caught:
        # a plain server never answers the TLS hello; a short socket timeout ends the wait
        RedisStore(
            f"rediss://127.0.0.1:{redis_server.port}/0", SIGNATURES, RedisOptions(socket_timeout_s=0.5)
        )
    assert "\n" not in str(caught.value)


def test_rediss_with_tls(tls_redis_server: RedisServer) -> None:
    url = tls_redis_server.url(2)
    assert url.startswith("rediss://")
    with open_index(url) as store:
        assert isinstance(store, RedisStore)
        store.add(record(1, ("a",)))
    with open_index(url) as store:
        assert store.candidates(["a"], 5) == [("item-1", 1)]
    with pytest.raises(IndexUnavailableError) as caught:  # our CA is not in the system's store
        open_index(f"rediss://127.0.0.1:{tls_redis_server.port}/2")
    assert "\n" not in str(caught.value)


def test_password_from_the_url(durable_redis_server: RedisServer) -> None:
    redis.Redis.from_url(durable_redis_server.url()).config_set("requirepass", "s3cret")
    good = f"redis://:s3cret@127.0.0.1:{durable_redis_server.port}/1"
    with open_index(good) as store:
        store.add(record(1, ("a",)))
        assert store.candidates(["a"], 5) == [("item-1", 1)]
    for bad in (f"redis://:wrong@127.0.0.1:{durable_redis_server.port}/1", durable_redis_server.url(1)):
        with pytest.raises(IndexUnavailableError, match="password") as caught:
            open_index(bad)
        assert "wrong" not in str(caught.value)
        assert "\n" not in str(caught.value)


def test_redact_url_hides_only_the_password() -> None:
    assert redact_url("rediss://user:pw@host:6380/2") == "rediss://user:***@host:6380/2"
    assert redact_url("redis://host/0") == "redis://host/0"


def test_candidates_count_distinct_keys_and_break_ties_by_id(redis_url: str) -> None:
    with open_index(redis_url) as store:
        store.add(record(3, ("a", "b")))
        store.add(record(2, ("a", "b")))
        store.add(record(1, ("a",)))
        assert store.candidates(["a", "b", "a"], 10) == [("item-2", 2), ("item-3", 2), ("item-1", 1)]
        # the limit falls inside a tie: the lower id wins, whatever the arrival order
        assert store.candidates(["a", "b"], 1) == [("item-2", 2)]
        assert store.candidates(["zz"], 10) == []
        assert store.candidates(["a"], 0) == []


def test_candidates_before_a_number_see_only_earlier_records(redis_url: str) -> None:
    with RedisStore(redis_url, SIGNATURES) as store:
        for number in (1, 2, 3):
            store.add(record(number, ("a",)))
        assert store.candidates_many([["a"], ["a"]], 10, before=[3, 2]) == [
            [("item-1", 1), ("item-2", 1)],
            [("item-1", 1)],
        ]


def test_pipelined_batch_equals_single_adds(redis_url: str) -> None:
    entries = [
        (record(number, ("k", f"u{number % 3}")), [flag(f"item-{number}", "x")]) for number in range(40)
    ]
    with RedisStore(redis_url, SIGNATURES) as store:
        assert store.add_many(entries) == [True] * 40
        assert store.add_many(entries[:5]) == [False] * 5
        batched = (store.candidates(["k", "u1"], 5), [found.id for found in store.flags()])
    redis.Redis.from_url(redis_url).flushdb()
    with RedisStore(redis_url, SIGNATURES) as store:
        for entry in entries:
            store.add(*entry)
        assert (store.candidates(["k", "u1"], 5), [found.id for found in store.flags()]) == batched


def test_a_flag_id_is_kept_once_even_across_items(redis_url: str) -> None:
    shared = flag("item-1", "item-0")
    with open_index(redis_url) as store:
        store.add(record(1, ("a",)), [shared, shared])
        store.add(record(2, ("a",)), [shared])
        assert [found.id for found in store.flags()] == [shared.id]


def test_retention_sets_expiry_and_expired_records_vanish(redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url)
    options = RedisOptions(retain_days=2)
    with RedisStore(redis_url, SIGNATURES, options) as store:
        store.add(record(1, ("a", "b")), [flag("item-1", "x")])
        store.add(record(2, ("a",)))
        ttl = client.ttl("dedup:doc:1")
        assert 2 * 86400 - 60 < ttl <= 2 * 86400
        assert client.ttl("dedup:id:item-1") == ttl
        assert client.ttl(RedisKeys.under("dedup:").buckets(["a"])[0]) > 0
        # what expiry does, done at once: the record's keys are gone, the bucket still names it
        client.delete("dedup:doc:1", "dedup:id:item-1")
        assert store.get("item-1") is None
        assert store.candidates(["a", "b"], 1) == [("item-2", 1)]
        assert [found.id for found in store.flags()] == ["item-1<x"]
    with RedisStore(redis_url, SIGNATURES) as store:
        store.add(record(3, ("c",)))
        assert client.ttl("dedup:doc:3") == -1


def test_bounded_retry_then_one_line_error(durable_redis_server: RedisServer) -> None:
    store = RedisStore(durable_redis_server.url(), SIGNATURES, RedisOptions(retry_s=0.5))
    durable_redis_server.stop()
    with pytest.raises(IndexUnavailableError, match=r"unreachable for 0\.5 s") as caught:
        store.add(record(1, ("a",)))
    assert "\n" not in str(caught.value)
    store.close()


def test_a_write_waits_out_a_restart_and_lands_once(durable_redis_server: RedisServer) -> None:
    with RedisStore(durable_redis_server.url(), SIGNATURES, RedisOptions(retry_s=20)) as store:
        store.add(record(1, ("a",)), [flag("item-1", "x")])
        durable_redis_server.stop()
        restart = threading.Timer(0.5, durable_redis_server.start)
        restart.start()
        try:
            assert store.add(record(2, ("a",)), [flag("item-2", "x")])
        finally:
            restart.join()
        assert not store.add(record(1, ("a",)), [flag("item-1", "x")])
        assert [found.id for found in store.flags()] == ["item-1<x", "item-2<x"]
        assert store.candidates(["a"], 5) == [("item-1", 1), ("item-2", 1)]


def test_retention_sets_a_time_to_live(redis_url: str) -> None:
    with open_index(redis_url, retain_days=1) as store:
        store.add(record(1, ("a",)))
    assert 86400 - 60 < redis.Redis.from_url(redis_url).ttl("dedup:doc:1") <= 86400


def test_the_key_cut_counts_only_records_before_the_bound(redis_url: str) -> None:
    with RedisStore(redis_url, SIGNATURES) as store:
        for number in (1, 2, 3):
            store.add(record(number, ("common", f"own{number}")))
        store.add(record(4, ("common", "own1")))
        # four records hold "common": over a cut of 2 it is ignored...
        assert store.candidates(["common", "own1"], 10, max_key_items=2) == [("item-1", 1), ("item-4", 1)]
        # ...but before record 3 arrived only two held it, as a lone scanner would have seen
        assert store.candidates_many([["common", "own1"]], 10, max_key_items=2, before=[3]) == [
            [("item-1", 2), ("item-2", 1)]
        ]


def test_claims_number_items_in_reading_order(redis_url: str) -> None:
    with RedisStore(redis_url, SIGNATURES) as store:
        assert store.claim("item-1", "scanner-a", 60) == ("ours", 1)
        assert store.claim("item-2", "scanner-b", 60) == ("ours", 2)
        assert store.claim("item-1", "scanner-b", 60) == ("theirs", 0)
        assert store.claim("item-1", "scanner-a", 60) == ("ours", 1)  # reading it again
        # scanner b sketches faster and registers item 2 first
        assert store.enqueue_many([(record(2, ("k",)), 2)]) == [2]
        assert not store.is_ready(2)  # item 1, read before it, is not registered yet
        assert store.enqueue_many([(record(1, ("k",)), 1)]) == [1]
        assert store.is_ready(2)
        assert store.claim("item-1", "scanner-b", 60) == ("indexed", 0)
        bucket = redis.Redis.from_url(redis_url).get(RedisKeys.under("dedup:").buckets(["k"])[0])
        assert bucket == bytes([0, 0, 0, 1, 0, 0, 0, 2])  # ascending although registered 2, 1
        assert store.candidates_many([["k"]], 10, before=[2]) == [[("item-1", 1)]]
        assert store.enqueue_many([(record(1, ("k",)), 1)]) == [None]  # queued once


def test_a_lapsed_claim_stops_blocking_and_its_item_comes_later(redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url)
    with RedisStore(redis_url, SIGNATURES) as store:
        assert store.claim("item-1", "dead", 60) == ("ours", 1)
        assert store.claim("item-2", "alive", 60) == ("ours", 2)
        store.enqueue_many([(record(2, ("k",)), 2)])
        assert not store.is_ready(2)
        client.delete("dedup:claim:item-1")  # what the expiry does when its scanner dies
        assert store.is_ready(2)
        assert client.zcard("dedup:reading") == 0
        assert store.claim("item-1", "alive", 60) == ("ours", 3)  # read again, later
        assert store.enqueue_many([(record(1, ("k",)), 1)]) == [4]  # the dead claim's late write
        assert store.enqueue_many([(record(1, ("k",)), 3)]) == [None]
        assert client.zcard("dedup:reading") == 0


def test_a_damaged_record_is_corrupt_in_one_line(redis_url: str) -> None:
    with open_index(redis_url) as store:
        store.add(record(1, ("a",)))
        redis.Redis.from_url(redis_url).set("dedup:doc:1", b"\x00\x06item-1garbage")
        with pytest.raises(IndexCorruptError, match="damaged") as caught:
            store.get("item-1")
        assert "\n" not in str(caught.value)


def test_candidates_agree_with_sqlite_on_a_random_index(tmp_path: Path, redis_url: str) -> None:
    generator = random.Random(5)
    vocabulary = [f"t:w{number}" for number in range(30)]
    # about 120 records a key: buckets longer than the script's 64-number unpacking chunks
    records = [record(number, tuple(generator.sample(vocabulary, 6))) for number in range(600)]
    queries = [generator.sample(vocabulary, 8) for _ in range(40)]
    with open_index(tmp_path / "index.sqlite") as sqlite, open_index(redis_url) as shared:
        sqlite.add_many([(item, ()) for item in records])
        shared.add_many([(item, ()) for item in records])
        for keys in queries:
            for limit, max_key_items in ((10, None), (3, 125), (200, 118)):
                expected = sqlite.candidates(keys, limit, max_key_items)
                assert shared.candidates(keys, limit, max_key_items) == expected


def test_candidates_name_long_ids_in_full(redis_url: str) -> None:
    long_id = "https://example.test/" + "very-long-path/" * 10
    with open_index(redis_url) as store:
        store.add(replace(record(1, ("a",)), id=long_id))
        store.add(record(2, ("a",)))
        assert store.candidates(["a"], 5) == [(long_id, 1), ("item-2", 1)]
