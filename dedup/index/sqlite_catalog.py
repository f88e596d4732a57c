"""The postings segments of a SQLite index: their manifest, the buffer, flushes, merges and repairs.

The item rows are the record of truth; segments are derived from them, so no crash can lose
anything a segment holds. The `segments` table lists the files that make up the postings (in
`<index>-postings/`), each covering items `first_seq`..`last_seq`; the items after the last one
wait in memory (`PostingsBuffer`), read back from their rows when the index is opened.

Every change to the list happens in a write transaction, and its file is complete, fsynced and
renamed into place before that transaction commits; files a change drops are unlinked only after
it commits. So whatever moment a process dies at, the list names whole files, and what it leaves
is at worst a file nobody lists: a `*.seg` file unlisted while the write lock is held, or a
`*.<pid>.tmp` file whose process is gone. The next flush deletes those, and nothing else (a file
without a segment's magic is never touched). A listed file that is missing or damaged is made again
from the item rows it covers.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Generator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from dedup.errors import IndexCorruptError, IndexStoreError, IndexUnavailableError
from dedup.index.sqlite_connection import Database
from dedup.index.sqlite_files import SegmentFile, disk_errors, folder_of, new_name, sweep
from dedup.index.sqlite_merge import merge
from dedup.index.sqlite_postings import Postings, PostingsBuffer
from dedup.index.sqlite_segments import Segment, SegmentError, SegmentInfo, write_segment
from dedup.settings import SqliteIndexSettings

SEGMENTS_SCHEMA = (
    "CREATE TABLE segments (name TEXT PRIMARY KEY, first_seq INTEGER NOT NULL,"
    " last_seq INTEGER NOT NULL, postings INTEGER NOT NULL)"
)
EXPIRED_THROUGH = "expired_through"  # meta: items numbered up to here have expired
_RELOAD_TRIES = 3
_log = logging.getLogger(__name__)


@dataclass
class _Merge:
    """A merge under way: its inputs (adjacent, oldest first), its file, and its remaining steps."""

    inputs: list[Segment]
    name: str
    temporary: Path
    file: BinaryIO
    steps: Generator[int, None, int]


class Catalog:
    """The segments and buffer of one connection's view of the index, kept in step with the file."""

    def __init__(self, db: Database, settings: SqliteIndexSettings) -> None:
        self.db = db
        self.folder = folder_of(db.path)
        self.settings = settings
        self._segments: list[Segment] = []
        self._buffer: PostingsBuffer | None = None  # None: to be read on the next search
        self._floor = 0
        self._version = -1
        self._merge: _Merge | None = None
        self._view: Postings | None = None  # kept while nothing changes
        self._has_written = False
        if self.folder.exists() and not self.folder.is_dir():
            raise IndexCorruptError(f"{self.folder}: is not a folder of postings segments")

    # -- reading -------------------------------------------------------------------------------

    def postings(self) -> Postings:
        """Return the postings as committed now, reading what other connections changed.

        Never called inside a transaction: it may write a segment (in one of its own).
        """
        version = self.db.data_version()
        if self._buffer is None or version != self._version:
            self._load()
            self._version = version
        assert self._buffer is not None
        view = self._view
        if (
            view is None
            or view.buffer is not self._buffer
            or view.floor != self._floor
            or view.segments != self._segments
        ):
            view = self._view = Postings(self._segments, self._buffer, self._floor)
        return view

    def _load(self) -> None:
        """Bring the segment list, the floor and the buffer up to what the file holds."""
        for attempt in range(_RELOAD_TRIES):
            listed = self._listed()
            floor = self.db.meta_int(EXPIRED_THROUGH)
            broken = self._open(listed)
            if not broken:
                break
            if attempt == _RELOAD_TRIES - 1:
                # Still listed after a reread, so not merged away meanwhile: missing or damaged.
                with disk_errors(self.folder):
                    self._repair(broken)
                self._load()
                return
        through = max([floor, *(segment.last_seq for segment in self._segments)])
        if self._buffer is None or self._buffer.through != through or floor != self._floor:
            self._buffer = PostingsBuffer(through)
        self._floor = floor
        self._catch_up()

    def _listed(self) -> list[SegmentInfo]:
        rows = self.db.query("SELECT name, first_seq, last_seq, postings FROM segments ORDER BY first_seq")
        return [
            SegmentInfo(str(name), int(first), int(last), int(count)) for name, first, last, count in rows
        ]

    def _open(self, listed: list[SegmentInfo]) -> list[SegmentInfo]:
        """Make `_segments` the listed ones, opening new files; return those that failed."""
        held = {segment.info.name: segment for segment in self._segments}
        opened, broken = [], []
        for info in listed:
            segment = held.pop(info.name, None)
            if segment is None:
                try:
                    segment = Segment(self.folder / info.name, info)
                except SegmentError:
                    broken.append(info)
                    continue
            opened.append(segment)
        for segment in held.values():
            segment.close()
        self._segments = opened
        return broken

    def _catch_up(self) -> None:
        """Buffer the items committed after the buffer's last, writing segments as it fills."""
        assert self._buffer is not None
        page = self.settings.buffer_items
        while True:
            rows = self.db.query(
                "SELECT seq, key_hashes FROM items WHERE seq > ? ORDER BY seq LIMIT ?",
                (self._buffer.last_seq, page),
            )
            try:
                self._buffer.add_items((int(seq), bytes(hashed)) for seq, hashed in rows)
            except ValueError as exc:
                raise IndexCorruptError(f"{self.db.path}: an item's key hashes are damaged ({exc})") from exc
            if self._buffer.items >= page:
                self.flush()
                if self._buffer is None:  # another connection changed the list: read it again
                    self._load()
                    return
            if len(rows) < page:
                return

    # -- writing -------------------------------------------------------------------------------

    def committed(self, items: Sequence[tuple[int, bytes]]) -> None:
        """Take items this connection just committed; flush a full buffer; run a merge step."""
        if self._buffer is None:
            return  # nothing read yet: the next search reads them from their rows
        self._has_written = True
        if items and items[0][0] != self._buffer.last_seq + 1:
            self._version = -1  # another writer's items came between: the next search reads all
            return
        self._buffer.add_items(items)
        if self._buffer.items >= self.settings.buffer_items:
            self.flush()
        # Merges keep pace with what comes in: at least one chunk, or 8 postings per new one.
        self.merge_step(8 * sum(len(hashed) // 8 for _, hashed in items))

    def flush(self) -> None:
        """Write the buffer as a segment and list it, in one write transaction.

        Raises:
            IndexUnavailableError: the segment file cannot be written (disk full, read-only).
        """
        with disk_errors(self.folder):
            self._flush()

    def _flush(self) -> None:
        buffer = self._buffer
        if buffer is None or buffer.items == 0:
            return
        self.folder.mkdir(exist_ok=True)
        keys, ends, seqs = buffer.grouped()
        first, last = buffer.through + 1, buffer.last_seq
        info = SegmentInfo(new_name(first, last), first, last, len(seqs))
        with self.db.write():
            if not self._is_current():
                self._buffer = None  # another connection wrote segments: read them first
                return
            with SegmentFile(self.folder / info.name) as file:
                write_segment(file, info.first_seq, info.last_seq, keys, ends, seqs)
            self._list(add=[info], drop=[])
            sweep(self.folder, {segment.info.name for segment in self._segments} | {info.name})
        self._segments.append(Segment(self.folder / info.name, info))
        self._buffer = PostingsBuffer(info.last_seq)

    def merge_step(self, postings: int = 0) -> None:
        """Start a merge if segments pile up, and write at least one chunk (or `postings`) of it.

        A merge that cannot write its file is abandoned (and tried again later): the segments it
        would have replaced serve meanwhile.
        """
        try:
            with disk_errors(self.folder):
                self._merge_step(postings)
        except IndexUnavailableError as exc:
            _log.warning("%s", exc)
            self._abandon_merge()

    def _merge_step(self, postings: int) -> None:
        done = 0
        while True:
            if self._merge is None:
                run = _run_to_merge(
                    [segment.postings for segment in self._segments], self.settings.merge_ratio
                )
                if run is None:
                    return
                self._merge = self._start_merge(self._segments[run:])
            try:
                done += next(self._merge.steps)
            except StopIteration as finished:
                self._finish_merge(int(finished.value))
                return
            if done >= postings:
                return

    def _start_merge(self, inputs: list[Segment]) -> _Merge:
        self.folder.mkdir(exist_ok=True)
        name = new_name(inputs[0].first_seq, inputs[-1].last_seq)
        temporary = self.folder / f"{name}.{os.getpid()}.tmp"
        file = temporary.open("w+b")
        steps = merge(inputs, file, self._floor, self.settings.merge_chunk_postings)
        return _Merge(inputs, name, temporary, file, steps)

    def _finish_merge(self, postings: int) -> None:
        job, self._merge = self._merge, None
        assert job is not None
        job.file.close()
        merged = SegmentInfo(job.name, job.inputs[0].first_seq, job.inputs[-1].last_seq, postings)
        path = self.folder / job.name
        with self.db.write():
            names = {info.name for info in self._listed()}
            if not all(segment.info.name in names for segment in job.inputs):
                job.temporary.unlink(missing_ok=True)  # another connection merged them first
                self._version = -1
                return
            is_current = self._is_current()
            os.replace(job.temporary, path)
            self._list(add=[merged], drop=[segment.info for segment in job.inputs])
        self._unlink([segment.info.name for segment in job.inputs])
        if not is_current:
            self._version = -1  # the next search reads the list afresh
            return
        at = self._segments.index(job.inputs[0])
        self._segments[at : at + len(job.inputs)] = [Segment(path, merged)]
        for segment in job.inputs:
            segment.close()

    def expire(self, floor: int) -> list[str]:
        """Unlist the segments wholly at or below the new `floor`, in the caller's transaction.

        Returns their names, to unlink once the transaction has committed (`expired`).
        """
        gone = [info for info in self._listed() if info.last_seq <= floor]
        self._list(add=[], drop=gone)
        return [info.name for info in gone]

    def expired(self, names: Sequence[str]) -> None:
        """After an expiry committed: unlink the unlisted files, and read the postings afresh."""
        self._unlink(names)
        self._buffer = None

    def close(self) -> None:
        """Write out the buffer if this connection added to it, abandon a merge, let segments go.

        Writing the buffer spares the next opening reading its items back from their rows; a
        writer that dies instead leaves at most `buffer_items` of them to read.
        """
        try:
            if self._has_written and self._buffer is not None and not self.db.in_transaction:
                self.flush()
        except IndexStoreError as exc:  # locked or read-only: the rows still hold everything
            _log.warning("%s: postings not written out on close (%s)", self.db.path, exc)
        self._abandon_merge()
        for segment in self._segments:
            segment.close()
        self._segments = []

    # -- plumbing ------------------------------------------------------------------------------

    def _abandon_merge(self) -> None:
        if self._merge is not None:
            self._merge.steps.close()
            self._merge.file.close()
            self._merge.temporary.unlink(missing_ok=True)
            self._merge = None

    def _is_current(self) -> bool:
        """Tell (in a write transaction) whether the list and floor are still the ones we hold."""
        names = [info.name for info in self._listed()]
        return names == [segment.info.name for segment in self._segments] and (
            self.db.meta_int(EXPIRED_THROUGH) == self._floor
        )

    def _list(self, add: Sequence[SegmentInfo], drop: Sequence[SegmentInfo]) -> None:
        self.db.execute_many("DELETE FROM segments WHERE name = ?", [(info.name,) for info in drop])
        self.db.execute_many(
            "INSERT INTO segments (name, first_seq, last_seq, postings) VALUES (?, ?, ?, ?)",
            [(info.name, info.first_seq, info.last_seq, info.postings) for info in add],
        )

    def _repair(self, broken: list[SegmentInfo]) -> None:
        """Make listed segments that are missing or damaged again, from their items' rows."""
        self.folder.mkdir(exist_ok=True)
        with self.db.write():
            names = {info.name for info in self._listed()}
            for info in (info for info in broken if info.name in names):
                rows = self.db.query(
                    "SELECT seq, key_hashes FROM items WHERE seq BETWEEN ? AND ? ORDER BY seq",
                    (info.first_seq, info.last_seq),
                )
                buffer = PostingsBuffer(info.first_seq - 1)
                buffer.add_items((int(seq), bytes(hashed)) for seq, hashed in rows)
                keys, ends, seqs = buffer.grouped()
                made = SegmentInfo(
                    new_name(info.first_seq, info.last_seq), info.first_seq, info.last_seq, len(seqs)
                )
                with SegmentFile(self.folder / made.name) as file:
                    write_segment(file, made.first_seq, made.last_seq, keys, ends, seqs)
                self._list(add=[made], drop=[info])
        self._unlink([info.name for info in broken])

    def _unlink(self, names: Sequence[str]) -> None:
        for name in names:
            (self.folder / name).unlink(missing_ok=True)


def _run_to_merge(sizes: Sequence[int], ratio: float) -> int | None:
    """Return where the trailing run of segments to merge starts, or None: a binary counter at 1.

    The run grows backwards while the segment before it is at most `ratio` times its size.
    """
    start, run = len(sizes) - 1, sizes[-1] if sizes else 0
    while start > 0 and sizes[start - 1] <= ratio * run:
        start -= 1
        run += sizes[start]
    return start if start < len(sizes) - 1 else None
