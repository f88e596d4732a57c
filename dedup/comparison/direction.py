"""Direction signals: which of two related documents carries the facts the other was made from."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from dedup.model import DirectionSignals
from dedup.profile.profile import Profile
from dedup.profile.style import DEFAULT_ZIPF
from dedup.settings import DEFAULT_SETTINGS, Settings


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
    style = text.style
    # Own words are all words but the shared ones, and two texts share few: sum over those.
    shared = [style.word_zipf[word] for word in style.word_zipf.keys() & other.style.word_zipf.keys()]
    shared_count = sum(count for count, _ in shared)
    own_count = style.content_words - shared_count
    own_zipf = style.word_commonness * style.content_words - sum(count * zipf for count, zipf in shared)
    return {
        "reporting_verbs": style.reporting_verbs,
        "sentence_length": style.sentence_length,
        "sentence_variation": style.sentence_variation,
        "vocabulary_variety": style.vocabulary_variety,
        "digit_density": style.digit_density,
        "aside_density": style.aside_density,
        "structure_density": style.structure_density,
        "word_commonness": style.word_commonness,
        "own_word_commonness": own_zipf / own_count if own_count else DEFAULT_ZIPF,
        "own_word_share": own_count / max(1, style.content_words),
    }


def _containment_gap(of_a: frozenset[str], of_b: frozenset[str]) -> float:
    """Share of b's items found in a, minus the share of a's items found in b."""
    shared = len(of_a & of_b)
    return shared / max(1, len(of_b)) - shared / max(1, len(of_a))
