"""Direction signals: which of two related documents carries the facts the other was made from."""

from __future__ import annotations

import math
import re

import numpy as np
import numpy.typing as npt

from dedup.model import DirectionSignals
from dedup.profile import Profile
from dedup.settings import DEFAULT_SETTINGS, Settings

_QUOTE_MARK = re.compile(r"[\"\u201c\u201d]")
# Stock phrases of generated and padded news copy, gathered from published lists of overused LLM
# vocabulary (e.g. Liang et al. 2024, "Mapping the Increasing Use of LLMs in Scientific Papers") and
# SEO writing guides; general English, none tied to any story.
_FILLER = re.compile(
    r"\b(?:in conclusion|overall|it is (?:important|worth) (?:to note|noting)|remains to be seen|"
    r"in today's|landscape|crucial|significant(?:ly)?|notably|furthermore|moreover|additionally|"
    r"however|various|several|numerous|key|highlight(?:s|ed|ing)?|underscore[sd]?|amid|"
    r"stakeholders?|ensure|potential(?:ly)?|ultimately|as (?:such|a result)|navigate|delve|robust|"
    r"comprehensive|pivotal)\b",
    re.IGNORECASE,
)


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
        quote_density=100 * (_count(_QUOTE_MARK, a) / words_a - _count(_QUOTE_MARK, b) / words_b),
        filler_density=100 * (_count(_FILLER, b) / words_b - _count(_FILLER, a) / words_a),
        length_ratio=math.log(words_a / words_b),
        coverage=coverage,
        rare_term_count_ratio=math.log((1 + len(a.rare_terms)) / (1 + len(b.rare_terms))),
    )


def _containment_gap(of_a: frozenset[str], of_b: frozenset[str]) -> float:
    """Share of b's items found in a, minus the share of a's items found in b."""
    shared = len(of_a & of_b)
    return shared / max(1, len(of_b)) - shared / max(1, len(of_a))


def _count(pattern: re.Pattern[str], profile: Profile) -> int:
    return len(pattern.findall(profile.document.text))
