"""Faults of issue 13 that need real processes: signals, worker processes, a trickling feed, a read-only disk.

Each test runs `python -m dedup scan` as a subprocess (signals reach real processes only) and
checks the exit code, that no traceback is printed, that no worker outlives the scan, and that a
rerun keeps every flag an uninterrupted scan keeps. Waits are bounded liveness checks, not timings.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from dedup.index import open_index
from tests.http_server import FeedServer

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / "fixtures" / "pairs" / "seeds-rewrite"
GOOD = REPO / "fixtures" / "feeds" / "good"
_WAIT_S = 120.0


def _stream(path: Path, count: int) -> Path:
    """Write `count` made-up JSONL notes with the seed article, its rewrite and copies spread in."""
    rng = random.Random(13)
    syllables = ["ka", "lo", "vek", "mar", "dun", "sel", "tor", "bri", "quan", "zel", "hov", "rin"]
    original, rewrite = ((SEEDS / name).read_text(encoding="utf-8") for name in ("a.txt", "b.txt"))
    records = []
    for number in range(count):
        words = ["".join(rng.choice(syllables) for _ in range(4)) for _ in range(60)]
        records.append({"id": f"note-{number}", "text": f"Note {number}. " + " ".join(words) + "."})
    for position in range(0, count - 40, max(1, count // 12)):
        records[position] = {"id": f"original-{position}", "text": original + f"\n\nUpdate {position}."}
        records[position + 20] = {"id": f"rewrite-{position}", "text": rewrite + f"\n\nUpdate {position}."}
    path.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    return path


def _dedup(*args: str) -> list[str]:
    return [sys.executable, "-m", "dedup", *args]


def _children(pid: int) -> set[int]:
    """The live processes whose parent is `pid` (from /proc)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # gone meanwhile
        fields = stat.rpartition(")")[2].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state != "Z"


def _wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + _WAIT_S
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.02)


def _end(process: subprocess.Popen[str]) -> None:
    """Kill a scan a failed check left running, and close its pipe; say what it printed."""
    if process.poll() is None:
        process.kill()
    if process.stderr is not None and not process.stderr.closed:
        _, stderr = process.communicate()
        print(f"the scan ended without being read; it printed:\n{stderr}")


def _flag_ids(index: Path) -> set[str]:
    listed = subprocess.run(_dedup("flags", "--index", str(index), "--json"), capture_output=True, text=True)
    assert listed.returncode == 0, listed.stderr
    return {json.loads(line)["id"] for line in listed.stdout.splitlines()}


@pytest.fixture(scope="module")
def stream(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, set[str]]:
    """A stream long enough to interrupt, and the flags one uninterrupted scan of it keeps."""
    folder = tmp_path_factory.mktemp("stream")
    source = _stream(folder / "stream.jsonl", 900)
    index = folder / "whole.sqlite"
    subprocess.run(_dedup("scan", str(source), "--index", str(index), "--out", str(folder / "o")), check=True)
    whole = _flag_ids(index)
    assert len(whole) >= 10
    return source, whole


