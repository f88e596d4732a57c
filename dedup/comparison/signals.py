"""Two Profiles -> Scores: the lexical and paraphrase-robust similarity signals."""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from dedup.comparison.support import Support, support_both_ways
from dedup.model import Scores
from dedup.profile.minhash import containment, estimate_jaccard
from dedup.profile.profile import Profile
from dedup.profile.tfidf import cosine, cosine_matrix
from dedup.settings import DEFAULT_SETTINGS, Settings
from dedup.text.rarity import idf


def sentence_similarity(a: Profile, b: Profile) -> npt.NDArray[np.float64]:
    """Return the TF-IDF cosine of every sentence of a (rows) with every sentence of b (columns)."""
    if not a.sentences or not b.sentences:
        return np.zeros((len(a.sentences), len(b.sentences)))
    # Rounded so that comparing b with a gives exactly the transpose: float noise would otherwise
    # break ties between repeated sentences differently in each direction.
    return np.round(cosine_matrix(a.sentence_vectors, b.sentence_vectors), 9)


def score_pair(
    a: Profile,
    b: Profile,
    similarity: npt.NDArray[np.float64],
    settings: Settings = DEFAULT_SETTINGS,
    support: tuple[Support, Support] | None = None,
) -> Scores:
    """Compute every similarity signal between two documents.

    `support` is `support_both_ways(a, b)` when the caller has it already.

    Sentence-level signals look only at informative sentences (see `Profile.informative`): padding,
    captions and site furniture are not evidence either way, and rewrites add plenty of padding.
    """
    # Every sentence's best match, before padding is set aside: quotations live in any sentence.
    all_a_best = similarity.max(axis=1) if similarity.size else np.zeros(len(a.sentences))
    all_b_best = similarity.max(axis=0) if similarity.size else np.zeros(len(b.sentences))
    similarity = _informative_part(similarity, a.informative, b.informative)
    shorter = max(1, min(similarity.shape)) if similarity.size else 1
    a_best = similarity.max(axis=1) if similarity.size else np.zeros(len(a.sentences))
    b_best = similarity.max(axis=0) if similarity.size else np.zeros(len(b.sentences))
    shares = (_share(a_best, settings.align_min_similarity), _share(b_best, settings.align_min_similarity))
    loose_run = _ordered_run_both_ways(similarity, settings.order_min_similarity)
    strict_run = _ordered_run_both_ways(similarity, settings.align_min_similarity)
    shared_rare = a.rare_terms & b.rare_terms
    names_numbers_a, names_numbers_b = a.facts, b.facts
    return Scores(
        minhash_jaccard=estimate_jaccard(a.signature, b.signature),
        shingle_containment=_smaller_share(a.shingles, b.shingles),
        unquoted_containment=max(
            containment(a.unquoted_shingles, b.shingles), containment(b.unquoted_shingles, a.shingles)
        ),
        tfidf_cosine=_clip(cosine(a.document_vector, b.document_vector)),
        aligned_share_max=max(shares),
        aligned_share_min=min(shares),
        mean_best_similarity=_clip(max(_mean(a_best), _mean(b_best))),
        order_preservation=loose_run[0] / loose_run[1] if loose_run[1] >= 2 else 0.0,
        ordered_coverage=strict_run[0] / shorter if strict_run[1] >= 2 else 0.0,
        ordered_coverage_loose=loose_run[0] / shorter if loose_run[1] >= 2 else 0.0,
        monotone_alignment=_clip(_monotone_score(similarity, settings.monotone_min_similarity) / shorter),
        local_alignment=1.0 - math.exp(-_local_alignment_score(similarity) / _LOCAL_ALIGNMENT_SCALE),
        # Repeated sentences can match more often than the shorter text has sentences: clip.
        position_agreement=_clip(
            max(
                _position_agreement(similarity, settings.order_min_similarity),
                _position_agreement(similarity.T, settings.order_min_similarity),
            )
            / shorter
        ),
        rare_term_overlap=_smaller_share(a.rare_terms, b.rare_terms),
        weighted_term_overlap=_clip(_weighted_overlap(a, b)),
        number_overlap=len(a.numbers & b.numbers) / (min(len(a.numbers), len(b.numbers)) + 2),
        name_overlap=_smaller_share(a.names, b.names),
        name_number_overlap=len(names_numbers_a & names_numbers_b)
        / (min(len(names_numbers_a), len(names_numbers_b)) + 1),
        rare_term_order=_first_mention_order(a, b, shared_rare)
        / max(1, min(len(a.rare_terms), len(b.rare_terms))),
        content_sequence_overlap=_sequence_overlap(a.content_sequence, b.content_sequence),
        specific_sequence_overlap=_sequence_overlap(a.specific_sequence, b.specific_sequence),
        rare_sequence_overlap=_sequence_overlap(a.rare_sequence, b.rare_sequence),
        fresh_quotation_share=min(
            _fresh_quotation_share(a, b, all_a_best, settings.align_min_similarity),
            _fresh_quotation_share(b, a, all_b_best, settings.align_min_similarity),
        ),
        **_support_signals(a, b, support or support_both_ways(a, b)),
    )


