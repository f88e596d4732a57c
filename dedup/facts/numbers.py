"""Fact diff rules on numbers and dates: changed (altered), rounded or made vague (softened)."""

from __future__ import annotations

import re

from dedup.facts import fact_words, lexicons
from dedup.facts.alignment import Coverage, Unit, project
from dedup.facts.rules import Side, distance, extend_marker, following_stem, gist
from dedup.model import ChangeKind, Fact, FactChange, FactKind, Span

_ROUNDED_MAX_GAP = 0.1  # relative gap of a rounded number
_ROUNDED_MIN_COUNT = 20  # a whole number under this is a count, never rounded
# A date made vague becomes a period ("since June 2001" -> "in several years").
_PERIODS = frozenset({"year", "month", "week", "decad", "day"})
# Time units in days, so "26 months" and "two years" or "22 years" and "two decades" compare.
_TIME_UNITS = {
    "minut": 1 / 1440,
    "hour": 1 / 24,
    "day": 1.0,
    "week": 7.0,
    "month": 30.44,
    "year": 365.25,
    "decad": 3652.5,
    "centur": 36525.0,
}
# A bound ("more than 1,000" for 1,300) is a rounding when the true figure lies on its side and this close.
_BOUNDED_MAX_GAP = 0.35
_LOWER_BOUNDS = frozenset({"more than", "over", "just over", "in excess of", "upwards of", "at least"})
_UPPER_BOUNDS = frozenset({"nearly", "almost", "under", "just under", "less than", "fewer than", "up to"})
_NEXT_WORD = re.compile(r" ([A-Za-z]+)\b")
_WORD = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")


def numbers(before: Side, after: Side, coverage: Coverage) -> list[FactChange]:
    """Numbers and dates of the original missing from the derivative: changed, rounded or made vague."""
    after_keys = _number_keys(after)
    before_keys = _number_keys(before)
    used: set[Span] = set()
    changes = []
    claimed = {
        fact.value
        for unit in before.units
        if unit.is_claim
        for fact in before.of_kind(unit.index, FactKind.NUMBER, FactKind.DATE)
    }
    for unit in before.units:
        targets = coverage.original_links[unit.index]
        if not targets:
            continue
        best = {fact.value for fact in after.of_kind(targets[0], FactKind.NUMBER, FactKind.DATE)}
        for number in before.of_kind(unit.index, FactKind.NUMBER, FactKind.DATE):
            if not unit.is_claim and number.value in claimed:
                continue  # a headline repeating a figure of the body: one change is enough
            shifted = _period_shifted(before, after, targets, number)
            if shifted is not None:
                used.add(shifted.derivative or number.span)
                changes.append(shifted)
                continue
            # Kept when the same quantity is anywhere in the derivative, or the same value is in the
            # sentence that carries this one ("12 nominations" -> "12 Cesar nominations").
            if _number_key(number) in after_keys:
                continue
            if number.value in best:
                switched = _unit_switched(after, targets[0], number)
                if switched is not None and switched.span not in used:
                    used.add(switched.span)
                    old, new = gist(before.text, number.span), gist(after.text, switched.span)
                    fact = f'The unit of a figure was changed: "{old}" became "{new}".'
                    changes.append(FactChange(ChangeKind.ALTERED, fact, number.span, switched.span))
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
            if candidate is not None and candidate.sentence_index != targets[0]:
                # The sentence that carries this one best states it vaguely ("many thousands of"):
                # a figure in a sentence carrying less of it is not the counterpart.
                vague = _vague_counterpart(before, after, unit, targets[:1], number)
                if vague is not None:
                    candidate = None
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
                        f'The figure "{gist(before.text, number.span)}" was made vague: '
                        f'"{gist(after.text, vague)}".',
                        number.span,
                        vague,
                    )
                )
    return changes


def _counterpart(before: Side, after: Side, unit: Unit, number: Fact, candidates: list[Fact]) -> Fact | None:
    """The derivative's number standing where the original's was: same unit first, else same place."""

    def offset(fact: Fact) -> int:
        region = project(unit, after.units[fact.sentence_index], number.span, after.text)
        return distance(fact.span, region)

    same = [fact for fact in candidates if _same_unit(number, fact)]
    if same:
        return min(same, key=offset)
    placed = [fact for fact in candidates if offset(fact) == 0]
    return placed[0] if placed else None


