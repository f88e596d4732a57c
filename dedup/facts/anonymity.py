"""Fact diff rule on sources: a named source or figure of the original left unnamed ("one expert")."""

from __future__ import annotations

import re

from dedup.facts.alignment import Coverage
from dedup.facts.rules import Side, make_change
from dedup.model import ChangeKind, FactChange, FactKind, Span
from dedup.text.normalize import normalize_word

# An unnamed stand-in for a person or body: "one senior economist", "a former minister", "sources at
# the ministry", "one of the firm's directors" (Bell 1991, *The Language of News Media*, ch. 9 on
# unnamed news sources; the "weasel" subjects of Ganter & Strube 2009).
_STAND_IN = re.compile(
    r"(?:\bOne(?: of(?: the| its| their)?)?|\bone of(?: the| its| their)|^An?|\b[Ss]ources|\b[Aa] source)"
    r"((?:\s+[A-Za-z][\w'\u2019-]*){1,3})"
)
# Words that end a stand-in's noun phrase: verbs of saying and the auxiliaries after a subject.
_PHRASE_END = frozenset(
    {
        "said",
        "says",
        "say",
        "told",
        "tells",
        "warned",
        "warns",
        "added",
        "believes",
        "thinks",
        "claimed",
        "claims",
        "confirm",
        "confirms",
        "confirmed",
        "is",
        "was",
        "has",
        "had",
        "have",
        "who",
        "that",
        "which",
        "and",
        "but",
        "with",
        "for",
        "to",
        "in",
        "on",
        "at",
        "by",
        "from",
    }
)
_MIN_NAME_WORDS = 2
_NAME_ORDER = {"person": 0, "": 1, "organisation": 2, "place": 3}


def anonymised(before: Side, after: Side, coverage: Coverage) -> list[FactChange]:
    """Names of the original gone from the derivative, whose counterpart has an unnamed stand-in.

    "Professor Jane Roe said" -> "One senior economist said": the claim keeps a source a reader can
    no longer check. Only names of two or more words count, and only stand-ins a sentence opens with
    or that say "one of" or "sources".
    """
    derivative_words = {token.norm for token in after.facts.tokens}
    changes = []
    for unit in before.units:
        links = coverage.original_links[unit.index]
        if not unit.is_claim or not links:
            continue
        names = [
            fact
            for fact in before.of_kind(unit.index, FactKind.ENTITY)
            if len(fact.span.slice(before.text).split()) >= _MIN_NAME_WORDS
            and not any(normalize_word(word) in derivative_words for word in fact.value.split())
        ]
        if not names:
            continue
        # A person before an unsure name before an organisation or a place: stand-ins mostly hide people.
        names.sort(key=lambda fact: _NAME_ORDER.get(fact.detail, 1))
        target = after.units[links[0]]
        stand_in = _stand_in(after.text, target.span)
        if stand_in is None:
            continue
        changes.append(
            make_change(
                ChangeKind.SOFTENED, "a named source was left unnamed", names[0].span, stand_in, before, after
            )
        )
    return changes


def _stand_in(text: str, span: Span) -> Span | None:
    for match in _STAND_IN.finditer(text[span.start : span.end]):
        match_start = span.start + match.start()
        group_start = span.start + match.start(1)
        end = group_start
        for word in re.finditer(r"[A-Za-z][\w'\u2019-]*", match.group(1)):
            if word.group().lower() in _PHRASE_END:
                break
            end = group_start + word.end()
        if end > group_start:
            return Span(match_start, end)
    return None
