"""Several real `dedup scan` processes on one Redis: each item judged once, no flag kept twice."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import redis

from dedup.index import open_index
from dedup.index.redis_store import RedisStore
from dedup.model import Document
from dedup.scanning.distributed import QueueingIndex
from dedup.scanning.scan import scan
from dedup.settings import QueueSettings, ScanOptions
from dedup.sources.feeds import list_files, read_file
from tests.index.test_redis_store import SIGNATURES, record
from tests.redis_server import RedisServer

REPO = Path(__file__).resolve().parents[2]
PAIRS = REPO / "fixtures" / "pairs"
FEEDS = REPO / "fixtures" / "feeds" / "good"
_WAIT_S = 120.0

Flagged = tuple[str, str, str, str]  # flag id, kind, item id, source id


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """Every fixture pair as JSONL items (originals and derivatives interleaved), and the good feeds."""
    folder = tmp_path_factory.mktemp("sources")
    lines = []
    for case in sorted(path for path in PAIRS.iterdir() if (path / "a.txt").exists()):
        for side in ("a", "b"):
            text = (case / f"{side}.txt").read_text(encoding="utf-8")
            lines.append(json.dumps({"id": f"{case.name}/{side}", "title": case.name, "text": text}))
    items = folder / "pairs.jsonl"
    items.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [str(items), str(FEEDS)]


@pytest.fixture(scope="module")
def lone_flags(sources: list[str], tmp_path_factory: pytest.TempPathFactory) -> set[Flagged]:
    """What one scanner on the default SQLite index flags over the sources."""
    with open_index(tmp_path_factory.mktemp("lone") / "index.sqlite") as index:
        flags = [(f.id, str(f.kind), f.item.id, f.source.id) for f in scan(sources, index)]
    assert len(flags) == len(set(flags))
    assert len(flags) >= 5  # enough derivatives for the comparison to mean something
    return set(flags)


def start_scanner(sources: list[str], url: str, *options: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "dedup", "scan", *sources, "--index", url, *options]
    environment = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO, env=environment
    )


def finish(process: subprocess.Popen[str]) -> tuple[int, list[Flagged], str]:
    stdout, stderr = process.communicate(timeout=_WAIT_S)
    flags = []
    for line in stdout.splitlines():
        value = json.loads(line)
        flags.append((value["id"], value["kind"], value["item"]["id"], value["source"]["id"]))
    return process.returncode, flags, stderr


def kept_flags(url: str) -> list[Flagged]:
    with open_index(url) as index:
        return [(f.id, str(f.kind), f.item.id, f.source.id) for f in index.flags()]


def wait_until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + _WAIT_S
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.01)


def progress(url: str) -> int:
    """How many items have been queued so far (the record counter)."""
    try:
        return int(redis.Redis.from_url(url).get("dedup:seq") or 0)
    except redis.ConnectionError:
        return 0


def test_two_scanners_flag_what_one_flags_once(
    sources: list[str], lone_flags: set[Flagged], redis_url: str
) -> None:
    scanners = [start_scanner(sources, redis_url, "--queue-batch", "2") for _ in range(2)]
    results = [finish(scanner) for scanner in scanners]
    assert [code for code, _, _ in results] == [0, 0], [stderr for _, _, stderr in results]
    printed = results[0][1] + results[1][1]
    assert len(printed) == len(set(printed))  # no flag printed by both
    assert set(printed) == lone_flags
    assert sorted(kept_flags(redis_url)) == sorted(lone_flags)  # kept once each, none missing
    client = redis.Redis.from_url(redis_url)
    assert client.xlen("dedup:queue") == 0
    assert len(client.xinfo_consumers("dedup:queue", "scanners")) == 2  # both took part


def test_a_killed_scanners_items_are_taken_over(
    sources: list[str], lone_flags: set[Flagged], redis_url: str
) -> None:
    client = redis.Redis.from_url(redis_url)
    first = start_scanner(sources, redis_url, "--queue-batch", "4")

    def has_items_in_hand() -> bool:
        if first.poll() is not None:
            pytest.fail("the first scanner finished before it could be killed")
        try:
            return int(client.xpending("dedup:queue", "scanners")["pending"]) > 0
        except redis.ResponseError:  # no group yet
            return False

    wait_until(has_items_in_hand, "the first scanner to take items")
    first.send_signal(signal.SIGKILL)
    _, printed_first, _ = finish(first)
    assert int(client.xpending("dedup:queue", "scanners")["pending"]) > 0  # left work in hand
    second = start_scanner(sources, redis_url, "--claim-idle", "0.5")
    code, printed_second, stderr = finish(second)
    assert code == 0, stderr
    printed = printed_first + printed_second
    assert len(printed) == len(set(printed))
    assert set(printed) <= lone_flags
    assert sorted(kept_flags(redis_url)) == sorted(lone_flags)
    assert client.xlen("dedup:queue") == 0


def test_redis_restarting_mid_scan_loses_and_repeats_nothing(
    sources: list[str], lone_flags: set[Flagged], durable_redis_server: RedisServer
) -> None:
    url = durable_redis_server.url()
    scanner = start_scanner(sources, url, "--queue-batch", "2", "--retry-for", "60")
    wait_until(lambda: progress(url) >= 6 or scanner.poll() is not None, "the scan to get going")
    assert scanner.poll() is None, "the scan ended before Redis could be stopped"
    durable_redis_server.stop()
    time.sleep(1.0)  # the scanner meets a dead server and backs off
    durable_redis_server.start()
    code, printed, stderr = finish(scanner)
    assert code == 0, stderr
    assert len(printed) == len(set(printed))
    assert set(printed) <= lone_flags
    assert sorted(kept_flags(url)) == sorted(lone_flags)


def test_redis_gone_for_good_ends_the_scan_with_one_line(
    sources: list[str], durable_redis_server: RedisServer
) -> None:
    url = durable_redis_server.url()
    scanner = start_scanner(sources, url, "--queue-batch", "2", "--retry-for", "1")
    wait_until(lambda: progress(url) >= 2 or scanner.poll() is not None, "the scan to get going")
    durable_redis_server.stop()
    code, _, stderr = finish(scanner)
    assert code == 1
    lines = stderr.strip().splitlines()
    assert lines[-1].startswith(f"error: {url}: Redis unreachable for 1 s: ")
    assert "Traceback" not in stderr


def test_a_source_is_not_checkpointed_past_an_item_a_dead_scanner_claimed(redis_url: str) -> None:
    with RedisStore(redis_url, SIGNATURES) as store:
        other = QueueingIndex(store, QueueSettings(), "other")
        view = QueueingIndex(store, QueueSettings(wait_s=0.01), "me")
        assert other.get("item-1") is None  # the other scanner claims item 1...
        assert view.get("item-1") is not None  # ...so this one skips it
        assert view.get("item-2") is None
        view.add(record(2, ("k",)))
        redis.Redis.from_url(redis_url).delete("dedup:claim:item-1")  # the other one died
        view.checkpoint("feed", "read whole")
        assert store.last_checkpoint("feed") is None  # item 1 must be read again
        assert store.get("item-2") == record(2, ("k",))
        assert view.get("item-1") is None  # and now it is this scanner's
        view.add(record(1, ("k",)))
        view.checkpoint("feed", "read whole")
        assert store.last_checkpoint("feed") == "read whole"


def test_items_a_dead_scanner_claimed_but_never_queued_are_read_again(
    sources: list[str], redis_url: str
) -> None:
    item_ids = {
        entry.id
        for source in sources
        for path in list_files(Path(source))
        for entry in read_file(path)
        if isinstance(entry, Document)
    }
    with RedisStore(redis_url, SIGNATURES) as store:
        # a scanner claimed the first two items, then died before queueing them
        dead = [store.claim(item_id, "dead", 0.5) for item_id in ("facts-added/a", "facts-added/b")]
        assert [state for state, _ in dead] == ["ours", "ours"]
        options = ScanOptions(queue=QueueSettings(wait_s=0.05))
        flags = [flag.id for flag in scan(sources, store, options)]
        assert len(flags) == len(set(flags))
        assert {item_id for item_id in item_ids if store.get(item_id) is None} == set()
        assert store.last_checkpoint(f"file:{sources[0]}") is not None  # read whole in the end
    assert redis.Redis.from_url(redis_url).xlen("dedup:queue") == 0