def _same_unit(number: Fact, candidate: Fact) -> bool:
    return number.detail == candidate.detail or (
        number.detail in _TIME_UNITS and candidate.detail in _TIME_UNITS
    )


def _number_key(fact: Fact) -> tuple[str, str]:
    return (fact.value, fact.detail)


def _number_keys(side: Side) -> set[tuple[str, str]]:
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
        any(part in fact_words.MONTHS for part in parts),
        any(part in fact_words.WEEKDAYS for part in parts),
    )


def _number_change(before: Side, after: Side, number: Fact, candidate: Fact) -> FactChange:
    old, new = gist(before.text, number.span), gist(after.text, candidate.span)
    if _is_rounding(number, candidate, before.text, after.text):
        rounded = _with_approximator(after.text, candidate.span)
        return FactChange(
            ChangeKind.SOFTENED, f'The figure "{old}" was rounded to "{new}".', number.span, rounded
        )
    # The figures alone: a counted noun both keep ("48 nominations") is not what changed; a unit of
    # time is part of the figure ("three weeks").
    original, derivative = number.span, candidate.span
    if number.detail in _TIME_UNITS and number.detail == candidate.detail:
        original, derivative = _with_next_word(before.text, original), _with_next_word(after.text, derivative)
    fact = f'The figure "{gist(before.text, original)}" was changed to "{gist(after.text, derivative)}".'
    return FactChange(ChangeKind.ALTERED, fact, original, derivative)


def _with_next_word(text: str, span: Span) -> Span:
    match = _NEXT_WORD.match(text, span.end)
    return Span(span.start, match.end(1)) if match else span


def _following_word(text: str, span: Span) -> Span | None:
    """The word right after a number ("three weeks"), when only a space separates them."""
    match = _NEXT_WORD.match(text, span.end)
    return Span(match.start(1), match.end(1)) if match else None


def _is_rounding(number: Fact, candidate: Fact, original_text: str, text: str) -> bool:
    """A rounder figure near the old one ("£42.5m" -> "£45m"), or a bound it lies under or over."""
    try:
        old, new = _in_base_unit(number), _in_base_unit(candidate)
    except ValueError:
        return False
    if not old:
        return False
    gap = abs(old - new) / abs(old)
    approximator = _approximator(text, candidate.span)
    if _approximator(original_text, number.span) == approximator != "":
        return False  # "up to 80" -> "up to 100": the same bound on another figure
    if "." not in number.value and float(number.value) < _ROUNDED_MIN_COUNT:
        return False  # "11 nominations" -> "10": a small count is exact, not rounded
    if approximator in _LOWER_BOUNDS and new <= old and gap <= _BOUNDED_MAX_GAP:
        return True
    if approximator in _UPPER_BOUNDS and new >= old and gap <= _BOUNDED_MAX_GAP:
        return True
    if gap > _ROUNDED_MAX_GAP:
        return False
    return approximator != "" or _significant_digits(candidate.value) < _significant_digits(number.value)


def _significant_digits(value: str) -> int:
    digits = value.replace(".", "").lstrip("0").split("e")[0]
    return len(digits.rstrip("0")) if "." not in value else len(digits)


def _in_base_unit(fact: Fact) -> float:
    """A number in days when it counts time, so "26 months" and "two years" compare."""
    return float(fact.value) * _TIME_UNITS.get(fact.detail, 1.0)


def _approximator(text: str, span: Span) -> str:
    """The approximator just before a number ("about", "more than"), or ""."""
    before = text[max(0, span.start - 20) : span.start].lower()
    for word in sorted(lexicons.APPROXIMATORS | _LOWER_BOUNDS | _UPPER_BOUNDS, key=len, reverse=True):
        if not before.endswith(word + " "):
            continue
        if len(before) == len(word) + 1 or not before[-len(word) - 2].isalnum():
            return word
    return ""


def _with_approximator(text: str, span: Span) -> Span:
    word = _approximator(text, span)
    return Span(span.start - len(word) - 1, span.end) if word else span


