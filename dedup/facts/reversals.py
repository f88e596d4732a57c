"""Fact diff rules on reversals: quantity words rescaled, speaker swapped, negation or direction flipped."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Set
from dataclasses import dataclass

from dedup.facts import fact_words
from dedup.facts.alignment import Coverage, Unit, project, share_of
from dedup.facts.rules import Side, distance, extend_marker, following_stem, make_change, pairs
from dedup.model import ChangeKind, Fact, FactChange, FactKind, Span, Token
from dedup.settings import DiffSettings

_QUANTIFIER_MIN_STEPS = 2  # "some" -> "many" is a change; "many" -> "several" is style


@dataclass(frozen=True, slots=True)
class _Words:
    """One version's words, read once per diff: every normalised word, token starts, lowered text."""

    side: Side
    norms: frozenset[str]
    starts: tuple[int, ...]
    lowered: str

    @classmethod
    def of(cls, side: Side) -> _Words:
        """Read a version's words."""
        tokens = side.facts.tokens
        starts = tuple(token.span.start for token in tokens)
        return cls(side, frozenset(token.norm for token in tokens), starts, side.text.lower())

    def tokens_in(self, span: Span) -> tuple[Token, ...]:
        """The tokens starting inside `span`, found by bisecting the token starts (they ascend)."""
        first = bisect_left(self.starts, span.start)
        last = bisect_left(self.starts, span.end, first)
        return self.side.facts.tokens[first:last]


def reversals(before: Side, after: Side, coverage: Coverage, settings: DiffSettings) -> list[FactChange]:
    """Quantity words moved up or down their scale, negation flipped, direction or speaker swapped."""
    changes = []
    old_words, new_words = _Words.of(before), _Words.of(after)
    for i, j in pairs(before, after, coverage, settings):
        source, target = before.units[i], after.units[j]
        change = (
            _quantifier_change(before, after, i, j)
            or _speaker_change(before, new_words, i, j)
            or _name_change(old_words, new_words, source, target)
        )
        if change is None and _is_close_pair(before, after, coverage, i, j, settings):
            change = _polarity_change(before, after, source, target)
        if change is not None:
            changes.append(change)
    return changes


def _is_close_pair(
    before: Side, after: Side, coverage: Coverage, i: int, j: int, settings: DiffSettings
) -> bool:
    """Near-identical sentences: a flipped negation or direction there is a change, not a paraphrase."""
    weight = coverage.shared[i, j]
    return (
        min(share_of(before.units, i, weight), share_of(after.units, j, weight))
        >= settings.close_pair_min_share
    )


def _quantifier_change(before: Side, after: Side, i: int, j: int) -> FactChange | None:
    old = {
        following_stem(before.text, f.span.end, before.units[i].span.end): f
        for f in before.of_kind(i, FactKind.VAGUE)
    }
    for fact in after.of_kind(j, FactKind.VAGUE):
        noun = following_stem(after.text, fact.span.end, after.units[j].span.end)
        match = old.get(noun)
        if not noun or match is None:
            continue
        old_rank = fact_words.QUANTIFIER_SCALE.get(match.value)
        new_rank = fact_words.QUANTIFIER_SCALE.get(fact.value)
        if old_rank is None or new_rank is None or abs(old_rank - new_rank) < _QUANTIFIER_MIN_STEPS:
            continue
        kind = ChangeKind.HARDENED if new_rank > old_rank else ChangeKind.SOFTENED
        original = extend_marker(before.text, match.span, before.units[i].span)
        derivative = extend_marker(after.text, fact.span, after.units[j].span)
        return make_change(kind, "a quantity word was changed", original, derivative, before, after)
    return None


def _speaker_change(before: Side, words: _Words, i: int, j: int) -> FactChange | None:
    after = words.side
    old = [f for f in before.of_kind(i, FactKind.ATTRIBUTION, FactKind.QUOTE) if _is_named(_speaker(f))]
    new = [f for f in after.of_kind(j, FactKind.ATTRIBUTION, FactKind.QUOTE) if _is_named(_speaker(f))]
    if not old or not new:
        return None
    # In order of mention (dicts, not sets), so the pair reported never depends on the hash seed.
    old_names = [name for name in dict.fromkeys(_speaker(f) for f in old) if name]
    new_names = [name for name in dict.fromkeys(_speaker(f) for f in new) if name]
    source_text = before.text[before.units[i].span.start : before.units[i].span.end].lower()
    derivative_text = words.lowered
    # A speaker is swapped when the derivative never names them again, not merely in this sentence.
    lost = [name for name in old_names if name.split()[-1] not in derivative_text]
    gained = [name for name in new_names if name.split()[-1] not in source_text]
    if not lost or not gained or _initials(lost[0]) == _initials(gained[0]):
        return None  # "Liberal Democrats" and "Lib Dems" are one speaker
    original = _entity_span(before, i, lost[0])
    derivative = _entity_span(after, j, gained[0])
    if original is None or derivative is None:
        return None
    return make_change(
        ChangeKind.ALTERED, "the claim is put down to another speaker", original, derivative, before, after
    )


