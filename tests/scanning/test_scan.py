"""scan: flags with their sources, committed once, resumed after interruption, over files and HTTP."""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from dedup.errors import DedupError
from dedup.index import open_index
from dedup.index.base import IndexRecord
from dedup.model import DerivationKind, Document, Flag
from dedup.scanning.flagging import Comparer, PendingFlags, flag_id
from dedup.scanning.scan import ScanTally, scan, scan_entries
from dedup.settings import ScanOptions, Settings
from dedup.sources.feeds import read_file
from tests.http_server import FeedServer

FEEDS = Path(__file__).resolve().parents[2] / "fixtures" / "feeds"
GOOD = FEEDS / "good"
QUILL_PAGE = str(GOOD / "more" / "quillfeather.html")
# (derivative, source it derives from) in the good fixtures, whichever was read first.
EXPECTED_PAIRS = {
    frozenset({"courier-bridge-0001", "urn:example:aggregator:bridge"}),
    frozenset({QUILL_PAGE, "courier-quill-0003"}),
    frozenset({"reposter-library", "courier-library-0002"}),
}


def _pairs(flags: list[Flag]) -> set[frozenset[str]]:
    return {frozenset({flag.item.id, flag.source.id}) for flag in flags}


def _texts() -> dict[str, Document]:
    documents: dict[str, Document] = {}
    for path in sorted(GOOD.rglob("*")):
        if path.is_file():
            documents.update((e.id, e) for e in read_file(path) if isinstance(e, Document))
    return documents


