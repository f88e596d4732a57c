"""Two fact sets -> FactChanges: what a derivative omitted, softened, hardened, altered or added."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from dedup import lexicons
from dedup.factalign import Coverage, Unit, cover, covered_share, fact_units, project, share_of
from dedup.facts import extract_facts, stem
from dedup.model import ChangeKind, Document, Fact, FactChange, FactDiff, FactKind, Facts, Span
from dedup.normalize import is_content_word, normalize_word
from dedup.profile import Profile

# Thresholds on the share of a sentence's term weight found in the other version. Fitted on the
# rewrites corpus (../shared/corpora/rewrites) and checked by two-fold cross-validation over its
# originals; see benchmarks/bench_diff.py and the closing note of issue 4.
_OMIT_MAX_SHARE = 0.3  # of the sentence's weight, in its (at most two) competitive partners
_OMIT_MAX_BEST_SHARE = 0.4  # in its best partner of all
_OMIT_MIN_WORDS = 6
_CLAUSE_MIN_WORDS = 3
_CLAUSE_MAX_SHARE = 0.2  # of a clause's weight, anywhere in the derivative
_CLAUSE_BREAK = re.compile(r"[,;:()]\s|\s[-\u2013\u2014]+\s|[\"\u201c\u201d]")
_ADD_MAX_SHARE = 0.2  # of the sentence's weight, in its two heaviest sources
_ADD_MIN_NOVEL_SHARE = 0.6  # of its weight in terms the original never uses
_ADD_NEW_NUMBER_MAX_SHARE = 0.5  # a number the original does not have, in a loosely sourced sentence
_PAIR_MIN_SHARE = 0.4  # both ways: the two sentences state the same thing
_PAIR_SLACK = 0.1
_CARVED_MIN_SHARE = 0.7  # a derivative sentence carved out of one original sentence
_CLOSE_PAIR_MIN_SHARE = 0.75  # a light edit of one sentence: flips of polarity count here only
_QUANTIFIER_MIN_STEPS = 2  # "some" -> "many" is a change; "many" -> "several" is style
_ROUNDED_MAX_GAP = 0.1  # relative gap of a rounded number
_MAX_SPAN_CHARS = 160
# A date made vague becomes a period ("since June 2001" -> "in several years").
_PERIODS = frozenset({"year", "month", "week", "decad", "day"})
_TIME_UNITS = {"decad": 10.0, "centur": 100.0}
_FILLER_MODIFIERS = frozenset({"new", "extra", "additional", "real", "current"})
_QUOTE_MARKS = ('"', "\u201c", "\u201d")
# Any verb or phrase that reports speech or thought keeps a claim attributed, not only the lexicon's.
_REPORTED = re.compile(
    r"\b(?:said|says|told|added|according|claim\w*|argu\w*|insist\w*|believ\w*|think\w*|thought|"
    r"explain\w*|warn\w*|suggest\w*|report\w*|announc\w*|disclos\w*|reveal\w*|stat\w*|describ\w*|"
    r"accept\w*|admit\w*|acknowledg\w*|dispute\w*|call\w*|urg\w*|view\w*|sees|saw|expect\w*)\b",
    re.IGNORECASE,
)
_CLAIM_MIN_WORDS = 3
_CLAIM_MIN_CARRIED = 0.5
_NEXT_WORD = re.compile(r" ([A-Za-z]+)\b")


@dataclass(frozen=True, slots=True)
class _Side:
    """One version of the text with everything the rules read from it."""

    facts: Facts
    units: tuple[Unit, ...]
    by_sentence: dict[int, tuple[Fact, ...]]

    @property
    def text(self) -> str:
        return self.facts.document.text

    def of_kind(self, index: int, *kinds: FactKind) -> list[Fact]:
        return [fact for fact in self.by_sentence.get(index, ()) if fact.kind in kinds]


def diff_facts(original: Document | Profile | Facts, derivative: Document | Profile | Facts) -> FactDiff:
    """List every fact change from an original to its derivative, with exact spans into both texts.

    Sentences are aligned by shared term weight (IDF of content-word stems, numbers by value), so
    split, merged and reordered sentences and quotes turned into indirect speech still align.
    """
    before = _side(original)
    after = _side(derivative)
    coverage = cover(before.units, after.units)
    changes: list[FactChange] = []
    changes.extend(_omitted(before, after, coverage))
    changes.extend(_added(before, after, coverage))
    changes.extend(_numbers(before, after, coverage))
    changes.extend(_certainty(before, after, coverage))
    changes.extend(_reversals(before, after, coverage))
    changes = _deduplicated(changes)
    changes.sort(key=_position)
    return FactDiff(before.facts.document, after.facts.document, tuple(changes))


def _side(source: Document | Profile | Facts) -> _Side:
    facts = source if isinstance(source, Facts) else extract_facts(source)
    grouped: dict[int, list[Fact]] = defaultdict(list)
    for fact in facts.facts:
        grouped[fact.sentence_index].append(fact)
    return _Side(facts, fact_units(facts), {index: tuple(group) for index, group in grouped.items()})


def _omitted(before: _Side, after: _Side, coverage: Coverage) -> list[FactChange]:
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
        if share < _OMIT_MAX_SHARE and best_share < _OMIT_MAX_BEST_SHARE:
            dropped.append(unit)
            continue
        changes.extend(
            _omission(before.text, span) for span in _dropped_clauses(before.text, unit, everywhere)
        )
    for group in _quote_groups(before.text, dropped):
        if sum(len(unit.anchors) for unit in group) >= _OMIT_MIN_WORDS:
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
    return FactChange(ChangeKind.OMITTED, f"dropped: {_gist(text, span)}", span, None)


def _dropped_clauses(text: str, unit: Unit, everywhere: set[str]) -> list[Span]:
    """Runs of clauses whose terms appear nowhere in the derivative ("who was a GP in ...")."""
    spans: list[Span] = []
    run: Span | None = None
    for clause in _clauses(text, unit.span):
        anchors = [(term, span) for term, span in unit.anchors if clause.start <= span.start < clause.end]
        weight = sum(unit.weights[term] for term, _ in anchors)
        found = sum(unit.weights[term] for term, _ in anchors if term in everywhere)
        is_dropped = len(anchors) >= _CLAUSE_MIN_WORDS and weight > 0 and found / weight < _CLAUSE_MAX_SHARE
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


def _added(before: _Side, after: _Side, coverage: Coverage) -> list[FactChange]:
    """Derivative sentences that state a fact the original does not support."""
    changes = []
    everywhere = {term for unit in before.units for term in unit.weights}
    values = {fact.value for fact in before.facts.facts if fact.kind in (FactKind.NUMBER, FactKind.DATE)}
    for unit in after.units:
        if not unit.is_claim or not unit.total or not _states_fact(after, unit):
            continue
        share = covered_share(unit, [before.units[i] for i in coverage.derivative_sources[unit.index][:2]])
        novel = sum(weight for term, weight in unit.weights.items() if term not in everywhere) / unit.total
        has_new_number = any(
            fact.value not in values for fact in after.of_kind(unit.index, FactKind.NUMBER, FactKind.DATE)
        )
        if (
            share < _ADD_MAX_SHARE
            or novel >= _ADD_MIN_NOVEL_SHARE
            or (has_new_number and share < _ADD_NEW_NUMBER_MAX_SHARE)
        ):
            changes.append(
                FactChange(ChangeKind.ADDED, f"new claim: {_gist(after.text, unit.span)}", None, unit.span)
            )
    return changes


def _states_fact(side: _Side, unit: Unit) -> bool:
    """Generic filler states no fact: require a number, a date, a name or an attribution."""
    return bool(
        side.of_kind(unit.index, FactKind.NUMBER, FactKind.DATE, FactKind.ENTITY, FactKind.ATTRIBUTION)
    )


def _numbers(before: _Side, after: _Side, coverage: Coverage) -> list[FactChange]:
    """Numbers and dates of the original missing from the derivative: changed, rounded or made vague."""
    after_keys = _number_keys(after)
    before_keys = _number_keys(before)
    used: set[Span] = set()
    changes = []
    for unit in before.units:
        targets = coverage.original_links[unit.index]
        if not targets:
            continue
        best = {fact.value for fact in after.of_kind(targets[0], FactKind.NUMBER, FactKind.DATE)}
        for number in before.of_kind(unit.index, FactKind.NUMBER, FactKind.DATE):
            # Kept when the same quantity is anywhere in the derivative, or the same value is in the
            # sentence that carries this one ("12 nominations" -> "12 Cesar nominations").
            if _number_key(number) in after_keys or number.value in best:
                continue
            candidates = [
                fact
                for j in targets
                for fact in after.of_kind(j, number.kind)
                if _number_key(fact) not in before_keys
                and fact.value != number.value
                and fact.span not in used
                and _comparable(number, fact)
            ]
            candidate = _counterpart(before, after, unit, number, candidates)
            if candidate is not None:
                used.add(candidate.span)
                changes.append(_number_change(before, after, number, candidate))
                continue
            vague = _vague_counterpart(before, after, unit, targets, number)
            if vague is not None:
                used.add(vague)
                changes.append(
                    FactChange(
                        ChangeKind.SOFTENED,
                        f'"{_gist(before.text, number.span)}" made vague: "{_gist(after.text, vague)}"',
                        number.span,
                        vague,
                    )
                )
    return changes


def _counterpart(
    before: _Side, after: _Side, unit: Unit, number: Fact, candidates: list[Fact]
) -> Fact | None:
    """The derivative's number standing where the original's was: same unit first, else same place."""

    def distance(fact: Fact) -> int:
        region = project(unit, after.units[fact.sentence_index], number.span, after.text)
        return _distance(fact.span, region)

    same = [fact for fact in candidates if _same_unit(number, fact)]
    if same:
        return min(same, key=distance)
    placed = [fact for fact in candidates if distance(fact) == 0]
    return placed[0] if placed else None


def _same_unit(number: Fact, candidate: Fact) -> bool:
    times = {"year", "month", "week", "day", *_TIME_UNITS}
    return number.detail == candidate.detail or (number.detail in times and candidate.detail in times)


def _number_key(fact: Fact) -> tuple[str, str]:
    return (fact.value, fact.detail)


def _number_keys(side: _Side) -> set[tuple[str, str]]:
    return {_number_key(fact) for fact in side.facts.facts if fact.kind in (FactKind.NUMBER, FactKind.DATE)}


def _comparable(number: Fact, candidate: Fact) -> bool:
    if number.kind == FactKind.DATE:
        return _date_shape(number.value) == _date_shape(candidate.value)
    fixed = {"%", "$", "£", "€", "¥", "fraction", "range", "ratio", "ordinal"}
    if number.detail in fixed or candidate.detail in fixed:
        return number.detail == candidate.detail
    return True


def _date_shape(value: str) -> tuple[bool, ...]:
    parts = value.split()
    return (
        value.startswith("year"),
        any(part.isdigit() and len(part) <= 2 for part in parts),
        any(part in lexicons.MONTHS for part in parts),
        any(part in lexicons.WEEKDAYS for part in parts),
    )


def _number_change(before: _Side, after: _Side, number: Fact, candidate: Fact) -> FactChange:
    old, new = _gist(before.text, number.span), _gist(after.text, candidate.span)
    if _is_rounding(number, candidate, after.text):
        rounded = _with_approximator(after.text, candidate.span)
        return FactChange(ChangeKind.SOFTENED, f'"{old}" rounded to "{new}"', number.span, rounded)
    original, derivative = number.span, candidate.span
    noun = _following_word(before.text, original)
    if noun is not None and _following_word(after.text, derivative) is not None:
        same = stem(normalize_word(noun.slice(before.text)))
        other = _following_word(after.text, derivative)
        if other is not None and stem(normalize_word(other.slice(after.text))) == same:
            original, derivative = Span(original.start, noun.end), Span(derivative.start, other.end)
    return FactChange(ChangeKind.ALTERED, f'"{old}" changed to "{new}"', original, derivative)


def _following_word(text: str, span: Span) -> Span | None:
    """The word right after a number ("three weeks"), when only a space separates them."""
    match = _NEXT_WORD.match(text, span.end)
    return Span(match.start(1), match.end(1)) if match else None


def _is_rounding(number: Fact, candidate: Fact, text: str) -> bool:
    try:
        old, new = _in_base_unit(number), _in_base_unit(candidate)
    except ValueError:
        return False
    if not old or abs(old - new) / abs(old) > _ROUNDED_MAX_GAP:
        return False
    return _with_approximator(text, candidate.span) != candidate.span or len(candidate.value) < len(
        number.value
    )


def _in_base_unit(fact: Fact) -> float:
    """A number in the smaller of two time units, so "22 years" and "two decades" compare."""
    return float(fact.value) * _TIME_UNITS.get(fact.detail, 1.0)


def _with_approximator(text: str, span: Span) -> Span:
    before = text[max(0, span.start - 20) : span.start].lower()
    for word in sorted(lexicons.APPROXIMATORS, key=len, reverse=True):
        if before.endswith(word + " "):
            return Span(span.start - len(word) - 1, span.end)
    return span


def _vague_counterpart(
    before: _Side, after: _Side, unit: Unit, targets: tuple[int, ...], number: Fact
) -> Span | None:
    counted = _following_stem(before.text, number.span.end, unit.span.end)
    for j in targets:
        target = after.units[j]
        region = project(unit, target, number.span, after.text)
        for fact in after.of_kind(j, FactKind.VAGUE):
            if fact.value not in lexicons.VAGUE_QUANTIFIERS:
                continue  # "about", "over": approximators qualify a number, they do not replace one
            following = _following_stem(after.text, fact.span.end, target.span.end)
            near = _distance(fact.span, region) == 0
            period = number.kind == FactKind.DATE and following in _PERIODS
            if (counted and following == counted) or near or period:
                return _extend(after.text, fact.span, target.span)
    return None


def _certainty(before: _Side, after: _Side, coverage: Coverage) -> list[FactChange]:
    """Hedges added or dropped, boosters added, and attributions dropped, in pairs of one claim."""
    changes = []
    for i, j in _pairs(before, after, coverage, _PAIR_MIN_SHARE):
        changes.extend(_certainty_changes(before, after, before.units[i], after.units[j]))
    for j, (i, share) in enumerate(coverage.derivative_best):
        if i >= 0 and share >= _CARVED_MIN_SHARE:
            change = _unattributed(before, after, before.units[i], after.units[j])
            if change is not None:
                changes.append(change)
    return changes


def _certainty_changes(before: _Side, after: _Side, source: Unit, target: Unit) -> list[FactChange]:
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
        marker = _extend(after.text, hedge.span, target.span)
        original = project(target, source, marker, before.text)
        # "not clear" -> "unclear" is the same hedge said in one word, not a new one.
        blockers = (FactKind.HEDGE, FactKind.NEGATION) if hedge.value.startswith("un") else (FactKind.HEDGE,)
        if not _has_marker(before, source.index, original, *blockers):
            changes.append(
                _change(ChangeKind.SOFTENED, "said less certainly", original, marker, before, after)
            )
            break
    for key, hedge in old_hedges.items():
        if key in new_hedges or key in target.weights:
            continue
        if not (gained_boosters or _qualified_kept(source, target, hedge)):
            continue
        original = _extend(before.text, _with_auxiliary(before.text, hedge.span), source.span)
        if gained_boosters:
            derivative = _extend(after.text, gained_boosters[0].span, target.span)
        else:
            derivative = project(source, target, original, after.text)
        if not _has_marker(after, target.index, derivative, FactKind.HEDGE):
            changes.append(
                _change(ChangeKind.HARDENED, "said more certainly", original, derivative, before, after)
            )
            return changes
    adverbs = [f for f in gained_boosters if f.value in lexicons.BOOSTER_ADVERBS]
    if adverbs and not changes:
        derivative = _extend(after.text, adverbs[0].span, target.span)
        original = project(target, source, derivative, before.text)
        changes.append(
            _change(ChangeKind.HARDENED, "said more certainly", original, derivative, before, after)
        )
    return changes


def _has_marker(side: _Side, index: int, span: Span, *kinds: FactKind) -> bool:
    return any(span.start <= f.span.start < span.end for f in side.of_kind(index, *kinds))


def _by_stem(side: _Side, index: int, kind: FactKind) -> dict[str, Fact]:
    """Markers of one kind in a sentence, keyed so that "supposedly" and "supposed" are one marker."""
    return {" ".join(stem(word) for word in fact.value.split()): fact for fact in side.of_kind(index, kind)}


def _qualified_kept(source: Unit, target: Unit, hedge: Fact) -> bool:
    """Tell whether the words a hedge qualifies are still in the other version's sentence."""
    following = [term for term, span in source.anchors if span.start >= hedge.span.end][:2]
    if not following:
        following = [term for term, span in source.anchors if span.end <= hedge.span.start][-1:]
    return any(term in target.weights for term in following)