# Support fields whose Scores name differs (Scores has its own *_containment signals).
_SUPPORT_SCORE_NAMES = {"fact_containment": "fact_support", "specific_containment": "specific_support"}


def _support_signals(a: Profile, b: Profile, support: tuple[Support, Support]) -> dict[str, float]:
    """The one-way support and containment signals, each read both ways (max and min)."""
    a_in_b, b_in_a = support
    signals: dict[str, float] = {}
    for name in Support.__dataclass_fields__:
        first, second = getattr(a_in_b, name), getattr(b_in_a, name)
        key = _SUPPORT_SCORE_NAMES.get(name, name)
        signals[f"{key}_max"], signals[f"{key}_min"] = max(first, second), min(first, second)
    facts_a, facts_b = a.facts, b.facts
    facts = (_contained(facts_a, facts_b), _contained(facts_b, facts_a))
    rare = (_contained(a.rare_terms, b.rare_terms), _contained(b.rare_terms, a.rare_terms))
    signals["fact_containment_max"], signals["fact_containment_min"] = max(facts), min(facts)
    signals["number_containment_max"] = max(
        _contained(a.numbers, b.numbers), _contained(b.numbers, a.numbers)
    )
    signals["rare_containment_max"], signals["rare_containment_min"] = max(rare), min(rare)
    return signals


def _contained(items: frozenset[str], other: frozenset[str]) -> float:
    """Share of `items` found in `other`, smoothed by one so that a single shared item is not all."""
    return len(items & other) / (len(items) + 1)


# Local alignment: a matched sentence pair gains its similarity minus this; a skipped sentence costs
# the gap penalty. A run worth ~3 strong pairs maps to about 0.63.
_LOCAL_MATCH_OFFSET = 0.2
_LOCAL_GAP_PENALTY = 0.1
_LOCAL_ALIGNMENT_SCALE = 3.0
# Aligned sentences whose relative positions differ by less than this count as "in place".
_POSITION_TOLERANCE = 0.2
# A quotation of fewer content words is a scare quote or a title ('illegal'), not reported speech;
# one whose words the other text mostly has was kept or turned into indirect speech.
_QUOTATION_MIN_WORDS = 4
_QUOTATION_FOUND_SHARE = 0.6


def _informative_part(
    similarity: npt.NDArray[np.float64], a_informative: tuple[bool, ...], b_informative: tuple[bool, ...]
) -> npt.NDArray[np.float64]:
    rows = np.asarray(a_informative, dtype=bool) if any(a_informative) else np.ones(len(a_informative), bool)
    columns = (
        np.asarray(b_informative, dtype=bool) if any(b_informative) else np.ones(len(b_informative), bool)
    )
    return similarity[np.ix_(rows, columns)] if similarity.size else similarity


