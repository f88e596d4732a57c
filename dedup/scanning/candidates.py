"""Cheap per-document sketches for candidate search: rare-term keys and a TF-IDF vector; pure."""

from __future__ import annotations

import hashlib
import itertools
import math
import re
import unicodedata
import zlib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache

import numpy as np
import numpy.typing as npt

from dedup.index.keys import hash_keys
from dedup.settings import DEFAULT_CANDIDATE_SETTINGS, CandidateSettings
from dedup.text.normalize import STOP_WORDS, normalize_word
from dedup.text.rarity import RARE_MAX_ZIPF, idf, zipf

# Same token shape as dedup.text.normalize.tokenize, without building spans: this runs on every item.
# Possessive quantifiers match the same tokens (a separator is never a word character, so giving
# characters back never helps) and spare re its backtracking bookkeeping: a fifth faster.
_WORD = re.compile(r"\w++(?:[.,'\u2019\-]\w++)*+", re.UNICODE)
# A capitalised word that does not open a sentence: a cheap stand-in for profile's names. The
# pattern opens with the blank (the look-behind checks the character before it) so that re can skip
# ahead to blanks; a look-behind first made it try every position, at twice the cost.
_MID_SENTENCE_CAPITAL = re.compile(
    r"[ \t](?<=[^\s.!?:\"'\u201c\u2018(][ \t])[ \t]*+([A-Z]\w*+(?:[.,'\u2019\-]\w++)*+)"
)
_YEAR = re.compile(r"(?:19|20)\d\d")
_APOSTROPHE = re.compile(r"['\u2019](?!s$)")
# Capitalised words commoner than this are titles or ordinary words ("President"), as in profile.
_NAME_MAX_ZIPF = 4.6
_HASH_KEY = "h:"
_TERM_KEY = "t:"
# Keys are word tokens, so they never hold a newline (Sketch.__reduce__ checks all the same).
_KEY_SEPARATOR = "\n"


@dataclass(frozen=True, slots=True)
class Sketch:
    """What the index keeps for candidate search: a content hash, the keys and a packed vector."""

    content_hash: str
    keys: tuple[str, ...]
    vector: bytes
    # The index store's encoding of the text and keys, when a sketching worker made it (see
    # dedup.index.base.BodyPacker); None means the store encodes them itself.
    packed_body: bytes | None = field(default=None, compare=False, repr=False)
    # hash_keys(keys), made with the sketch so the process writing the index never hashes a key;
    # None when the sketch was put together from stored parts.
    key_hashes: bytes | None = field(default=None, compare=False, repr=False)

    def __reduce__(self) -> tuple[Callable[..., Sketch], tuple[object, ...]]:
        # Sketching workers send every sketch back pickled. Dataclasses' slots __getstate__ is
        # slow, and so are a few dozen small strings: the keys travel as one string when they can.
        joined = _KEY_SEPARATOR.join(self.keys)
        if self.keys and joined.count(_KEY_SEPARATOR) == len(self.keys) - 1:
            return _unpickle_sketch, (
                self.content_hash,
                joined,
                self.vector,
                self.packed_body,
                self.key_hashes,
            )
        return Sketch, (self.content_hash, self.keys, self.vector, self.packed_body, self.key_hashes)


def _unpickle_sketch(
    digest: str, joined_keys: str, vector: bytes, packed_body: bytes | None, key_hashes: bytes | None
) -> Sketch:
    return Sketch(digest, tuple(joined_keys.split(_KEY_SEPARATOR)), vector, packed_body, key_hashes)


def content_hash(text: str) -> str:
    """Return the sha256 hex digest of the text's lower-cased word sequence.

    Texts that differ only in case, spacing, punctuation or Unicode compatibility forms get the
    same hash: they are the same content to a reader.
    """
    return _words_hash(_WORD.findall(unicodedata.normalize("NFKC", text).lower()))


def _words_hash(words: list[str]) -> str:
    return hashlib.sha256(" ".join(words).encode()).hexdigest()


