"""scan(sources, index): items -> candidates -> compare -> Flags, each kept with its item exactly once."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from dedup.errors import DedupError, FetchError
from dedup.index.base import BodyPacker, IndexRecord, IndexStore, scan_writer
from dedup.index.shared import CandidateView, QueueView, SharedIndex
from dedup.model import Flag, ScanSummary
from dedup.profile.cache import ProfileCache
from dedup.scanning.candidates import Sketch
from dedup.scanning.distributed import consumer_name, scan_shared
from dedup.scanning.flagging import Comparer, compare_shortlist
from dedup.scanning.polling import FeedFetcher, Turn, Validators, source_turns
from dedup.scanning.shortlist import PendingBatch, judge_document, shortlist
from dedup.scanning.sketcher import Sketcher
from dedup.settings import DEFAULT_SCAN_OPTIONS, ScanOptions
from dedup.sources.feeds import Entry, list_files, parse_body, read_file
from dedup.sources.fetch import FetchResult, fetch, is_url

# Checkpoint names in the index: a mark per flag handed out, and per source what was read
# whole (file size and mtime; HTTP validators).
_EMITTED = "emitted:"
_FILE = "file:"
_URL = "url:"


@dataclass(frozen=True, slots=True)
class ScanStep:
    """What happened to one entry read from a source: new, already indexed, or an error."""

    source: str
    item_id: str | None
    is_new: bool
    flags: int = 0
    compared: int = 0
    error: DedupError | None = None
    # False for an item judged off a shared queue: the scanner that read it counted it as read.
    is_read: bool = True
    # A file or feed read whole before and unchanged since (same size and time; HTTP 304): no item.
    is_unchanged: bool = False


@dataclass(slots=True)
class ScanTally:
    """Counts of a scan in progress, fed with ScanSteps; `summary()` freezes them."""

    started_s: float = field(default_factory=time.perf_counter)
    read: int = 0
    new: int = 0
    flagged: int = 0
    flags: int = 0
    compared: int = 0
    skipped: int = 0
    unchanged: int = 0  # sources read before and unchanged: they were read, just not again

    def add(self, step: ScanStep) -> None:
        """Count one step."""
        if step.is_unchanged:
            self.unchanged += 1
            return
        if step.error is not None:
            self.skipped += 1
            return
        self.read += int(step.is_read)
        self.new += int(step.is_new)
        self.flagged += int(step.flags > 0)
        self.flags += step.flags
        self.compared += step.compared

    def summary(self) -> ScanSummary:
        """Return the counts so far and the elapsed time."""
        return ScanSummary(
            read=self.read,
            new=self.new,
            flagged=self.flagged,
            flags=self.flags,
            compared=self.compared,
            skipped=self.skipped,
            elapsed_s=time.perf_counter() - self.started_s,
        )


def scan(
    sources: Iterable[str | Path],
    index: IndexStore,
    options: ScanOptions = DEFAULT_SCAN_OPTIONS,
    on_step: Callable[[ScanStep], None] | None = None,
) -> Iterator[Flag]:
    """Read every item of `sources`, flag it against the index, add it, and yield the new flags.

    Flags kept by an earlier, interrupted scan but never handed out are yielded first. A flag is
    counted as handed out when the caller asks for the next one (or the scan ends), so a kill can
    repeat at most the flag in hand; consumers dedupe by `Flag.id`. With
    `options.watch_interval_s` the scan polls the sources again until interrupted.

    Example:
        >>> from dedup.index import open_index
        >>> with open_index(tmp / "demo.sqlite") as index:  # doctest: +SKIP
        ...     for flag in scan(["fixtures/feeds/good"], index):
        ...         print(flag.kind, flag.item.id, "<-", flag.source.id)
    """
    report = on_step or _ignore
    source_list = [str(source) for source in sources]
    if isinstance(index, SharedIndex):  # Redis: maybe several scanners; see dedup.scanning.distributed
        yield from _scan_shared(source_list, index, options, report)
        return
    # One of each for the whole scan: sources recur across files, and workers start once. A SQLite
    # index is written by one scan at a time (scan_writer): a second one waits for this one to end.
    comparer = Comparer(options.settings, _compare_processes(options.workers))
    fetcher = FeedFetcher(options)  # feeds come in while the last one read is judged

    def validators(url: str) -> Validators:
        return _validators(index.last_checkpoint(_URL + url))

    with scan_writer(index), Sketcher(options.candidates, options.workers) as sketcher, comparer, fetcher:
        # Workers fork before any fetching thread starts (dedup.scanning.workers).
        sketcher.start()
        comparer.start()
        yield from _emit(index, _pending_flags(index))
        for turn in source_turns(source_list, options.watch_interval_s, fetcher, validators):
            yield from _emit(index, _scan_turn(turn, index, options, report, sketcher, comparer))


def scan_entries(
    entries: Iterable[Entry],
    source: str,
    index: IndexStore,
    options: ScanOptions = DEFAULT_SCAN_OPTIONS,
    sketcher: Sketcher | None = None,
    comparer: Comparer | None = None,
) -> Iterator[tuple[ScanStep, tuple[Flag, ...]]]:
    """Flag and index already-read entries; errors pass through as steps.

    Items are committed about `options.batch_size` at a time (each with its flags, in one
    `add_many`), in the order they came, and their steps and flags come out only once committed.
    Items waiting in a batch are candidates for the items after them, so a batch finds what
    one-by-one adds would.
    """
    batch = PendingBatch()
    sketches = sketcher or Sketcher(options.candidates)
    comparer = comparer or Comparer(options.settings)
    pack = index.pack_body if isinstance(index, BodyPacker) else None
    if isinstance(index, QueueView):  # shared: claim a batch of entries before sketching any
        entries = index.read_ahead(entries)
    for entry, sketch in sketches.pair(entries, _entry_text, options.batch_size, pack):
        if isinstance(entry, DedupError):
            yield ScanStep(source=source, item_id=None, is_new=False, error=entry), ()
            continue
        if entry.id in batch.ids or index.get(entry.id) is not None:
            yield ScanStep(source, entry.id, is_new=False), ()
            continue
        batch.append(judge_document(entry, sketch(), index, batch, options, comparer))
        if len(batch.entries) >= options.batch_size:
            yield from _commit(batch, _ready_to_commit(batch, options.batch_size), source, index)
    yield from _commit(batch, len(batch.entries), source, index)


def _compare_processes(workers: int) -> int:
    """Compare in one worker process when sketching in workers (a second one measured no faster)."""
    return 1 if workers > 1 else 0


def _entry_text(entry: Entry) -> str | None:
    return None if isinstance(entry, DedupError) else entry.text


def _ready_to_commit(batch: PendingBatch, batch_size: int) -> int:
    """Return how many items from the front of a full batch to commit now, maybe none yet.

    Items whose compares run in a worker may not have their flags yet. Rather than wait, the
    scan goes on judging and commits the front of the batch whose flags are known once that is
    half a batch; at twice a batch it waits for the first batch's worth.
    """
    ready = batch.ready_count()
    if len(batch.entries) >= 2 * batch_size:
        return max(ready, batch_size)
    return ready if ready >= max(1, batch_size // 2) else 0


def _commit(
    batch: PendingBatch, count: int, source: str, index: IndexStore
) -> Iterator[tuple[ScanStep, tuple[Flag, ...]]]:
    if count <= 0:
        return
    entries = [judging.judged() for judging in batch.take(count)]
    added = index.add_many([(judged.record, judged.flags) for judged in entries])
    for judged, is_new in zip(entries, added, strict=True):
        kept = judged.flags if is_new else ()
        yield (
            ScanStep(source, judged.record.id, is_new=is_new, flags=len(kept), compared=judged.compared),
            kept,
        )


def _ignore(step: ScanStep) -> None:
    del step


def _pending_flags(index: IndexStore) -> Iterator[Flag]:
    for flag in index.flags():
        if index.last_checkpoint(_EMITTED + flag.id) is None:
            yield flag


def _emit(index: IndexStore, flags: Iterable[Flag]) -> Iterator[Flag]:
    """Yield flags, recording each as handed out once the caller comes back for more."""
    for flag in flags:
        yield flag
        index.checkpoint(_EMITTED + flag.id, "1")


def _scan_turn(
    turn: Turn,
    index: IndexStore,
    options: ScanOptions,
    report: Callable[[ScanStep], None],
    sketcher: Sketcher,
    comparer: Comparer,
) -> Iterator[Flag]:
    if turn.fetched is None:
        steps = _read_path(turn.source, index, options, sketcher, comparer)
    else:
        steps = _scan_fetched(turn.source, turn.fetched, index, options, sketcher, comparer)
    for step, flags in steps:
        report(step)
        yield from flags


def _read_and_scan(
    source: str,
    index: IndexStore,
    options: ScanOptions,
    sketcher: Sketcher | None = None,
    comparer: Comparer | None = None,
) -> Iterator[tuple[ScanStep, tuple[Flag, ...]]]:
    """Read one source in this thread, fetching it if it is a URL (the shared-queue reader)."""
    if not is_url(source):
        yield from _read_path(source, index, options, sketcher, comparer)
        return
    etag, last_modified = _validators(index.last_checkpoint(_URL + source))
    try:
        fetched: FetchResult | FetchError = fetch(
            source,
            etag=etag,
            last_modified=last_modified,
            timeout_s=options.fetch_timeout_s,
            max_bytes=options.sources.fetch_max_bytes,
            deadline_s=options.sources.fetch_deadline_s,
        )
    except FetchError as error:
        fetched = error
    yield from _scan_fetched(source, fetched, index, options, sketcher, comparer)


def _read_path(
    source: str,
    index: IndexStore,
    options: ScanOptions,
    sketcher: Sketcher | None = None,
    comparer: Comparer | None = None,
) -> Iterator[tuple[ScanStep, tuple[Flag, ...]]]:
    root = Path(source)
    if not root.exists():
        yield ScanStep(source, None, False, error=FetchError(f"{source}: no such file or folder")), ()
        return
    for path in list_files(root):
        stamp = _file_stamp(path)
        if stamp is not None and index.last_checkpoint(_FILE + str(path)) == stamp:
            yield ScanStep(str(path), None, False, is_unchanged=True), ()  # read whole before
            continue
        yield from scan_entries(
            read_file(path, options.sources), str(path), index, options, sketcher, comparer
        )
        if stamp is not None:
            index.checkpoint(_FILE + str(path), stamp)


def _scan_fetched(
    url: str,
    fetched: FetchResult | FetchError,
    index: IndexStore,
    options: ScanOptions,
    sketcher: Sketcher | None,
    comparer: Comparer | None,
) -> Iterator[tuple[ScanStep, tuple[Flag, ...]]]:
    if isinstance(fetched, FetchError):
        yield ScanStep(url, None, False, error=fetched), ()
        return
    if not fetched.is_modified:
        yield ScanStep(url, None, False, is_unchanged=True), ()
        return
    entries = parse_body(fetched.body, url, fetched.content_type, options.sources)
    yield from scan_entries(entries, url, index, options, sketcher, comparer)
    index.checkpoint(_URL + url, f"{fetched.etag or ''}\n{fetched.last_modified or ''}")


def _validators(position: str | None) -> tuple[str | None, str | None]:
    if not position:
        return None, None
    etag, _, last_modified = position.partition("\n")
    return etag or None, last_modified or None


def _file_stamp(path: Path) -> str | None:
    try:
        status = path.stat()
    except OSError:
        return None
    return f"{status.st_size}:{status.st_mtime_ns}"


# -- several scanners on one Redis index ----------------------------------------------------------


def _scan_shared(
    sources: list[str], index: SharedIndex, options: ScanOptions, report: Callable[[ScanStep], None]
) -> Iterator[Flag]:
    """Read the sources into the shared queue and judge queued items, as dedup.scanning.distributed says.

    The reading loop is the one above, run against a view of the index that queues each new item
    instead of judging it; each item is judged when it comes off the queue, against the items
    queued before it, so any number of scanners keep the flags a lone one would.
    """
    # Reading queues items a batch at a time: claimed in one round trip, sketched ahead by the
    # workers, registered and queued in one more (dedup.scanning.distributed.QueueingIndex).
    reading = replace(options, batch_size=options.queue.batch_size)
    profiles = ProfileCache(options.settings)
    sketcher = Sketcher(options.candidates, options.workers)

    def read(view: IndexStore) -> Iterator[None]:
        for source in sources:
            for step, _ in _read_and_scan(source, view, reading, sketcher):
                report(step)
                yield None

    def judge(record: IndexRecord, view: CandidateView) -> tuple[Flag, ...]:
        document = record.to_document()
        sketch = Sketch(content_hash=record.content_hash, keys=record.keys, vector=record.signature)
        chosen = shortlist(sketch, view, options)
        flags = compare_shortlist(document, sketch.content_hash, chosen, profiles)
        report(
            ScanStep("queue", record.id, is_new=False, flags=len(flags), compared=len(chosen), is_read=False)
        )
        return flags

    consumer = consumer_name()  # one name in the consumer group for every round of --watch
    with sketcher:
        while True:
            yield from scan_shared(index, read, judge, options.queue, consumer)
            if options.watch_interval_s is None:
                return
            time.sleep(options.watch_interval_s)