def _vague_counterpart(
    before: Side, after: Side, unit: Unit, targets: tuple[int, ...], number: Fact
) -> Span | None:
    counted = following_stem(before.text, number.span.end, unit.span.end)
    for j in targets:
        target = after.units[j]
        region = project(unit, target, number.span, after.text)
        for fact in after.of_kind(j, FactKind.VAGUE):
            if fact.value not in lexicons.VAGUE_QUANTIFIERS:
                continue  # "about", "over": approximators qualify a number, they do not replace one
            following = following_stem(after.text, fact.span.end, target.span.end)
            near = distance(fact.span, region) == 0
            period = number.kind == FactKind.DATE and following in _PERIODS
            if (counted and following == counted) or near or period:
                return extend_marker(after.text, fact.span, target.span)
    for j in targets[:1]:
        target = after.units[j]
        region = project(unit, target, number.span, after.text)
        if region == target.span:
            continue  # no shared word to place the figure by
        # "risen by 11 million pounds" -> "has grown": the change is kept, its size is gone.
        moved = _moved_by(before, unit, number)
        for word in _WORD.finditer(after.text, region.start, region.end):
            lowered = word.group().lower()
            if lowered in fact_words.VAGUE_STAND_INS or (moved and lowered in _DIRECTIONS):
                return extend_marker(after.text, Span(word.start(), word.end()), target.span)
    return None


_DIRECTIONS = fact_words.DIRECTION_UP | fact_words.DIRECTION_DOWN
_MOVED_MAX_CHARS = 12  # "rose by 11 million": a direction word this close before the figure sizes it


def _moved_by(side: Side, unit: Unit, number: Fact) -> bool:
    """Tell whether the figure sizes a change of direction just before it ("rose by 12%")."""
    return any(
        0 <= number.span.start - fact.span.end <= _MOVED_MAX_CHARS
        for fact in side.of_kind(unit.index, FactKind.DIRECTION)
    )


_UNITS = frozenset({"$", "£", "€", "¥", "%"})


def _unit_switched(after: Side, index: int, number: Fact) -> Fact | None:
    """The same figure in another currency or unit in the counterpart ("£1.13bn" -> "$1.13bn")."""
    if number.detail not in _UNITS:
        return None
    for fact in after.of_kind(index, FactKind.NUMBER):
        if fact.value == number.value and fact.detail in _UNITS and fact.detail != number.detail:
            return fact
    return None


# Parts of a period: "late 2003" and "early 2003" are different times (Quirk et al. 1985, 8.57 on
# time-position adjuncts); "the end of" is "late" said another way.
_PERIOD_PARTS = {
    "early": "early",
    "the start of": "early",
    "the beginning of": "early",
    "mid": "mid",
    "late": "late",
    "the end of": "late",
}


def _period_part(text: str, span: Span) -> str:
    """The part of its period a date is put in just before it ("late 2003" -> "late"), or ""."""
    before = text[max(0, span.start - 20) : span.start].lower().replace("-", " ")
    for part in sorted(_PERIOD_PARTS, key=len, reverse=True):
        if before.endswith(part + " ") and (
            len(before) == len(part) + 1 or not before[-len(part) - 2].isalnum()
        ):
            return part
    return ""


def _period_shifted(before: Side, after: Side, targets: tuple[int, ...], number: Fact) -> FactChange | None:
    """The same date put in another part of its period: "late 2003" -> "early 2003"."""
    if number.kind != FactKind.DATE:
        return None
    part = _period_part(before.text, number.span)
    if not part:
        return None
    for j in targets:
        for fact in after.of_kind(j, FactKind.DATE):
            other = _period_part(after.text, fact.span)
            if fact.value == number.value and other and _PERIOD_PARTS[other] != _PERIOD_PARTS[part]:
                original = Span(number.span.start - len(part) - 1, number.span.end)
                derivative = Span(fact.span.start - len(other) - 1, fact.span.end)
                old, new = gist(before.text, original), gist(after.text, derivative)
                return FactChange(
                    ChangeKind.ALTERED, f'The date "{old}" was changed to "{new}".', original, derivative
                )
    return None
