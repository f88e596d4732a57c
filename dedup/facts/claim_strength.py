"""Score how certain or strong a sentence's claim is, and find the words that carry that certainty.

The score is linear over marker groups: hand-written word lists (hedges, modal verbs, boosters,
attribution, vague figures, association and causal wording), one fitted weight per group, so a
rewrite that swaps one hedge for another of the same kind changes nothing. The weights were fitted by
``benchmarks/fit_certainty.py`` on science sentences rated for certainty (Pei & Jurgens 2021, sentence
and aspect level) and labelled for correlational vs causal claim strength (Yu et al. 2019); its
docstring gives the data and the held-out figures. The weights file may also weight single words and
word pairs; the shipped one does not, because they did not transfer to news rewrites.

The weights ship as JSON next to this module and are read with ``json`` (never unpickled). This
module imports only the standard library, numpy and its marker lexicon (dedup.facts.claim_markers).

Example:
    >>> certainty_score("Prices may rise.") < certainty_score("Prices will rise.")
    True
    >>> certainty_markers("Prices may rise.")
    ((7, 10, 'modal'),)
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType

import numpy as np
import numpy.typing as npt

from dedup.facts.claim_markers import (
    DETERMINER,
    DETERMINERS,
    MARKER_GROUPS,
    NOT_DETERMINER,
    NUMBER,
    NUMBER_WORDS,
    TOKEN,
    MarkerGroup,
)

WEIGHTS_FILE = Path(__file__).with_suffix(".json")
FORMAT = "dedup.claim_strength/1"


class MalformedWeightsError(ValueError):
    """The weights file does not match this module's format or marker lexicon.

    A ValueError, not a DedupError: this module imports nothing from dedup, and the file ships with
    the package, so a bad one is a packaging bug rather than bad input.
    """


@dataclass(frozen=True, slots=True)
class ClaimStrengthModel:
    """Fitted weights: an intercept, one weight per marker group, optional word and word-pair weights."""

    intercept: float
    max_count: int  # a group counts at most this many times in one sentence
    # Read-only mappings rather than tuples of pairs: scoring looks weights up by name.
    group_weights: MappingProxyType[str, float]
    ngram_weights: MappingProxyType[str, float]
    softened_below: float  # score(rewrite) - score(original) below this: softened
    hardened_above: float  # ... above this: hardened


@dataclass(frozen=True, slots=True)
class SentenceFeatures:
    """What the score of one sentence is computed from: group counts, words and word pairs."""

    group_counts: tuple[tuple[str, int], ...]
    ngrams: frozenset[str]


def lexicon_digest() -> str:
    """Return a hash of MARKER_GROUPS; the weights file records it so that stale weights fail to load."""
    text = json.dumps([[g.name, g.marker_class, g.direction, list(g.phrases)] for g in MARKER_GROUPS])
    return hashlib.sha256(text.encode()).hexdigest()


def load_model(path: Path = WEIGHTS_FILE) -> ClaimStrengthModel:
    """Read and check a weights file written by benchmarks/fit_certainty.py."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data["format"] != FORMAT:
            raise MalformedWeightsError(f"{path}: format {data['format']!r}, expected {FORMAT!r}")
        if data["lexicon_sha256"] != lexicon_digest():
            raise MalformedWeightsError(f"{path}: fitted on another marker lexicon; rerun fit_certainty.py")
        groups = {str(name): float(weight) for name, weight in data["group_weights"].items()}
        if set(groups) != {group.name for group in MARKER_GROUPS}:
            raise MalformedWeightsError(f"{path}: group weights do not match MARKER_GROUPS")
        ngrams = {str(ngram): float(weight) for ngram, weight in data["ngram_weights"].items()}
        return ClaimStrengthModel(
            intercept=float(data["intercept"]),
            max_count=int(data["max_count"]),
            group_weights=MappingProxyType(groups),
            ngram_weights=MappingProxyType(ngrams),
            softened_below=float(data["thresholds"]["softened_below"]),
            hardened_above=float(data["thresholds"]["hardened_above"]),
        )
    except (OSError, KeyError, TypeError, ValueError, AttributeError) as exc:
        if isinstance(exc, MalformedWeightsError):
            raise
        raise MalformedWeightsError(f"{path}: not a claim-strength weights file ({exc})") from exc


@cache
def default_model() -> ClaimStrengthModel:
    """Return the shipped model (read once)."""
    return load_model()


@cache
def _phrase_index() -> dict[str, tuple[tuple[tuple[str, ...], MarkerGroup], ...]]:
    """Phrases by first word, longest first, so that the longest phrase at a position wins."""
    index: dict[str, list[tuple[tuple[str, ...], MarkerGroup]]] = {}
    for group in MARKER_GROUPS:
        for phrase in group.phrases:
            words = tuple(phrase.split())
            index.setdefault(words[0], []).append((words, group))
    return {first: tuple(sorted(entries, key=lambda e: -len(e[0]))) for first, entries in index.items()}


