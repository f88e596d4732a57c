"""Two fact sets -> FactChanges: what a derivative omitted, softened, hardened, altered or added."""

from __future__ import annotations

from bisect import bisect_left, insort

from dedup.facts.alignment import cover
from dedup.facts.anonymity import anonymised
from dedup.facts.certainty import certainty
from dedup.facts.numbers import numbers
from dedup.facts.omissions import added, omitted
from dedup.facts.reversals import reversals
from dedup.facts.rules import side_of
from dedup.model import ChangeKind, Document, FactChange, FactDiff, Facts, Span
from dedup.profile.profile import Profile
from dedup.settings import DEFAULT_DIFF_SETTINGS, DiffSettings


def diff_facts(
    original: Document | Profile | Facts,
    derivative: Document | Profile | Facts,
    settings: DiffSettings = DEFAULT_DIFF_SETTINGS,
) -> FactDiff:
    """List every fact change from an original to its derivative, with exact spans into both texts.

    Sentences are aligned by shared term weight (IDF of content-word stems, numbers by value), so
    split, merged and reordered sentences and quotes turned into indirect speech still align.
    """
    before = side_of(original)
    after = side_of(derivative)
    coverage = cover(before.units, after.units)
    changes: list[FactChange] = []
    number_changes = numbers(before, after, coverage)
    explained = frozenset(change.derivative for change in number_changes if change.derivative is not None)
    changes.extend(omitted(before, after, coverage, settings))
    changes.extend(added(before, after, coverage, settings, explained))
    changes.extend(number_changes)
    changes.extend(certainty(before, after, coverage, settings))
    changes.extend(reversals(before, after, coverage, settings))
    changes.extend(anonymised(before, after, coverage))
    changes = _deduplicated(changes)
    changes.sort(key=_position)
    return FactDiff(before.facts.document, after.facts.document, tuple(changes))


def _deduplicated(changes: list[FactChange]) -> list[FactChange]:
    """Keep the first of two changes to one fact (spans overlapping on both sides), in rule order.

    Omissions and additions are never duplicates. The kept changes' original spans are held sorted
    by start, so only those starting within the longest kept span before a change are compared.
    """
    whole = (ChangeKind.OMITTED, ChangeKind.ADDED)
    kept: list[FactChange] = []
    starts: list[tuple[int, int]] = []  # (original start, index into kept), sorted
    longest = 0
    for change in changes:
        original, derivative = change.original, change.derivative
        if change.kind in whole or original is None or derivative is None:
            kept.append(change)
            continue
        first = bisect_left(starts, (original.start - longest, -1))
        last = bisect_left(starts, (original.end, -1), first)
        if any(
            _spans_overlap(original, kept[index].original)
            and _spans_overlap(derivative, kept[index].derivative)
            for _, index in starts[first:last]
        ):
            continue
        insort(starts, (original.start, len(kept)))
        longest = max(longest, original.end - original.start)
        kept.append(change)
    return kept


def _spans_overlap(first: Span | None, second: Span | None) -> bool:
    return first is not None and second is not None and first.start < second.end and second.start < first.end


def _position(change: FactChange) -> tuple[int, int]:
    span = change.original or change.derivative or Span(0, 0)
    return (span.start, list(ChangeKind).index(change.kind))