def _clip(value: float) -> float:
    return min(1.0, max(0.0, value))


def _mean(values: npt.NDArray[np.float64]) -> float:
    return float(values.mean()) if values.size else 0.0


def _share(best: npt.NDArray[np.float64], threshold: float) -> float:
    return float((best >= threshold).mean()) if best.size else 0.0


def _fresh_quotation_share(
    quoting: Profile, other: Profile, sentence_best: npt.NDArray[np.float64], min_similarity: float
) -> float:
    """Share of `quoting`'s content words inside quotations that `other` has no trace of.

    A rewrite keeps, edits or paraphrases its source's quotes; it cannot report speech of its own.
    Two texts that each quote someone the other does not are two pieces of reporting, however much
    background prose they share (a newsroom's follow-up story reuses its earlier paragraphs). A
    quotation has a trace when the other text has most of its words, or a sentence matching one
    that the quotation runs through (an edited quote).
    """
    fresh = sum(
        len(quotation.words)
        for quotation in quoting.quotations
        if len(quotation.words) >= _QUOTATION_MIN_WORDS
        and sum(word in other.content_terms for word in quotation.words)
        < _QUOTATION_FOUND_SHARE * len(quotation.words)
        and all(sentence_best[index] < min_similarity for index in quotation.sentences)
    )
    return fresh / max(1, len(quoting.content_sequence))


def _smaller_share(first: frozenset[object], second: frozenset[object]) -> float:
    smaller = min(len(first), len(second))
    return len(first & second) / smaller if smaller else 0.0


def _weighted_overlap(a: Profile, b: Profile) -> float:
    lighter = min(a.content_weight, b.content_weight)
    return sum(idf(term) for term in a.content_terms & b.content_terms) / lighter if lighter > 0 else 0.0


def _longest_increasing(sequence: Sequence[int]) -> int:
    """Length of the longest strictly increasing subsequence (patience sorting)."""
    tails: list[int] = []
    for value in sequence:
        position = bisect.bisect_left(tails, value)
        if position == len(tails):
            tails.append(value)
        else:
            tails[position] = value
    return len(tails)


def _ordered_run_both_ways(similarity: npt.NDArray[np.float64], threshold: float) -> tuple[int, int]:
    """The better of matching b's sentences into a and a's into b, so that scores stay symmetric."""
    return max(_ordered_run(similarity, threshold), _ordered_run(similarity.T, threshold))


def _ordered_run(similarity: npt.NDArray[np.float64], threshold: float) -> tuple[int, int]:
    """(order-keeping matches, all matches) of b's sentences to their best sentence of a."""
    if not similarity.size:
        return 0, 0
    best_in_a = similarity.argmax(axis=0)
    matched = [
        int(best_in_a[j]) for j in range(similarity.shape[1]) if similarity[best_in_a[j], j] >= threshold
    ]
    return _longest_increasing(matched), len(matched)


def _monotone_score(similarity: npt.NDArray[np.float64], floor: float) -> float:
    """Best total similarity of a one-to-one, order-keeping sentence alignment (DP, row by row).

    D[i, j] = max(D[i-1, j], D[i, j-1], D[i-1, j-1] + s[i, j]); the D[i, j-1] term is a running
    maximum along the row, so each row is one vectorised step.
    """
    if not similarity.size:
        return 0.0
    gains = np.where(similarity >= floor, similarity, 0.0)
    previous = np.zeros(similarity.shape[1] + 1)
    # A row without gains leaves D as it is (D's rows are non-decreasing): only the others need a step.
    for row in gains[gains.any(axis=1)]:
        current = np.empty_like(previous)
        current[0] = 0.0
        current[1:] = np.maximum(previous[1:], previous[:-1] + row)
        previous = np.maximum.accumulate(current)
    return float(previous[-1])


