"""Asymmetric evidence of reuse: how much of one text's specific facts, sentence by sentence, the other holds.

A derivative's specifics (names, numbers, rare words) are nearly all in its original, and its
sentences restate the original's sentences in their order, however it was restyled. Two reports of
one event each carry specifics the other lacks. Every signal here is read in both directions and
the pair keeps the direction that looks most like a derivative, so the signals stay symmetric.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from dedup.profile.profile import Profile

# A sentence restates one of the other text's when they share at least this many specifics, and
# these make up at least this share of the sentence's own specifics.
_SUPPORT_MIN_SHARED = 2
_SUPPORT_MIN_SHARE = 0.5
# Specific facts a text states once it has at least this many: fewer say little either way.
_SMOOTHING = 2.0
# A run of this many restated sentences in order maps to about 0.63.
_RUN_SCALE = 3.0


@dataclass(frozen=True, slots=True)
class Support:
    """How one text (the candidate derivative) is supported by the other; each value in [0, 1]."""

    fact_containment: float  # its names and numbers found in the other, smoothed
    specific_containment: float  # its rare words, names and numbers found in the other, smoothed
    sentence_support: float  # share of its informative sentences restating one of the other's
    ordered_support: float  # the same, counting only sentences on one order-keeping chain
    support_run: float  # longest in-order run of restated sentences, squashed
    novel_specifics: float  # share of its specifics the other lacks (material of its own)


def support_both_ways(a: Profile, b: Profile) -> tuple[Support, Support]:
    """Return how a is supported by b, and how b is supported by a."""
    if len(a.specifics & b.specifics) < _SUPPORT_MIN_SHARED:
        # No sentence can restate another through shared specifics: skip the sentence pass.
        return _unsupported(a, b), _unsupported(b, a)
    a_sentences, b_sentences = a.sentence_specifics, b.sentence_specifics
    return _support(a, b, a_sentences, b_sentences), _support(b, a, b_sentences, a_sentences)


def _unsupported(derivative: Profile, original: Profile) -> Support:
    """What `_support` gives when the two texts share fewer specifics than a restatement needs."""
    facts, specifics = derivative.facts, derivative.specifics
    return Support(
        fact_containment=len(facts & original.facts) / (len(facts) + _SMOOTHING),
        specific_containment=len(specifics & original.specifics) / (len(specifics) + _SMOOTHING),
        sentence_support=0.0,
        ordered_support=0.0,
        support_run=0.0,
        novel_specifics=novel_specifics(derivative, original),
    )


def novel_specifics(text: Profile, other: Profile) -> float:
    """Share of `text`'s specifics (names, numbers, rare words) that `other` lacks, smoothed."""
    specifics = text.specifics
    return len(specifics - other.specifics) / (len(specifics) + _SMOOTHING)


def _support(
    derivative: Profile,
    original: Profile,
    derivative_sentences: Sequence[frozenset[str]],
    original_sentences: Sequence[frozenset[str]],
) -> Support:
    facts, other_facts = derivative.facts, original.facts
    specifics, other_specifics = derivative.specifics, original.specifics
    targets = _restated(derivative_sentences, original_sentences)
    informative = sum(1 for sentence in derivative_sentences if sentence) or 1
    matched = [(index, target) for index, target in enumerate(targets) if target is not None]
    chain, run = _ordered_chain(matched)
    return Support(
        fact_containment=len(facts & other_facts) / (len(facts) + _SMOOTHING),
        specific_containment=len(specifics & other_specifics) / (len(specifics) + _SMOOTHING),
        sentence_support=len(matched) / informative,
        ordered_support=chain / informative,
        support_run=1.0 - math.exp(-run / _RUN_SCALE),
        novel_specifics=novel_specifics(derivative, original),
    )


def _restated(
    sentences: Sequence[frozenset[str]], other_sentences: Sequence[frozenset[str]]
) -> list[int | None]:
    """For each sentence, the other text's sentence it restates (most shared specifics), or None."""
    # Only specifics both texts hold can be shared: count over those (set operations, in C).
    common = frozenset().union(*sentences) & frozenset().union(*other_sentences)
    holders: dict[str, list[int]] = defaultdict(list)
    for index, specifics in enumerate(other_sentences):
        for term in specifics & common:
            holders[term].append(index)
    targets: list[int | None] = []
    for specifics in sentences:
        in_common = specifics & common
        if len(in_common) < _SUPPORT_MIN_SHARED:
            targets.append(None)
            continue
        shared = Counter(index for term in in_common for index in holders[term])
        best = max(shared.items(), key=lambda item: (item[1], -item[0]))
        is_restated = best[1] >= _SUPPORT_MIN_SHARED and best[1] >= _SUPPORT_MIN_SHARE * len(specifics)
        targets.append(best[0] if is_restated else None)
    return targets


def _ordered_chain(matched: Sequence[tuple[int, int]]) -> tuple[int, int]:
    """Longest chain of restated sentences whose targets keep their order, and longest gap-free run.

    The run counts consecutive restated sentences (no unsupported sentence between them) with
    non-decreasing targets: a block of the original taken over in order, as partial reuse does.
    """
    tails: list[int] = []  # patience sorting: smallest tail of a non-decreasing chain of each length
    longest_run = run = 0
    previous: tuple[int, int] | None = None
    for index, target in matched:
        position = _upper_bound(tails, target)
        if position == len(tails):
            tails.append(target)
        else:
            tails[position] = target
        is_continued = previous is not None and index == previous[0] + 1 and target >= previous[1]
        run = run + 1 if is_continued else 1
        longest_run = max(longest_run, run)
        previous = (index, target)
    return len(tails), longest_run


def _upper_bound(values: list[int], value: int) -> int:
    low, high = 0, len(values)
    while low < high:
        middle = (low + high) // 2
        if values[middle] <= value:
            low = middle + 1
        else:
            high = middle
    return low
