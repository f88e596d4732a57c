"""Benchmark scan at scale: docs/s with N indexed, index size, peak RSS, opening, recall vs brute force.

Usage:
    python benchmarks/bench_scan.py [--size 5000] [--seed 7] [--derivative-share 0.005] [--one-pass]
    python benchmarks/bench_scan.py --size 100000 --one-pass       # the realistic run (minutes)
    python benchmarks/bench_scan.py --size 1000000 --one-pass --recall-sample 1000 --stream-dir DIR
                                                       # a million items (about an hour)

The corpus (benchmarks/scan_stream.py): the 2,225 BBC articles (../shared/corpora/bbc) first, then
a stream grown to --size:
  - background items: 6-12 sentences drawn from BBC articles of one category, with every rare word
    (names, numbers, unusual words) replaced through a per-item mapping into a Zipf-popular pool of
    made-up names, so background items share topics and popular names but derive from nothing;
  - derivatives (--derivative-share of the stream, at least 60), each of one BBC article:
    rewrite-like (sentences dropped and swapped, a third of common words replaced, numbers
    altered; names kept: almost no 5-word shingles survive), light edits, partial reuse (half the
    sentences woven into other material), and exact copies.
The stream is written to a JSONL file first (kept in --stream-dir for later runs), then, on the same
items, with fixed seeds:
  1. scan: dedup.scanning.scan.scan_entries into a fresh SqliteStore, 1,000 items a call (or with
     --one-pass, one call over the JSONL file, as `dedup scan` reads a file); docs/s overall and
     over the last tenth (with --size * 0.9 indexed), index size on disk (the file, its WAL and
     its postings folder), peak RSS (ru_maxrss) after the scan; then the index is opened afresh in
     a new process: seconds to open it and answer a first lookup, and that process's peak RSS;
  2. brute force: TF-IDF (scikit-learn, sublinear tf, English stop words) of every item, cosine of
     each derivative (or of --recall-sample of them) with every earlier item; it "finds" the
     source when it ranks in the top 10;
  3. naive datasketch: MinHash Jaccard of 5-word shingles (128 permutations) of each derivative pair,
     found at the usual LSH threshold of 0.5;
  4. ours: the source is in the candidate list (index lookup), in the shortlist that is compared
     (after the sketch pre-filter), and flagged by scan.
Recall ratios are ours / brute force on the derivative pairs; speed is per-item candidate time
against brute-force time per query.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path
from typing import Any

from scan_baselines import brute_force, shingle_jaccard
from scan_stream import Item, load_bbc, read_stream, stream_path, write_stream

from dedup.index.base import SignatureSettings
from dedup.index.keys import unpack_key_hashes
from dedup.index.sqlite_store import SqliteStore
from dedup.model import Document
from dedup.scanning.candidates import is_close, sketch_cosine, sketch_text, term_key_count
from dedup.scanning.flagging import Comparer
from dedup.scanning.scan import ScanTally, scan_entries
from dedup.scanning.shortlist import shortlist
from dedup.scanning.sketcher import Sketcher
from dedup.settings import ScanOptions

_CHUNK = 1000
# ru_maxrss would count the forking parent's pages; VmHWM is this process's own high-water mark.
_OPEN = """
import sys, time
from pathlib import Path
started = time.perf_counter()
from dedup.index.base import SignatureSettings
from dedup.index.sqlite_store import SqliteStore
imported = time.perf_counter()
store = SqliteStore(Path(sys.argv[1]), SignatureSettings.current())
found = store.candidates(sys.argv[2:], 8, 100)
status = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines())
print(time.perf_counter() - imported, int(status["VmHWM"].split()[0]) / 1024, len(found))
"""


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_parts_mb() -> tuple[float, float]:
    """Return this process's resident memory now: (anonymous, file-backed) MB.

    File-backed pages are the memory-mapped postings segments (and libraries): the kernel drops
    them at will, where anonymous memory is the process's own.
    """
    status = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines())
    return int(status["RssAnon"].split()[0]) / 1024, int(status["RssFile"].split()[0]) / 1024


class Tracker:
    """What the scan must remember of the stream: BBC ids, and each derivative's position and id."""

    def __init__(self) -> None:
        self.bbc_ids: list[str] = []
        self.derivatives: list[tuple[int, int, str]] = []  # (stream position, source, kind)
        self.derivative_ids: dict[int, str] = {}
        self.hits: dict[int, tuple[bool, bool]] = {}
        self.flagged: set[str] = set()
        self.misses: dict[int, str] = {}  # listed, not shortlisted: why

    def note(self, position: int, item: Item, bbc_count: int) -> None:
        """Remember what later figures need of one item read."""
        if position < bbc_count:
            self.bbc_ids.append(item.document.id)
        if item.source is not None:
            self.derivatives.append((position, item.source, item.kind))
            self.derivative_ids[position] = item.document.id

    def look_up(self, position: int, item: Item, store: SqliteStore, options: ScanOptions) -> None:
        """Candidate-stage recall of a derivative, against the index as it stands."""
        sketch = sketch_text(item.document.text, options.candidates)
        listed = store.candidates(sketch.keys, options.candidates.limit, options.max_key_items)
        source_id = self.bbc_ids[item.source or 0]
        in_list = any(item_id == source_id for item_id, _ in listed)
        in_shortlist = any(r.id == source_id for r in shortlist(sketch, store, options))
        self.hits[position] = (in_list, in_shortlist)
        if in_list and not in_shortlist:
            self.misses[position] = _why_missed(sketch, source_id, dict(listed)[source_id], store, options)

    def flags(self, flags: tuple[Any, ...]) -> None:
        """Remember the pairs flagged, either way round."""
        self.flagged.update(f"{f.item.id}<-{f.source.id}" for f in flags)
        self.flagged.update(f"{f.source.id}<-{f.item.id}" for f in flags)


