"""Compare many path pairs in one process, loading and profiling each file once."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from dedup.comparison.compare import compare
from dedup.errors import DedupError, MalformedRecordError
from dedup.model import Comparison
from dedup.profile.cache import ProfileCache
from dedup.settings import DEFAULT_SETTINGS, DEFAULT_SOURCE_SETTINGS, Settings, SourceSettings
from dedup.sources.load import decode_bytes, load_document, read_bytes

_PROFILE_CACHE_SIZE = 2048


def read_pairs_file(path: str | Path) -> list[tuple[str, str]]:
    """Read tab-separated path pairs, one a line; relative paths are taken from the file's folder."""
    pairs_path = Path(path)
    text = decode_bytes(read_bytes(pairs_path), str(pairs_path))
    pairs = []
    for line_number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        fields = line.rstrip("\r\n").split("\t")
        if len(fields) != 2 or not all(field.strip() for field in fields):
            raise MalformedRecordError(f"{pairs_path}:{line_number}: expected two tab-separated paths")
        first, second = (_resolve(field.strip(), pairs_path.parent) for field in fields)
        pairs.append((first, second))
    return pairs


def _resolve(field: str, base: Path) -> str:
    candidate = Path(field)
    return str(candidate if candidate.is_absolute() else base / candidate)


def compare_pairs(
    pairs: Iterable[tuple[str, str]],
    settings: Settings = DEFAULT_SETTINGS,
    sources: SourceSettings = DEFAULT_SOURCE_SETTINGS,
) -> Iterator[Comparison | DedupError]:
    """Yield a Comparison for each pair, in order, or the error that stopped that pair.

    Files are read with `sources` (size limit, encodings), as `compare` reads two files.
    """
    # Reading a file again is cheap next to profiling it, which the cache saves.
    profiles = ProfileCache(settings, capacity=_PROFILE_CACHE_SIZE)
    for first, second in pairs:
        try:
            a = profiles.profile(load_document(first, sources))
            b = profiles.profile(load_document(second, sources))
            yield compare(a, b, settings)
        except DedupError as error:
            yield error
