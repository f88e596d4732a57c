"""The scan lock of a SQLite index: one scanner at a time, the next one waits (flock on a side file).

A scan judges each item against what the index holds when the item is read and commits it a batch
later; a second scanner writing in between would judge its items without the first one's pending
items, and neither would flag the pairs they split. So a scan holds `<index>-scan.lock` exclusively
from its first read to its end, and a second scan of the same index blocks until the first is done.

flock, not fcntl: a POSIX record lock is dropped when the process closes any descriptor of the file,
and two stores in one process would share it. A flock is held by the open file description, which
forked workers inherit: they close their copy at fork (see `_forget_in_child`), so a scanner's
workers never keep its index locked after it dies.
"""

from __future__ import annotations

import fcntl
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from dedup.errors import IndexUnavailableError

_log = logging.getLogger(__name__)
_held: set[int] = set()  # descriptors of the scan locks this process holds


def lock_path(index_path: Path) -> Path:
    """Return the scan lock's file beside the index."""
    return index_path.with_name(index_path.name + "-scan.lock")


@contextmanager
def scan_lock(index_path: Path) -> Iterator[None]:
    """Hold the index's scan lock for the block, waiting as long as another scan holds it.

    Raises:
        IndexUnavailableError: the lock file cannot be created or opened.
    """
    path = lock_path(index_path)
    try:
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        message = f"{index_path}: cannot open the scan lock {path.name} ({exc.strerror})"
        raise IndexUnavailableError(message) from exc
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            _log.warning("%s: another scan is writing this index; waiting for it to finish", index_path)
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        _held.add(descriptor)
        try:
            yield
        finally:
            _held.discard(descriptor)
            fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)


def _forget_in_child() -> None:
    """In a forked child, close the inherited lock descriptors (the parent's lock is unaffected)."""
    for descriptor in list(_held):
        with suppress(OSError):
            os.close(descriptor)
    _held.clear()


os.register_at_fork(after_in_child=_forget_in_child)
