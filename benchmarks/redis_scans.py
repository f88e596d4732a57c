"""bench_redis.py's whole scans: SQLite, one and two scanners on Redis, on bench_scan's stream."""

from __future__ import annotations

import itertools
import multiprocessing
import os
import resource
import statistics
import time
from pathlib import Path
from typing import Any

import redis
from scan_stream import stream_path
from scan_stream import write_stream as write_stream_file

from dedup.index import open_index
from dedup.scanning.scan import scan
from dedup.settings import ScanOptions

BBC_ARTICLES = 2225


def _server_cpu_s(client: redis.Redis) -> float:
    cpu = client.info("cpu")
    return float(cpu["used_cpu_user"]) + float(cpu["used_cpu_sys"])


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
    server: Any, size: int, runs: int, workdir: Path, workers: int, streams: Path
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
