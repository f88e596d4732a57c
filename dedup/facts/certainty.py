"""Fact diff rules on certainty: hedges added or dropped, boosters added, attributions dropped."""

from __future__ import annotations

import re

from dedup.facts import claim_markers, claim_strength, fact_words, lexicons
from dedup.facts.alignment import Coverage, Unit, project
from dedup.facts.rules import Side, extend_marker, gist, make_change, pairs, with_auxiliary
from dedup.model import ChangeKind, Fact, FactChange, FactKind, Span
from dedup.settings import DiffSettings
from dedup.text.stems import stem

_QUOTE_MARKS = ('"', "\u201c", "\u201d")
# Any verb or phrase that reports speech or thought keeps a claim attributed, not only the lexicon's.
_REPORTED = re.compile(
    r"\b(?:said|says|told|added|according|claim\w*|argu\w*|insist\w*|believ\w*|think\w*|thought|"
    r"explain\w*|warn\w*|suggest\w*|report\w*|announc\w*|disclos\w*|reveal\w*|stat\w*|describ\w*|"
    r"accept\w*|admit\w*|acknowledg\w*|dispute\w*|call\w*|urg\w*|view\w*|sees|saw|expect\w*|"
    r"saying|telling|recommend\w*|advis\w*|advice|reckon\w*|point\w* (?:to|out)|singl\w* out|eyes)\b",
    re.IGNORECASE,
)
_WORDS = re.compile(r"[A-Za-z]+")
_CLAIM_MIN_WORDS = 3
# Epistemic modals (Quirk et al. 1985, section 4.53): a claim still carrying one is still hedged.
_MODALS = frozenset({"may", "might", "could", "would"})
_CLAIM_MIN_CARRIED = 0.5
# The words either side of a hedge that say what it qualifies, and the share of their weight a
# counterpart must keep (set on rewrites + rewrites-wide: 0.4 to 0.6 and 2 to 4 words all gave
# hardened F1 0.55-0.56 with the other rules as they were; 0.4 and 3 the highest recall).
_CONTEXT_WORDS = 3
_CONTEXT_MIN_SHARE = 0.4


def certainty(before: Side, after: Side, coverage: Coverage, settings: DiffSettings) -> list[FactChange]:
    """Hedges added or dropped, boosters added, and attributions dropped, in pairs of one claim."""
    changes = []
    for i, j in pairs(before, after, coverage, settings):
        found = _certainty_changes(before, after, before.units[i], after.units[j])
        if found and not _learned_agrees(before, after, before.units[i], after.units[j], settings):
            # A booster the derivative gained is evidence of its own; a hedge that is only gone is not.
            found = [
                change
                for change in found
                if change.kind != ChangeKind.HARDENED
                or (
                    change.derivative is not None
                    and _has_marker(after, j, change.derivative, FactKind.BOOSTER)
                )
            ]
            if not found:
                continue
        if found:
            changes.extend(found)
            continue
        other = _superlative_lost(before, after, before.units[i], after.units[j])
        if other is None and settings.use_learned_certainty:
            other = _learned_change(before, after, before.units[i], after.units[j])
        if other is not None:
            changes.append(other)
    for j, (i, share) in enumerate(coverage.derivative_best):
        if i >= 0 and share >= settings.carved_min_share:
            change = _unattributed(before, after, before.units[i], after.units[j])
            if change is not None:
                changes.append(change)
    return changes


