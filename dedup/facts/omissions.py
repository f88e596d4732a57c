"""Fact diff rules on whole claims: sentences and clauses omitted, sentences added."""

from __future__ import annotations

import re

from dedup.facts import fact_words
from dedup.facts.alignment import Coverage, Unit, carried_shares, covered_share, term_key
from dedup.facts.rules import Side, gist
from dedup.model import ChangeKind, FactChange, FactKind, Span
from dedup.settings import DiffSettings
from dedup.text.normalize import normalize_word

_QUOTED = re.compile(r"[\"\u201c][^\"\u201c\u201d]*[\"\u201d]")
_WORDS = re.compile(r"[a-z]+(?:-[a-z]+)?")
_CLAUSE_BREAK = re.compile(r"[,;:()]\s|\s[-\u2013\u2014]+\s|[\"\u201c\u201d]")


def omitted(before: Side, after: Side, coverage: Coverage, settings: DiffSettings) -> list[FactChange]:
    """Sentences, or clauses of kept sentences, whose terms the derivative does not carry.

    Each dropped sentence is its own change. How little a sentence must keep to count as dropped depends
    on how much of the original the derivative keeps overall: in a full rewrite almost every sentence
    is restated, so a sentence sharing a few specific words with one is paraphrased, not gone; in a
    partial reuse, the same few words are the story's background that the new piece repeats.
    """
    changes: list[FactChange] = []
    everywhere = {term_key(term) for unit in after.units for term in unit.weights}
    shares = carried_shares(before.units, after.units)
    claims = [unit for unit in before.units if unit.is_claim]
    kept = sum(shares[unit.index] >= settings.omit_max_share for unit in claims) / max(1, len(claims))
    is_rewrite = kept > settings.omit_rewrite_min_kept
    limit = settings.omit_rewrite_max_share if is_rewrite else settings.omit_max_share
    dropped: list[Unit] = []
    for unit in claims:
        if shares[unit.index] < limit:
            dropped.append(unit)
            continue
        changes.extend(
            _omission(before.text, span) for span in _dropped_clauses(before.text, unit, everywhere, settings)
        )
    for group in _quote_groups(before.text, dropped, settings.omit_min_words):
        if sum(len(unit.anchors) for unit in group) >= settings.omit_min_words:
            changes.append(_omission(before.text, Span(group[0].span.start, group[-1].span.end)))
    return changes


def _quote_groups(text: str, units: list[Unit], min_words: int) -> list[list[Unit]]:
    """Each dropped sentence alone, but a short one joins the next of its quotation ("No. It is ...")."""
    groups: list[list[Unit]] = []
    for unit in units:
        previous = groups[-1] if groups else None
        if (
            previous is not None
            and previous[-1].index == unit.index - 1
            and _opens_quote(text, previous[-1].span)
            and min(len(previous[-1].anchors), len(unit.anchors)) < min_words
        ):
            previous.append(unit)
        else:
            groups.append([unit])
    return groups


def _opens_quote(text: str, span: Span) -> bool:
    """Tell whether a sentence leaves a quotation open for the next one."""
    sentence = text[span.start : span.end]
    return sentence.count('"') % 2 == 1 or sentence.count("\u201c") > sentence.count("\u201d")


def _omission(text: str, span: Span) -> FactChange:
    return FactChange(
        ChangeKind.OMITTED, f'The derivative leaves this out: "{gist(text, span)}".', span, None
    )


def _dropped_clauses(text: str, unit: Unit, everywhere: set[str], settings: DiffSettings) -> list[Span]:
    """Runs of clauses whose terms appear nowhere in the derivative ("who was a GP in ...").

    `everywhere` holds the derivative's terms by `term_key`, so a clause restated with another form of
    its words ("invest" for "investors") is kept.
    """
    spans: list[Span] = []
    run: Span | None = None
    for clause in _clauses(text, unit.span):
        anchors = [(term, span) for term, span in unit.anchors if clause.start <= span.start < clause.end]
        weight = sum(unit.weights[term] for term, _ in anchors)
        found = sum(unit.weights[term] for term, _ in anchors if term_key(term) in everywhere)
        is_dropped = (
            len(anchors) >= settings.clause_min_words
            and weight > 0
            and found / weight < settings.clause_max_share
        )
        if is_dropped:
            run = clause if run is None else Span(run.start, clause.end)
        elif run is not None:
            spans.append(run)
            run = None
    if run is not None:
        spans.append(run)
    return [span for span in spans if span != unit.span]


