"""Background rarity of English words (wordfreq), the IDF that a two-document comparison lacks."""

from __future__ import annotations

import math
from functools import cache

import wordfreq

# Zipf frequency is log10 of occurrences per billion words; a word never seen scores 0.
_MAX_ZIPF = 8.0
RARE_MAX_ZIPF = 3.5


@cache
def _zipf_table() -> dict[str, float]:
    frequencies = wordfreq.get_frequency_dict("en", wordlist="best")
    return {word: math.log10(freq * 1e9) for word, freq in frequencies.items() if freq > 0}


def zipf(norm: str) -> float:
    """Return the Zipf frequency of a normalised token (0 for unseen words, names and numbers)."""
    return _zipf_table().get(norm, 0.0)


@cache
def idf(norm: str) -> float:
    """Return an inverse document frequency for a token from its background frequency."""
    return max(0.5, _MAX_ZIPF - zipf(norm)) * math.log(10) / 2


def is_rare(norm: str) -> bool:
    """Tell whether a token is rare in general English: a name, a number or an unusual word."""
    return zipf(norm) < RARE_MAX_ZIPF
