"""Shared ground of the fact-diff rules: the per-version view, thresholds, pairs and span helpers."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from dedup.factalign import Coverage, Unit, fact_units, share_of
from dedup.facts import extract_facts
from dedup.model import ChangeKind, Document, Fact, FactChange, FactKind, Facts, Span
from dedup.normalize import is_content_word, normalize_word
from dedup.profile import Profile
from dedup.stems import stem

_FUNCTION_WORDS = frozenset(
    {"be", "been", "being", "to", "the", "a", "an", "have", "has", "is", "are", "of", "even"}
)
_FILLER_MODIFIERS = frozenset({"new", "extra", "additional", "real", "current"})


@dataclass(frozen=True, slots=True)
class DiffSettings:
    """Thresholds of the fact diff, as shares of a sentence's term weight found in the other version.

    Fitted on the rewrites corpus (../shared/corpora/rewrites), with two-fold cross-validation over
    its originals (benchmarks/cv_diff.py); the defaults are the fit on the whole corpus.
    """

    omit_max_share: float = 0.3  # an omitted sentence: in its (at most two) competitive partners
    omit_max_best_share: float = 0.4  # ... and in its best partner of all
    omit_max_unclaimed_share: float = 0.45  # ... or this, when that partner carries another sentence
    omit_min_words: int = 6  # content words an omission must carry
    clause_min_words: int = 3
    clause_max_share: float = 0.2  # a dropped clause: of its weight, anywhere in the derivative
    add_max_share: float = 0.2  # an added sentence: in its two heaviest sources
    add_min_novel_share: float = 0.6  # ... or this much weight in terms the original never uses
    add_new_number_max_share: float = 0.5  # ... or a new number in a loosely sourced sentence
    pair_min_share: float = 0.4  # two sentences state the same claim: each carries this of the other
    pair_slack: float = 0.1  # ... or one carries this much less (a clause added or dropped)
    carved_min_share: float = 0.7  # a derivative sentence carved out of one original sentence
    close_pair_min_share: float = 0.75  # a light edit of one sentence: polarity flips count here


DEFAULT_DIFF_SETTINGS = DiffSettings()


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
    fact = f'{what}: "{gist(before.text, original)}" -> "{gist(after.text, derivative)}"'
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