def _certainty_changes(before: Side, after: Side, source: Unit, target: Unit) -> list[FactChange]:
    """At most one softening and one hardening per sentence pair, each located by its marker."""
    old_hedges = _by_stem(before, source.index, FactKind.HEDGE)
    new_hedges = _by_stem(after, target.index, FactKind.HEDGE)
    old_boosters = _by_stem(before, source.index, FactKind.BOOSTER)
    new_boosters = _by_stem(after, target.index, FactKind.BOOSTER)
    source_terms = set(source.weights)
    gained_boosters = [f for key, f in new_boosters.items() if key not in old_boosters]
    changes = []
    for key, hedge in new_hedges.items():
        if key in old_hedges or key in source_terms or hedge.value in lexicons.WEAK_HEDGES:
            continue
        if not _qualified_kept(target, source, hedge):
            continue
        marker = extend_marker(after.text, hedge.span, target.span)
        original = project(target, source, marker, before.text)
        # "not clear" -> "unclear" is the same hedge said in one word, not a new one.
        blockers = (FactKind.HEDGE, FactKind.NEGATION) if hedge.value.startswith("un") else (FactKind.HEDGE,)
        if not _has_marker(before, source.index, original, *blockers):
            changes.append(_hedge_added(original, marker, source, before, after))
            break
    is_evidential = any(f.value in lexicons.EVIDENTIAL_HEDGES for f in new_hedges.values())
    for key, hedge in old_hedges.items():
        if key in new_hedges or key in target.weights:
            continue
        if hedge.value in lexicons.EVIDENTIAL_HEDGES and is_evidential:
            continue  # "is thought to" -> "reports suggest": still hearsay, said another way
        if not (
            gained_boosters or _qualified_kept(source, target, hedge) or _claim_kept(source, target, hedge)
        ):
            continue
        if not gained_boosters and any(f.value in _MODALS for f in new_hedges.values()):
            continue  # "could rise" -> "rises might follow": hedged in other words, still hedged
        original = extend_marker(before.text, with_auxiliary(before.text, hedge.span), source.span)
        if gained_boosters:
            derivative = extend_marker(after.text, gained_boosters[0].span, target.span)
        else:
            derivative = project(source, target, original, after.text)
        if not _has_marker(after, target.index, derivative, FactKind.HEDGE):
            changes.append(
                make_change(
                    ChangeKind.HARDENED,
                    "the claim is said more certainly",
                    original,
                    derivative,
                    before,
                    after,
                )
            )
            return changes
    adverbs = [f for f in gained_boosters if f.value in lexicons.BOOSTER_ADVERBS]
    if adverbs and not changes:
        derivative = extend_marker(after.text, adverbs[0].span, target.span)
        original = project(target, source, derivative, before.text)
        changes.append(
            make_change(
                ChangeKind.HARDENED, "the claim is said more certainly", original, derivative, before, after
            )
        )
    return changes


# Marker classes that lower certainty when gained (softening) or raise it when lost (hardening).
_LOWERING = frozenset(
    {claim_markers.HEDGE, claim_markers.MODAL, claim_markers.ATTRIBUTION, claim_markers.VAGUE_FIGURE}
)


def _learned_change(before: Side, after: Side, source: Unit, target: Unit) -> FactChange | None:
    """A claim the learned scorer finds said less or more certainly, on the markers that differ.

    The scorer (dedup.facts.claim_strength) and its thresholds on the score difference were fitted on
    science sentences and the InSciOut training pairs, none of them news: every news writer is unseen.
    A change is reported only where a marker differs, so the span is on the words that carry it.
    """
    old_text, new_text = source.span.slice(before.text), target.span.slice(after.text)
    direction = claim_strength.change_direction(old_text, new_text)
    if direction == 0:
        return None
    if direction < 0:  # softened: the derivative gained a lowering marker
        derivative = _new_lowering_marker(after, target, source.span.slice(before.text))
        if derivative is None:
            return None
        original = project(target, source, derivative, before.text)
        return make_change(
            ChangeKind.SOFTENED, "the claim is said less certainly", original, derivative, before, after
        )
    lost = _new_lowering_marker(before, source, target.span.slice(after.text))  # hardened: one lost
    if lost is None:
        return None
    return make_change(
        ChangeKind.HARDENED,
        "the claim is said more certainly",
        lost,
        project(source, target, lost, after.text),
        before,
        after,
    )


def _new_lowering_marker(side: Side, unit: Unit, other_text: str) -> Span | None:
    """The first lowering marker of `unit` whose words the other version's sentence lacks, extended."""
    text = unit.span.slice(side.text)
    other_words = {
        other_text[start:end].lower() for start, end, _ in claim_strength.certainty_markers(other_text)
    }
    for start, end, marker_class in claim_strength.certainty_markers(text):
        if marker_class in _LOWERING and text[start:end].lower() not in other_words:
            span = Span(unit.span.start + start, unit.span.start + end)
            return extend_marker(side.text, span, unit.span)
    return None


def _superlative_lost(before: Side, after: Side, source: Unit, target: Unit) -> FactChange | None:
    """A superlative said as a plain claim: "one of the biggest exports" -> "an important export"."""
    old = _superlatives(before.text, source.span)
    if (
        not old
        or _superlatives(after.text, target.span)
        or _SUPERLATIVE_SENSE.search(target.span.slice(after.text))
    ):
        return None
    marker = extend_marker(before.text, old[0], source.span)
    if not _qualified_kept(source, target, Fact(FactKind.VAGUE, old[0], "", source.index)):
        return None
    derivative = project(source, target, marker, after.text)
    return make_change(ChangeKind.SOFTENED, "a superlative was dropped", marker, derivative, before, after)


# Superlatives said without a superlative adjective: "the top film", "than any film", "a record".
_SUPERLATIVE_SENSE = re.compile(r"\b(?:top|record|than any|ever|unrivalled|unmatched)\b", re.IGNORECASE)


