"""One text's surface style, measured once per document: what direction compares across a pair."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from dedup.text.rarity import zipf
from dedup.text.style import REPORTING_VERBS, count_asides, count_digits, count_structure

# Type-token ratio over a fixed prefix, so that it does not fall with length alone.
_VARIETY_PREFIX_WORDS = 150
# Sentences this short are headings or datelines, not prose.
_MIN_SENTENCE_WORDS = 3
# Zipf frequency of a text without content words: an everyday word.
DEFAULT_ZIPF = 5.0


@dataclass(frozen=True, slots=True)
class TextStyle:
    """Surface style of one text; human news copy against the smoother prose of a generated rewrite."""

    reporting_verbs: float  # said / says / told per 100 words
    sentence_length: float  # mean words per sentence
    sentence_variation: float  # coefficient of variation of sentence lengths (burstiness)
    vocabulary_variety: float  # distinct words among the first 150 (type-token ratio)
    digit_density: float  # digit characters per word
    aside_density: float  # parentheses and dashes per 100 words
    structure_density: float  # colons, bullets and headings per 100 words
    word_commonness: float  # mean Zipf frequency of the content words
    content_words: int  # content words, counting repeats
    word_zipf: dict[str, tuple[int, float]]  # content word -> (occurrences, Zipf frequency)


def text_style(
    text: str, norms: Sequence[str], sentence_tokens: Sequence[tuple[int, int]], content: Sequence[str]
) -> TextStyle:
    """Measure the surface style of a text from its words, sentences and content words."""
    words = max(1, len(norms))
    lengths = np.array(
        [last - first for first, last in sentence_tokens if last - first >= _MIN_SENTENCE_WORDS], float
    )
    prefix = norms[:_VARIETY_PREFIX_WORDS]
    word_zipf = {word: (count, zipf(word)) for word, count in Counter(content).items()}
    return TextStyle(
        reporting_verbs=100 * sum(norm in REPORTING_VERBS for norm in norms) / words,
        sentence_length=float(lengths.mean()) if lengths.size else 0.0,
        sentence_variation=float(lengths.std() / lengths.mean()) if lengths.size > 1 else 0.0,
        vocabulary_variety=len(set(prefix)) / max(1, len(prefix)),
        digit_density=count_digits(text) / words,
        aside_density=100 * count_asides(text) / words,
        structure_density=100 * count_structure(text) / words,
        word_commonness=mean_zipf(word_zipf.values(), len(content)),
        content_words=len(content),
        word_zipf=word_zipf,
    )


def mean_zipf(counted: Iterable[tuple[int, float]], total: int) -> float:
    """Mean Zipf frequency over word occurrences, from (occurrences, Zipf) per distinct word."""
    return sum(count * frequency for count, frequency in counted) / total if total else DEFAULT_ZIPF
