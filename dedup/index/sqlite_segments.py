"""Postings segments: immutable files of sorted key hashes and their item numbers, memory-mapped.

A segment holds the postings of the items numbered `first_seq`..`last_seq` of one SQLite index
(the item rows stay the record of truth; a segment can always be made again from them). Layout,
little-endian, every array 8-byte aligned:

    header   64 bytes  magic "DDUPSEG1", format version, first_seq, last_seq, key count,
                       posting count, crc32 of the header
    seqs     uint32 x postings   item number - first_seq, grouped by key, ascending in each key
    keys     int64 x keys        the distinct key hashes (dedup.index.keys), ascending
    bounds   int64 x (keys + 1)  where each key's postings start in `seqs`, and the posting count

A lookup is a binary search of the key hashes (numpy over the mapping), so memory holds only the
pages lookups touch, which the kernel may drop at will, and opening one reads just its header and
checks the key and end arrays for order (a damaged segment is refused, never half-read).
"""

from __future__ import annotations

import mmap
import os
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np
import numpy.typing as npt

MAGIC = b"DDUPSEG1"
VERSION = 1
_HEADER = struct.Struct("<8sIIqqQQ")  # magic, version, reserved, first, last, keys, postings
HEADER_SIZE = 64

Int64s = npt.NDArray[np.int64]


class SegmentError(ValueError):
    """A segment file is missing, foreign, truncated or inconsistent."""


@dataclass(frozen=True, slots=True)
class SegmentInfo:
    """What the manifest (SQLite) records of a segment: enough to check the file it names."""

    name: str
    first_seq: int
    last_seq: int
    postings: int


def header(first_seq: int, last_seq: int, keys: int, postings: int) -> bytes:
    """Return the 64-byte header of a segment."""
    fields = _HEADER.pack(MAGIC, VERSION, 0, first_seq, last_seq, keys, postings)
    crc = struct.pack("<I", zlib.crc32(fields))
    return (fields + crc).ljust(HEADER_SIZE, b"\0")


def file_size(keys: int, postings: int) -> int:
    """Return the size of a segment file with `keys` distinct keys and `postings` postings."""
    return HEADER_SIZE + _aligned(4 * postings) + 16 * keys + 8


def _aligned(size: int) -> int:
    return (size + 7) // 8 * 8


def has_magic(path: Path) -> bool:
    """Tell whether `path` opens with a segment's magic (so it is ours to delete when unlisted)."""
    try:
        with path.open("rb") as file:
            return file.read(len(MAGIC)) == MAGIC
    except OSError:
        return False


def write_segment(
    file: BinaryIO, first_seq: int, last_seq: int, keys: Int64s, ends: Int64s, seqs: Int64s
) -> None:
    """Write a whole segment: `keys` ascending, `ends` their postings' ends, `seqs` item numbers."""
    file.write(header(first_seq, last_seq, len(keys), len(seqs)))
    write_seqs(file, seqs, first_seq)
    pad_seqs(file, len(seqs))
    write_keys(file, keys, ends)


def write_keys(file: BinaryIO, keys: Int64s, ends: Int64s) -> None:
    """Append the key hashes and the bounds of their postings (0, then each key's end)."""
    file.write(keys.astype("<i8").tobytes())
    file.write(np.zeros(1, dtype="<i8").tobytes())
    file.write(ends.astype("<i8").tobytes())


def write_seqs(file: BinaryIO, seqs: Int64s, first_seq: int) -> None:
    """Append item numbers as offsets from `first_seq`."""
    file.write((seqs - first_seq).astype("<u4").tobytes())


def pad_seqs(file: BinaryIO, postings: int) -> None:
    """Pad the seqs array to 8 bytes, before the keys."""
    file.write(b"\0" * (_aligned(4 * postings) - 4 * postings))


def finish(file: BinaryIO) -> None:
    """Flush and fsync a written segment, so the manifest never names a file still in flight."""
    file.flush()
    os.fsync(file.fileno())