def _unattributed(before: _Side, after: _Side, source: Unit, target: Unit) -> FactChange | None:
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
    return _change(ChangeKind.HARDENED, "attribution dropped", source.span, target.span, before, after)


def _carried(source: Unit, target: Unit, span: Span) -> bool:
    """Tell whether most of the weight of a part of the source sentence is in the target sentence."""
    terms = {term for term, anchor in source.anchors if span.start <= anchor.start < span.end}
    weight = sum(source.weights[term] for term in terms)
    found = sum(source.weights[term] for term in terms if term in target.weights)
    return len(terms) >= _CLAIM_MIN_WORDS and found >= _CLAIM_MIN_CARRIED * weight


def _pairs(before: _Side, after: _Side, coverage: Coverage, min_share: float) -> list[tuple[int, int]]:
    """Sentence pairs that say the same thing.

    Each holds `min_share` of the other's term weight, or one holds that much and the other a little
    less (a clause added or dropped around one claim).
    """
    found = set()
    for j, (i, share) in enumerate(coverage.derivative_best):
        if i >= 0 and share >= min_share and share_of(before.units, i, coverage.shared[i, j]) >= min_share:
            found.add((i, j))
    for i, links in enumerate(coverage.original_links):
        for j in links[:1]:
            weight = coverage.shared[i, j]
            shares = sorted((share_of(before.units, i, weight), share_of(after.units, j, weight)))
            if shares[0] >= min_share - _PAIR_SLACK and shares[1] >= min_share:
                found.add((i, j))
    return sorted(found)


