"""Why a verdict was reached, in words: the strongest pieces of evidence a moderator can check."""

from __future__ import annotations

from dedup.comparison.support import Support, novel_specifics
from dedup.model import Scores, Side, Verdict
from dedup.profile.profile import Profile

# At most this many reasons are given: the strongest first.
MAX_REASONS = 4
# Evidence weaker than these is not worth a line.
_MIN_SHARED_FACTS = 2
_MIN_SHINGLE_SHARE = 0.05
_MIN_RESTATED_SENTENCES = 2


def explain(
    a: Profile, b: Profile, scores: Scores, support: tuple[Support, Support] | None, verdict: Verdict
) -> tuple[str, ...]:
    """Return up to MAX_REASONS sentences naming the evidence for (or against) derivation.

    Each reason is a count a reader can check in the two texts, strongest first. When the original
    is known, the reasons speak of the derivative ("b restates 11 of a's 13 sentences").
    `support` (sentence by sentence, the costly part) is only needed for a derived pair.
    """
    original: Side = verdict.original or "a"
    first, second = (a, b) if original == "a" else (b, a)
    first_name, second_name = original, "b" if original == "a" else "a"
    # How the second text is supported by the first (support_both_ways is a in b, then b in a).
    second_support = None if support is None else support[1] if original == "a" else support[0]
    weighed: list[tuple[float, str]] = []
    if scores.minhash_jaccard >= 0.9:
        weighed.append((3.0, f"the texts share {scores.minhash_jaccard:.0%} of their 5-word phrases"))
    elif scores.shingle_containment >= _MIN_SHINGLE_SHARE:
        weighed.append(
            (
                1.0 + scores.shingle_containment,
                f"{scores.shingle_containment:.0%} of the shorter text's 5-word phrases appear in the other",
            )
        )
    shared_facts, in_order = _shared_facts(first, second)
    if shared_facts >= _MIN_SHARED_FACTS:
        order = f", {in_order} of them in the same order" if in_order >= _MIN_SHARED_FACTS else ""
        weighed.append(
            (
                0.5 + scores.name_number_overlap,
                f"{shared_facts} specific facts (names and numbers) shared{order}",
            )
        )
    restated = 0 if second_support is None else round(second_support.sentence_support * _informative(second))
    if second_support is not None and restated >= _MIN_RESTATED_SENTENCES:
        weighed.append(
            (
                0.5 + second_support.sentence_support,
                f"{second_name} restates the specifics of {restated} of its {_informative(second)} "
                f"informative sentences from {first_name}",
            )
        )
    quoted = _quoted_words(second)
    if quoted and verdict.is_derived:
        found = sum(word in first.content_terms for word in quoted) / len(quoted)
        if found >= 0.9:
            weighed.append((0.8, f"{second_name}'s quotations all appear in {first_name}"))
    novel = novel_specifics(second, first)
    if novel >= 0.5 and not verdict.is_derived:
        weighed.append((0.7 + novel, f"{novel:.0%} of {second_name}'s specifics are not in {first_name}"))
    if scores.fresh_quotation_share > 0:
        weighed.append((1.5, "each text quotes speech the other lacks: two pieces of reporting"))
    if not weighed:
        weighed.append((0.0, "the texts share no specific facts, quotations or phrases"))
    weighed.sort(key=lambda item: -item[0])
    return tuple(reason for _, reason in weighed[:MAX_REASONS])


def _shared_facts(first: Profile, second: Profile) -> tuple[int, int]:
    """Names and numbers both texts state, and how many keep their first-mention order."""
    shared = first.facts & second.facts
    order_in_first = _first_mentions(first, shared)
    sequence = [order_in_first[term] for term in _mention_order(second, shared)]
    return len(shared), _longest_increasing(sequence)


def _mention_order(profile: Profile, terms: frozenset[str]) -> list[str]:
    positions = profile.first_mention
    return sorted((term for term in terms if term in positions), key=positions.__getitem__)


def _first_mentions(profile: Profile, terms: frozenset[str]) -> dict[str, int]:
    return {term: index for index, term in enumerate(_mention_order(profile, terms))}


def _longest_increasing(sequence: list[int]) -> int:
    tails: list[int] = []
    for value in sequence:
        low, high = 0, len(tails)
        while low < high:
            middle = (low + high) // 2
            if tails[middle] < value:
                low = middle + 1
            else:
                high = middle
        if low == len(tails):
            tails.append(value)
        else:
            tails[low] = value
    return len(tails)


def _informative(profile: Profile) -> int:
    return sum(profile.informative) or len(profile.informative)


def _quoted_words(profile: Profile) -> list[str]:
    return [word for quotation in profile.quotations for word in quotation.words]