def _tokens(sentence: str) -> list[tuple[str, int, int]]:
    """Lower-cased words with their spans; curly apostrophes read as straight ones."""
    tokens: list[tuple[str, int, int]] = []
    for match in TOKEN.finditer(sentence):
        word = match.group()
        # "May" inside a sentence is the month, not the modal; it matches no marker as "<month>".
        lowered = "<month>" if word == "May" and tokens else word.lower().replace("\u2019", "'")
        tokens.append((lowered, match.start(), match.end()))
    return tokens


def _is_number(word: str) -> bool:
    return word[0].isdigit() or word in NUMBER_WORDS


def _matches_at(words: Sequence[str], position: int, phrase: tuple[str, ...]) -> int:
    """Return how many words the phrase covers at position, or 0 if it does not match there."""
    covered = 0
    for element in phrase:
        index = position + covered
        if element in (NOT_DETERMINER, DETERMINER):
            is_determiner = index < len(words) and (words[index] in DETERMINERS or _is_number(words[index]))
            if is_determiner != (element == DETERMINER):
                return 0
            continue
        if index >= len(words):
            return 0
        word = words[index]
        if not (word == element or (element == NUMBER and _is_number(word))):
            return 0
        covered += 1
    return covered


def _find_markers(words: Sequence[str]) -> list[tuple[int, int, MarkerGroup]]:
    """Non-overlapping marker matches, left to right, longest first: (first word, end word, group)."""
    index = _phrase_index()
    found = []
    position = 0
    while position < len(words):
        word = words[position]
        # Number words count only inside phrases ("about a third"); no phrase starts with one.
        for phrase, group in index.get(NUMBER if word[0].isdigit() else word, ()):
            covered = _matches_at(words, position, phrase)
            if covered:
                found.append((position, position + covered, group))
                position += covered
                break
        else:
            position += 1
    return found


def _group_counts(words: Sequence[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for _, _, group in _find_markers(words):
        counts[group.name] = counts.get(group.name, 0) + 1
    return counts


def _ngrams(words: Sequence[str]) -> frozenset[str]:
    normal = [NUMBER if word[0].isdigit() else word for word in words]
    return frozenset(normal) | frozenset(f"{a} {b}" for a, b in itertools.pairwise(normal))


def sentence_features(sentence: str) -> SentenceFeatures:
    """Count the marker groups of a sentence and list its words and word pairs (numbers as <num>)."""
    words = [word for word, _, _ in _tokens(sentence)]
    return SentenceFeatures(tuple(sorted(_group_counts(words).items())), _ngrams(words))


def certainty_score(sentence: str, model: ClaimStrengthModel | None = None) -> float:
    """Score how certain or strong the claim of a sentence is; higher means more certain.

    One unit is about one standard deviation of rated certainty. Compare two versions of a sentence
    by their difference (see ``change_direction``), not one score against a fixed cut.
    """
    model = default_model() if model is None else model
    words = [word for word, _, _ in _tokens(sentence)]
    total = model.intercept
    for name, count in _group_counts(words).items():
        total += model.group_weights[name] * min(count, model.max_count)
    if model.ngram_weights:
        # fsum is exact, so the result does not depend on the set's (hash-seeded) iteration order.
        total += math.fsum(model.ngram_weights.get(ngram, 0.0) for ngram in _ngrams(words))
    return total


def certainty_scores(
    sentences: Iterable[str], model: ClaimStrengthModel | None = None
) -> npt.NDArray[np.float64]:
    """Score many sentences (see certainty_score)."""
    return np.array([certainty_score(sentence, model) for sentence in sentences], dtype=np.float64)


def change_direction(original: str, rewrite: str, model: ClaimStrengthModel | None = None) -> int:
    """Return -1 if the rewrite softens the original's claim, 1 if it hardens it, 0 if neither.

    The thresholds on the score difference were fitted on the InSciOut training pairs (paper abstract
    conclusion -> press-release conclusion; Wright & Augenstein 2021), see fit_certainty.py.
    """
    model = default_model() if model is None else model
    difference = certainty_score(rewrite, model) - certainty_score(original, model)
    if difference < model.softened_below:
        return -1
    if difference > model.hardened_above:
        return 1
    return 0


def certainty_markers(sentence: str) -> tuple[tuple[int, int, str], ...]:
    """Return (start, end, marker class) of the words that carry a sentence's certainty.

    Classes: hedge, modal, attribution, booster, vague figure, association, causal.
    ``sentence[start:end]`` is the marker's words, e.g. "may", "according to", "about 300".
    """
    tokens = _tokens(sentence)
    return tuple(
        (tokens[first][1], tokens[end - 1][2], group.marker_class)
        for first, end, group in _find_markers([word for word, _, _ in tokens])
        if group.marker_class
    )
