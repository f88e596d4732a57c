"""Sketches for a stream of texts: computed on demand in this process, or ahead in worker processes."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from functools import partial
from itertools import islice
from typing import TypeVar

from dedup.closing import ClosesOnExit
from dedup.scanning.candidates import Sketch, sketch_text
from dedup.scanning.workers import worker_pool
from dedup.settings import DEFAULT_CANDIDATE_SETTINGS, CandidateSettings

T = TypeVar("T")


class Sketcher(ClosesOnExit):
    """Pair items with their sketches; with `workers` > 1 a process pool sketches the next chunk ahead.

    Sketching is the costliest per-item step of a scan that compares little (about 1 ms of pure
    Python a text), and it is pure, so worker processes can do it while this process queries and
    writes the index. The pool lives as long as the Sketcher (one scan), never longer.
    """

    def __init__(self, settings: CandidateSettings = DEFAULT_CANDIDATE_SETTINGS, workers: int = 1) -> None:
        self.settings = settings
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None

    def pair(
        self,
        items: Iterable[T],
        text: Callable[[T], str | None],
        chunk_size: int,
        pack: Callable[[str, tuple[str, ...]], bytes] | None = None,
    ) -> Iterator[tuple[T, Callable[[], Sketch]]]:
        """Yield each item with a function returning its sketch; items without text get none to call.

        In one process the sketch is computed when asked for, so items found already indexed cost
        nothing. With workers, chunk n + 1 is sent out before chunk n is handed on, and `pack` (a
        store's body encoder, picklable) runs there too: the process writing the index is the
        bottleneck of a scan, the workers are not.
        """
        if self.workers <= 1:
            for item in items:
                yield item, partial(_sketch_one, text(item), self.settings)
            return
        iterator = iter(items)
        ahead: tuple[list[T], Iterator[Sketch]] | None = None
        while True:
            chunk = list(islice(iterator, chunk_size))
            sent = (chunk, self._send([text(item) or "" for item in chunk], pack)) if chunk else None
            if ahead is not None:
                yield from _paired(*ahead)
            if sent is None:
                return
            ahead = sent

    def _send(
        self, texts: list[str], pack: Callable[[str, tuple[str, ...]], bytes] | None
    ) -> Iterator[Sketch]:
        pool = self._workers()
        chunksize = max(1, len(texts) // (4 * self.workers))
        work = partial(_sketch_and_pack, settings=self.settings, pack=pack)
        return pool.map(work, texts, chunksize=chunksize)

    def start(self) -> None:
        """Fork the worker processes now, if there are to be any, rather than at the first chunk."""
        if self.workers > 1:
            self._workers()

    def _workers(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = worker_pool(self.workers)
        return self._pool

    def close(self) -> None:
        """Stop the worker processes, if any."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def _sketch_one(text: str | None, settings: CandidateSettings) -> Sketch:
    return sketch_text(text or "", settings)


def _sketch_and_pack(
    text: str, settings: CandidateSettings, pack: Callable[[str, tuple[str, ...]], bytes] | None
) -> Sketch:
    sketch = sketch_text(text, settings)
    return sketch if pack is None else replace(sketch, packed_body=pack(text, sketch.keys))


def _paired(chunk: list[T], sketches: Iterator[Sketch]) -> Iterator[tuple[T, Callable[[], Sketch]]]:
    for item, sketch in zip(chunk, sketches, strict=True):
        yield item, partial(_given, sketch)


def _given(sketch: Sketch) -> Sketch:
    return sketch
