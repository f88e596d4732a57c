"""The files of a SQLite index's postings folder: naming, writing in place safely, sweeping leftovers."""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from dedup.errors import IndexUnavailableError
from dedup.index.sqlite_segments import finish, has_magic

# Segment names, and the names of files in flight (".<pid>.tmp" after the name).
_OURS = re.compile(r"\d{12}-\d{12}-[0-9a-f]{8}\.seg(?:\.(?P<pid>\d+)\.tmp)?")


def folder_of(index_path: Path) -> Path:
    """Return the folder beside the index that holds its postings segments."""
    return index_path.with_name(index_path.name + "-postings")


def new_name(first_seq: int, last_seq: int) -> str:
    """Return a fresh name for the segment of items `first_seq`..`last_seq`."""
    return f"{first_seq:012d}-{last_seq:012d}-{secrets.token_hex(4)}.seg"


class SegmentFile:
    """A segment file written under a temporary name, fsynced, then renamed into place."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")

    def __enter__(self) -> BinaryIO:
        self.file = self.temporary.open("wb")
        return self.file

    def __exit__(self, exc_type: object, exc: object, traceback: object) -> None:
        try:
            if exc_type is None:
                finish(self.file)
        finally:
            self.file.close()
        if exc_type is None:
            os.replace(self.temporary, self.path)
        else:
            self.temporary.unlink(missing_ok=True)


@contextmanager
def disk_errors(folder: Path) -> Iterator[None]:
    """Turn a failure to write the postings folder into IndexUnavailableError, in one line."""
    try:
        yield
    except OSError as exc:
        raise IndexUnavailableError(f"{folder}: cannot write postings ({exc.strerror or exc})") from exc


def sweep(folder: Path, listed: set[str]) -> None:
    """Delete what dead writers left (in a write transaction, so no live one is mid-change).

    Only files named as this module names them: a segment nobody lists (and which opens with
    a segment's magic), or a file in flight whose process is gone (maybe still empty).
    """
    for entry in os.scandir(folder):
        named = _OURS.fullmatch(entry.name)
        if named is None:
            continue
        pid = named.group("pid")
        if pid is None:
            is_left = entry.name not in listed and has_magic(Path(entry.path))
        else:
            is_left = not _is_alive(int(pid))
        if is_left:
            Path(entry.path).unlink(missing_ok=True)


def _is_alive(pid: int) -> bool:
    """Tell whether process `pid` runs (this one always does)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