def _why_missed(sketch: Any, source_id: str, shared: int, store: SqliteStore, options: ScanOptions) -> str:
    """Tell why a listed source was not shortlisted: its sketch check, or the compare cut."""
    _, vector, terms = store.signatures([source_id])[source_id]
    cosine = sketch_cosine(sketch.vector, vector)
    # The sketch check counts every key the two share (dedup.scanning.shortlist._KeyOverlap), not
    # only those candidate search looked up.
    held = store.keyed_signatures([source_id])[source_id][2]
    both = set(unpack_key_hashes(held).tolist()) & set(unpack_key_hashes(sketch.key_hashes).tolist())
    looked_up, shared = shared, len(both)
    share = shared / max(1, min(term_key_count(sketch.keys), terms))
    if is_close(cosine, shared, term_key_count(sketch.keys), terms, options.candidates):
        return f"cut by max_compares (cosine {cosine:.2f}, key share {share:.2f})"
    counts = f"shared {shared}, {looked_up} of them looked up"
    return f"sketch check (cosine {cosine:.2f}, key share {share:.2f}, {counts})"


def run_scan_one_pass(source: Path, path: Path, size: int, workers: int, bbc: int) -> dict[str, Any]:
    """Scan the stream as `dedup scan stream.jsonl` would: one pass, one sketching pipeline.

    The timed pass reads the JSONL file, scans it, and closes the store. Candidate-recall
    lookups for derivatives run as each derivative is read, against the index of that moment,
    and their time is taken out of the figures.
    """
    options = ScanOptions(workers=workers)
    tracker = Tracker()
    tally = ScanTally()
    store = SqliteStore(path, SignatureSettings.current())
    lookup_s = [0.0, 0.0]  # wall, CPU spent on recall lookups, not part of the scan

    def read() -> Iterator[Document]:
        for position, item in enumerate(read_stream(source)):
            tracker.note(position, item, bbc)
            if item.source is not None:
                wall, cpu = time.perf_counter(), time.process_time()
                tracker.look_up(position, item, store, options)
                lookup_s[0] += time.perf_counter() - wall
                lookup_s[1] += time.process_time() - cpu
            yield item.document

    tail_from = int(size * 0.9)
    tail_start: tuple[float, float, float, float] | None = None
    last_from = size - 10_000  # the last 10,000 items, whatever the size
    last_start: tuple[float, float] | None = None
    wall, cpu = time.perf_counter(), time.process_time()
    comparer = Comparer(options.settings, 1 if workers > 1 else 0)
    with Sketcher(options.candidates, workers) as sketcher, comparer:
        for step, flags in scan_entries(read(), "bench", store, options, sketcher, comparer):
            tally.add(step)
            tracker.flags(flags)
            if tally.read == tail_from:
                tail_start = (time.perf_counter(), time.process_time(), lookup_s[0], lookup_s[1])
            if tally.read == last_from:
                last_start = (time.perf_counter(), lookup_s[0])
            if tally.read % 10_000 == 0:
                so_far = time.perf_counter() - wall - lookup_s[0]
                anon, mapped = rss_parts_mb()
                rss = f"peak RSS {peak_rss_mb():.0f} MB (now {anon:.0f} anon + {mapped:.0f} file)"
                rss += f", load {os.getloadavg()[0]:.1f}"
                print(
                    f"  ... {tally.read} items, {tally.read / so_far:.0f} docs/s so far, {rss}",
                    file=sys.stderr,
                )
    anon, mapped = rss_parts_mb()
    store.close()
    end_wall, end_cpu = time.perf_counter(), time.process_time()
    assert tail_start is not None
    timings = {
        "wall_s": end_wall - wall - lookup_s[0],
        "cpu_s": end_cpu - cpu - lookup_s[1],
        "tail_wall_s": end_wall - tail_start[0] - (lookup_s[0] - tail_start[2]),
        "tail_cpu_s": end_cpu - tail_start[1] - (lookup_s[1] - tail_start[3]),
        "tail": size - tail_from,
        "last_10k_wall_s": end_wall - last_start[0] - (lookup_s[0] - last_start[1]) if last_start else 0.0,
        "anon_mb": anon,
        "file_mb": mapped,
    }
    return scan_figures(timings, path, tracker, tally)