def _interrupted_scan(
    tmp_path: Path, source: Path, stop: Callable[[subprocess.Popen[str]], None]
) -> tuple[subprocess.Popen[str], set[int], str]:
    """Run a scan with --workers 2, stop it once its workers are busy, return it, its workers and stderr."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    index, out = tmp_path / "index.sqlite", tmp_path / "out.jsonl"
    command = _dedup("scan", str(source), "--index", str(index), "--out", str(out), "--workers", "2")
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        # Two sketching workers and the compare worker, which the first flag needed.
        _wait_for(
            lambda: len(_children(process.pid)) >= 3 and out.exists() and out.stat().st_size > 0, "workers"
        )
        workers = _children(process.pid)
        stop(process)
        _, stderr = process.communicate(timeout=_WAIT_S)
    finally:
        _end(process)
    _wait_for(lambda: not any(_alive(pid) for pid in workers), "the workers to end with the scan")
    return process, workers, stderr


@pytest.mark.parametrize(
    "kill",
    # SIGTERM takes the Ctrl-C path in the scan (tested below); slow, to keep the default run short.
    [
        pytest.param(signal.SIGKILL, id="SIGKILL"),
        pytest.param(signal.SIGTERM, id="SIGTERM", marks=pytest.mark.slow),
    ],
)
def test_workers_die_with_a_killed_scan_and_a_rerun_loses_nothing(
    kill: signal.Signals, tmp_path: Path, stream: tuple[Path, set[str]]
) -> None:
    source, whole = stream
    process, workers, stderr = _interrupted_scan(tmp_path, source, lambda scan: scan.send_signal(kill))
    assert len(workers) >= 3
    assert "Traceback" not in stderr
    if kill == signal.SIGTERM:
        assert process.returncode == 130 and stderr.splitlines()[-1] == "aborted", stderr
    with open_index(tmp_path / "index.sqlite") as index:
        assert index.get("note-899") is None, "the signal came after the scan ended"
    rerun = subprocess.run(
        _dedup(
            "scan",
            str(source),
            "--index",
            str(tmp_path / "index.sqlite"),
            "--out",
            str(tmp_path / "out.jsonl"),
        ),
        capture_output=True,
        text=True,
    )
    assert rerun.returncode == 0, rerun.stderr
    assert _flag_ids(tmp_path / "index.sqlite") == whole


def test_ctrl_c_with_workers_prints_no_traceback(tmp_path: Path, stream: tuple[Path, set[str]]) -> None:
    source, _ = stream
    for attempt in range(2):  # it used to fail one run in two
        # A terminal's Ctrl-C reaches the whole foreground process group, workers included.
        process, _, stderr = _interrupted_scan(
            tmp_path / str(attempt), source, lambda scan: os.killpg(scan.pid, signal.SIGINT)
        )
        assert "Traceback" not in stderr, stderr
        assert "KeyboardInterrupt" not in stderr, stderr
        assert process.returncode == 130
        assert stderr.splitlines()[-1] == "aborted", stderr


def test_watch_reads_a_feed_while_another_trickles(tmp_path: Path, feed_server: FeedServer) -> None:
    index, out = tmp_path / "index.sqlite", tmp_path / "out.jsonl"
    command = _dedup(
        "scan",
        feed_server.url + "/trickle",
        feed_server.url + "/good/courier.rss",
        "--index",
        str(index),
        "--out",
        str(out),
        "--watch",
        "--interval",
        "0.2",
    )
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    try:
        _wait_for(lambda: _indexed(index, "courier-bridge-0001"), "the courier feed")
        # Read while the trickling feed (deadline 60 s) is still being sent: it held nothing up.
        assert feed_server.trickling.is_set()
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=_WAIT_S)
    finally:
        _end(process)
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert stderr.splitlines()[-1].startswith("3 items read, 3 new"), stderr
    _wait_for(lambda: not feed_server.trickling.is_set(), "the trickling fetch to be dropped")


def _indexed(index: Path, item_id: str) -> bool:
    if not index.exists():
        return False
    try:
        with open_index(index) as store:
            return store.get(item_id) is not None
    except Exception:  # the scanner may be creating the file this very moment
        return False


def test_a_read_only_file_system_is_one_line_for_html_and_report_dir(tmp_path: Path) -> None:
    unshare = shutil.which("unshare")
    assert unshare is not None, "util-linux's unshare is needed to mount a read-only file system"
    mount = tmp_path / "ro"
    mount.mkdir()
    index = tmp_path / "index.sqlite"
    seeded = subprocess.run(_dedup("scan", str(GOOD), "--index", str(index)), capture_output=True, text=True)
    assert seeded.returncode == 0, seeded.stderr
    a, b = SEEDS / "a.txt", SEEDS / "b.txt"
    # A user and mount namespace of our own: a tmpfs holding a report folder, remounted read-only.
    script = (
        f"mount -t tmpfs tmpfs {mount} && mkdir {mount}/reports && mount -o remount,ro {mount} && "
        f"{sys.executable} -m dedup compare {a} {b} --html {mount}/report.html; echo rc=$?; "
        f"{sys.executable} -m dedup scan {GOOD} --index {index} --report-dir {mount}/reports; echo rc=$?"
    )
    result = subprocess.run([unshare, "-rm", "sh", "-c", script], capture_output=True, text=True, cwd=REPO)
    assert "rc=" in result.stdout, f"no mount namespace here: {result.stderr}"
    assert "Traceback" not in result.stderr, result.stderr
    # The verdict is printed before the report fails to be written.
    assert result.stdout.startswith("DERIVED (rewrite"), result.stdout
    assert [line for line in result.stdout.splitlines() if line.startswith("rc=")] == ["rc=1", "rc=1"]
    first, second = result.stderr.splitlines()
    assert first == f"error: {mount}/report.html: cannot write report (Read-only file system)"
    assert re.fullmatch(
        rf"error: {mount}/reports/[\w.-]+\.html: cannot write report \(Read-only file system\)", second
    )