def _reversals(before: _Side, after: _Side, coverage: Coverage) -> list[FactChange]:
    """Quantity words moved up or down their scale, negation flipped, direction or speaker swapped."""
    changes = []
    for i, j in _pairs(before, after, coverage, _PAIR_MIN_SHARE):
        source, target = before.units[i], after.units[j]
        change = _quantifier_change(before, after, i, j) or _speaker_change(before, after, i, j)
        if change is None and _is_close_pair(before, after, coverage, i, j):
            change = _polarity_change(before, after, source, target)
        if change is not None:
            changes.append(change)
    return changes


def _is_close_pair(before: _Side, after: _Side, coverage: Coverage, i: int, j: int) -> bool:
    """Near-identical sentences: a flipped negation or direction there is a change, not a paraphrase."""
    weight = coverage.shared[i, j]
    return min(share_of(before.units, i, weight), share_of(after.units, j, weight)) >= _CLOSE_PAIR_MIN_SHARE


def _quantifier_change(before: _Side, after: _Side, i: int, j: int) -> FactChange | None:
    old = {
        _following_stem(before.text, f.span.end, before.units[i].span.end): f
        for f in before.of_kind(i, FactKind.VAGUE)
    }
    for fact in after.of_kind(j, FactKind.VAGUE):
        noun = _following_stem(after.text, fact.span.end, after.units[j].span.end)
        match = old.get(noun)
        if not noun or match is None:
            continue
        old_rank = lexicons.QUANTIFIER_SCALE.get(match.value)
        new_rank = lexicons.QUANTIFIER_SCALE.get(fact.value)
        if old_rank is None or new_rank is None or abs(old_rank - new_rank) < _QUANTIFIER_MIN_STEPS:
            continue
        kind = ChangeKind.HARDENED if new_rank > old_rank else ChangeKind.SOFTENED
        original = _extend(before.text, match.span, before.units[i].span)
        derivative = _extend(after.text, fact.span, after.units[j].span)
        return _change(kind, "quantity changed", original, derivative, before, after)
    return None