class Segment:
    """One open segment: numpy views of its arrays over a read-only mapping of the file."""

    def __init__(self, path: Path, info: SegmentInfo) -> None:
        self.info = info
        self.first_seq = info.first_seq
        self.last_seq = info.last_seq
        try:
            with path.open("rb") as file:
                size = os.fstat(file.fileno()).st_size
                head = file.read(HEADER_SIZE)
                self._map = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) if size else None
        except OSError as exc:
            raise SegmentError(f"{path.name}: cannot read ({exc.strerror})") from exc
        keys, postings = _check_header(head, info, path.name)
        if size != file_size(keys, postings) or self._map is None:
            self.close()
            raise SegmentError(f"{path.name}: {size} bytes where {file_size(keys, postings)} belong")
        keys_at = HEADER_SIZE + _aligned(4 * postings)
        self.seqs = np.frombuffer(self._map, dtype="<u4", count=postings, offset=HEADER_SIZE)
        self.keys = np.frombuffer(self._map, dtype="<i8", count=keys, offset=keys_at)
        self.bounds = np.frombuffer(self._map, dtype="<i8", count=keys + 1, offset=keys_at + 8 * keys)
        if not _is_consistent(self.keys, self.bounds, postings):
            self.close()
            raise SegmentError(f"{path.name}: keys out of order or ends out of range")

    @property
    def postings(self) -> int:
        """How many postings the segment holds."""
        return len(self.seqs)

    def locate(self, query: Int64s) -> tuple[Int64s, Int64s]:
        """Return (starts, ends) in `seqs` of each of the sorted key hashes in `query` (equal: absent)."""
        if not len(self.keys):
            zeros = np.zeros(len(query), dtype=np.int64)
            return zeros, zeros
        at = self.keys.searchsorted(query)
        np.minimum(at, len(self.keys) - 1, out=at)
        starts = self.bounds.take(at)
        ends = np.where(self.keys.take(at) == query, self.bounds.take(at + 1), starts)
        return starts, ends

    def live_starts(self, starts: Int64s, ends: Int64s, floor: int) -> Int64s:
        """Move each start past the postings of items numbered `floor` or below (expired ones)."""
        if floor < self.first_seq:
            return starts
        if floor >= self.last_seq:
            return ends
        bound = floor - self.first_seq
        moved = starts.copy()
        for index in np.flatnonzero(ends > starts).tolist():
            start, end = int(starts[index]), int(ends[index])
            moved[index] = start + int(np.searchsorted(self.seqs[start:end], bound, side="right"))
        return moved

    def gather(self, starts: Int64s, ends: Int64s) -> Int64s:
        """Return the item numbers of the postings in the given ranges, concatenated."""
        lengths = ends - starts
        total = int(lengths.sum())
        if total == 0:
            return np.zeros(0, dtype=np.int64)
        kept = lengths > 0
        starts, lengths = starts[kept], lengths[kept]
        offsets = np.cumsum(lengths) - lengths
        positions = np.repeat(starts - offsets, lengths) + np.arange(total)
        return self.seqs[positions].astype(np.int64) + self.first_seq

    def close(self) -> None:
        """Drop the arrays and unmap the file (views still held elsewhere keep the mapping alive)."""
        self.seqs = self.keys = self.bounds = np.zeros(0, dtype=np.int64)
        self._map = None


def _check_header(head: bytes, info: SegmentInfo, name: str) -> tuple[int, int]:
    if len(head) < HEADER_SIZE or not head.startswith(MAGIC):
        raise SegmentError(f"{name}: not a postings segment")
    fields = head[: _HEADER.size]
    (crc,) = struct.unpack_from("<I", head, _HEADER.size)
    if crc != zlib.crc32(fields):
        raise SegmentError(f"{name}: damaged header")
    _, version, _, first_seq, last_seq, keys, postings = _HEADER.unpack(fields)
    if version != VERSION:
        raise SegmentError(f"{name}: segment format {version}, this release reads {VERSION}")
    if (first_seq, last_seq, postings) != (info.first_seq, info.last_seq, info.postings):
        raise SegmentError(f"{name}: not the segment the index lists")
    return int(keys), int(postings)


def _is_consistent(keys: Int64s, bounds: Int64s, postings: int) -> bool:
    """Keys strictly ascending, bounds ascending from 0 to the posting count: no lookup can stray."""
    return bool(
        bounds[0] == 0
        and bounds[-1] == postings
        and np.all(keys[1:] > keys[:-1])
        and np.all(bounds[1:] >= bounds[:-1])
    )
