"""compare(a, b): run the pure stages in order and return a Comparison; no I/O."""

from __future__ import annotations

from dedup.comparison.align import align_sentences
from dedup.comparison.direction import direction_signals
from dedup.comparison.reasons import explain
from dedup.comparison.signals import score_pair, sentence_similarity
from dedup.comparison.support import support_both_ways
from dedup.comparison.verdict import decide
from dedup.facts.diff import diff_facts
from dedup.model import Comparison, Document
from dedup.profile.profile import Profile, profile_document
from dedup.settings import DEFAULT_SETTINGS, Settings


def compare(
    a: Document | Profile, b: Document | Profile, settings: Settings = DEFAULT_SETTINGS
) -> Comparison:
    """Decide whether one document derives from the other, which is the original, and how.

    Pass Profiles (from `profile_document`) to reuse per-document work across many comparisons.
    """
    first = a if isinstance(a, Profile) else profile_document(a, settings)
    second = b if isinstance(b, Profile) else profile_document(b, settings)
    similarity = sentence_similarity(first, second)
    support = support_both_ways(first, second)
    scores = score_pair(first, second, similarity, settings, support)
    direction = direction_signals(first, second, similarity, settings)
    alignment = align_sentences(similarity, first.sentences, second.sentences, settings.align_min_similarity)
    # Padding and site furniture are not "other material": kind is judged on informative sentences.
    aligned_shares = alignment.aligned_shares(
        settings.align_min_similarity, first.informative, second.informative
    )
    matched = alignment.aligned_shares(
        settings.partial_unrelated_similarity, first.informative, second.informative
    )
    unrelated_shares = (1.0 - matched[0], 1.0 - matched[1])
    verdict = decide(
        first.document, second.document, scores, direction, aligned_shares, settings, unrelated_shares
    )
    fact_diff = None
    if verdict.is_derived:
        # When the original cannot be told (a copy), the changes read from a to b.
        original, derivative = (second, first) if verdict.original == "b" else (first, second)
        fact_diff = diff_facts(original, derivative, settings.diff)
    # Support is named as evidence only where it explains a derivation.
    reasons = explain(first, second, scores, support if verdict.is_derived else None, verdict)
    return Comparison(
        a=first.document,
        b=second.document,
        scores=scores,
        direction=direction,
        alignment=alignment.pairs,
        verdict=verdict,
        fact_diff=fact_diff,
        reasons=reasons,
    )