def sketch_text(text: str, settings: CandidateSettings = DEFAULT_CANDIDATE_SETTINGS) -> Sketch:
    """Compute the candidate keys and the TF-IDF sketch of one text without sentence splitting.

    The keys are the document's rare terms (Zipf frequency below dedup.text.rarity.RARE_MAX_ZIPF, minus
    short numbers and years) and its mid-sentence capitalised names, plus its content hash. AI
    rewrites keep most names and numbers while sharing almost no 5-word shingles, so an inverted
    index over these terms finds them where shingle MinHash (Broder 1997) does not.
    """
    folded = unicodedata.normalize("NFKC", text)
    words = _WORD.findall(folded.lower())
    # counts and infos gain each norm at the same step, so their values line up for _pack_vector.
    counts: dict[str, int] = {}
    infos: dict[str, _TermInfo] = {}
    for word, count in Counter(words).items():
        info = _term_info(word)
        if info is not None:
            counts[info.norm] = counts.get(info.norm, 0) + count
            infos[info.norm] = info
    rare = {norm for norm, info in infos.items() if info.is_rare}
    for word in set(_MID_SENTENCE_CAPITAL.findall(folded)):
        info = _term_info(word.lower())
        if info is not None and info.norm in counts and info.zipf < _NAME_MAX_ZIPF:
            rare.add(info.norm)
    chosen = sorted(rare, key=lambda norm: (infos[norm].zipf, infos[norm].hash))[: settings.max_keys]
    digest = _words_hash(words)
    keys = (_HASH_KEY + digest, *(_TERM_KEY + norm for norm in sorted(chosen)))
    return Sketch(
        content_hash=digest,
        keys=keys,
        vector=_pack_vector(list(counts.values()), list(infos.values()), settings.sketch_terms),
        key_hashes=hash_keys(keys),
    )


@dataclass(frozen=True, slots=True)
class _TermInfo:
    norm: str
    hash: int
    zipf: float
    idf: float
    is_rare: bool


@cache
def _term_info(word: str) -> _TermInfo | None:
    """Describe one lower-cased word, or None when it is not a content word."""
    norm = normalize_word(word)
    if not ((len(norm) > 1 and norm not in STOP_WORDS) or norm.isdigit()):
        return None
    frequency = zipf(norm)
    # "we've" normalises to "weve", which wordfreq never saw; short numbers and years are in
    # every other article, so neither finds anything.
    is_rare = (
        frequency < RARE_MAX_ZIPF
        and not _APOSTROPHE.search(word)
        and not (norm.isdigit() and (len(norm) <= 2 or _YEAR.fullmatch(norm)))
    )
    return _TermInfo(norm, zlib.crc32(norm.encode()), frequency, idf(norm), is_rare)


def is_close(
    similarity: float, shared_keys: int, keys: int, other_keys: int, settings: CandidateSettings
) -> bool:
    """Tell whether a candidate's sketch cosine and shared keys earn it a full compare."""
    if similarity >= settings.sure_cosine:
        return True
    share = shared_keys / max(1, min(keys, other_keys))
    if similarity >= settings.min_cosine and share >= settings.min_key_share:
        return True
    return similarity >= settings.floor_cosine and share >= settings.high_key_share


def term_key_count(keys: tuple[str, ...]) -> int:
    """Return how many of `keys` are term keys (not the content hash)."""
    return sum(1 for key in keys if key.startswith(_TERM_KEY))


def sketch_cosine(first: bytes, second: bytes) -> float:
    """Return the cosine similarity of two packed sketch vectors, in [0, 1]."""
    first_terms, first_weights = _unpack_vector(first)
    second_terms, second_weights = _unpack_vector(second)
    _, first_index, second_index = np.intersect1d(
        first_terms, second_terms, assume_unique=True, return_indices=True
    )
    dot = float(np.dot(first_weights[first_index], second_weights[second_index]))
    return min(1.0, max(0.0, dot))


