"""Signals -> Verdict: derived or not, which document is the original, and what kind of reuse."""

from __future__ import annotations

import math
from dataclasses import asdict

from dedup import weights
from dedup.model import DerivationKind, DirectionSignals, Document, Scores, Side, Verdict
from dedup.settings import DEFAULT_SETTINGS, Settings


def derived_probability(scores: Scores) -> float:
    """Return the fitted probability that one document derives from the other."""
    values = asdict(scores)
    logit = weights.DERIVED_INTERCEPT + sum(w * values[name] for name, w in weights.DERIVED_WEIGHTS.items())
    return _sigmoid(logit)


def a_is_original_probability(direction: DirectionSignals) -> float:
    """Return the fitted probability that a, not b, is the original."""
    values = asdict(direction)
    return _sigmoid(sum(w * values[name] for name, w in weights.DIRECTION_WEIGHTS.items()))


def decide(
    a: Document,
    b: Document,
    scores: Scores,
    direction: DirectionSignals,
    aligned_shares: tuple[float, float],
    settings: Settings = DEFAULT_SETTINGS,
) -> Verdict:
    """Decide derivation, direction and kind.

    Args:
        a: The first document.
        b: The second document.
        scores: Symmetric similarity signals.
        direction: Signals that a is the original.
        aligned_shares: Share of a's and of b's sentences aligned in the other document.
        settings: Thresholds.
    """
    probability = derived_probability(scores)
    if scores.minhash_jaccard >= settings.copy_min_jaccard:
        probability = max(probability, scores.minhash_jaccard)
    if probability < weights.DERIVED_MIN_PROBABILITY:
        return Verdict(is_derived=False, confidence=round(1 - probability, 4), original=None, kind=None)
    original, by_time = _original(a, b, direction)
    derivative_share = aligned_shares[1] if original == "a" else aligned_shares[0]
    return Verdict(
        is_derived=True,
        confidence=round(probability, 4),
        original=original,
        kind=_kind(scores, derivative_share, settings),
        direction_by_time=by_time,
    )


def _original(a: Document, b: Document, direction: DirectionSignals) -> tuple[Side, bool]:
    if a.published is not None and b.published is not None and a.published != b.published:
        return ("a" if a.published < b.published else "b"), True
    return ("a" if a_is_original_probability(direction) >= 0.5 else "b"), False


def _kind(scores: Scores, derivative_share: float, settings: Settings) -> DerivationKind:
    if scores.minhash_jaccard >= settings.copy_min_jaccard:
        return DerivationKind.COPY
    if scores.shingle_containment >= settings.light_edit_min_containment:
        return DerivationKind.LIGHT_EDIT
    if derivative_share < settings.partial_max_derivative_coverage:
        return DerivationKind.PARTIAL
    return DerivationKind.REWRITE


def _sigmoid(logit: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, logit))))
