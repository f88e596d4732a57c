"""Benchmark scan at scale: docs/s with N indexed, index size, peak RSS, candidate recall vs brute force.

Usage:
    python benchmarks/bench_scan.py [--size 5000] [--seed 7] [--derivative-share 0.005] [--one-pass]
    python benchmarks/bench_scan.py --size 100000          # the realistic run (several minutes)

The corpus: the 2,225 BBC articles (../shared/corpora/bbc) first, then a stream grown to --size:
  - background items: 6-12 sentences drawn from BBC articles of one category, with every rare word
    (names, numbers, unusual words) replaced through a per-item mapping into a Zipf-popular pool of
    made-up names, so background items share topics and popular names but derive from nothing;
  - derivatives (--derivative-share of the stream, at least 60), each of one BBC article:
    rewrite-like (sentences dropped and swapped, a third of common words replaced, numbers
    altered; names kept: almost no 5-word shingles survive), light edits, partial reuse (half the
    sentences woven into other material), and exact copies.
Everything runs in this process on the same generated items, with fixed seeds:
  1. scan: dedup.scanning.scan.scan_entries into a fresh SqliteStore, 1,000 items a call (or with
     --one-pass, one call over the stream written to a JSONL file, as `dedup scan` reads a file);
     docs/s overall and over the last tenth (with --size * 0.9 indexed), index size on disk,
     peak RSS (ru_maxrss) after the scan;
  2. brute force: TF-IDF (scikit-learn, sublinear tf, English stop words) of every item, cosine of
     each derivative with every earlier item; it "finds" the source when it ranks in the top 10;
  3. naive datasketch: MinHash Jaccard of 5-word shingles (128 permutations) of each derivative pair,
     found at the usual LSH threshold of 0.5;
  4. ours: the source is in the candidate list (index lookup), in the shortlist that is compared
     (after the sketch pre-filter), and flagged by scan.
Recall ratios are ours / brute force on the derivative pairs; speed is per-item candidate time
against brute-force time per query.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import random
import re
import resource
import sqlite3
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np
from datasketch import MinHash
from sklearn.feature_extraction.text import TfidfVectorizer

from dedup.index.base import SignatureSettings
from dedup.index.sqlite_store import SqliteStore
from dedup.model import Document
from dedup.scanning.candidates import sketch_text
from dedup.scanning.flagging import Comparer
from dedup.scanning.scan import ScanTally, scan_entries
from dedup.scanning.shortlist import shortlist
from dedup.scanning.sketcher import Sketcher
from dedup.settings import ScanOptions
from dedup.text.normalize import normalize_word
from dedup.text.rarity import RARE_MAX_ZIPF, zipf

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora" / "bbc" / "articles.jsonl"
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'])")
_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*|\d[\d,.]*")
_FILLERS = (
    "It remains to be seen what happens next.",
    "Experts say the move could have wider implications.",
    "Here is what you need to know.",
    "The news has sparked debate online.",
)
_TOP_K = 10
_CHUNK = 1000


@dataclass(frozen=True, slots=True)
class Item:
    """One generated stream item; `source` is the BBC index a derivative was made from."""

    document: Document
    source: int | None = None
    kind: str = "background"


def load_bbc() -> list[dict[str, str]]:
    with CORPUS.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


def _is_rare(word: str) -> bool:
    return zipf(normalize_word(word)) < RARE_MAX_ZIPF


def _made_up_name(rng: random.Random) -> str:
    syllables = ("ka", "lo", "vek", "mar", "dun", "sel", "tor", "bri", "quan", "zel", "hov", "rin", "pax")
    return "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))).capitalize()


class Generator:
    """Deterministic stream items grown from the BBC corpus."""

    def __init__(self, articles: list[dict[str, str]], seed: int) -> None:
        self.articles = articles
        self.sentences = [_SENTENCE.split(article["text"].split("\n", 1)[-1].strip()) for article in articles]
        self.by_category: dict[str, list[int]] = {}
        for number, article in enumerate(articles):
            self.by_category.setdefault(article["category"], []).append(number)
        self.successors: dict[str, dict[str, list[str]]] = {}
        self.starts: dict[str, list[str]] = {}
        for category, numbers in self.by_category.items():
            successors: dict[str, list[str]] = {}
            starts: list[str] = []
            for number in numbers:
                for sentence in self.sentences[number]:
                    tokens = sentence.split()
                    if tokens:
                        starts.append(tokens[0])
                    for first, second in itertools.pairwise(tokens):
                        successors.setdefault(first, []).append(second)
            self.successors[category] = successors
            self.starts[category] = starts
        rng = random.Random(seed)
        self.pool = [_made_up_name(rng) for _ in range(60_000)]
        # Zipf popularity: a few made-up names turn up in many items, as "Blair" does in news.
        self.pool_weights = np.cumsum([1.0 / (rank + 1) ** 1.05 for rank in range(len(self.pool))])
        common = {
            normalize_word(word)
            for sentences in self.sentences[:400]
            for s in sentences
            for word in s.split()
        }
        self.common_words = sorted(word for word in common if word.isalpha() and 3.5 <= zipf(word) < 5.5)

    def _pool_name(self, rng: random.Random) -> str:
        position = int(np.searchsorted(self.pool_weights, rng.random() * self.pool_weights[-1]))
        return self.pool[min(position, len(self.pool) - 1)]

    def background(self, number: int, rng: random.Random) -> Document:
        """Make a new item: a bigram random walk over one category's words, rare words renamed.

        It shares the category's vocabulary and popular names with real articles but no sentence,
        so it derives from nothing, as most of a news stream does.
        """
        category = rng.choice(sorted(self.successors))
        successors = self.successors[category]
        starts = self.starts[category]
        mapping: dict[str, str] = {}
        words: list[str] = []
        target = rng.randint(250, 450)
        current = rng.choice(starts)
        while len(words) < target:
            words.append(self._rename(current, mapping, rng))
            following = successors.get(current)
            current = rng.choice(following) if following and not current.endswith(".") else rng.choice(starts)
        text = " ".join(words)
        title = " ".join(words[:8])
        return Document(id=f"gen/background/{number}", text=title + "\n\n" + text, title=title)

    def _rename(self, word: str, mapping: dict[str, str], rng: random.Random) -> str:
        core = word.rstrip(".,;:")
        if not core or not _is_rare(core):
            return word
        if core not in mapping:
            mapping[core] = str(rng.randint(2, 99_999)) if core[0].isdigit() else self._pool_name(rng)
        return mapping[core] + word[len(core) :]

    def derivative(self, number: int, source: int, kind: str, rng: random.Random) -> Document:
        """Make a derivative of BBC article `source`: copy, light_edit, partial or rewrite."""
        original = self.articles[source]
        sentences = list(self.sentences[source])
        if kind == "copy":
            text = original["text"]
        elif kind == "light_edit":
            if len(sentences) > 4:
                del sentences[rng.randrange(1, len(sentences))]
            text = (
                "Updated: "
                + original["title"]
                + "\n\n"
                + " ".join(self._reword(s, rng, 0.06) for s in sentences)
            )
        elif kind == "partial":
            kept = sentences[: max(2, len(sentences) // 2)]
            other = self.sentences[rng.randrange(len(self.sentences))]
            mixed = kept + other[: len(kept)]
            text = original["title"] + " and more\n\n" + " ".join(self._reword(s, rng, 0.15) for s in mixed)
        else:
            kept = [s for s in sentences if rng.random() > 0.15] or sentences[:3]
            for index in range(0, len(kept) - 1, 2):
                if rng.random() < 0.3:
                    kept[index], kept[index + 1] = kept[index + 1], kept[index]
            body = [self._reword(s, rng, 0.35) for s in kept]
            body.insert(rng.randint(0, len(body)), rng.choice(_FILLERS))
            text = "What we know: " + original["title"].lower() + "\n\n" + " ".join(body)
        return Document(id=f"gen/{kind}/{number}", text=text, title=text.split("\n", 1)[0])

    def _reword(self, sentence: str, rng: random.Random, share: float) -> str:
        def swap(match: re.Match[str]) -> str:
            word = match.group()
            if word[0].isdigit():
                if rng.random() < share * 0.6 and word.isdigit():
                    return str(int(word) + rng.randint(1, 9))
                return word
            if word[0].isupper() or _is_rare(word) or rng.random() >= share:
                return word
            return rng.choice(self.common_words)

        return _WORD.sub(swap, sentence)


def stream(generator: Generator, size: int, derivative_share: float, seed: int) -> Iterator[Item]:
    """Yield the BBC originals, then background items with derivatives spread among them."""
    for article in generator.articles:
        yield Item(Document(id=article["id"], text=article["text"], title=article["title"]))
    rest = max(0, size - len(generator.articles))
    derivatives = min(rest, max(60, round(size * derivative_share)))
    rng = random.Random(seed)
    positions = set(rng.sample(range(rest), derivatives))
    kinds = ("rewrite",) * 6 + ("light_edit",) * 2 + ("partial", "copy")
    for number in range(rest):
        item_rng = random.Random(seed * 1_000_003 + number)
        if number in positions:
            source = item_rng.randrange(len(generator.articles))
            kind = item_rng.choice(kinds)
            yield Item(generator.derivative(number, source, kind, item_rng), source, kind)
        else:
            yield Item(generator.background(number, item_rng))


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _chunks(items: Iterator[Item], size: int) -> Iterator[list[Item]]:
    chunk: list[Item] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def run_scan_one_pass(items: Iterator[Item], path: Path, size: int, workers: int) -> dict[str, Any]:
    """Scan the stream as `dedup scan stream.jsonl` would: one pass, one sketching pipeline.

    The stream is written to a JSONL file first (generating it is not timed); the timed pass
    reads that file, scans it, and closes the store (which writes the postings held back).
    Candidate-recall lookups for derivatives run as each derivative is read, against the index
    of that moment, and their time is taken out of the figures.
    """
    options = ScanOptions(workers=workers)
    stream_path = path.with_suffix(".jsonl")
    derivatives: list[tuple[int, int, str]] = []  # (stream position, source, kind)
    ids: list[str] = []
    with stream_path.open("w", encoding="utf-8") as out:
        for position, item in enumerate(items):
            ids.append(item.document.id)
            if item.source is not None:
                derivatives.append((position, item.source, item.kind))
            document = item.document
            out.write(json.dumps({"id": document.id, "title": document.title, "text": document.text}) + "\n")
    wanted = {position: source for position, source, _ in derivatives}
    candidate_hits: dict[int, tuple[bool, bool]] = {}
    flagged: set[str] = set()
    tally = ScanTally()
    store = SqliteStore(path, SignatureSettings.current())
    lookup_s = [0.0, 0.0]  # wall, CPU spent on recall lookups, not part of the scan

    def read() -> Iterator[Document]:
        with stream_path.open(encoding="utf-8") as lines:
            for position, line in enumerate(lines):
                row = json.loads(line)
                document = Document(id=row["id"], text=row["text"], title=row["title"])
                if position in wanted:
                    wall, cpu = time.perf_counter(), time.process_time()
                    sketch = sketch_text(document.text, options.candidates)
                    listed = store.candidates(sketch.keys, options.candidates.limit, options.max_key_items)
                    source_id = ids[wanted[position]]
                    in_list = any(item_id == source_id for item_id, _ in listed)
                    in_shortlist = any(r.id == source_id for r in shortlist(sketch, store, options))
                    candidate_hits[position] = (in_list, in_shortlist)
                    lookup_s[0] += time.perf_counter() - wall
                    lookup_s[1] += time.process_time() - cpu
                yield document

    tail_from = int(size * 0.9)
    tail_start: tuple[float, float, float, float] | None = None
    wall, cpu = time.perf_counter(), time.process_time()
    comparer = Comparer(options.settings, 1 if workers > 1 else 0)
    with Sketcher(options.candidates, workers) as sketcher, comparer:
        for step, flags in scan_entries(read(), "bench", store, options, sketcher, comparer):
            tally.add(step)
            flagged.update(f"{f.item.id}<-{f.source.id}" for f in flags)
            flagged.update(f"{f.source.id}<-{f.item.id}" for f in flags)
            if tally.read == tail_from:
                tail_start = (time.perf_counter(), time.process_time(), lookup_s[0], lookup_s[1])
            if tally.read % 10_000 == 0:
                so_far = time.perf_counter() - wall - lookup_s[0]
                print(f"  ... {tally.read} items, {tally.read / so_far:.0f} docs/s so far", file=sys.stderr)
    store.close()
    end_wall, end_cpu = time.perf_counter(), time.process_time()
    assert tail_start is not None
    timings = {
        "wall_s": end_wall - wall - lookup_s[0],
        "cpu_s": end_cpu - cpu - lookup_s[1],
        "tail_wall_s": end_wall - tail_start[0] - (lookup_s[0] - tail_start[2]),
        "tail_cpu_s": end_cpu - tail_start[1] - (lookup_s[1] - tail_start[3]),
        "tail": size - tail_from,
    }
    return scan_figures(timings, path, derivatives, candidate_hits, flagged, ids, tally)


def run_scan(items: Iterator[Item], path: Path, size: int, workers: int) -> dict[str, Any]:
    """Scan the stream a chunk at a time (as a file would be), timing wall clock and CPU."""
    options = ScanOptions(workers=workers)
    sketcher = Sketcher(options.candidates, workers)
    # One for every chunk, as scan() does.
    comparer = Comparer(options.settings, 1 if workers > 1 else 0)
    tally = ScanTally()
    derivatives: list[tuple[int, int, str]] = []  # (stream position, source, kind)
    candidate_hits: dict[int, tuple[bool, bool]] = {}
    flagged: set[str] = set()
    wall_s = cpu_s = tail_wall_s = tail_cpu_s = 0.0
    tail = 0
    tail_from = _CHUNK * int(size * 0.9 // _CHUNK)
    ids: list[str] = []
    store = SqliteStore(path, SignatureSettings.current())
    try:
        for chunk in _chunks(items, _CHUNK):
            start = len(ids)
            ids.extend(item.document.id for item in chunk)
            for position, item in enumerate(chunk, start):
                if item.source is None:
                    continue
                # Candidate-stage recall, looked up before the chunk joins the index (sources,
                # the BBC articles, were all indexed in the first chunks).
                sketch = sketch_text(item.document.text, options.candidates)
                listed = store.candidates(sketch.keys, options.candidates.limit, options.max_key_items)
                source_id = ids[item.source]
                in_list = any(item_id == source_id for item_id, _ in listed)
                in_shortlist = any(r.id == source_id for r in shortlist(sketch, store, options))
                candidate_hits[position] = (in_list, in_shortlist)
                derivatives.append((position, item.source, item.kind))
            wall, cpu = time.perf_counter(), time.process_time()
            documents = [item.document for item in chunk]
            for step, flags in scan_entries(documents, "bench", store, options, sketcher, comparer):
                tally.add(step)
                flagged.update(f"{f.item.id}<-{f.source.id}" for f in flags)
                flagged.update(f"{f.source.id}<-{f.item.id}" for f in flags)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            wall_s, cpu_s = wall_s + wall, cpu_s + cpu
            if start >= tail_from:
                tail_wall_s, tail_cpu_s, tail = tail_wall_s + wall, tail_cpu_s + cpu, tail + len(chunk)
            if len(ids) % 10_000 == 0:
                print(f"  ... {len(ids)} items, {len(ids) / wall_s:.0f} docs/s so far", file=sys.stderr)
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
    return scan_figures(timings, path, derivatives, candidate_hits, flagged, ids, tally)


def scan_figures(
    timings: dict[str, float],
    path: Path,
    derivatives: list[tuple[int, int, str]],
    hits: dict[int, tuple[bool, bool]],
    flagged: set[str],
    ids: list[str],
    tally: ScanTally,
) -> dict[str, Any]:
    """One scan's figures, whichever way the stream was fed: timings, index size, peak RSS, results."""
    size_mb = sum(file.stat().st_size for file in path.parent.glob(path.name + "*")) / 1e6
    return {
        **timings,
        "index_mb": size_mb,
        "rss_mb": peak_rss_mb(),
        "derivatives": derivatives,
        "hits": hits,
        "flagged": flagged,
        "ids": ids,
        "summary": tally.summary(),
    }