def sketch_cosines(vector: bytes, others: Sequence[bytes]) -> list[float]:
    """Return the sketch cosine of `vector` with each of `others`, in a few numpy calls for all."""
    size = len(vector) // 6
    if not others:
        return []
    if not size:
        return [0.0] * len(others)
    counts = [size, *(len(other) // 6 for other in others)]
    packed = [vector, *others]
    # All vectors in one array each for terms and weights: numpy's per-call cost dominates here.
    terms = np.frombuffer(b"".join([p[: 4 * n] for p, n in zip(packed, counts, strict=True)]), "<u4")
    halves = np.frombuffer(b"".join([p[4 * n : 6 * n] for p, n in zip(packed, counts, strict=True)]), "<f2")
    bounds = list(itertools.accumulate(counts))
    # Terms may only fall where a vector starts; anything else was not made by sketch_text.
    descents = np.flatnonzero(terms[1:] <= terms[:-1]) + 1
    if not set(descents.tolist()) <= set(bounds):
        return [sketch_cosine(vector, other) for other in others]
    my_terms, other_terms = terms[:size], terms[size:]
    at = my_terms.searchsorted(other_terms)
    matched = np.flatnonzero(my_terms.take(at, mode="clip") == other_terms)
    # Each segment's matches are in ascending term order, as np.intersect1d pairs them, so each
    # dot sums the same float32 products in the same order as a pair-by-pair cosine. The dot
    # method is np.dot's own routine without its dispatch, which costs as much at this size.
    mine = halves.take(at[matched]).astype(np.float32)
    theirs = halves[size:].take(matched).astype(np.float32)
    starts = matched.searchsorted([0, *(bound - size for bound in bounds[1:])]).tolist()
    return [
        min(1.0, max(0.0, float(mine[start:end].dot(theirs[start:end])))) if end > start else 0.0
        for start, end in itertools.pairwise(starts)
    ]


def _pack_vector(counts: Sequence[int], infos: Sequence[_TermInfo], max_terms: int) -> bytes:
    """Pack the heaviest terms' crc32s in ascending order, then their unit-normalised weights."""
    if not counts:
        return b""
    # Lists first, then one array each: numpy's per-call cost dominates at ~200 terms a text.
    frequencies = np.array([_log_count(count) for count in counts], dtype=np.float64)
    weights = frequencies * np.array([info.idf for info in infos], dtype=np.float64)
    hashes = np.array([info.hash for info in infos], dtype=np.uint32)
    if len(counts) > max_terms:
        # The heaviest terms, the earliest first among equal weights (as heapq.nlargest picks).
        heaviest = np.argsort(-weights, kind="stable")[:max_terms]
        weights, hashes = weights[heaviest], hashes[heaviest]
    order = hashes.argsort()
    terms = hashes[order]
    if (terms[1:] == terms[:-1]).any():
        return _pack_colliding(weights, hashes)
    vector = weights[order]
    # np.linalg.norm's own formula, so the weights round to the same float16.
    vector /= math.sqrt(vector.dot(vector))
    return terms.astype("<u4").tobytes() + vector.astype("<f2").tobytes()


def _pack_colliding(weights: npt.NDArray[np.float64], hashes: npt.NDArray[np.uint32]) -> bytes:
    """Pack terms of which some share a crc32 (rare in one text): their weights add up."""
    terms, inverse = np.unique(hashes, return_inverse=True)
    summed = np.bincount(inverse, weights=weights, minlength=len(terms)).astype(np.float64)
    norm = float(np.linalg.norm(summed))
    if norm > 0:
        summed /= norm
    return terms.astype("<u4").tobytes() + summed.astype("<f2").tobytes()


@cache
def _log_count(count: int) -> float:
    """Sublinear term frequency, 1 + ln(count) (math.log: the same float wherever numpy's differs)."""
    return 1.0 + math.log(count)


def _unpack_vector(packed: bytes) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.float32]]:
    count = len(packed) // 6
    terms = np.frombuffer(packed, dtype="<u4", count=count)
    weights = np.frombuffer(packed, dtype="<f2", count=count, offset=4 * count).astype(np.float32)
    return terms, weights