def _superlatives(text: str, span: Span) -> list[Span]:
    found = []
    for match in _WORDS.finditer(text, span.start, span.end):
        word = match.group().lower()
        if word in fact_words.SUPERLATIVES:
            found.append(Span(match.start(), match.end()))
        elif word == "number" and text[match.end() : match.end() + 4].lower() == " one":
            found.append(Span(match.start(), match.end() + 4))
    return found


def _has_marker(side: Side, index: int, span: Span, *kinds: FactKind) -> bool:
    return any(span.start <= f.span.start < span.end for f in side.of_kind(index, *kinds))


def _by_stem(side: Side, index: int, kind: FactKind) -> dict[str, Fact]:
    """Markers of one kind in a sentence, keyed so that "supposedly" and "supposed" are one marker."""
    return {" ".join(stem(word) for word in fact.value.split()): fact for fact in side.of_kind(index, kind)}


def _qualified_kept(source: Unit, target: Unit, hedge: Fact) -> bool:
    """Tell whether the words a hedge qualifies are still in the other version's sentence."""
    following = [term for term, span in source.anchors if span.start >= hedge.span.end][:2]
    if not following:
        following = [term for term, span in source.anchors if span.end <= hedge.span.start][-1:]
    return any(term in target.weights for term in following)


def _claim_kept(source: Unit, target: Unit, hedge: Fact) -> bool:
    """Tell whether half the weight of the words around a hedge is in the other version's sentence.

    A paraphrase may reword the verb a hedge qualifies ("appear to be preparing to sell" -> "are
    now selling") and keep its subject and objects: the claim is still there, said without the hedge.
    """
    before = [term for term, span in source.anchors if span.end <= hedge.span.start][-_CONTEXT_WORDS:]
    after = [term for term, span in source.anchors if span.start >= hedge.span.end][:_CONTEXT_WORDS]
    terms = set(before + after)
    weight = sum(source.weights[term] for term in terms)
    found = sum(source.weights[term] for term in terms if term in target.weights)
    return weight > 0 and found >= _CONTEXT_MIN_SHARE * weight


def _learned_agrees(before: Side, after: Side, source: Unit, target: Unit, settings: DiffSettings) -> bool:
    """Tell whether the learned certainty score rises enough from a sentence to its counterpart.

    A word-list hardening (a hedge gone) is kept only when the scorer, which weighs every hedge,
    modal and attribution of both sentences, finds the counterpart more certain: a hedge dropped in
    a paraphrase that hedges in other words ("tend to" -> "typically") is not a hardening.
    """
    old_text, new_text = source.span.slice(before.text), target.span.slice(after.text)
    rise = claim_strength.certainty_score(new_text) - claim_strength.certainty_score(old_text)
    return rise >= settings.harden_min_score_rise


def _unattributed(before: Side, after: Side, source: Unit, target: Unit) -> FactChange | None:
    """A quoted claim or a stated belief of the original, given by the derivative as plain fact."""
    if not target.is_claim or after.of_kind(target.index, FactKind.ATTRIBUTION, FactKind.QUOTE):
        return None
    target_text = after.text[target.span.start : target.span.end]
    if any(mark in target_text for mark in _QUOTE_MARKS) or _REPORTED.search(target_text):
        return None
    quotes = [q for q in before.of_kind(source.index, FactKind.QUOTE) if _carried(source, target, q.span)]
    beliefs = [
        a
        for a in before.of_kind(source.index, FactKind.ATTRIBUTION)
        if a.detail in lexicons.BELIEF_VERBS and _carried(source, target, Span(a.span.end, source.span.end))
    ]
    if not quotes and not beliefs:
        return None
    return make_change(
        ChangeKind.HARDENED,
        "an attributed claim is given as plain fact",
        source.span,
        target.span,
        before,
        after,
    )


def _carried(source: Unit, target: Unit, span: Span) -> bool:
    """Tell whether most of the weight of a part of the source sentence is in the target sentence."""
    terms = {term for term, anchor in source.anchors if span.start <= anchor.start < span.end}
    weight = sum(source.weights[term] for term in terms)
    found = sum(source.weights[term] for term in terms if term in target.weights)
    return len(terms) >= _CLAIM_MIN_WORDS and found >= _CLAIM_MIN_CARRIED * weight


def _hedge_added(original: Span, marker: Span, source: Unit, before: Side, after: Side) -> FactChange:
    """A hedge the original lacks: the fact line quotes the claim it now qualifies."""
    fact = (
        f'The claim is said less certainly: the derivative adds "{gist(after.text, marker)}" to '
        f'what the original states outright: "{gist(before.text, source.span)}".'
    )
    return FactChange(ChangeKind.SOFTENED, fact, original, marker)
