"""Comparer: the full compare of each new item with its shortlist, in this process or a worker."""

from __future__ import annotations

import hashlib
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from typing import Protocol

from dedup.closing import ClosesOnExit
from dedup.comparison.compare import compare
from dedup.index.base import IndexRecord
from dedup.model import Document, Flag, ItemRef
from dedup.profile.cache import ProfileCache
from dedup.profile.profile import Profile
from dedup.scanning.workers import worker_pool
from dedup.settings import Settings


class PendingFlags(Protocol):
    """An item's flags: `done()` tells whether they are known, `result()` waits for them."""

    def done(self) -> bool:
        """Tell whether the compare is over."""
        ...

    def result(self) -> tuple[Flag, ...]:
        """Return the flags, waiting for the compare if it is not over."""
        ...


@dataclass(frozen=True, slots=True)
class KnownFlags:
    """Flags made in this process: known from the start."""

    flags: tuple[Flag, ...] = ()

    def done(self) -> bool:
        """Always over."""
        return True

    def result(self) -> tuple[Flag, ...]:
        """Return the flags."""
        return self.flags


class Comparer(ClosesOnExit):
    """Compare new items with their shortlists: here, or in `processes` worker processes.

    A compare needs nothing from the index but the records it is given, yet building profiles and
    comparing them was a fifth of a scan's main process. In a worker, the main process hands each
    shortlist over and goes on to the next item; an item commits once its flags are known.
    Both ways keep the profiles of the last texts compared (sources come back).
    """

    def __init__(self, settings: Settings, processes: int = 0) -> None:
        self.profiles = ProfileCache(settings)
        self.processes = processes
        self._pool: ProcessPoolExecutor | None = None

    def submit(self, document: Document, item_hash: str, shortlist: list[IndexRecord]) -> PendingFlags:
        """Start comparing `document` (whose content hash is `item_hash`) with `shortlist`."""
        if not shortlist:
            return KnownFlags()
        if self.processes < 1:
            return KnownFlags(compare_shortlist(document, item_hash, shortlist, self.profiles))
        pool = self._workers()
        # A record of the batch carries its packed body, which a compare never reads.
        light = [replace(record, packed_body=None) for record in shortlist]
        return pool.submit(_compare_in_worker, document, item_hash, light, self.profiles.settings)

    def start(self) -> None:
        """Fork the worker process now, if there is to be one, rather than at the first compare."""
        if self.processes >= 1:
            self._workers()

    def _workers(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = worker_pool(self.processes)
        return self._pool

    def close(self) -> None:
        """Stop the worker process, if any."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def compare_shortlist(
    document: Document, item_hash: str, shortlist: list[IndexRecord], profiles: ProfileCache
) -> tuple[Flag, ...]:
    """Compare `document` with each shortlisted record and return a Flag for each derivation."""
    if not shortlist:
        return ()
    item_profile = profiles.profile(document)
    flags: list[Flag] = []
    seen_sources: set[str] = set()
    for record in shortlist:
        if record.content_hash in seen_sources:
            continue  # the same text under another id: one flag names it once
        source = profiles.profile(record.to_document())
        flag = _flag(item_profile, item_hash, source, record, profiles.settings)
        if flag is not None:
            flags.append(flag)
            seen_sources.add(record.content_hash)
    return tuple(flags)


def flag_id(item_id: str, item_hash: str, source_id: str, source_hash: str) -> str:
    """Return the stable id of a flag: the same pair of items and contents always gives the same id."""
    joined = "\x1f".join((item_id, item_hash, source_id, source_hash))
    return hashlib.sha256(joined.encode()).hexdigest()[:24]


def _flag(
    item: Profile, item_hash: str, source: Profile, record: IndexRecord, settings: Settings
) -> Flag | None:
    comparison = compare(item, source, settings)
    verdict = comparison.verdict
    if not verdict.is_derived or verdict.kind is None:
        return None
    changes = comparison.fact_diff.changes if comparison.fact_diff is not None else ()
    return Flag(
        id=flag_id(item.document.id, item_hash, record.id, record.content_hash),
        item=ItemRef.of(item.document),
        source=ItemRef.of(source.document),
        kind=verdict.kind,
        confidence=verdict.confidence,
        original="item" if verdict.original == "a" else "source",
        changes=changes,
    )


# The worker process's own profiles, kept across the compares it is sent.
_worker_profiles: ProfileCache | None = None


def _compare_in_worker(
    document: Document, item_hash: str, shortlist: list[IndexRecord], settings: Settings
) -> tuple[Flag, ...]:
    global _worker_profiles
    if _worker_profiles is None or _worker_profiles.settings != settings:
        _worker_profiles = ProfileCache(settings)
    return compare_shortlist(document, item_hash, shortlist, _worker_profiles)