def _speaker_change(before: _Side, after: _Side, i: int, j: int) -> FactChange | None:
    old = [f for f in before.of_kind(i, FactKind.ATTRIBUTION, FactKind.QUOTE) if _is_named(_speaker(f))]
    new = [f for f in after.of_kind(j, FactKind.ATTRIBUTION, FactKind.QUOTE) if _is_named(_speaker(f))]
    if not old or not new:
        return None
    old_names = {_speaker(f) for f in old} - {""}
    new_names = {_speaker(f) for f in new} - {""}
    target_text = after.text[after.units[j].span.start : after.units[j].span.end].lower()
    source_text = before.text[before.units[i].span.start : before.units[i].span.end].lower()
    lost = [name for name in old_names if name.split()[-1] not in target_text]
    gained = [name for name in new_names if name.split()[-1] not in source_text]
    if not lost or not gained or _initials(lost[0]) == _initials(gained[0]):
        return None  # "Liberal Democrats" and "Lib Dems" are one speaker
    original = _entity_span(before, i, lost[0])
    derivative = _entity_span(after, j, gained[0])
    if original is None or derivative is None:
        return None
    return _change(ChangeKind.ALTERED, "speaker changed", original, derivative, before, after)


def _initials(name: str) -> str:
    return "".join(word[0] for word in name.split())