def _first_mention_order(a: Profile, b: Profile, shared: frozenset[str]) -> int:
    """How many shared rare terms are first mentioned in the same relative order in both texts."""
    if len(shared) < 2:
        return len(shared)
    rank_in_a = _first_mentions(a, shared)
    order_in_b = _first_mentions(b, shared)
    sequence = [rank_in_a[term] for term in sorted(order_in_b, key=order_in_b.__getitem__)]
    return _longest_increasing(sequence)


def _first_mentions(profile: Profile, terms: frozenset[str]) -> dict[str, int]:
    """Rank of each term by where the text first mentions it (terms it lacks are left out)."""
    positions = profile.first_mention
    ordered = sorted((term for term in terms if term in positions), key=positions.__getitem__)
    return {term: rank for rank, term in enumerate(ordered)}


def _local_alignment_score(similarity: npt.NDArray[np.float64]) -> float:
    """Best Smith-Waterman score over the sentence similarity matrix (Smith & Waterman 1981).

    H[i, j] = max(0, H[i-1, j-1] + s[i, j] - offset, H[i-1, j] - gap, H[i, j-1] - gap). The
    H[i, j-1] term is a running maximum of H[i, k] - gap * (j - k), vectorised per row.
    """
    if not similarity.size:
        return 0.0
    gap_ramp = _LOCAL_GAP_PENALTY * np.arange(similarity.shape[1], dtype=np.float64)
    previous = np.zeros(similarity.shape[1])
    best = 0.0
    # While H is all zeros, a row with no similarity above the offset leaves it all zeros: skip to
    # the first row that can start a run. Unrelated documents then cost a single step or none.
    can_start = np.flatnonzero(similarity.max(axis=1) > _LOCAL_MATCH_OFFSET)
    if not len(can_start):
        return 0.0
    for row in similarity[can_start[0] :]:
        diagonal = np.concatenate(([0.0], previous[:-1])) + row - _LOCAL_MATCH_OFFSET
        candidate = np.maximum(0.0, np.maximum(diagonal, previous - _LOCAL_GAP_PENALTY))
        current = np.maximum.accumulate(candidate + gap_ramp) - gap_ramp
        best = max(best, float(current.max()))
        previous = current
    return best


def _position_agreement(similarity: npt.NDArray[np.float64], threshold: float) -> float:
    """Count b's sentences whose best match in a sits at about the same relative position."""
    if not similarity.size:
        return 0.0
    rows, columns = similarity.shape
    best_in_a = similarity.argmax(axis=0)
    best = similarity.max(axis=0)
    matched = best >= threshold
    if not matched.any():
        return 0.0
    position_a = best_in_a[matched] / max(1, rows - 1)
    position_b = np.arange(columns)[matched] / max(1, columns - 1)
    return float(np.count_nonzero(np.abs(position_a - position_b) < _POSITION_TOLERANCE))


def _sequence_overlap(first: tuple[str, ...], second: tuple[str, ...]) -> float:
    """Longest common subsequence of two word sequences, as a share of the shorter one."""
    shorter = min(len(first), len(second))
    return _lcs_length(first, second) / shorter if shorter else 0.0


def _lcs_length(first: Sequence[str], second: Sequence[str]) -> int:
    """Length of the longest common subsequence, bit-parallel (Hyyroe 2004, after Allison-Dix 1986).

    Python integers serve as bit vectors over `first`, so the cost is one big-int step for each
    word of `second` that occurs in `first` (any other word leaves the vector as it is).
    """
    if not first or not second:
        return 0
    # Words the other sequence lacks are in no common subsequence: dropping them shortens the bit
    # vectors without changing the length found.
    in_second = set(second)
    first = [word for word in first if word in in_second]
    match_masks: dict[str, int] = {}
    for position, word in enumerate(first):
        match_masks[word] = match_masks.get(word, 0) | (1 << position)
    full = (1 << len(first)) - 1
    vector = full
    for word in second:
        mask = match_masks.get(word)
        if mask is None:
            continue
        matches = vector & mask
        vector = ((vector + matches) | (vector - matches)) & full
    return len(first) - vector.bit_count()
