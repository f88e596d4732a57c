"""--retain-days on a SQLite index: expired items are no candidates, their text is gone, space is reused."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dedup.index import open_index
from dedup.index.base import IndexRecord, SignatureSettings
from dedup.index.keys import key_hash
from dedup.index.sqlite_codec import pack_body
from dedup.index.sqlite_store import SqliteStore
from dedup.model import DerivationKind, Flag, ItemRef
from dedup.settings import SqliteIndexSettings

DAY = 86400.0
SMALL = SqliteIndexSettings(buffer_items=5, merge_chunk_postings=4, retention_check_s=0.0)


class Clock:
    """A settable time for the store."""

    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


def _text(number: int) -> str:
    rng = random.Random(number)
    return f"Story {number}: " + " ".join(f"{rng.getrandbits(40):x}" for _ in range(300))


def _record(number: int, keys: tuple[str, ...] = ("t:shared",)) -> IndexRecord:
    return IndexRecord(f"item-{number}", f"hash-{number}", _text(number), None, None, None, keys, b"sig")


def _open(path: Path, clock: Clock, retain_days: float | None = 1.0) -> SqliteStore:
    return SqliteStore(
        path, SignatureSettings.current(), settings=SMALL, retain_days=retain_days, clock=clock
    )


def _flag(number: int) -> Flag:
    ref = ItemRef(id=f"item-{number}")
    return Flag(f"flag-{number}", ref, ref, DerivationKind.COPY, 1.0, "source", ())


def test_expired_items_are_not_candidates_and_their_text_is_gone(tmp_path: Path) -> None:
    path, clock = tmp_path / "index.sqlite", Clock()
    with _open(path, clock) as store:
        store.candidates(["t:shared"], 1)
        for number in range(12):  # two days' worth: segments and the buffer both hold them
            store.add(_record(number, ("t:shared", f"t:{number % 3}")), [_flag(number)])
            clock.now += DAY / 6
        clock.now += 0.25 * DAY  # now 2.25 days on: items 0 to 7 were added more than a day ago
        store.add(_record(12, ("t:shared", "t:0")))
        ids = [item_id for item_id, _ in store.candidates(["t:shared", "t:0"], 20)]
        assert sorted(ids) == sorted(f"item-{number}" for number in range(8, 13))
        assert store.get("item-3") is None and store.get("item-10") is not None
        assert store.key_holders([key_hash("t:0")]) == [2]  # items 9 and 12
        assert [flag.id for flag in store.flags()] == [f"flag-{number}" for number in range(12)]
    data = path.read_bytes()
    for number in range(8):
        assert pack_body(_text(number), ("t:shared", f"t:{number % 3}")) not in data
        assert f"item-{number}".encode() + b"hash" not in data
    assert pack_body(_text(10), ("t:shared", "t:1")) in data
    with _open(path, clock, retain_days=None) as store:  # expiry is kept without the option too
        assert sorted(item_id for item_id, _ in store.candidates(["t:shared"], 20)) == sorted(
            f"item-{number}" for number in range(8, 13)
        )


def test_the_space_of_expired_items_is_reused(tmp_path: Path) -> None:
    path, clock = tmp_path / "index.sqlite", Clock()
    with _open(path, clock) as store:
        for number in range(200):
            store.add(_record(number))
    first_size = path.stat().st_size
    clock.now += 2 * DAY
    with _open(path, clock) as store:  # opening expires them all
        assert store.size() == 0
        for number in range(200, 400):
            store.add(_record(number))
    assert path.stat().st_size < 1.1 * first_size
    free = sqlite3.connect(path).execute("PRAGMA freelist_count").fetchone()[0]
    assert free < 0.1 * sqlite3.connect(path).execute("PRAGMA page_count").fetchone()[0]


def test_an_expired_item_read_again_is_new_again(tmp_path: Path) -> None:
    path, clock = tmp_path / "index.sqlite", Clock()
    with _open(path, clock) as store:
        assert store.add(_record(1))
        clock.now += 2 * DAY
        assert store.add(_record(2))  # the commit after the window looks for expired items
        assert store.get("item-1") is None
        assert store.add(_record(1))
        assert store.candidates(["t:shared"], 5) == [("item-1", 1), ("item-2", 1)]


def test_open_index_takes_a_retention_window_for_sqlite(tmp_path: Path) -> None:
    with open_index(tmp_path / "index.sqlite", retain_days=7) as store:
        assert isinstance(store, SqliteStore)
        store.add(_record(1))
        assert store.expire() == 0


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    steps=st.lists(
        st.one_of(
            st.tuples(st.just("add"), st.lists(st.sampled_from("abcdef"), min_size=1, max_size=4)),
            st.tuples(st.just("wait"), st.floats(0.05, 0.6)),
            st.tuples(st.just("reopen"), st.just([])),
        ),
        min_size=1,
        max_size=40,
    ),
)
def test_candidates_are_always_those_of_the_live_items(
    tmp_path_factory: pytest.TempPathFactory, steps: list[tuple[str, object]]
) -> None:
    path, clock = tmp_path_factory.mktemp("retention") / "index.sqlite", Clock()
    added: dict[str, tuple[float, tuple[str, ...]]] = {}
    store = _open(path, clock)
    try:
        store.candidates(["t:a"], 1)
        for number, (kind, value) in enumerate(steps):
            if kind == "add":
                keys = tuple(f"t:{letter}" for letter in dict.fromkeys(value))  # type: ignore[union-attr]
                store.add(IndexRecord(f"item-{number:03}", "h", "text", None, None, None, keys, b"s"))
                added[f"item-{number:03}"] = (clock.now, keys)
            elif kind == "wait":
                clock.now += float(value) * DAY  # type: ignore[arg-type]
                store.expire()
            else:
                store.close()
                store = _open(path, clock)
            live = {item_id: keys for item_id, (at, keys) in added.items() if at > clock.now - DAY}
            query = ["t:a", "t:b", "t:c"]
            expected = sorted(
                (
                    (item_id, len(set(query) & set(keys)))
                    for item_id, keys in live.items()
                    if set(query) & set(keys)
                ),
                key=lambda pair: (-pair[1], pair[0]),
            )
            assert store.candidates(query, 50) == expected
    finally:
        store.close()