def _speaker(fact: Fact) -> str:
    return fact.detail if fact.kind == FactKind.QUOTE else fact.value


def _is_named(source: str) -> bool:
    return bool(source) and source.split()[-1] not in {"he", "she", "they", "we", "it", "i"}


def _entity_span(side: _Side, index: int, name: str) -> Span | None:
    last = name.split()[-1]
    for fact in side.of_kind(index, FactKind.ENTITY):
        if fact.value.split()[-1] == last:
            return fact.span
    return None


def _polarity_change(before: _Side, after: _Side, source: Unit, target: Unit) -> FactChange | None:
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
            original = _extend(before.text, old_negations[0].span, source.span)
            derivative = project(source, target, original, after.text)
        else:
            derivative = _extend(after.text, new_negations[0].span, target.span)
            original = project(target, source, derivative, before.text)
        return _change(ChangeKind.ALTERED, "negation flipped", original, derivative, before, after)
    old_directions = {f.value: f for f in before.of_kind(source.index, FactKind.DIRECTION)}
    new_directions = {f.value: f for f in after.of_kind(target.index, FactKind.DIRECTION)}
    if (
        len(old_directions) == 1
        and len(new_directions) == 1
        and old_directions.keys() != new_directions.keys()
    ):
        original = next(iter(old_directions.values())).span
        derivative = next(iter(new_directions.values())).span
        return _change(ChangeKind.ALTERED, "direction reversed", original, derivative, before, after)
    return None