def brute_force(
    generator: Generator, size: int, share: float, seed: int, derivatives: list[tuple[int, int, str]]
):
    texts = [item.document.text for item in stream(generator, size, share, seed)]
    started = time.perf_counter()
    matrix = TfidfVectorizer(sublinear_tf=True, stop_words="english", dtype=np.float32).fit_transform(texts)
    fit_s = time.perf_counter() - started
    del texts
    found: dict[int, bool] = {}
    started = time.perf_counter()
    for position, source, _ in derivatives:
        scores = (matrix[:position] @ matrix[position].T).toarray().ravel()
        top = np.argpartition(-scores, min(_TOP_K, len(scores) - 1))[:_TOP_K]
        found[position] = source in set(top.tolist())
    query_s = (time.perf_counter() - started) / max(1, len(derivatives))
    return found, fit_s, query_s


def shingle_jaccard(
    generator: Generator, size: int, share: float, seed: int, derivatives
) -> dict[int, float]:
    wanted = {position for position, _, _ in derivatives}
    texts = {
        p: item.document.text for p, item in enumerate(stream(generator, size, share, seed)) if p in wanted
    }
    result = {}
    for position, source, _ in derivatives:
        signatures = []
        for text in (texts[position], generator.articles[source]["text"]):
            words = [normalize_word(w) for w in _WORD.findall(text)]
            shingles = {" ".join(words[i : i + 5]).encode() for i in range(max(1, len(words) - 4))}
            minhash = MinHash(num_perm=128, seed=1)
            minhash.update_batch(list(shingles))
            signatures.append(minhash)
        result[position] = signatures[0].jaccard(signatures[1])
    return result


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
    args = parser.parse_args()
    size = max(args.size, 2300)
    load_before = f"{os.getloadavg()[0]:.1f}"
    generator = Generator(load_bbc(), args.seed)
    for _ in stream(generator, 2400, args.derivative_share, args.seed):  # warm-up: word caches, wordfreq
        sketch_text(_.document.text)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.sqlite"
        scan_run = run_scan_one_pass if args.one_pass else run_scan
        result = scan_run(stream(generator, size, args.derivative_share, args.seed), path, size, args.workers)
    derivatives = result["derivatives"]
    found, fit_s, query_s = brute_force(generator, size, args.derivative_share, args.seed, derivatives)
    jaccard = shingle_jaccard(generator, size, args.derivative_share, args.seed, derivatives)
    ids = result["ids"]
    hits = result["hits"]
    flagged = result["flagged"]
    rows = []
    for kind in ("rewrite", "light_edit", "partial", "copy", "all"):
        chosen = [d for d in derivatives if kind in ("all", d[2])]
        if not chosen:
            continue
        n = len(chosen)
        brute = sum(found[p] for p, _, _ in chosen)
        listed = sum(hits[p][0] for p, _, _ in chosen)
        compared = sum(hits[p][1] for p, _, _ in chosen)
        flags = sum(f"{ids[p]}<-{ids[s]}" in flagged for p, s, _ in chosen)
        minhash = sum(jaccard[p] >= 0.5 for p, _, _ in chosen)
        both = sum(found[p] and hits[p][1] for p, _, _ in chosen)
        rows.append(
            (kind, n, brute / n, minhash / n, listed / n, compared / n, flags / n, both / max(1, brute))
        )
    summary = result["summary"]
    item_ms = 1000 * result["wall_s"] / size
    mode = "one pass over a JSONL file, close included" if args.one_pass else f"chunks of {_CHUNK}"
    print(f"# bench_scan: {size} items ({len(derivatives)} derivatives), seed {args.seed}, {mode}")
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
    print(f"| items compared / flagged | {summary.compared} / {summary.flagged} |")
    per_item = 1e6 * result["index_mb"] / size
    print(f"| index size on disk | {result['index_mb']:.0f} MB ({per_item:.0f} bytes/item) |")
    print(f"| peak RSS after scan | {result['rss_mb']:.0f} MB |")
    print(f"| scan ms per item (wall, all stages) | {item_ms:.2f} |")
    print(f"| brute-force TF-IDF: fit all items | {fit_s:.1f} s |")
    print(f"| brute-force ms per query (cosine vs all earlier) | {1000 * query_s:.2f} |")
    print(f"| speed-up per item vs brute-force query | {1000 * query_s / item_ms:.1f}x |")
    print(f"| peak RSS after brute force | {peak_rss_mb():.0f} MB |")
    print()
    print(
        "| derivatives | n | brute force top-10 | MinHash 5-shingle J>=0.5 | ours: listed"
        " | ours: compared | ours: flagged | ours/brute (compared) |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for kind, n, *figures in rows:
        print(f"| {kind} | {n} | " + " | ".join(f"{figure:.3f}" for figure in figures) + " |")


if __name__ == "__main__":
    main()
