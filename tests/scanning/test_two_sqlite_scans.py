"""Two `dedup scan` processes on one SQLite index at once keep the flags of one scan after the other."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from dedup.index import open_index
from dedup.scanning.scan import scan

ROOT = Path(__file__).resolve().parents[2]
PAIRS = ROOT / "fixtures" / "pairs"
# The held response must come before the scan's read timeout (10 s) runs out.
_HOLD_S = 6.0


class _HeldFeed:
    """A loopback server answering one JSONL body only once released, and telling when it was asked."""

    def __init__(self, body: bytes) -> None:
        self.asked = threading.Event()
        self.release = threading.Event()
        state = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                state.asked.set()
                state.release.wait(30.0)
                self.send_response(200)
                self.send_header("Content-Type", "application/x-ndjson")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                del format, args

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/originals.jsonl"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)


@pytest.fixture
def held_feed(tmp_path: Path) -> Iterator[tuple[_HeldFeed, Path, Path]]:
    """The originals of the derived fixture pairs behind a held URL, and as files both halves."""
    originals, derivatives = [], []
    for case in sorted(PAIRS.iterdir()):
        if "derived = true" not in (case / "expect.toml").read_text(encoding="utf-8"):
            continue
        originals.append({"id": f"{case.name}/a", "text": (case / "a.txt").read_text(encoding="utf-8")})
        derivatives.append({"id": f"{case.name}/b", "text": (case / "b.txt").read_text(encoding="utf-8")})
    first, second = tmp_path / "originals.jsonl", tmp_path / "derivatives.jsonl"
    for path, records in ((first, originals), (second, derivatives)):
        path.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    feed = _HeldFeed(first.read_bytes())
    feed.thread.start()
    try:
        yield feed, first, second
    finally:
        feed.release.set()
        feed.httpd.shutdown()
        feed.httpd.server_close()


def _scan(source: str, index: Path, out: Path) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "dedup", "scan", source, "--index", str(index), "--out", str(out)]
    return subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE, text=True)


def test_a_second_scan_waits_for_the_first_and_both_keep_the_serial_flags(
    held_feed: tuple[_HeldFeed, Path, Path], tmp_path: Path
) -> None:
    feed, originals, derivatives = held_feed
    with open_index(tmp_path / "serial.sqlite") as index:
        list(scan([originals], index))
        list(scan([derivatives], index))
        serial = sorted(flag.id for flag in index.flags())
    assert len(serial) >= 8  # the derivatives flagged against their originals

    index_path = tmp_path / "index.sqlite"
    first = _scan(feed.url, index_path, tmp_path / "first.jsonl")
    try:
        # The first scan holds the index from its start; its items are read once the feed answers.
        assert feed.asked.wait(60.0), "the first scan never fetched its feed"
        second = _scan(str(derivatives), index_path, tmp_path / "second.jsonl")
        try:
            # Unlocked, the second scan would judge (and commit) everything now, against an index
            # without the originals the first one holds back; locked, it is still waiting.
            with contextlib.suppress(subprocess.TimeoutExpired):
                second.wait(timeout=_HOLD_S)
            feed.release.set()
            _, first_errors = first.communicate(timeout=120)
            _, second_errors = second.communicate(timeout=120)
        finally:
            second.kill()
    finally:
        first.kill()
    assert (first.returncode, second.returncode) == (0, 0), first_errors + second_errors
    with open_index(index_path) as index:
        kept = sorted(flag.id for flag in index.flags())
    assert kept == serial
    printed = [
        json.loads(line)["id"]
        for name in ("first.jsonl", "second.jsonl")
        for line in (tmp_path / name).read_text().splitlines()
    ]
    assert sorted(printed) == serial
