"""Compare many path pairs in one process, loading and profiling each file once."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Iterator
from pathlib import Path

from dedup.compare import compare
from dedup.errors import DedupError, MalformedRecordError
from dedup.load import decode_bytes, load_document, read_bytes
from dedup.model import Comparison
from dedup.profile import Profile, profile_document
from dedup.settings import DEFAULT_SETTINGS, Settings

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
    pairs: Iterable[tuple[str, str]], settings: Settings = DEFAULT_SETTINGS
) -> Iterator[Comparison | DedupError]:
    """Yield a Comparison for each pair, in order, or the error that stopped that pair."""
    cache: OrderedDict[str, Profile] = OrderedDict()

    def profile_of(path: str) -> Profile:
        if path in cache:
            cache.move_to_end(path)
            return cache[path]
        profile = profile_document(load_document(path), settings)
        cache[path] = profile
        if len(cache) > _PROFILE_CACHE_SIZE:
            cache.popitem(last=False)
        return profile

    for first, second in pairs:
        try:
            yield compare(profile_of(first), profile_of(second), settings)
        except DedupError as error:
            yield error
