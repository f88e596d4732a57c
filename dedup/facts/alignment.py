"""Fact-unit alignment: weighted terms per sentence, coverage between versions, span projection."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from dedup.model import Fact, FactKind, Facts, Span
from dedup.text.normalize import is_content_word
from dedup.text.rarity import idf
from dedup.text.stems import stem

# A number or date carries a fact on its own: weigh it like a rare word.
_NUMBER_WEIGHT = 6.0
_NUMBER_KINDS = (FactKind.NUMBER, FactKind.DATE)
# A derivative sentence carries part of an original one when it holds this share of the original's
# term weight, or the original holds this share of its own; at most three partners (a split in three).
_PARTNER_MIN_SHARE = 0.2
_PARTNER_MIN_SHARE_OF_DERIVATIVE = 0.35
_MAX_PARTNERS = 3
# Competitive alignment: a derivative sentence carries an original one only when their shared weight
# is at least this share of its heaviest link, so a topic word alone does not make a partner.
_PARTNER_MIN_SHARE_OF_HEAVIEST = 0.5


@dataclass(frozen=True, slots=True)
class Unit:
    """One sentence as a fact unit: its weighted terms and the positions of the words carrying them."""

    index: int
    span: Span
    weights: Mapping[str, float]
    total: float
    anchors: tuple[tuple[str, Span], ...]  # (term, span) of each content word, in text order
    is_claim: bool  # ends like a sentence: headlines, bylines and link lists are not claims


@dataclass(frozen=True, slots=True)
class Coverage:
    """How much of each sentence of one version the other version's sentences carry."""

    shared: Mapping[tuple[int, int], float]  # (original index, derivative index) -> shared weight
    original_best: tuple[tuple[int, float], ...]  # per original sentence: best derivative, share
    derivative_best: tuple[tuple[int, float], ...]  # per derivative sentence: best original, share
    original_partners: tuple[tuple[int, ...], ...]  # per original sentence: derivatives carrying it
    derivative_sources: tuple[tuple[int, ...], ...]  # per derivative sentence: originals sharing terms
    original_links: tuple[
        tuple[int, ...], ...
    ]  # per original sentence: derivatives sharing enough, heaviest first


def fact_units(facts: Facts) -> tuple[Unit, ...]:
    """Turn each sentence into weighted terms: content-word stems, plus numbers and dates by value."""
    text = facts.document.text
    by_sentence: dict[int, list[Fact]] = defaultdict(list)
    for fact in facts.facts:
        if fact.kind in _NUMBER_KINDS:
            by_sentence[fact.sentence_index].append(fact)
    units = []
    for sentence, (first, last) in zip(facts.sentences, facts.sentence_tokens, strict=True):
        numbers = by_sentence.get(sentence.index, [])
        weights: dict[str, float] = {}
        anchors: list[tuple[str, Span]] = []
        for token in facts.tokens[first:last]:
            # Both tests only filter: the cheap one first, the scan over the numbers when there are any.
            if not is_content_word(token.norm) or token.norm.isdigit():
                continue
            if numbers and any(n.span.start <= token.span.start < n.span.end for n in numbers):
                continue
            term = stem(token.norm)
            weights[term] = max(weights.get(term, 0.0), idf(token.norm))
            anchors.append((term, token.span))
        for number in numbers:
            term = number_term(number)
            weights[term] = _NUMBER_WEIGHT
            anchors.append((term, number.span))
        anchors.sort(key=lambda anchor: anchor[1].start)
        tail = text[sentence.span.start : sentence.span.end].rstrip().rstrip("\"'\u201d\u2019)")
        is_claim = tail[-1:] in {".", "!", "?"} and len(anchors) >= 2
        units.append(
            Unit(sentence.index, sentence.span, weights, sum(weights.values()), tuple(anchors), is_claim)
        )
    return tuple(units)


def number_term(fact: Fact) -> str:
    """The alignment term of a number or date: its value, so "three" and "3" are one term."""
    return f"#{fact.value}"


def cover(original: tuple[Unit, ...], derivative: tuple[Unit, ...]) -> Coverage:
    """Share every term weight between sentences through an inverted index (sparse, not all pairs)."""
    postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for unit in derivative:
        for term, weight in unit.weights.items():
            postings[term].append((unit.index, weight))
    # One row per original sentence, filled in the order the pairs are first met, so ties between
    # equal shares resolve as they would in one dict keyed by pair.
    rows: list[dict[int, float]] = []
    heaviest = [0.0] * len(derivative)
    for unit in original:
        row: dict[int, float] = defaultdict(float)
        for term, weight in unit.weights.items():
            for index, other in postings.get(term, ()):
                row[index] += weight if weight <= other else other
        rows.append(row)
        for j, weight in row.items():
            if weight > heaviest[j]:
                heaviest[j] = weight
    original_best = [(-1, 0.0)] * len(original)
    derivative_best = [(-1, 0.0)] * len(derivative)
    carried: list[list[tuple[float, int]]] = [[] for _ in original]
    sources: list[list[tuple[float, int]]] = [[] for _ in derivative]
    links: list[list[tuple[float, int]]] = [[] for _ in original]
    derivative_totals = [unit.total for unit in derivative]
    for i, row in enumerate(rows):
        total_i = original[i].total
        best_j, best_i = original_best[i]
        for j, weight in row.items():
            share_i = weight / total_i if total_i else 0.0
            share_j = weight / derivative_totals[j] if derivative_totals[j] else 0.0
            if share_i > best_i:
                best_j, best_i = j, share_i
            if share_j > derivative_best[j][1]:
                derivative_best[j] = (i, share_j)
            if share_i >= _PARTNER_MIN_SHARE or share_j >= _PARTNER_MIN_SHARE_OF_DERIVATIVE:
                links[i].append((weight, j))
                if weight >= _PARTNER_MIN_SHARE_OF_HEAVIEST * heaviest[j]:
                    carried[i].append((weight, j))
            sources[j].append((weight, i))
        original_best[i] = (best_j, best_i)
    return Coverage(
        _SharedWeights(tuple(dict(row) for row in rows)),
        tuple(original_best),
        tuple(derivative_best),
        tuple(tuple(j for _, j in sorted(found, reverse=True)[:_MAX_PARTNERS]) for found in carried),
        tuple(tuple(i for _, i in sorted(found, reverse=True)) for found in sources),
        tuple(tuple(j for _, j in sorted(found, reverse=True)[:_MAX_PARTNERS]) for found in links),
    )


