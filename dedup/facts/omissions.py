"""Fact diff rules on whole claims: sentences and clauses omitted, sentences added."""

from __future__ import annotations

import re

from dedup.facts.alignment import Coverage, Unit, covered_share
from dedup.facts.rules import Side, gist
from dedup.model import ChangeKind, FactChange, FactKind, Span
from dedup.settings import DiffSettings

_CLAUSE_BREAK = re.compile(r"[,;:()]\s|\s[-\u2013\u2014]+\s|[\"\u201c\u201d]")


def omitted(before: Side, after: Side, coverage: Coverage, settings: DiffSettings) -> list[FactChange]:
    """Sentences, or clauses of kept sentences, whose terms the derivative does not carry."""
    changes: list[FactChange] = []
    everywhere = {term for unit in after.units for term in unit.weights}
    dropped: list[Unit] = []
    for unit in before.units:
        if not unit.is_claim:
            continue
        partners = [after.units[j] for j in coverage.original_partners[unit.index][:2]]
        share = covered_share(unit, partners)
        best_share = coverage.original_best[unit.index][1]
        # A sentence whose closest derivative sentence carries another original sentence instead
        # (no competitive partner) may share more words with it and still be gone.
        best_limit = settings.omit_max_best_share if partners else settings.omit_max_unclaimed_share
        if share < settings.omit_max_share and best_share < best_limit:
            dropped.append(unit)
            continue
        changes.extend(
            _omission(before.text, span) for span in _dropped_clauses(before.text, unit, everywhere, settings)
        )
    for group in _quote_groups(before.text, dropped):
        if sum(len(unit.anchors) for unit in group) >= settings.omit_min_words:
            changes.append(_omission(before.text, Span(group[0].span.start, group[-1].span.end)))
    return changes


def _quote_groups(text: str, units: list[Unit]) -> list[list[Unit]]:
    """Group consecutive sentences of one quotation: a quote is one fact however syntok splits it."""
    groups: list[list[Unit]] = []
    for unit in units:
        if groups and groups[-1][-1].index == unit.index - 1 and _opens_quote(text, groups[-1][-1].span):
            groups[-1].append(unit)
        else:
            groups.append([unit])
    return groups


def _opens_quote(text: str, span: Span) -> bool:
    """Tell whether a sentence leaves a quotation open for the next one."""
    sentence = text[span.start : span.end]
    return sentence.count('"') % 2 == 1 or sentence.count("\u201c") > sentence.count("\u201d")


def _omission(text: str, span: Span) -> FactChange:
    return FactChange(ChangeKind.OMITTED, f"dropped: {gist(text, span)}", span, None)


def _dropped_clauses(text: str, unit: Unit, everywhere: set[str], settings: DiffSettings) -> list[Span]:
    """Runs of clauses whose terms appear nowhere in the derivative ("who was a GP in ...")."""
    spans: list[Span] = []
    run: Span | None = None
    for clause in _clauses(text, unit.span):
        anchors = [(term, span) for term, span in unit.anchors if clause.start <= span.start < clause.end]
        weight = sum(unit.weights[term] for term, _ in anchors)
        found = sum(unit.weights[term] for term, _ in anchors if term in everywhere)
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
    """Derivative sentences that state a fact the original does not support.

    `explained` holds derivative numbers already reported as changed or rounded: a sentence carrying
    one restates an original fact with a new figure, it does not add one.
    """
    changes = []
    everywhere = {term for unit in before.units for term in unit.weights}
    values = {fact.value for fact in before.facts.facts if fact.kind in (FactKind.NUMBER, FactKind.DATE)}
    for unit in after.units:
        if not unit.is_claim or not unit.total or not _states_fact(after, unit):
            continue
        share = covered_share(unit, [before.units[i] for i in coverage.derivative_sources[unit.index][:2]])
        novel = sum(weight for term, weight in unit.weights.items() if term not in everywhere) / unit.total
        has_new_number = any(
            fact.value not in values and fact.span not in explained
            for fact in after.of_kind(unit.index, FactKind.NUMBER, FactKind.DATE)
        )
        if any(fact.span in explained for fact in after.of_kind(unit.index, FactKind.NUMBER, FactKind.DATE)):
            continue
        if (
            share < settings.add_max_share
            or novel >= settings.add_min_novel_share
            or (has_new_number and share < settings.add_new_number_max_share)
        ):
            changes.append(
                FactChange(ChangeKind.ADDED, f"new claim: {gist(after.text, unit.span)}", None, unit.span)
            )
    return changes


def _states_fact(side: Side, unit: Unit) -> bool:
    """Generic filler states no fact: require a number, a date, a name or an attribution."""
    kinds = (FactKind.NUMBER, FactKind.DATE, FactKind.ENTITY, FactKind.ATTRIBUTION)
    return bool(side.of_kind(unit.index, *kinds))
