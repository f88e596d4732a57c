"""Shared ground of the fact-diff rules: the per-version view, thresholds, pairs and span helpers."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from dedup.facts.alignment import Coverage, Unit, fact_units, share_of
from dedup.facts.extract import extract_facts
from dedup.model import ChangeKind, Document, Fact, FactChange, FactKind, Facts, Span
from dedup.profile.profile import Profile
from dedup.settings import DiffSettings
from dedup.text.normalize import is_content_word, normalize_word
from dedup.text.stems import stem

_FUNCTION_WORDS = frozenset(
    {"be", "been", "being", "to", "the", "a", "an", "have", "has", "is", "are", "of", "even"}
)
_FILLER_MODIFIERS = frozenset({"new", "extra", "additional", "real", "current"})


@dataclass(frozen=True, slots=True)
class Side:
    """One version of the text with everything the rules read from it."""

    facts: Facts
    units: tuple[Unit, ...]
    by_sentence: Mapping[int, tuple[Fact, ...]]  # read-only: built once per version

    @property
    def text(self) -> str:
        """The version's text, which every span indexes."""
        return self.facts.document.text

    def of_kind(self, index: int, *kinds: FactKind) -> list[Fact]:
        """The facts of these kinds in sentence `index`."""
        return [fact for fact in self.by_sentence.get(index, ()) if fact.kind in kinds]


def side_of(source: Document | Profile | Facts) -> Side:
    """Read one version: its facts, fact units and facts by sentence."""
    facts = source if isinstance(source, Facts) else extract_facts(source)
    grouped: dict[int, list[Fact]] = defaultdict(list)
    for fact in facts.facts:
        grouped[fact.sentence_index].append(fact)
    return Side(facts, fact_units(facts), {index: tuple(group) for index, group in grouped.items()})


def pairs(before: Side, after: Side, coverage: Coverage, settings: DiffSettings) -> list[tuple[int, int]]:
    """Sentence pairs that say the same thing.

    Each holds `settings.pair_min_share` of the other's term weight, or one holds that much and the
    other a little less (a clause added or dropped around one claim).
    """
    min_share = settings.pair_min_share
    found = set()
    for j, (i, share) in enumerate(coverage.derivative_best):
        if i >= 0 and share >= min_share and share_of(before.units, i, coverage.shared[i, j]) >= min_share:
            found.add((i, j))
    for i, links in enumerate(coverage.original_links):
        for j in links[:1]:
            weight = coverage.shared[i, j]
            shares = sorted((share_of(before.units, i, weight), share_of(after.units, j, weight)))
            if shares[0] >= min_share - settings.pair_slack and shares[1] >= min_share:
                found.add((i, j))
    # A headline restates the story in telegraphic style: its certainty words are not claims.
    return sorted((i, j) for i, j in found if before.units[i].is_claim and after.units[j].is_claim)


def make_change(
    kind: ChangeKind, what: str, original: Span, derivative: Span, before: Side, after: Side
) -> FactChange:
    """A change whose one-line description quotes both sides."""
    old, new = gist(before.text, original), gist(after.text, derivative)
    fact = f'{what[:1].upper()}{what[1:]}: "{old}" became "{new}".'
    return FactChange(kind, fact, original, derivative)


def extend_marker(text: str, span: Span, limit: Span) -> Span:
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


def with_auxiliary(text: str, span: Span) -> Span:
    """Take in the auxiliary a hedge leans on: "believed to" -> "is believed to"."""
    before = text[max(0, span.start - 8) : span.start]
    for auxiliary in ("is ", "are ", "was ", "were ", "be ", "been "):
        if before.endswith(auxiliary) and (
            len(before) == len(auxiliary) or not before[-len(auxiliary) - 1].isalnum()
        ):
            return Span(span.start - len(auxiliary), span.end)
    return span


def following_stem(text: str, end: int, limit: int) -> str:
    """The stem of the first content word after `end` ("12% of all new customers" -> "custom")."""
    for word in text[end : min(limit, end + 50)].split()[:4]:
        norm = normalize_word(word.strip(".,;:()\"'"))
        if norm.isalpha() and is_content_word(norm) and norm not in _FILLER_MODIFIERS:
            return stem(norm)
    return ""


def distance(span: Span, region: Span) -> int:
    """Characters between a span and a region; 0 when they overlap."""
    if span.end <= region.start:
        return region.start - span.end
    if span.start >= region.end:
        return span.start - region.end
    return 0


def gist(text: str, span: Span, max_chars: int = 80) -> str:
    """The text of a span on one line, cut to `max_chars`."""
    flat = " ".join(text[span.start : span.end].split())
    return flat if len(flat) <= max_chars else flat[: max_chars - 1] + "\u2026"
