"""One IndexStore contract, run against every backend through the `store_location` fixture."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dedup.errors import IndexSettingsError
from dedup.index import IndexStore, SignatureSettings, open_index
from dedup.index.base import IndexRecord
from dedup.index.redis_store import RedisStore
from dedup.index.sqlite_store import SqliteStore
from dedup.model import ChangeKind, DerivationKind, FactChange, Flag, ItemRef, Span

# Each backend name maps to how a test gets a fresh, empty location for it. The Redis backend
# adds "redis" here (a flushed database of the session's redis-server).
BACKENDS = ["sqlite", "redis"]


@pytest.fixture(params=BACKENDS)
def store_location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "index.sqlite")
    return str(request.getfixturevalue("redis_url"))


@pytest.fixture
def open_store(store_location: str) -> Iterator[Callable[..., IndexStore]]:
    opened: list[IndexStore] = []

    def reopen(signatures: SignatureSettings | None = None) -> IndexStore:
        store: IndexStore
        if signatures is None:
            store = open_index(store_location)
        elif store_location.startswith("redis://"):
            store = RedisStore(store_location, signatures)
        else:
            store = SqliteStore(Path(store_location), signatures)
        opened.append(store)
        return store

    yield reopen
    for store in opened:
        store.close()


@pytest.fixture
def store(open_store: Callable[..., IndexStore]) -> IndexStore:
    return open_store()


def _record(item_id: str, text: str = "text", keys: tuple[str, ...] = ("t:a",)) -> IndexRecord:
    return IndexRecord(
        id=item_id,
        content_hash=f"hash-of-{text}",
        text=text,
        title=f"title {item_id}",
        url=f"https://example.test/{item_id}",
        published=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        keys=keys,
        signature=b"\x00\x01signature",
    )


def _flag(flag_id: str, item: str = "b", source: str = "a") -> Flag:
    return Flag(
        id=flag_id,
        item=ItemRef(item, "item title", "https://example.test/b", datetime(2026, 1, 3, tzinfo=UTC)),
        source=ItemRef(source, None, None, None),
        kind=DerivationKind.REWRITE,
        confidence=0.875,
        original="source",
        changes=(
            FactChange(ChangeKind.ALTERED, '"12" changed to "15"', Span(3, 5), Span(7, 9)),
            FactChange(ChangeKind.OMITTED, "dropped a sentence", Span(10, 40), None),
        ),
    )


def test_add_then_get_round_trips(store: IndexStore) -> None:
    record = _record("a", "Some text\nwith lines and ünïcode", keys=("t:x", "t:y", "h:abc"))
    assert store.add(record) is True
    assert store.get("a") == record
    assert store.get("missing") is None


def test_adding_an_id_twice_is_a_no_op_and_keeps_no_second_flag(store: IndexStore) -> None:
    assert store.add(_record("a"), [_flag("f1")]) is True
    assert store.add(_record("a", "other text"), [_flag("f2")]) is False
    assert store.get("a") == _record("a")
    assert [flag.id for flag in store.flags()] == ["f1"]


def test_the_same_content_under_a_new_id_is_a_new_record(store: IndexStore) -> None:
    assert store.add(_record("a", "same")) is True
    assert store.add(_record("b", "same")) is True
    assert store.get("b") == _record("b", "same")


def test_flags_round_trip_in_commit_order_and_each_id_once(store: IndexStore) -> None:
    store.add(_record("a"), [_flag("f2", item="a", source="z")])
    store.add(_record("b"), [_flag("f1"), _flag("f3")])
    store.add(_record("c"), [_flag("f1", item="c")])
    flags = list(store.flags())
    assert [flag.id for flag in flags] == ["f2", "f1", "f3"]
    assert flags[1] == _flag("f1")


def test_add_many_equals_adding_one_by_one(store: IndexStore) -> None:
    entries = [(_record("a"), [_flag("f1")]), (_record("b"), []), (_record("a"), [_flag("f9")])]
    assert store.add_many(entries) == [True, True, False]
    assert [flag.id for flag in store.flags()] == ["f1"]
    assert store.get("b") == _record("b")


def test_candidates_count_shared_keys_best_first_ties_by_id(store: IndexStore) -> None:
    store.add(_record("c", keys=("t:x", "t:y")))
    store.add(_record("a", keys=("t:x",)))
    store.add(_record("b", keys=("t:x", "t:y", "t:z")))
    store.add(_record("d", keys=("t:q",)))
    assert store.candidates(["t:x", "t:y", "t:z"], 10) == [("b", 3), ("c", 2), ("a", 1)]
    assert store.candidates(["t:x", "t:y", "t:z"], 2) == [("b", 3), ("c", 2)]
    assert store.candidates(["t:x", "t:x"], 10) == [("a", 1), ("b", 1), ("c", 1)]
    assert store.candidates(["t:nothing"], 10) == []
    assert store.candidates([], 10) == []


def test_candidates_ignore_keys_held_by_too_many_items(store: IndexStore) -> None:
    for name in ("a", "b", "c"):
        store.add(_record(name, keys=("t:common", f"t:{name}")))
    assert store.candidates(["t:common", "t:a"], 10, max_key_items=2) == [("a", 1)]
    assert store.candidates(["t:common", "t:a"], 10, max_key_items=3) == [("a", 2), ("b", 1), ("c", 1)]


def test_checkpoints_survive_reopening(open_store: Callable[..., IndexStore]) -> None:
    first = open_store()
    assert first.last_checkpoint("feed") is None
    first.checkpoint("feed", "line 10")
    first.checkpoint("feed", "line 20")
    first.add(_record("a"), [_flag("f1")])
    first.close()
    second = open_store()
    assert second.last_checkpoint("feed") == "line 20"
    assert second.last_checkpoint("other") is None
    assert second.get("a") == _record("a")
    assert [flag.id for flag in second.flags()] == ["f1"]


def test_other_signature_settings_are_refused(open_store: Callable[..., IndexStore]) -> None:
    open_store().close()
    with pytest.raises(IndexSettingsError, match="candidate_scheme"):
        open_store(replace(SignatureSettings.current(), candidate_scheme="rare-terms-v0"))
    with pytest.raises(IndexSettingsError, match="schema_version"):
        open_store(replace(SignatureSettings.current(), schema_version=0))


def test_the_store_is_a_context_manager(store_location: str) -> None:
    with open_index(store_location) as store:
        store.add(_record("a"))
    with open_index(store_location) as store:
        assert store.get("a") == _record("a")


_texts = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=200)
_keys = st.lists(st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=20), max_size=8)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(item_id=st.text(min_size=1, max_size=40).filter(lambda s: "\x00" not in s), text=_texts, keys=_keys)
def test_round_trip_property(store: IndexStore, item_id: str, text: str, keys: list[str]) -> None:
    record = _record(item_id, text, keys=tuple(keys))
    first = store.add(record)
    again = store.add(record)
    assert again is False
    stored = store.get(item_id)
    assert stored is not None
    if first:
        assert stored == record


_WRITER = """
import sys
from dedup.index import open_index
from tests.index.test_store_contract import _flag, _record