def _negated_word_kept(negated: Unit, other: Unit, negation: Fact) -> bool:
    """Tell whether the word right after "not" is in the other sentence: "not approve" / "approved"."""
    first = next(((term, span) for term, span in negated.anchors if span.start >= negation.span.end), None)
    if first is None:
        return False
    term, span = first
    return span.start - negation.span.end <= 2 and term in other.weights


def _is_plain_negation(side: _Side, fact: Fact) -> bool:
    """A "not"/"never" that negates the claim, not an idiom such as "no doubt" or "no matter"."""
    word = side.text[fact.span.start : fact.span.end].lower()
    return word in {"not", "never", "cannot"} or word.endswith(("n't", "n\u2019t"))


def _change(
    kind: ChangeKind, what: str, original: Span, derivative: Span, before: _Side, after: _Side
) -> FactChange:
    fact = f'{what}: "{_gist(before.text, original)}" -> "{_gist(after.text, derivative)}"'
    return FactChange(kind, fact, original, derivative)


def _extend(text: str, span: Span, limit: Span) -> Span:
    """Extend a marker span over the next content word, so it carries what it qualifies."""
    end = span.end
    words = 0
    position = end
    while position < limit.end and words < 3:
        while position < limit.end and not text[position].isalnum():
            if text[position] in '.;:!?,"\u201d':
                return Span(span.start, end)
            position += 1
        word_start = position
        while position < limit.end and (text[position].isalnum() or text[position] in "-'"):
            position += 1
        if position == word_start:
            break
        end = position
        words += 1
        if normalize_word(text[word_start:position]) not in _FUNCTION_WORDS:
            break
    return Span(span.start, end)


