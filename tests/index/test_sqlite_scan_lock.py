"""The scan lock of a SQLite index: held by one scan, waited for by the next, never kept by workers."""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from dedup.index import open_index
from dedup.index.base import scan_writer
from dedup.index.sqlite_lock import lock_path, scan_lock


def _is_free(index_path: Path) -> bool:
    descriptor = os.open(lock_path(index_path), os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(descriptor)
    return True


def test_a_second_holder_waits_until_the_first_lets_go(tmp_path: Path) -> None:
    index_path = tmp_path / "index.sqlite"
    events: list[str] = []
    with open_index(index_path) as index, scan_writer(index):
        assert not _is_free(index_path)

        def second() -> None:
            with scan_lock(index_path):
                events.append("second holds it")

        thread = threading.Thread(target=second)
        thread.start()
        time.sleep(0.3)
        events.append("first lets go")
    thread.join(timeout=10)
    assert events == ["first lets go", "second holds it"]
    assert _is_free(index_path)


_DIES_WITH_A_CHILD = """
import os, sys, time
from pathlib import Path
from dedup.index.sqlite_lock import scan_lock

with scan_lock(Path(sys.argv[1])):
    worker = os.fork()
    if worker == 0:  # a worker, as a scan forks them
        quiet = os.open(os.devnull, os.O_WRONLY)
        os.dup2(quiet, 1)
        os.dup2(quiet, 2)
        time.sleep(60)
        os._exit(0)
    print(worker, flush=True)
    os._exit(0)  # the scanner dies holding the lock; its worker lives on
"""


def test_a_forked_worker_does_not_keep_a_dead_scanners_lock(tmp_path: Path) -> None:
    index_path = tmp_path / "index.sqlite"
    result = subprocess.run(
        [sys.executable, "-c", _DIES_WITH_A_CHILD, str(index_path)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).resolve().parents[2],
    )
    worker = int(result.stdout)
    try:
        assert _is_free(index_path)
    finally:
        os.kill(worker, signal.SIGKILL)