@dataclass(frozen=True, slots=True)
class _SharedWeights(Mapping[tuple[int, int], float]):
    """Shared term weight by (original index, derivative index), stored as one row per original."""

    rows: tuple[dict[int, float], ...]

    def __getitem__(self, key: tuple[int, int]) -> float:
        i, j = key
        return self.rows[i][j]

    def __iter__(self) -> Iterator[tuple[int, int]]:
        return ((i, j) for i, row in enumerate(self.rows) for j in row)

    def __len__(self) -> int:
        return sum(len(row) for row in self.rows)


# Terms compared by their first letters, so "generous" and "generosity" or "invest" and "investors"
# meet; numbers keep their whole value.
_PREFIX_CHARS = 5


def carried_shares(original: tuple[Unit, ...], derivative: tuple[Unit, ...]) -> tuple[float, ...]:
    """Per original sentence: the largest share of its own weight that one derivative sentence carries.

    A term weighs its rarity divided by the number of original sentences using it, so the story's topic
    words, which every sentence of a partial reuse repeats, do not make a dropped sentence look kept.
    """
    keys = [{term_key(term) for term in unit.weights} for unit in derivative]
    postings: dict[str, list[int]] = defaultdict(list)
    for index, found in enumerate(keys):
        for key in found:
            postings[key].append(index)
    weighted: list[dict[str, float]] = []
    for unit in original:
        own: dict[str, float] = {}
        for term, weight in unit.weights.items():
            key = term_key(term)
            own[key] = max(own.get(key, 0.0), weight)
        weighted.append(own)
    spread: dict[str, int] = defaultdict(int)
    for own in weighted:
        for key in own:
            spread[key] += 1
    shares = []
    for own in weighted:
        specific = {key: weight / spread[key] for key, weight in own.items()}
        total = sum(specific.values())
        carried: dict[int, float] = defaultdict(float)
        for key, weight in specific.items():
            for index in postings.get(key, ()):
                carried[index] += weight
        shares.append(max(carried.values(), default=0.0) / total if total else 1.0)
    return tuple(shares)


def term_key(term: str) -> str:
    """A term by its first letters ("generous" and "generosity" meet); a number by its whole value."""
    return term if term.startswith("#") else term[:_PREFIX_CHARS]


def share_of(units: tuple[Unit, ...], index: int, weight: float) -> float:
    """Return `weight` as a share of a unit's total term weight."""
    total = units[index].total
    return weight / total if total else 0.0


def covered_share(unit: Unit, others: list[Unit]) -> float:
    """Share of a unit's term weight found in the union of `others` (for split or merged sentences)."""
    if not unit.total:
        return 1.0
    found = sum(weight for term, weight in unit.weights.items() if any(term in o.weights for o in others))
    return found / unit.total


def project(source: Unit, target: Unit, span: Span, target_text: str) -> Span:
    """Find the counterpart of `span` in the aligned sentence: the text between the shared words around it.

    The nearest shared content word before the span and the first one inside or after it are located in
    the target sentence; the counterpart runs from just after the first to the end of the second there.
    Falls back to the target sentence when no anchor is shared.
    """
    target_terms: dict[str, list[Span]] = defaultdict(list)
    for term, anchor in target.anchors:
        target_terms[term].append(anchor)
    left = next(
        (target_terms[t] for t, a in reversed(source.anchors) if a.end <= span.start and t in target_terms),
        None,
    )
    right = next(
        (target_terms[t] for t, a in source.anchors if a.start >= span.start and t in target_terms), None
    )
    if left and right:
        for left_span in left:
            following = [r for r in right if r.start > left_span.end]
            if following:
                right_span = following[0]
                start = left_span.end if right_span.start > left_span.end + 1 else left_span.start
                return _trim(target_text, Span(start, right_span.end))
    if right:
        right_span = right[0]
        before = [a for _, a in target.anchors if a.end <= right_span.start]
        start = before[-1].start if before else right_span.start
        return _trim(target_text, Span(max(target.span.start, start), right_span.end))
    if left:
        left_span = left[-1]
        after = [a for _, a in target.anchors if a.start >= left_span.end]
        end = after[0].end if after else left_span.end
        return _trim(target_text, Span(left_span.start, min(target.span.end, end)))
    return target.span


def _trim(text: str, span: Span) -> Span:
    start, end = span.start, span.end
    while start < end and not text[start].isalnum() and text[start] not in '$£€¥"\u201c':
        start += 1
    while end > start and text[end - 1] in " ,;:-\u2014\u2013":
        end -= 1
    return Span(start, end) if end > start else span