with open_index(sys.argv[1]) as store:
    for batch in range(100_000):
        names = [f"{batch}-{index}" for index in range(20)]
        flags = {name: [_flag(f"{name}/{n}", item=name) for n in range(3)] for name in names}
        store.add_many([(_record(name), flags[name]) for name in names])
        if batch == 3:
            print("writing", flush=True)
"""


def test_a_writer_killed_mid_write_leaves_every_record_whole(store_location: str) -> None:
    root = Path(__file__).resolve().parents[2]
    writer = subprocess.Popen(
        [sys.executable, "-c", _WRITER, store_location], stdout=subprocess.PIPE, text=True, cwd=root
    )
    assert writer.stdout is not None
    assert writer.stdout.readline() == "writing\n"
    writer.kill()  # SIGKILL, somewhere in the middle of a batch
    writer.communicate()
    with open_index(store_location) as store:
        flags_per_item = Counter(flag.item.id for flag in store.flags())
        assert len(flags_per_item) >= 80
        assert set(flags_per_item.values()) == {3}  # a record is kept with all its flags or not at all
        last_batch = max(int(item.split("-")[0]) for item in flags_per_item)
        for batch in range(last_batch + 2):
            for index in range(20):
                name = f"{batch}-{index}"
                assert (store.get(name) is not None) == (name in flags_per_item)
