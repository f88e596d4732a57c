"""Benchmark the Redis index: inserts/s, queries/s, memory per document, and whole scans.

Usage:
    python benchmarks/bench_redis.py [--size 1500] [--query-size 300] [--baseline-size 100]
        [--scan-size 2000] [--workers 2] [--runs 3] [--stream-dir DIR]

Starts its own redis-server on a free loopback port (persistence off) and stops it at the end.
Documents are BBC articles (../shared/corpora/bbc), replicated with perturbations past 2,225.
Baselines, on the same documents in the same process and server:
  - unpipelined: the same RedisStore, one round trip per add / candidates call;
  - datasketch: MinHashLSH with storage_config redis (128 permutations, threshold 0.5), insert and
    query one document at a time, and insert in an insertion_session (its buffered mode).
The anchor from datasketch issue #127 is about 163 inserts/s.
Whole scans, `dedup scan` as a library call in a process of its own with --workers sketching
processes, of --scan-size items of bench_scan's stream past its BBC articles (new stories, a few
derivatives): on a SQLite file, by one scanner on Redis, and by two scanners on Redis, in the
same run. Goals: one scanner on Redis >= 1,000 docs/s, as fast as SQLite; two scanners >= 1.5x
one per scanner CPU second (the machine has 2 cores, so wall clock is reported as it is); <= 2
KB of Redis memory per document beyond its text. Timings are the median of --runs after one
warm-up run.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import redis
from datasketch import MinHash, MinHashLSH
from redis_scans import bench_scanners, report_scans

from dedup.index.base import IndexRecord, SignatureSettings
from dedup.index.redis_codec import encode_record
from dedup.index.redis_store import RedisStore
from dedup.scanning.candidates import sketch_text
from dedup.settings import DEFAULT_SETTINGS, ScanOptions

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora" / "bbc" / "articles.jsonl"
SIGNATURES = SignatureSettings.current()
BATCH = 256
LIMIT = ScanOptions().candidates.limit
MAX_KEY_ITEMS = ScanOptions().max_key_items


@dataclass(frozen=True, slots=True)
class Server:
    """A throwaway redis-server."""

    port: int
    process: subprocess.Popen[bytes]

    def url(self, db: int = 0) -> str:
        """Return the URL of database `db`."""
        return f"redis://127.0.0.1:{self.port}/{db}"


def start_server(directory: Path) -> Server:
    executable = shutil.which("redis-server")
    if executable is None:
        raise SystemExit("redis-server is not installed (Debian package redis-server)")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    command = [executable, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    process = subprocess.Popen([*command, "--dir", str(directory)], stdout=subprocess.DEVNULL)
    client = redis.Redis(port=port)
    for _ in range(500):
        try:
            client.ping()
            return Server(port, process)
        except redis.ConnectionError:
            time.sleep(0.01)
    raise SystemExit("redis-server did not start")


def perturb(text: str, generator: random.Random) -> str:
    """Swap five words for numbers: a light edit."""
    words = text.split(" ")
    for _ in range(5):
        words[generator.randrange(len(words))] = str(generator.randrange(10**6))
    return " ".join(words)


def make_records(size: int, seed: int = 7) -> list[IndexRecord]:
    """BBC articles, then perturbed copies of them until `size`."""
    articles = [json.loads(line) for line in CORPUS.read_text().splitlines()]
    generator = random.Random(seed)
    records = []
    for number in range(size):
        article = articles[number % len(articles)]
        text = article["text"] if number < len(articles) else perturb(article["text"], generator)
        sketch = sketch_text(text)
        records.append(
            IndexRecord(
                id=f"bench/{number}",
                content_hash=sketch.content_hash,
                text=text,
                title=article["title"],
                url=None,
                published=None,
                keys=sketch.keys,
                signature=sketch.vector,
            )
        )
    return records


def timed(run: Callable[[], object], runs: int, before: Callable[[], object] = lambda: None) -> float:
    """Median wall seconds of `runs` runs after one warm-up; `before` resets state untimed."""
    times = []
    for attempt in range(runs + 1):
        before()
        started = time.perf_counter()
        run()
        if attempt:
            times.append(time.perf_counter() - started)
    return statistics.median(times)


def batches(items: Sequence[IndexRecord], size: int) -> list[Sequence[IndexRecord]]:
    return [items[start : start + size] for start in range(0, len(items), size)]


def bench_store(server: Server, records: list[IndexRecord], query_size: int, runs: int) -> dict[str, float]:
    """RedisStore inserts and candidate queries, pipelined and one round trip each, and memory."""
    client = redis.Redis(port=server.port)
    figures: dict[str, float] = {}
    store = RedisStore(server.url(), SIGNATURES)

    def fresh() -> None:
        nonlocal store
        store.close()
        client.flushdb()
        store = RedisStore(server.url(), SIGNATURES)

    def pipelined_adds() -> None:
        store.add_many([(record, ()) for record in records])

    def single_adds() -> None:
        for record in records:
            store.add(record)

    figures["ours_insert_s"] = timed(pipelined_adds, runs, fresh)
    # CPU per document on each side, which the load of other processes does not inflate.
    fresh()
    server_before, client_before = _server_cpu_s(client), time.process_time()
    pipelined_adds()
    figures["ours_insert_client_cpu_s"] = time.process_time() - client_before
    figures["ours_insert_server_cpu_s"] = _server_cpu_s(client) - server_before
    figures["unpipelined_insert_s"] = timed(single_adds, runs, fresh)
    key_lists = [record.keys for record in records[:query_size]]

    def pipelined_queries() -> None:
        for start in range(0, len(key_lists), BATCH):
            store.candidates_many(key_lists[start : start + BATCH], LIMIT, MAX_KEY_ITEMS)

    def single_queries() -> None:
        for keys in key_lists:
            store.candidates(keys, LIMIT, MAX_KEY_ITEMS)

    figures["ours_query_s"] = timed(pipelined_queries, runs)
    figures["unpipelined_query_s"] = timed(single_queries, runs)
    store.close()

    client.flushdb()
    empty = int(client.info("memory")["used_memory"])
    with RedisStore(server.url(), SIGNATURES) as store:
        for batch in batches(records, BATCH):
            store.add_many([(record, ()) for record in batch])
    figures["ours_memory_per_doc"] = (int(client.info("memory")["used_memory"]) - empty) / len(records)
    figures["text_bytes_per_doc"] = statistics.fmean(len(record.text.encode()) for record in records)
    figures["blob_bytes_per_doc"] = statistics.fmean(len(encode_record(record)) for record in records)
    client.flushdb()
    return figures


def _server_cpu_s(client: redis.Redis) -> float:
    cpu = client.info("cpu")
    return float(cpu["used_cpu_user"]) + float(cpu["used_cpu_sys"])


def minhash_of(record: IndexRecord) -> MinHash:
    words = record.text.split()
    minhash = MinHash(num_perm=DEFAULT_SETTINGS.num_perm, seed=DEFAULT_SETTINGS.minhash_seed)
    minhash.update_batch([" ".join(words[index : index + 5]).encode() for index in range(len(words) - 4)])
    return minhash


def bench_datasketch(
    server: Server, records: list[IndexRecord], memory_records: list[IndexRecord], runs: int
) -> dict[str, float]:
    """Time MinHashLSH (datasketch) on Redis, one call per document and in an insertion_session.

    Memory is measured on `memory_records`, inserted in a session (its fast path): a few
    hundred documents are too few to see past Redis's own allocations.
    """
    client = redis.Redis(port=server.port)
    minhashes = [minhash_of(record) for record in records]
    config = {"type": "redis", "basename": b"bench", "redis": {"host": "127.0.0.1", "port": server.port}}
    lsh = MinHashLSH(threshold=0.5, num_perm=DEFAULT_SETTINGS.num_perm)

    def fresh() -> None:
        nonlocal lsh
        client.flushdb()
        lsh = MinHashLSH(threshold=0.5, num_perm=DEFAULT_SETTINGS.num_perm, storage_config=config)

    def inserts() -> None:
        for record, minhash in zip(records, minhashes, strict=True):
            lsh.insert(record.id, minhash)

    def session_inserts() -> None:
        with lsh.insertion_session() as session:
            for record, minhash in zip(records, minhashes, strict=True):
                session.insert(record.id, minhash)

    figures = {"datasketch_insert_s": timed(inserts, runs, fresh)}
    figures["datasketch_query_s"] = timed(lambda: [lsh.query(minhash) for minhash in minhashes], runs)
    figures["datasketch_session_insert_s"] = timed(session_inserts, runs, fresh)
    client.flushdb()
    empty = int(client.info("memory")["used_memory"])
    filled = MinHashLSH(threshold=0.5, num_perm=DEFAULT_SETTINGS.num_perm, storage_config=config)
    with filled.insertion_session() as session:
        for record in memory_records:
            session.insert(record.id, minhash_of(record))
    used = int(client.info("memory")["used_memory"]) - empty
    figures["datasketch_memory_per_doc"] = used / len(memory_records)
    client.flushdb()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1500, help="documents indexed: inserts, memory")
    parser.add_argument("--query-size", type=int, default=300, help="candidate queries against them")
    parser.add_argument("--baseline-size", type=int, default=100, help="documents for datasketch (slow)")
    parser.add_argument("--scan-size", type=int, default=2000, help="items per scan (0: skip the scans)")
    parser.add_argument("--workers", type=int, default=2, help="sketching processes per scanner")
    parser.add_argument("--stream-dir", type=Path, help="keep (and reuse) the generated stream here")
    parser.add_argument("--runs", type=int, default=3, help="timed runs after one warm-up (median)")
    args = parser.parse_args()
    records = make_records(max(args.size, args.baseline_size))
    with tempfile.TemporaryDirectory() as directory:
        server = start_server(Path(directory))
        try:
            figures = bench_store(server, records[: args.size], args.query_size, args.runs)
            memory_records = records[: max(args.baseline_size, min(args.size, 1000))]
            figures |= bench_datasketch(server, records[: args.baseline_size], memory_records, args.runs)
            if args.scan_size:
                streams = args.stream_dir or Path(directory)
                streams.mkdir(parents=True, exist_ok=True)
                figures |= bench_scanners(
                    server, args.scan_size, args.runs, Path(directory), args.workers, streams
                )
        finally:
            server.process.kill()
            server.process.wait()
    report(args, figures)


def report(args: argparse.Namespace, figures: dict[str, float]) -> None:
    """Print the figures as a table, with ratios against the baselines."""
    redis_version = subprocess.run(
        ["redis-server", "--version"], capture_output=True, text=True
    ).stdout.split()[2]
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(
        f"python {platform.python_version()}, redis-py {version('redis')},"
        f" datasketch {version('datasketch')}, redis-server {redis_version.removeprefix('v=')};"
        f" {os.cpu_count()} cores, load average {load}"
    )
    print(
        f"documents: BBC articles and perturbed copies; {args.size} indexed and {args.query_size} queries"
        f" for ours, {args.baseline_size} for datasketch, {args.scan_size} per scan;"
        f" median of {args.runs} runs after a warm-up"
    )
    ours_insert = args.size / figures["ours_insert_s"]
    ours_query = args.query_size / figures["ours_query_s"]
    rows: list[tuple[str, float, float | None]] = [
        ("inserts/s, pipelined batches (ours)", ours_insert, None),
        ("inserts/s, one round trip each", args.size / figures["unpipelined_insert_s"], None),
        (
            "inserts/s, datasketch MinHashLSH on Redis",
            args.baseline_size / figures["datasketch_insert_s"],
            None,
        ),
        (
            "inserts/s, datasketch insertion_session",
            args.baseline_size / figures["datasketch_session_insert_s"],
            None,
        ),
        ("queries/s, pipelined batches (ours)", ours_query, None),
        ("queries/s, one round trip each", args.query_size / figures["unpipelined_query_s"], None),
        (
            "queries/s, datasketch MinHashLSH on Redis",
            args.baseline_size / figures["datasketch_query_s"],
            None,
        ),
    ]
    print(f"{'measure':46} {'value':>10} {'ours / it':>10}")
    client_us = figures["ours_insert_client_cpu_s"] / args.size * 1e6
    server_us = figures["ours_insert_server_cpu_s"] / args.size * 1e6
    for name, value, _ in rows:
        reference = ours_insert if name.startswith("inserts") else ours_query
        ratio = "" if "(ours)" in name else f"{reference / value:9.1f}x"
        print(f"{name:46} {value:10,.0f} {ratio:>10}")
    print(f"{'  insert CPU us/doc, client / Redis':46} {f'{client_us:.0f} / {server_us:.0f}':>10}")
    print(f"{'  inserts/s if both had idle cores (CPU bound)':46} {1e6 / (client_us + server_us):10,.0f}")
    if args.scan_size:
        report_scans(args.scan_size, figures)
    memory = figures["ours_memory_per_doc"]
    print(f"{'Redis bytes/doc, ours (record and buckets)':46} {memory:10,.0f}")
    print(f"{'  raw text bytes/doc':46} {figures['text_bytes_per_doc']:10,.0f}")
    print(f"{'  stored record bytes/doc (zlib, + sketch)':46} {figures['blob_bytes_per_doc']:10,.0f}")
    print(f"{'  beyond the raw text (goal <= 2,048)':46} {memory - figures['text_bytes_per_doc']:10,.0f}")
    print(f"{'Redis bytes/doc, datasketch (no text)':46} {figures['datasketch_memory_per_doc']:10,.0f}")


if __name__ == "__main__":
    multiprocessing.set_start_method("fork")
    sys.exit(main())