def _name_change(old_words: _Words, new_words: _Words, source: Unit, target: Unit) -> FactChange | None:
    """A name, place or party swapped for another in one claim ("Lucerne" -> "Montreux").

    The old name's distinctive word is nowhere in the derivative, the new one's is not in the original
    sentence, and the new name stands where the old one stood (between the same shared words).
    """
    before, after = old_words.side, new_words.side
    source_words = {token.norm for token in old_words.tokens_in(source.span)}
    gained = []
    for fact in after.of_kind(target.index, FactKind.ENTITY):
        new = _distinct_words(new_words, fact.span, source_words)
        if new is not None and not any(
            _variant(token.norm, old_words.norms) for token in new_words.tokens_in(new)
        ):
            gained.append((fact, new))
    if not gained:
        return None
    for fact in before.of_kind(source.index, FactKind.ENTITY):
        old = _distinct_words(old_words, fact.span, new_words.norms)
        if old is None:
            continue
        region = project(source, target, fact.span, after.text)
        for other, new in gained:
            if region != target.span and distance(other.span, region) == 0:
                return make_change(
                    ChangeKind.ALTERED, "a name was swapped for another", old, new, before, after
                )
    return None


def _distinct_words(words: _Words, span: Span, other_words: Set[str]) -> Span | None:
    """The run of a name's capitalised words missing from `other_words`, or None when all are there."""
    missing = [
        token
        for token in words.tokens_in(span)
        if token.norm not in other_words
        and words.side.text[token.span.start].isupper()
        and token.norm not in fact_words.ORGANISATION_WORDS
    ]
    return Span(missing[0].span.start, missing[-1].span.end) if missing else None


def _variant(word: str, words: Set[str]) -> bool:
    """Tell "Lib" from "Liberal" or "Dems" from "Democrats": one name's words shortened."""
    return word in words or any(
        len(other) >= 3 and len(word) >= 3 and (word.startswith(other) or other.startswith(word))
        for other in words
    )


def _initials(name: str) -> str:
    return "".join(word[0] for word in name.split())


def _speaker(fact: Fact) -> str:
    return fact.detail if fact.kind == FactKind.QUOTE else fact.value


def _is_named(source: str) -> bool:
    return bool(source) and source.split()[-1] not in {"he", "she", "they", "we", "it", "i"}


def _entity_span(side: Side, index: int, name: str) -> Span | None:
    last = name.split()[-1]
    for fact in side.of_kind(index, FactKind.ENTITY):
        if fact.value.split()[-1] == last:
            return fact.span
    return None


def _polarity_change(before: Side, after: Side, source: Unit, target: Unit) -> FactChange | None:
    """A negation added or removed, or a rise turned into a fall, in two versions of one sentence."""
    old_negations = [
        f for f in before.of_kind(source.index, FactKind.NEGATION) if _is_plain_negation(before, f)
    ]
    new_negations = [
        f for f in after.of_kind(target.index, FactKind.NEGATION) if _is_plain_negation(after, f)
    ]
    if bool(old_negations) != bool(new_negations):
        negation = (old_negations or new_negations)[0]
        negated, other = (source, target) if old_negations else (target, source)
        if not _negated_word_kept(negated, other, negation):
            return None
        if old_negations:
            original = extend_marker(before.text, old_negations[0].span, source.span)
            derivative = project(source, target, original, after.text)
        else:
            derivative = extend_marker(after.text, new_negations[0].span, target.span)
            original = project(target, source, derivative, before.text)
        return make_change(
            ChangeKind.ALTERED, "the claim's negation was flipped", original, derivative, before, after
        )
    old_directions = {f.value: f for f in before.of_kind(source.index, FactKind.DIRECTION)}
    new_directions = {f.value: f for f in after.of_kind(target.index, FactKind.DIRECTION)}
    if (
        len(old_directions) == 1
        and len(new_directions) == 1
        and old_directions.keys() != new_directions.keys()
    ):
        original = next(iter(old_directions.values())).span
        derivative = next(iter(new_directions.values())).span
        return make_change(
            ChangeKind.ALTERED, "the direction of a change was reversed", original, derivative, before, after
        )
    return None


def _negated_word_kept(negated: Unit, other: Unit, negation: Fact) -> bool:
    """Tell whether the word right after "not" is in the other sentence: "not approve" / "approved"."""
    first = next(((term, span) for term, span in negated.anchors if span.start >= negation.span.end), None)
    if first is None:
        return False
    term, span = first
    return span.start - negation.span.end <= 2 and term in other.weights


def _is_plain_negation(side: Side, fact: Fact) -> bool:
    """A "not"/"never" that negates the claim, not an idiom such as "no doubt" or "no matter"."""
    word = side.text[fact.span.start : fact.span.end].lower()
    return word in {"not", "never", "cannot"} or word.endswith(("n't", "n\u2019t"))