def _clauses(text: str, span: Span) -> list[Span]:
    """Split a sentence at commas, semicolons, dashes and brackets into trimmed clause spans."""
    clauses = []
    start = span.start
    for match in _CLAUSE_BREAK.finditer(text, span.start, span.end):
        if match.start() > start:
            clauses.append(_trim_span(text, Span(start, match.start())))
        start = match.end()
    if start < span.end:
        clauses.append(_trim_span(text, Span(start, span.end)))
    return [clause for clause in clauses if clause.end > clause.start]


def _trim_span(text: str, span: Span) -> Span:
    start, end = span.start, span.end
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not (text[end - 1].isalnum() or text[end - 1] in "%)"):
        end -= 1
    return Span(start, end)


def added(
    before: Side, after: Side, coverage: Coverage, settings: DiffSettings, explained: frozenset[Span]
) -> list[FactChange]:
    """Derivative sentences that state a checkable fact the original does not support.

    `explained` holds derivative numbers already reported as changed or rounded: a sentence carrying
    one restates an original fact with a new figure, it does not add one.
    """
    changes = []
    everywhere = {term for unit in before.units for term in unit.weights}
    values = {fact.value for fact in before.facts.facts if fact.kind in (FactKind.NUMBER, FactKind.DATE)}
    original_words = {token.norm for token in before.facts.tokens}
    for unit in after.units:
        if not unit.is_claim or not unit.total or _is_framing(after.text, unit.span):
            continue
        numbers = after.of_kind(unit.index, FactKind.NUMBER, FactKind.DATE)
        if any(fact.span in explained for fact in numbers):
            continue
        has_new_number = any(fact.value not in values for fact in numbers)
        if not (has_new_number or _has_checkable_source(after, unit, original_words)):
            continue
        share = covered_share(unit, [before.units[i] for i in coverage.derivative_sources[unit.index][:2]])
        novel = sum(weight for term, weight in unit.weights.items() if term not in everywhere) / unit.total
        if (
            share < settings.add_max_share
            or novel >= settings.add_min_novel_share
            or (has_new_number and share < settings.add_new_number_max_share)
        ):
            changes.append(
                FactChange(
                    ChangeKind.ADDED,
                    _added_fact(after.text, unit.span),
                    None,
                    unit.span,
                )
            )
    return changes


def _added_fact(text: str, span: Span) -> str:
    return f'The derivative adds a claim the original does not make: "{gist(text, span)}".'


def _has_checkable_source(side: Side, unit: Unit, original_words: set[str]) -> bool:
    """A name the original never uses, a quotation or an attribution: something a reader can check."""
    if side.of_kind(unit.index, FactKind.QUOTE, FactKind.ATTRIBUTION):
        return True
    return any(
        normalize_word(fact.value.split()[-1]) not in original_words
        for fact in side.of_kind(unit.index, FactKind.ENTITY)
    )


def _is_framing(text: str, span: Span) -> bool:
    """A question, the reader addressed, or the page speaking of itself: framing, not a claim."""
    sentence = text[span.start : span.end].rstrip()
    if sentence.endswith("?"):
        return True
    outside = _QUOTED.sub(" ", sentence).lower()
    words = set(_WORDS.findall(outside))
    if words & fact_words.SECOND_PERSON:
        return True
    if any(phrase in outside for phrase in fact_words.CALLS_TO_ACTION if " " in phrase) or (
        words & fact_words.CALLS_TO_ACTION
    ):
        return True
    return any(f"this {noun}" in outside for noun in fact_words.PAGE_NOUNS)
