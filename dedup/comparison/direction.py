"""Direction signals: which of two related documents carries the facts the other was made from."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from dedup.model import DirectionSignals
from dedup.profile.profile import Profile
from dedup.settings import DEFAULT_SETTINGS, Settings
from dedup.text.rarity import zipf
from dedup.text.style import REPORTING_VERBS, count_asides, count_digits, count_structure

# Type-token ratio over a fixed prefix, so that it does not fall with length alone.
_VARIETY_PREFIX_WORDS = 150
# Sentences this short are headings or datelines, not prose.
_MIN_SENTENCE_WORDS = 3
# Zipf frequency of a text without content words: an everyday word.
_DEFAULT_ZIPF = 5.0


def direction_signals(
    a: Profile,
    b: Profile,
    similarity: npt.NDArray[np.float64],
    settings: Settings = DEFAULT_SETTINGS,
) -> DirectionSignals:
    """Measure the asymmetries that tell an original from its derivative, without dates."""
    words_a, words_b = max(1, a.word_count), max(1, b.word_count)
    threshold = settings.align_min_similarity
    if similarity.size:
        coverage = float((similarity.max(axis=0) >= threshold).mean()) - float(
            (similarity.max(axis=1) >= threshold).mean()
        )
    else:
        coverage = 0.0
    return DirectionSignals(
        rare_term_containment=_containment_gap(a.rare_terms, b.rare_terms),
        number_containment=_containment_gap(a.numbers, b.numbers),
        name_containment=_containment_gap(a.names, b.names),
        content_containment=_containment_gap(a.content_terms, b.content_terms),
        specificity=100
        * ((len(a.numbers) + len(a.names)) / words_a - (len(b.numbers) + len(b.names)) / words_b),
        quote_density=100 * (a.quote_marks / words_a - b.quote_marks / words_b),
        filler_density=100 * (b.filler_phrases / words_b - a.filler_phrases / words_a),
        length_ratio=math.log(words_a / words_b),
        coverage=coverage,
        rare_term_count_ratio=math.log((1 + len(a.rare_terms)) / (1 + len(b.rare_terms))),
        **_style_gaps(a, b),
    )


def _style_gaps(a: Profile, b: Profile) -> dict[str, float]:
    """Surface style of a minus that of b: the DirectionSignals style fields."""
    first, second = _style(a, b), _style(b, a)
    return {name: first[name] - second[name] for name in first}


def _style(text: Profile, other: Profile) -> dict[str, float]:
    words = max(1, text.word_count)
    lengths = np.array(
        [last - first for first, last in text.sentence_tokens if last - first >= _MIN_SENTENCE_WORDS], float
    )
    prefix = [token.norm for token in text.tokens[:_VARIETY_PREFIX_WORDS]]
    other_words = other.content_terms
    own = [word for word in text.content_sequence if word not in other_words]
    body = text.document.text
    return {
        "reporting_verbs": 100 * sum(token.norm in REPORTING_VERBS for token in text.tokens) / words,
        "sentence_length": float(lengths.mean()) if lengths.size else 0.0,
        "sentence_variation": float(lengths.std() / lengths.mean()) if lengths.size > 1 else 0.0,
        "vocabulary_variety": len(set(prefix)) / max(1, len(prefix)),
        "digit_density": count_digits(body) / words,
        "aside_density": 100 * count_asides(body) / words,
        "structure_density": 100 * count_structure(body) / words,
        "word_commonness": _mean_zipf(text.content_sequence),
        "own_word_commonness": _mean_zipf(own),
        "own_word_share": len(own) / max(1, len(text.content_sequence)),
    }


def _mean_zipf(words: tuple[str, ...] | list[str]) -> float:
    return sum(zipf(word) for word in words) / len(words) if words else _DEFAULT_ZIPF


def _containment_gap(of_a: frozenset[str], of_b: frozenset[str]) -> float:
    """Share of b's items found in a, minus the share of a's items found in b."""
    shared = len(of_a & of_b)
    return shared / max(1, len(of_b)) - shared / max(1, len(of_a))