def run_scan(source: Path, path: Path, size: int, workers: int, bbc: int) -> dict[str, Any]:
    """Scan the stream a chunk at a time (as a file would be), timing wall clock and CPU."""
    options = ScanOptions(workers=workers)
    sketcher = Sketcher(options.candidates, workers)
    # One for every chunk, as scan() does.
    comparer = Comparer(options.settings, 1 if workers > 1 else 0)
    tally = ScanTally()
    tracker = Tracker()
    wall_s = cpu_s = tail_wall_s = tail_cpu_s = 0.0
    tail = 0
    tail_from = _CHUNK * int(size * 0.9 // _CHUNK)
    store = SqliteStore(path, SignatureSettings.current())
    items = enumerate(read_stream(source))
    try:
        while chunk := [pair for _, pair in zip(range(_CHUNK), items, strict=False)]:
            start = chunk[0][0]
            for position, item in chunk:
                tracker.note(position, item, bbc)
                if item.source is not None:
                    # Looked up before the chunk joins the index (the sources, BBC articles, were
                    # all indexed in the first chunks).
                    tracker.look_up(position, item, store, options)
            wall, cpu = time.perf_counter(), time.process_time()
            documents = [item.document for _, item in chunk]
            for step, flags in scan_entries(documents, "bench", store, options, sketcher, comparer):
                tally.add(step)
                tracker.flags(flags)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            wall_s, cpu_s = wall_s + wall, cpu_s + cpu
            if start >= tail_from:
                tail_wall_s, tail_cpu_s, tail = tail_wall_s + wall, tail_cpu_s + cpu, tail + len(chunk)
            if (start + len(chunk)) % 10_000 == 0:
                done = start + len(chunk)
                print(f"  ... {done} items, {done / wall_s:.0f} docs/s so far", file=sys.stderr)
    finally:
        sketcher.close()
        comparer.close()
        store.close()
    timings = {
        "wall_s": wall_s,
        "cpu_s": cpu_s,
        "tail_wall_s": tail_wall_s,
        "tail_cpu_s": tail_cpu_s,
        "tail": tail,
    }
    return scan_figures(timings, path, tracker, tally)


def scan_figures(timings: dict[str, float], path: Path, tracker: Tracker, tally: ScanTally) -> dict[str, Any]:
    """One scan's figures, whichever way the stream was fed: timings, index size, RSS, opening."""
    files = [file for file in path.parent.glob(path.name + "*") if file.is_file()]
    folder = path.with_name(path.name + "-postings")
    files += list(folder.iterdir()) if folder.is_dir() else []
    probe = [str(key) for key in sketch_text(load_bbc()[0]["text"]).keys]
    opened = subprocess.run(
        [sys.executable, "-c", _OPEN, str(path), *probe], capture_output=True, text=True, check=True
    ).stdout.split()
    return {
        **timings,
        "index_mb": sum(file.stat().st_size for file in files) / 1e6,
        "segments": len(list(folder.glob("*.seg"))) if folder.is_dir() else 0,
        "rss_mb": peak_rss_mb(),
        "open_s": float(opened[0]),
        "open_rss_mb": float(opened[1]),
        "tracker": tracker,
        "summary": tally.summary(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=5000, help="items in the stream (>= 2,225 BBC articles)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--derivative-share", type=float, default=0.005)
    parser.add_argument("--workers", type=int, default=2, help="sketching processes (ScanOptions.workers)")
    parser.add_argument(
        "--one-pass",
        action="store_true",
        help="scan the stream from a JSONL file in one pass, as `dedup scan` does (default: chunks)",
    )
    parser.add_argument("--recall-sample", type=int, default=0, help="derivatives to brute-force (0: all)")
    parser.add_argument("--stream-dir", type=Path, help="keep (and reuse) the generated stream here")
    args = parser.parse_args()
    size = max(args.size, 2300)
    load_before = f"{os.getloadavg()[0]:.1f}"
    with tempfile.TemporaryDirectory() as folder:
        streams = args.stream_dir or Path(folder)
        streams.mkdir(parents=True, exist_ok=True)
        source = stream_path(streams, size, args.derivative_share, args.seed)
        started = time.perf_counter()
        write_stream(source, size, args.derivative_share, args.seed)
        print(f"  stream ready in {time.perf_counter() - started:.0f} s: {source}", file=sys.stderr)
        bbc = len(load_bbc())
        for item, _ in zip(read_stream(source), range(2400), strict=False):  # warm-up: word caches
            sketch_text(item.document.text)
        path = Path(folder) / "bench.sqlite"
        scan_run = run_scan_one_pass if args.one_pass else run_scan
        result = scan_run(source, path, size, args.workers, bbc)
        tracker: Tracker = result["tracker"]
        derivatives = tracker.derivatives
        if 0 < args.recall_sample < len(derivatives):
            derivatives = sorted(random.Random(args.seed).sample(derivatives, args.recall_sample))
        found, fit_s, query_s = brute_force(source, derivatives)
        jaccard = shingle_jaccard(source, derivatives)
    report(args, size, load_before, result, derivatives, found, fit_s, query_s, jaccard)


def report(
    args: argparse.Namespace,
    size: int,
    load_before: str,
    result: dict[str, Any],
    derivatives: list[tuple[int, int, str]],
    found: dict[int, bool],
    fit_s: float,
    query_s: float,
    jaccard: dict[int, float],
) -> None:
    tracker: Tracker = result["tracker"]
    hits, flagged = tracker.hits, tracker.flagged
    rows = []
    for kind in ("rewrite", "light_edit", "partial", "copy", "all"):
        chosen = [d for d in derivatives if kind in ("all", d[2])]
        if not chosen:
            continue
        n = len(chosen)
        brute = sum(found[p] for p, _, _ in chosen)
        listed = sum(hits[p][0] for p, _, _ in chosen)
        compared = sum(hits[p][1] for p, _, _ in chosen)
        flags = sum(f"{tracker.derivative_ids[p]}<-{tracker.bbc_ids[s]}" in flagged for p, s, _ in chosen)
        minhash = sum(jaccard[p] >= 0.5 for p, _, _ in chosen)
        both = sum(found[p] and hits[p][1] for p, _, _ in chosen)
        rows.append(
            (kind, n, brute / n, minhash / n, listed / n, compared / n, flags / n, both / max(1, brute))
        )
    summary = result["summary"]
    item_ms = 1000 * result["wall_s"] / size
    mode = "one pass over a JSONL file, close included" if args.one_pass else f"chunks of {_CHUNK}"
    print(f"# bench_scan: {size} items ({len(tracker.derivatives)} derivatives), seed {args.seed}, {mode}")
    print(
        f"# python {platform.python_version()}, numpy {version('numpy')},"
        f" scikit-learn {version('scikit-learn')}, datasketch {version('datasketch')},"
        f" sqlite {sqlite3.sqlite_version}; load average {load_before} before,"
        f" {os.getloadavg()[0]:.1f} after (2 cores, shared)"
    )
    print()
    print("| figure | value |")
    print("|---|---|")
    print(f"| docs/s, whole scan (wall clock) | {size / result['wall_s']:.0f} |")
    print(f"| docs per main-process CPU s (workers not counted) | {size / result['cpu_s']:.0f} |")
    tail_note = f"last {result['tail']} items, >= {size - result['tail']} indexed"
    tail_wall, tail_cpu = result["tail"] / result["tail_wall_s"], result["tail"] / result["tail_cpu_s"]
    print(f"| docs/s, {tail_note} (wall / per CPU s) | {tail_wall:.0f} / {tail_cpu:.0f} |")
    if result.get("last_10k_wall_s") and result["tail"] != 10_000:
        last = f"last 10000 items, >= {size - 10_000} indexed"
        print(f"| docs/s, {last} (wall) | {10_000 / result['last_10k_wall_s']:.0f} |")
    print(f"| items compared / flagged | {summary.compared} / {summary.flagged} |")
    per_item = 1e6 * result["index_mb"] / size
    segments = result["segments"]
    print(
        f"| index size on disk | {result['index_mb']:.0f} MB"
        f" ({per_item:.0f} bytes/item, {segments} segments) |"
    )
    print(f"| peak RSS after scan | {result['rss_mb']:.0f} MB |")
    if "anon_mb" in result:
        parts = f"{result['anon_mb']:.0f} MB anonymous + {result['file_mb']:.0f} MB file-backed"
        print(f"| resident at the end of the scan | {parts} |")
    print(f"| open the index and answer a lookup (new process) | {result['open_s']:.2f} s |")
    print(f"| peak RSS of that process | {result['open_rss_mb']:.0f} MB |")
    print(f"| scan ms per item (wall, all stages) | {item_ms:.2f} |")
    print(f"| brute-force TF-IDF: fit all items | {fit_s:.1f} s |")
    print(f"| brute-force ms per query (cosine vs all earlier) | {1000 * query_s:.2f} |")
    print(f"| speed-up per item vs brute-force query | {1000 * query_s / item_ms:.1f}x |")
    print(f"| peak RSS after brute force | {peak_rss_mb():.0f} MB |")
    print()
    sample = f" (a sample of {len(derivatives)})" if len(derivatives) < len(tracker.derivatives) else ""
    print(
        f"| derivatives{sample} | n | brute force top-10 | MinHash 5-shingle J>=0.5 | ours: listed"
        " | ours: compared | ours: flagged | ours/brute (compared) |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for kind, n, *figures in rows:
        print(f"| {kind} | {n} | " + " | ".join(f"{figure:.3f}" for figure in figures) + " |")
    chosen = {position for position, _, _ in derivatives}
    misses = [(kind, tracker.misses[p]) for p, _, kind in derivatives if p in tracker.misses and p in chosen]
    if misses:
        print()
        print("Listed but not compared (the source, against the derivative):")
        for kind, why in sorted(misses):
            print(f"  {kind}: {why}")


if __name__ == "__main__":
    main()
