"""The bad-input matrix of issue 13, compare and files: exit code, one line, no traceback, nothing lost.

Every case runs the real CLI (CliRunner) on real files under tmp_path (tests/cli/matrix.py says how
a case is checked). URLs on the loopback server and damaged indexes are in test_bad_input_sources.py;
signals, worker processes and a read-only file system in test_faults.py (real processes).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from dedup.cli import cli
from dedup.index import open_index
from tests.cli.matrix import (
    ESCAPES,
    SEEDS,
    SUMMARY,
    Build,
    Case,
    article,
    printed,
    read,
    rss,
    run_case,
    scan_args,
    write,
)
from tests.http_server import FeedServer

# -- compare and diff ---------------------------------------------------------------------------


def _compare_with_seed(name: str, content: str | bytes, *extra: str) -> Build:
    def build(tmp: Path, server: FeedServer) -> list[str]:
        del server
        return ["compare", str(write(tmp / name, content)), str(SEEDS / "a.txt"), *extra]

    return build


def _cp1252_rewrite(tmp: Path, server: FeedServer) -> list[str]:
    del server
    rewrite = (SEEDS / "b.txt").read_text(encoding="utf-8").encode("cp1252")
    return ["compare", str(SEEDS / "a.txt"), str(write(tmp / "b-cp1252.txt", rewrite))]


def _identical(tmp: Path, server: FeedServer) -> list[str]:
    del server
    copy = write(tmp / "copy.txt", (SEEDS / "a.txt").read_bytes())
    return ["compare", str(SEEDS / "a.txt"), str(copy)]


def _html_into_a_file(tmp: Path, server: FeedServer) -> list[str]:
    del server
    blocker = write(tmp / "not-a-folder", "x")
    return ["compare", str(SEEDS / "a.txt"), str(SEEDS / "b.txt"), "--html", str(blocker / "report.html")]


def _hostile_pair(*extra: str) -> Build:
    def build(tmp: Path, server: FeedServer) -> list[str]:
        del server
        text = (SEEDS / "a.txt").read_text(encoding="utf-8")
        # In the file's name too: a scanned folder's names are as hostile as its texts.
        hostile = write(tmp / f"hostile{ESCAPES}.txt", f"Headline {ESCAPES}\n\n{text}")
        return ["compare", str(hostile), str(SEEDS / "a.txt"), *extra]

    return build


def _no_raw_controls(tmp: Path, result: Result) -> None:
    del tmp
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", result.stdout), repr(result.stdout[:300])
    assert "\\x1b]0;owned\\x07" in result.stdout  # shown, not obeyed


def _json_exact(tmp: Path, result: Result) -> None:
    _no_raw_controls_in_json(result.stdout)
    assert json.loads(result.stdout)["a"]["title"] == f"Headline {ESCAPES}"


def _no_raw_controls_in_json(stdout: str) -> None:
    assert not re.search(r"[\x00-\x1f\x7f-\x9f]", stdout.rstrip("\n")), repr(stdout[:300])


COMPARE_CASES = {
    "missing file": Case(
        lambda tmp, _: ["compare", str(tmp / "nothing.txt"), str(SEEDS / "a.txt")],
        1,
        r"nothing\.txt: no such file$",
    ),
    "empty file": Case(_compare_with_seed("empty.txt", b"  \n"), 1, r"empty\.txt: empty file$"),
    "binary file": Case(
        _compare_with_seed("img.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), 1, r"binary file"
    ),
    "malformed JSON": Case(_compare_with_seed("bad.json", '{"text": "a'), 1, r"bad\.json:1: not valid JSON"),
    "JSON list of two records": Case(
        _compare_with_seed("two.json", json.dumps([{"text": article()}, {"text": article()}])),
        1,
        r"two\.json: holds 2 records; compare takes one$",
    ),
    "JSON record dated past year 9999": Case(
        _compare_with_seed("late.json", json.dumps({"text": article(), "published": 1e20})),
        0,
        None,
        printed(r"^NOT DERIVED|^DERIVED"),
    ),
    "30 MB text (issue 13.3)": Case(
        _compare_with_seed("huge.txt", article(5_000_000)),
        1,
        r"huge\.txt: [\d.]+ MB of text, over the --max-bytes limit of 524,288 bytes$",
    ),
    "long text on sparse rows (issue 13.3)": Case(
        _compare_with_seed("long.txt", "\n\n".join(article(60, f"bridge number {n}") for n in range(800))),
        0,
        None,
        printed(r"^(NOT )?DERIVED"),
    ),
    "cp1252 curly quotes (issue 13.5)": Case(_cp1252_rewrite, 0, None, printed(r"^DERIVED \(rewrite")),
    "identical texts (issue 13.14)": Case(_identical, 0, None, printed(r"^DERIVED \(copy")),
    "--html where no file can be (issue 13.8)": Case(
        _html_into_a_file, 1, r"report\.html: cannot write report", printed(r"^DERIVED \(rewrite")
    ),
    "escapes in a text (issue 13.10)": Case(_hostile_pair(), 0, None, _no_raw_controls),
    "escapes kept exact in JSON (issue 13.10)": Case(_hostile_pair("--json"), 0, None, _json_exact),
    "diff of a 30 MB text": Case(
        lambda tmp, _: ["diff", str(write(tmp / "huge.txt", article(5_000_000))), str(SEEDS / "a.txt")],
        1,
        r"over the --max-bytes limit of 524,288 bytes$",
    ),
}


# -- scan: files ----------------------------------------------------------------------------------


def _files(*named: tuple[str, str | bytes], extra: tuple[str, ...] = ()) -> Build:
    """Write the files into one folder and scan it."""

    def build(tmp: Path, server: FeedServer) -> list[str]:
        del server
        for name, content in named:
            write(tmp / "in" / name, content)
        return scan_args(str(tmp / "in"), extra=extra)(tmp)

    return build


def _items(*texts: str) -> str:
    return "".join(
        f"<item><title>Item {n}</title><guid>item-{n}</guid><description>{text}</description></item>"
        for n, text in enumerate(texts)
    )


def _jsonl(*records: dict[str, object]) -> str:
    return "".join(json.dumps(record) + "\n" for record in records)


def _json_feed(version: str, *items: dict[str, object]) -> str:
    return json.dumps(
        {"version": f"https://jsonfeed.org/version/{version}", "title": "F", "items": list(items)}, indent=2
    )


_XXE = (
    '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY secret SYSTEM "file://{secret}">]>'
    '<rss version="2.0"><channel><title>T</title><item><guid>x</guid>'
    "<description>{text} &amp; &secret;</description></item></channel></rss>"
)
_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">'
    '<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">'
    '<!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;"><!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">]>'
    '<rss version="2.0"><channel><title>T</title><item><guid>x</guid><description>{text} &h;</description>'
    "</item></channel></rss>"
)


def _xxe(tmp: Path, server: FeedServer) -> list[str]:
    del server
    secret = write(tmp / "secret.txt", "TOPSECRET-42")
    write(tmp / "in" / "xxe.rss", _XXE.format(secret=secret, text=article()))
    return scan_args(str(tmp / "in"))(tmp)


def _secret_not_read(tmp: Path, result: Result) -> None:
    with open_index(tmp / "i.sqlite") as index:
        record = index.get("x")
    assert record is None or "TOPSECRET" not in record.to_document().text
    assert "TOPSECRET" not in result.output


def _flags_equal_lines(tmp: Path, result: Result) -> None:
    del tmp
    flags = [line for line in result.stdout.splitlines() if line.strip()]
    summary = SUMMARY.match(result.stderr.splitlines()[-1])
    assert summary is not None
    items = {json.loads(flag)["item"]["id"] for flag in flags}
    assert len(items) < len(flags), "the case needs an item flagged against two sources"
    assert int(summary.group(3)) == len(flags)


def _escaped_titles(tmp: Path, result: Result) -> None:
    listed = CliRunner().invoke(cli, ["flags", "--index", str(tmp / "i.sqlite")])
    assert listed.exit_code == 0 and listed.stdout.strip()
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", listed.stdout), repr(listed.stdout)
    as_json = CliRunner().invoke(cli, ["flags", "--index", str(tmp / "i.sqlite"), "--json"])
    _no_raw_controls_in_json(as_json.stdout)
    titles = {json.loads(line)["item"]["title"] for line in as_json.stdout.splitlines()}
    assert f"Copy {ESCAPES}" in titles
    _no_raw_controls_in_json(result.stdout)


SCAN_FILE_CASES = {
    "plain-text RSS descriptions (issue 13.1)": Case(
        _files(
            ("plain.rss", rss(_items(article(), "A second plain description of the ferry timetable, " * 8)))
        ),
        0,
        None,
        read(2),
    ),
    "one NUL byte in one JSONL line (issue 13.9)": Case(
        _files(
            (
                "nul.jsonl",
                _jsonl({"text": article()}) + '{"text": "bad\x00line"}\n' + _jsonl({"text": article(90)}),
            )
        ),
        0,
        r"nul\.jsonl:2: not valid JSON",
        read(2),
    ),
    ".json holding one record (issue 13.15)": Case(
        _files(("one.json", json.dumps({"id": "r1", "title": "T", "text": article()}, indent=2))),
        0,
        None,
        read(1),
    ),
    ".json holding a list of records (issue 13.15)": Case(
        _files(("list.json", json.dumps([{"text": article()}, {"text": article(90, "ferry")}], indent=2))),
        0,
        None,
        read(2),
    ),
    "JSON Feed 1.0 (issue 13.15)": Case(
        _files(("feed.json", _json_feed("1", {"id": "1", "content_html": f"<p>{article()}</p>"}))),
        0,
        None,
        read(1),
    ),
    "JSON Feed 1.1 (issue 13.15)": Case(
        _files(
            (
                "feed.json",
                _json_feed(
                    "1.1",
                    {"id": "1", "content_text": article()},
                    {"id": "2", "summary": article(90, "ferry")},
                ),
            )
        ),
        0,
        None,
        read(2),
    ),
    "multi-line JSON that is no record: one line (issue 13.15)": Case(
        _files(
            ("config.json", json.dumps({"settings": {"a": 1}, "items": [1, 2]}, indent=2)),
            ("ok.txt", article()),
        ),
        0,
        r"config\.json:1: no `text` or `html` field",
        read(1),
    ),
    "a JSONL text over --max-bytes": Case(
        _files(("big.jsonl", _jsonl({"text": article(200_000)}, {"text": article()}))),
        0,
        r"big\.jsonl:1: .* of text, over the --max-bytes limit of 524,288 bytes",
        read(1),
    ),
    "XXE: an external entity is not read": Case(_xxe, 0, None, _secret_not_read),
    "billion laughs": Case(
        _files(("laughs.rss", _LAUGHS.format(text=article())), ("ok.txt", article())),
        0,
        r"laughs\.rss:1: not a well-formed feed \(limit on input amplification factor",
        read(2),  # the entry is read, its entity left unexpanded
    ),
    "every source fails: exit 1 (issue 13.12)": Case(
        _files(("empty.txt", ""), ("bin.txt", b"\x00\x01\x02\x03" * 100)),
        1,
        r"^error: no source could be read \(1 given\)",
        read(0),
        told=3,  # two skipped lines, then the error
    ),
    "summary counts flags, not items (issue 13.12)": Case(
        _files(
            ("1-a.txt", (SEEDS / "a.txt").read_bytes()),
            ("2-b.txt", (SEEDS / "b.txt").read_bytes()),
            ("3-copy.txt", (SEEDS / "a.txt").read_bytes()),
        ),
        0,
        None,
        _flags_equal_lines,
    ),
    "escapes in feed titles (issue 13.10)": Case(
        _files(
            ("1.jsonl", _jsonl({"id": "o", "title": "Original", "text": (SEEDS / "a.txt").read_text()})),
            (
                "2.jsonl",
                _jsonl(
                    {"id": f"c{ESCAPES}", "title": f"Copy {ESCAPES}", "text": (SEEDS / "a.txt").read_text()}
                ),
            ),
        ),
        0,
        None,
        _escaped_titles,
    ),
}


CASES = {**COMPARE_CASES, **SCAN_FILE_CASES}


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input(name: str, tmp_path: Path, feed_server: FeedServer) -> None:
    run_case(CASES[name], tmp_path, feed_server)