_FUNCTION_WORDS = frozenset(
    {"be", "been", "being", "to", "the", "a", "an", "have", "has", "is", "are", "of", "even"}
)


def _with_auxiliary(text: str, span: Span) -> Span:
    """Take in the auxiliary a hedge leans on: "believed to" -> "is believed to"."""
    before = text[max(0, span.start - 8) : span.start]
    for auxiliary in ("is ", "are ", "was ", "were ", "be ", "been "):
        if before.endswith(auxiliary) and (
            len(before) == len(auxiliary) or not before[-len(auxiliary) - 1].isalnum()
        ):
            return Span(span.start - len(auxiliary), span.end)
    return span


def _following_stem(text: str, end: int, limit: int) -> str:
    """The stem of the first content word after `end` ("64% of all new customers" -> "custom")."""
    for word in text[end : min(limit, end + 50)].split()[:4]:
        norm = normalize_word(word.strip(".,;:()\"'"))
        if norm.isalpha() and is_content_word(norm) and norm not in _FILLER_MODIFIERS:
            return stem(norm)
    return ""


def _distance(span: Span, region: Span) -> int:
    if span.end <= region.start:
        return region.start - span.end
    if span.start >= region.end:
        return span.start - region.end
    return 0


def _gist(text: str, span: Span, max_chars: int = 80) -> str:
    flat = " ".join(text[span.start : span.end].split())
    return flat if len(flat) <= max_chars else flat[: max_chars - 1] + "\u2026"


def _deduplicated(changes: list[FactChange]) -> list[FactChange]:
    kept: list[FactChange] = []
    for change in changes:
        if change.original is not None and change.derivative is not None:
            change = _bounded(change)
        if any(_overlaps(change, other) for other in kept):
            continue
        kept.append(change)
    return kept


def _bounded(change: FactChange) -> FactChange:
    return change


def _overlaps(change: FactChange, other: FactChange) -> bool:
    if change.kind in (ChangeKind.OMITTED, ChangeKind.ADDED) or other.kind in (
        ChangeKind.OMITTED,
        ChangeKind.ADDED,
    ):
        return False
    return _spans_overlap(change.derivative, other.derivative) and _spans_overlap(
        change.original, other.original
    )


def _spans_overlap(first: Span | None, second: Span | None) -> bool:
    if first is None or second is None:
        return False
    return first.start < second.end and second.start < first.end


def _position(change: FactChange) -> tuple[int, int]:
    span = change.original or change.derivative
    assert span is not None
    return (span.start, list(ChangeKind).index(change.kind))
