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
import itertools
import json
import multiprocessing
import os
import platform
import random
import resource
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
from typing import Any

import redis
from datasketch import MinHash, MinHashLSH
from scan_stream import stream_path
from scan_stream import write_stream as write_stream_file

from dedup.index import open_index
from dedup.index.base import IndexRecord, SignatureSettings
from dedup.index.redis_codec import encode_record
from dedup.index.redis_store import RedisStore
from dedup.scanning.candidates import sketch_text
from dedup.scanning.scan import scan
from dedup.settings import DEFAULT_SETTINGS, ScanOptions

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora" / "bbc" / "articles.jsonl"
SIGNATURES = SignatureSettings.current()
BATCH = 256
BBC_ARTICLES = 2225
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


def write_stream(path: Path, size: int, folder: Path) -> None:
    """Write `size` items of bench_scan's stream past its BBC articles: news as it comes in.

    Background items (new stories sharing topics and popular names) with derivatives of BBC
    articles spread among them, as in the last part of a bench_scan run; generated once into
    `folder` (benchmarks/scan_stream.py) and cut from there.
    """
    total = BBC_ARTICLES + size
    source = stream_path(folder, total, 0.005, 7)
    write_stream_file(source, total, 0.005, 7)
    with source.open(encoding="utf-8") as lines, path.open("w", encoding="utf-8") as out:
        for line in itertools.islice(lines, BBC_ARTICLES, total):
            out.write(line)


def _scanner(sources: list[str], location: str, workers: int, start: Any, ends: Any) -> None:
    with open_index(location) as index:
        start.wait()
        before, children = os.times(), resource.getrusage(resource.RUSAGE_CHILDREN)
        flags = sum(1 for _ in scan(sources, index, ScanOptions(workers=workers)))
        after, done = os.times(), resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_s = after.user - before.user + after.system - before.system
    # The sketching (and, on SQLite, comparing) workers, waited for when the scan closed them.
    workers_s = done.ru_utime - children.ru_utime + done.ru_stime - children.ru_stime
    ends.put((time.perf_counter(), flags, cpu_s + workers_s))


def bench_scanners(
    server: Server, size: int, runs: int, workdir: Path, workers: int, streams: Path
) -> dict[str, float]:
    """Whole scans (read, sketch, queue, candidates, compare, commit): SQLite, 1 and 2 on Redis.

    Every scanner runs in its own process with `workers` sketching processes, on the same
    stream; CPU counts each scanner and its workers, and Redis's own CPU is counted apart, with
    the commands it ran (round trips are fewer: a pipeline or a script holds many).
    """
    client = redis.Redis(port=server.port)
    stream = workdir / "stream.jsonl"
    write_stream(stream, size, streams)
    warm = workdir / "warm.jsonl"
    write_stream(warm, 20, streams)
    client.flushdb()
    with open_index(server.url()) as index:  # loads lexicons and caches once, before forking
        for _ in scan([str(warm)], index):
            pass
    figures: dict[str, float] = {}
    for name, count in (("sqlite", 1), ("redis_1", 1), ("redis_2", 2)):
        times, flag_counts, cpu_times, server_times, commands = [], [], [], [], []
        for attempt in range(runs + 1):
            client.flushdb()
            location = server.url() if name != "sqlite" else str(workdir / f"scan-{attempt}.sqlite")
            start, ends = multiprocessing.Event(), multiprocessing.Queue()
            processes = [
                multiprocessing.Process(target=_scanner, args=([str(stream)], location, workers, start, ends))
                for _ in range(count)
            ]
            for process in processes:
                process.start()
            time.sleep(1.0)  # every scanner connected and waiting
            client.config_resetstat()
            server_before = _server_cpu_s(client)
            started = time.perf_counter()
            start.set()
            results = [ends.get() for _ in processes]
            for process in processes:
                process.join()
            if attempt:
                times.append(max(end for end, _, _ in results) - started)
                flag_counts.append(sum(flags for _, flags, _ in results))
                cpu_times.append(sum(cpu_s for _, _, cpu_s in results))
                server_times.append(_server_cpu_s(client) - server_before)
                stats = client.info("commandstats")
                commands.append(sum(int(entry["calls"]) for entry in stats.values()))
        figures[f"{name}_s"] = statistics.median(times)
        figures[f"{name}_flags"] = statistics.median(flag_counts)
        figures[f"{name}_cpu_s"] = statistics.median(cpu_times)
        figures[f"{name}_server_cpu_s"] = statistics.median(server_times)
        figures[f"{name}_commands"] = statistics.median(commands)
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


def report_scans(size: int, figures: dict[str, float]) -> None:
    """Print whole-scan throughput: SQLite, one scanner on Redis, two on Redis."""
    sqlite, one, two = (size / figures[f"{name}_s"] for name in ("sqlite", "redis_1", "redis_2"))
    print(f"{'scan docs/s, SQLite, 1 scanner':46} {sqlite:10,.0f}")
    print(f"{'scan docs/s, Redis, 1 scanner':46} {one:10,.0f} {one / sqlite:9.2f}x")
    print(f"{'scan docs/s, Redis, 2 scanners (wall)':46} {two:10,.0f} {two / one:9.2f}x")
    cpu = {name: figures[f"{name}_cpu_s"] for name in ("sqlite", "redis_1", "redis_2")}
    per_cpu = {name: size / seconds for name, seconds in cpu.items()}
    print(f"{'  docs per scanner CPU s (workers in), SQLite':46} {per_cpu['sqlite']:10,.0f}")
    print(f"{'  docs per scanner CPU s, Redis 1 scanner':46} {per_cpu['redis_1']:10,.0f}")
    print(f"{'  docs per scanner CPU s, Redis 2 scanners':46} {per_cpu['redis_2']:10,.0f}")
    # Two scanners, each with a core of its own, finish in their CPU time each: the speed-up
    # over one is 2 x one's CPU over both's, whatever else the machine runs.
    ratio = 2 * cpu["redis_1"] / cpu["redis_2"]
    print(f"{'  2 vs 1 scanners, per scanner CPU second':46} {ratio:9.2f}x")
    for name in ("redis_1", "redis_2"):
        server_us = 1e6 * figures[f"{name}_server_cpu_s"] / size
        calls = figures[f"{name}_commands"] / size
        label = f"  Redis CPU us / commands per doc, {name[-1]} scanner(s)"
        print(f"{label:46} {f'{server_us:.0f} / {calls:.0f}':>10}")
    kept = "/".join(f"{figures[f'{name}_flags']:.0f}" for name in ("sqlite", "redis_1", "redis_2"))
    print(f"{'  flags kept (SQLite / Redis 1 / Redis 2)':46} {kept:>10}")


if __name__ == "__main__":
    multiprocessing.set_start_method("fork")
    sys.exit(main())
