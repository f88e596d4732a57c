"""The bad-input matrix of issue 13, URLs and indexes: exit code, one line, no traceback, nothing lost.

URL cases scan a hostile answer of the real HTTP server on loopback next to the good courier feed,
whose 3 items must still be read; index cases check a damaged or foreign file is left untouched.
"""

from __future__ import annotations

import gzip
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from dedup.cli import cli
from tests.cli.matrix import GOOD, Build, Case, read, run_case, scan_args, write
from tests.http_server import FeedServer

# -- scan: URLs on the loopback server ------------------------------------------------------------


def _urls(setup: Callable[[FeedServer], list[str]], *extra: str) -> Build:
    """Serve what `setup` arranges, and scan those paths and the good courier feed."""

    def build(tmp: Path, server: FeedServer) -> list[str]:
        paths = [*setup(server), "/good/courier.rss"]
        return scan_args(*(server.url + path for path in paths), extra=extra)(tmp)

    return build


def _not_found(server: FeedServer) -> list[str]:
    del server
    return ["/nothing-here.rss"]


def _redirect_to(location: str) -> Callable[[FeedServer], list[str]]:
    def setup(server: FeedServer) -> list[str]:
        server.redirects["/moved.rss"] = location
        return ["/moved.rss"]

    return setup


def _gzip_bomb(server: FeedServer) -> list[str]:
    # 10 MB of zeros in 10 KB: sent as Content-Encoding gzip, which dedup never asks for nor inflates.
    server.overrides["/bomb.rss"] = gzip.compress(b"\0" * 10_000_000)
    server.header_overrides["/bomb.rss"] = {"Content-Encoding": "gzip"}
    return ["/bomb.rss"]


def _huge_body(server: FeedServer) -> list[str]:
    server.overrides["/huge.rss"] = b"<rss>" + b" " * (21 * 1024 * 1024)
    return ["/huge.rss"]


def _trickle(server: FeedServer) -> list[str]:
    del server
    return ["/trickle"]


def _rescan_with_a_dead_url(tmp: Path, server: FeedServer) -> list[str]:
    first = CliRunner().invoke(cli, scan_args(str(GOOD))(tmp))
    assert first.exit_code == 0, first.output
    return scan_args(str(GOOD), server.url + "/nothing-here.rss")(tmp)


SCAN_URL_CASES = {
    # The folder was read whole before and has not changed: it was read, so the scan did not fail.
    "a rescan of an unchanged folder beside a dead URL": Case(
        _rescan_with_a_dead_url, 0, r"nothing-here\.rss: HTTP 404", read(0)
    ),
    "HTTP 404": Case(_urls(_not_found), 0, r"nothing-here\.rss: HTTP 404", read(3)),
    "redirect to file://": Case(
        _urls(_redirect_to("file:///etc/passwd")),
        0,
        r"moved\.rss: HTTP 302 .*'file:///etc/passwd' is not allowed",
        read(3),
    ),
    "redirect to ftp://": Case(
        _urls(_redirect_to("ftp://127.0.0.1/feed.rss")),
        0,
        r"moved\.rss: HTTP 302 redirect to a non-http\(s\) URL",
        read(3),
    ),
    "gzip bomb": Case(
        _urls(_gzip_bomb),
        0,
        r"bomb\.rss: answered in Content-Encoding gzip, which was not asked for",
        read(3),
    ),
    "21 MB body": Case(_urls(_huge_body), 0, r"huge\.rss: larger than 20971520 bytes", read(3)),
    "a feed that trickles a byte at a time (issue 13.4)": Case(
        _urls(_trickle, "--fetch-deadline", "1"), 0, r"trickle: not fetched within the 1 s deadline", read(3)
    ),
}


# -- the index ------------------------------------------------------------------------------------


def _foreign(tmp: Path, content: bytes | None) -> Path:
    path = tmp / "notes.sqlite"
    if content is None:
        with sqlite3.connect(path) as connection:
            connection.execute("CREATE TABLE recipes (name TEXT)")
            connection.execute("INSERT INTO recipes VALUES ('bread')")
        connection.close()
    else:
        path.write_bytes(content)
    return path


def _index_left_alone(tmp: Path, result: Result) -> None:
    del result
    path = tmp / "notes.sqlite"
    assert path.read_bytes() == (tmp / "before").read_bytes()


def _on_foreign_index(command: str, content: bytes | None) -> Build:
    def build(tmp: Path, server: FeedServer) -> list[str]:
        del server
        path = _foreign(tmp, content)
        write(tmp / "before", path.read_bytes())
        if command == "flags":
            return ["flags", "--index", str(path)]
        return ["scan", str(GOOD), "--index", str(path)]

    return build


def _never_created(tmp: Path, result: Result) -> None:
    del result
    assert not (tmp / "never-created.sqlite").exists()


INDEX_CASES = {
    "flags on a mistyped index path (issue 13.11)": Case(
        lambda tmp, _: ["flags", "--index", str(tmp / "never-created.sqlite")],
        1,
        r"never-created\.sqlite: no such index",
        _never_created,
    ),
    "scan on a damaged index": Case(
        _on_foreign_index("scan", b"SQLite format 3\x00" + b"\xff" * 4000),
        1,
        r"notes\.sqlite: (not a dedup index|index is damaged)",
        _index_left_alone,
    ),
    "flags on another program's SQLite file": Case(
        _on_foreign_index("flags", None), 1, r"notes\.sqlite: not a dedup index", _index_left_alone
    ),
    "scan on a text file as index": Case(
        _on_foreign_index("scan", b"my notes\n" * 100),
        1,
        r"notes\.sqlite: not a dedup index",
        _index_left_alone,
    ),
}


CASES = {**SCAN_URL_CASES, **INDEX_CASES}


@pytest.mark.parametrize("name", list(CASES))
def test_bad_source_or_index(name: str, tmp_path: Path, feed_server: FeedServer) -> None:
    run_case(CASES[name], tmp_path, feed_server)