def _write_jsonl(path: Path, records: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    return path


def test_the_fixture_derivatives_are_flagged_with_their_sources(tmp_path: Path) -> None:
    with open_index(tmp_path / "index.sqlite") as index:
        flags = list(scan([GOOD], index))
    assert _pairs(flags) == EXPECTED_PAIRS
    by_item = {flag.item.id: flag for flag in flags}
    # Both times known: the earlier item is the original, whichever was read first.
    assert by_item["courier-bridge-0001"].original == "item"
    assert by_item[QUILL_PAGE].original == "source"
    library = by_item["reposter-library"]
    assert (library.kind, library.original) == (DerivationKind.COPY, "source")
    assert library.source.title == "Glenhollow library to cut opening hours"
    assert library.source.url == "https://courier.example/news/library"


def test_flags_are_kept_in_the_index_with_stable_ids(tmp_path: Path) -> None:
    with open_index(tmp_path / "index.sqlite") as index:
        flags = list(scan([GOOD], index))
        kept = list(index.flags())
        library = index.get("courier-library-0002")
        copy = index.get("reposter-library")
    assert [flag.id for flag in kept] == [flag.id for flag in flags]
    assert library is not None and copy is not None
    [copy_flag] = [flag for flag in kept if flag.item.id == "reposter-library"]
    assert copy_flag.id == flag_id(copy.id, copy.content_hash, library.id, library.content_hash)
    with open_index(tmp_path / "again.sqlite") as index:
        assert {flag.id for flag in scan([GOOD], index)} == {flag.id for flag in flags}


def test_rescanning_the_same_sources_flags_nothing_new(tmp_path: Path) -> None:
    with open_index(tmp_path / "index.sqlite") as index:
        first = list(scan([GOOD], index))
        unchanged = ScanTally()
        assert list(scan([GOOD], index, on_step=unchanged.add)) == []
        assert unchanged.read == 0  # files read whole before and unchanged are not read again
        # Changed file times make the scan read every file again; every item is known by id.
        for path in GOOD.rglob("*"):
            if path.is_file():
                os.utime(path)
        tally = ScanTally()
        assert list(scan([GOOD], index, on_step=tally.add)) == []
        assert len(list(index.flags())) == len(first) == 3
    assert tally.read == 10
    assert tally.new == 0


def test_a_flag_handed_out_but_not_acknowledged_comes_again_and_nothing_is_lost(tmp_path: Path) -> None:
    with open_index(tmp_path / "whole.sqlite") as index:
        whole = [flag.id for flag in scan([GOOD], index)]
    with open_index(tmp_path / "index.sqlite") as index:
        interrupted = scan([GOOD], index)
        first = next(interrupted)
        interrupted.close()  # stopped between handing out the flag and asking for the next
    with open_index(tmp_path / "index.sqlite") as index:
        resumed = [flag.id for flag in scan([GOOD], index)]
        kept = [flag.id for flag in index.flags()]
    assert resumed[0] == first.id
    assert sorted(set([first.id, *resumed])) == sorted(whole)
    assert sorted(kept) == sorted(whole)


def test_the_earlier_publication_is_the_original_whatever_the_reading_order(tmp_path: Path) -> None:
    texts = _texts()
    original = texts["courier-quill-0003"].text
    edited = texts[QUILL_PAGE].text
    records = [
        {"id": "late-edit", "text": edited, "published": "2026-03-02T00:00:00Z"},
        {"id": "early-original", "text": original, "published": "2026-03-01T00:00:00Z"},
    ]
    with open_index(tmp_path / "index.sqlite") as index:
        [flag] = list(scan([_write_jsonl(tmp_path / "items.jsonl", records)], index))
    assert (flag.item.id, flag.source.id, flag.original) == ("early-original", "late-edit", "item")


@pytest.mark.parametrize("batch_size", [1, 64])
def test_copies_inside_one_batch_are_found(tmp_path: Path, batch_size: int) -> None:
    text = _texts()["courier-library-0002"].text
    records = [
        {"id": f"filler-{n}", "text": f"Note {n}: nothing to report from zone {n * 7919}."} for n in range(5)
    ]
    records[1:1] = [{"id": "first", "text": text}]
    records.append({"id": "second", "text": "  " + text.replace("\n\n", "\n")})
    options = replace(ScanOptions(), batch_size=batch_size)
    with open_index(tmp_path / "index.sqlite") as index:
        [flag] = list(scan([_write_jsonl(tmp_path / "items.jsonl", records)], index, options))
        assert index.get("second") is not None
    assert (flag.item.id, flag.source.id, flag.kind) == ("second", "first", DerivationKind.COPY)


def test_an_id_seen_twice_is_indexed_once(tmp_path: Path) -> None:
    records = [{"id": "same", "text": "First version of the story."}, {"id": "same", "text": "Second one."}]
    tally = ScanTally()
    with open_index(tmp_path / "index.sqlite") as index:
        list(scan([_write_jsonl(tmp_path / "items.jsonl", records)], index, on_step=tally.add))
        stored = index.get("same")
    assert stored is not None and stored.text == "First version of the story."
    assert (tally.read, tally.new) == (2, 1)


def test_bad_entries_are_reported_counted_and_skipped(tmp_path: Path) -> None:
    errors: list[DedupError] = []
    tally = ScanTally()

    def step(event: object) -> None:
        tally.add(event)  # type: ignore[arg-type]
        error = getattr(event, "error", None)
        if error is not None:
            errors.append(error)

    with open_index(tmp_path / "index.sqlite") as index:
        list(scan([FEEDS / "bad", tmp_path / "missing"], index, on_step=step))
        assert index.get("ok-1") is not None
    assert (tally.read, tally.new, tally.skipped) == (1, 1, 8)
    assert any(str(error).startswith(f"{FEEDS / 'bad' / 'broken.jsonl'}:2:") for error in errors)
    assert any("missing" in str(error) for error in errors)


def test_feeds_over_http_are_fetched_conditionally(feed_server: FeedServer, tmp_path: Path) -> None:
    rss, atom = feed_server.url + "/good/courier.rss", feed_server.url + "/good/aggregator.atom"
    with open_index(tmp_path / "index.sqlite") as index:
        flags = list(scan([rss, atom], index))
        assert _pairs(flags) == {frozenset({"courier-bridge-0001", "urn:example:aggregator:bridge"})}
        tally = ScanTally()
        assert list(scan([rss, atom], index, on_step=tally.add)) == []
        assert tally.read == 0
        assert feed_server.statuses("/good/courier.rss") == [200, 304]
        body = (GOOD / "aggregator.atom").read_bytes()
        entry = body[body.index(b"<entry>") : body.index(b"</entry>") + 8]
        feed_server.overrides["/good/aggregator.atom"] = body.replace(
            b"</feed>", entry.replace(b"aggregator:bridge", b"aggregator:bridge-repost") + b"</feed>"
        )
        tally = ScanTally()
        reposted = list(scan([rss, atom], index, on_step=tally.add))
    assert (tally.read, tally.new) == (3, 1)
    assert {flag.item.id for flag in reposted} == {"urn:example:aggregator:bridge-repost"}
    copies = {flag.source.id for flag in reposted if flag.kind == DerivationKind.COPY}
    assert copies == {"urn:example:aggregator:bridge"}
    assert feed_server.statuses("/good/courier.rss") == [200, 304, 304]


def test_an_unreachable_feed_is_one_skipped_entry(tmp_path: Path) -> None:
    tally = ScanTally()
    with open_index(tmp_path / "index.sqlite") as index:
        assert list(scan(["http://127.0.0.1:9/feed.xml"], index, on_step=tally.add)) == []
    assert (tally.read, tally.skipped) == (0, 1)


def test_sketching_and_comparing_in_worker_processes_gives_the_same_flags(tmp_path: Path) -> None:
    with open_index(tmp_path / "one.sqlite") as index:
        alone = {flag.id: flag for flag in scan([GOOD, FEEDS / "bad"], index)}
    options = replace(ScanOptions(), workers=2, batch_size=3)
    tally = ScanTally()
    with open_index(tmp_path / "two.sqlite") as index:
        pooled = {flag.id: flag for flag in scan([GOOD, FEEDS / "bad"], index, options, on_step=tally.add)}
    assert pooled == alone  # whole flags, fact changes and all, made in the compare worker
    assert len(alone) == 4
    assert (tally.read, tally.skipped) == (11, 7)
    # Bodies and key hashes made in the workers are the bytes the store makes itself.
    assert _bodies(tmp_path / "two.sqlite") == _bodies(tmp_path / "one.sqlite")


def _bodies(path: Path) -> dict[str, tuple[bytes, bytes]]:
    connection = sqlite3.connect(path)
    try:
        rows = connection.execute("SELECT id, body, key_hashes FROM items")
        return {str(item_id): (bytes(body), bytes(hashed)) for item_id, body, hashed in rows}
    finally:
        connection.close()


def test_a_derivative_of_a_text_filed_twice_is_flagged_once(tmp_path: Path) -> None:
    text = _texts()["courier-quill-0003"].text
    records = [
        {"id": "filed", "text": text},
        {"id": "filed-again", "text": text},
        {"id": "edited", "text": text.replace("97 percent", "95 percent").replace("Thursday", "Friday")},
    ]
    with open_index(tmp_path / "index.sqlite") as index:
        flags = list(scan([_write_jsonl(tmp_path / "items.jsonl", records)], index))
    assert sorted((flag.item.id, flag.source.id) for flag in flags) == [
        ("edited", "filed"),
        ("filed-again", "filed"),
    ]


class _LateFlags:
    """Flags known only after being asked about a few times, as from a busy compare worker."""

    def __init__(self, flags: tuple[Flag, ...], polls: int) -> None:
        self.flags = flags
        self.polls = polls
        self.waited = False

    def done(self) -> bool:
        self.polls -= 1
        return self.polls < 0

    def result(self) -> tuple[Flag, ...]:
        self.waited = not self.done()
        return self.flags


class _SlowComparer(Comparer):
    """Compares in this process, but hands each item's flags over late."""

    def __init__(self, polls: int) -> None:
        super().__init__(Settings())
        self.polls = polls
        self.handed: list[_LateFlags] = []

    def submit(self, document: Document, item_hash: str, shortlist: list[IndexRecord]) -> PendingFlags:
        known = super().submit(document, item_hash, shortlist).result()
        self.handed.append(_LateFlags(known, self.polls))
        return self.handed[-1]


@pytest.mark.parametrize("polls", [0, 3, 50])
def test_items_commit_in_order_with_their_flags_however_late_the_flags_come(
    tmp_path: Path, polls: int
) -> None:
    entries = [entry for path in sorted(GOOD.rglob("*")) if path.is_file() for entry in read_file(path)]
    options = replace(ScanOptions(), batch_size=4)
    with open_index(tmp_path / "plain.sqlite") as index:
        plain = list(scan_entries(entries, "feed", index, options))
    comparer = _SlowComparer(polls)
    with open_index(tmp_path / "late.sqlite") as index:
        late = list(scan_entries(entries, "feed", index, options, comparer=comparer))
        assert [record.id for record in _records_in_order(tmp_path / "late.sqlite")] == [
            step.item_id for step, _ in plain if step.is_new
        ]
    assert late == plain
    assert any(flags for _, flags in late)
    if polls == 0:
        assert not any(handed.waited for handed in comparer.handed)


def _records_in_order(path: Path) -> list[IndexRecord]:
    with open_index(path) as index:
        connection = sqlite3.connect(path)
        try:
            ids = [str(item_id) for (item_id,) in connection.execute("SELECT id FROM items ORDER BY seq")]
        finally:
            connection.close()
        return [record for record in map(index.get, ids) if record is not None]
