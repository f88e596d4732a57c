"""`dedup scan` and `dedup flags`: CliRunner for each path; real processes for kill/restart and --watch."""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from click.testing import CliRunner

from dedup.cli import cli
from dedup.index import open_index
from dedup.model import Document
from dedup.sources.feeds import read_file

FEEDS = Path(__file__).resolve().parents[2] / "fixtures" / "feeds"
GOOD = FEEDS / "good"
_WAIT_S = 120.0


def _run(*args: str) -> object:
    return CliRunner().invoke(cli, list(args))


def _lines(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_scan_prints_flags_as_jsonl_and_a_summary(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["scan", str(GOOD), "--index", str(tmp_path / "i.sqlite")])
    assert result.exit_code == 0, result.output
    flags = _lines(result.stdout)
    assert len(flags) == 3
    assert set(flags[0]) == {"id", "item", "source", "kind", "confidence", "original", "changes"}
    assert {flag["kind"] for flag in flags} >= {"copy"}
    assert all(set(flag["source"]) == {"id", "title", "url", "published"} for flag in flags)  # type: ignore[arg-type]
    [summary] = result.stderr.splitlines()
    assert summary.startswith("10 items read, 10 new, 3 flagged")
    assert "0 skipped" in summary


def test_scan_out_appends_to_a_file_and_a_rescan_adds_nothing(tmp_path: Path) -> None:
    index, out = str(tmp_path / "i.sqlite"), tmp_path / "flags.jsonl"
    first = CliRunner().invoke(cli, ["scan", str(GOOD), "--index", index, "--out", str(out)])
    assert first.exit_code == 0
    assert first.stdout == ""
    assert len(_lines(out.read_text())) == 3
    second = CliRunner().invoke(cli, ["scan", str(GOOD), "--index", index, "--out", str(out)])
    assert second.exit_code == 0
    assert len(_lines(out.read_text())) == 3
    assert "0 new, 0 flagged" in second.stderr


def test_flags_lists_what_scan_kept(tmp_path: Path) -> None:
    index = str(tmp_path / "i.sqlite")
    scanned = _lines(CliRunner().invoke(cli, ["scan", str(GOOD), "--index", index]).stdout)
    listed = CliRunner().invoke(cli, ["flags", "--index", index, "--json"])
    assert listed.exit_code == 0
    assert _lines(listed.stdout) == scanned
    text = CliRunner().invoke(cli, ["flags", "--index", index])
    lines = text.stdout.splitlines()
    assert len(lines) == 3
    assert any(line.startswith("copy (1.00): reposter-library") for line in lines)
    assert all("derives from" in line for line in lines)


def test_bad_sources_are_one_line_each_and_do_not_stop_the_scan(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["scan", str(FEEDS / "bad"), "--index", str(tmp_path / "i.sqlite")])
    assert result.exit_code == 0
    lines = result.stderr.splitlines()
    skipped = [line for line in lines if line.startswith("skipped: ")]
    assert len(skipped) == 7
    assert f"skipped: {FEEDS / 'bad' / 'broken.jsonl'}:2: not valid JSON" in result.stderr
    assert lines[-1].startswith("1 items read, 1 new, 0 flagged")
    assert "7 skipped" in lines[-1]
    assert "Traceback" not in result.output


def test_a_corrupt_or_foreign_index_is_one_line_exit_1_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_bytes(b"my precious notes, not an index\n" * 50)
    before = path.read_bytes()
    for args in (["scan", str(GOOD), "--index", str(path)], ["flags", "--index", str(path)]):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 1
        assert result.stdout == ""
        assert result.stderr.splitlines() == [f"error: {path}: not a dedup index (not a SQLite file)"]
        assert "Traceback" not in result.output
    assert path.read_bytes() == before


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert CliRunner().invoke(cli, ["scan", str(GOOD)]).exit_code == 2
    assert CliRunner().invoke(cli, ["scan", "--index", str(tmp_path / "i.sqlite")]).exit_code == 2
    assert CliRunner().invoke(cli, ["flags"]).exit_code == 2


def test_an_unwritable_out_file_is_one_line_exit_1(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["scan", str(GOOD), "--index", str(tmp_path / "i.sqlite"), "--out", str(tmp_path / "no" / "f")]
    )
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ") and len(result.stderr.splitlines()) == 1


# -- real processes ---------------------------------------------------------------------------


def _stream(path: Path, count: int) -> Path:
    """Write `count` JSONL items: made-up notes, with copies and edits of the fixtures spread in."""
    documents = {e.id: e for p in sorted(GOOD.rglob("*")) if p.is_file() for e in read_file(p)}
    texts = [d.text for d in documents.values() if isinstance(d, Document) and len(d.text) > 400]
    rng = random.Random(5)
    syllables = ["ka", "lo", "vek", "mar", "dun", "sel", "tor", "bri", "quan", "zel", "hov", "rin"]
    records = []
    for number in range(count):
        words = ["".join(rng.choice(syllables) for _ in range(4)) for _ in range(60)]
        records.append({"id": f"note-{number}", "text": f"Note {number}. " + " ".join(words) + "."})
    for position, text in enumerate(texts):
        # An original early, then a copy and a light edit later, in several batches.
        first = 3 + position * (count // (2 * len(texts)))
        records[first] = {"id": f"original-{position}", "text": text}
        records[first + count // 2] = {"id": f"copy-{position}", "text": text}
        records[first + count // 2 + 7] = {"id": f"edit-{position}", "text": text.replace(" the ", " a ", 3)}
    path.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    return path


def _scan_command(source: Path, index: Path, out: Path, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "dedup",
        "scan",
        str(source),
        "--index",
        str(index),
        "--out",
        str(out),
        *extra,
    ]


def _flag_ids(index: Path) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-m", "dedup", "flags", "--index", str(index), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    return [str(line["id"]) for line in _lines(result.stdout)]


def _wait_for(condition: object, what: str) -> None:
    deadline = time.monotonic() + _WAIT_S
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.01)


def test_a_scan_killed_mid_way_and_restarted_keeps_every_flag_once(tmp_path: Path) -> None:
    count = 600
    source = _stream(tmp_path / "stream.jsonl", count)
    whole_index, whole_out = tmp_path / "whole.sqlite", tmp_path / "whole.jsonl"
    subprocess.run(_scan_command(source, whole_index, whole_out), check=True, capture_output=True)
    whole = _flag_ids(whole_index)
    assert len(whole) >= 8 and len(set(whole)) == len(whole)

    index, out = tmp_path / "index.sqlite", tmp_path / "out.jsonl"
    process = subprocess.Popen(_scan_command(source, index, out), stderr=subprocess.DEVNULL)
    try:
        _wait_for(lambda: out.exists() and out.read_text().count("\n") >= 1, "the first flag")
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait()
    assert process.returncode == -signal.SIGKILL
    with open_index(index) as store:
        assert store.get(f"note-{count - 1}") is None, "the kill came after the scan ended"

    subprocess.run(_scan_command(source, index, out), check=True, capture_output=True)
    kept = _flag_ids(index)
    assert sorted(kept) == sorted(whole)
    printed = Counter(str(line["id"]) for line in _lines(out.read_text()))
    assert set(printed) == set(whole)
    assert sum(printed.values()) - len(printed) <= 1  # only the flag in hand at the kill may repeat


def test_watch_picks_up_new_files_until_interrupted(tmp_path: Path) -> None:
    folder = tmp_path / "incoming"
    folder.mkdir()
    documents = [e for e in read_file(GOOD / "courier.rss") if isinstance(e, Document)]
    (folder / "a.txt").write_text(documents[0].text, encoding="utf-8")
    index, out = tmp_path / "index.sqlite", tmp_path / "out.jsonl"
    process = subprocess.Popen(
        _scan_command(folder, index, out, "--watch", "--interval", "0.1"), stderr=subprocess.PIPE, text=True
    )
    try:
        _wait_for(lambda: index.exists() and _indexed(index, str(folder / "a.txt")), "the first file")
        (folder / "b.txt").write_text(documents[0].text.replace("Councillors", "Council members"))
        _wait_for(lambda: out.exists() and out.read_text().strip() != "", "a flag for the new file")
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=_WAIT_S)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0
    [flag] = _lines(out.read_text())
    assert {flag["item"]["id"], flag["source"]["id"]} == {str(folder / "a.txt"), str(folder / "b.txt")}  # type: ignore[index]
    assert stderr.splitlines()[-1].startswith("2 items read, 2 new, 1 flagged")


def _indexed(index: Path, item_id: str) -> bool:
    try:
        with open_index(index) as store:
            return store.get(item_id) is not None
    except Exception:  # the scanner may be creating the file this very moment
        return False
