"""Document -> Facts: numbers, dates, names, quotes, attributions and certainty markers with spans."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from dedup.facts import fact_words, lexicons
from dedup.facts.quantities import extract_quantities, sentence_of
from dedup.model import Document, Fact, FactKind, Facts, Span, Token
from dedup.profile.profile import Profile
from dedup.text.normalize import normalize_word, tokenize
from dedup.text.rarity import zipf
from dedup.text.sentences import sentence_token_ranges, split_sentences
from dedup.text.stems import stem

# Capitalised words commoner than this are sentence furniture ("The", "But"), not names; a
# sentence-initial capital says nothing, so there only rarer words ("Zentrix", not "Yesterday") count.
_NAME_MAX_ZIPF = 6.0
_START_NAME_MAX_ZIPF = 4.5
_NAME_CONNECTORS = frozenset({"of", "de", "du", "von", "van", "la", "le"})
_HONORIFICS = frozenset({"mr", "mrs", "ms", "dr", "sir", "lord", "lady", "prof", "professor", "dame"})
_CALENDAR = fact_words.MONTHS | fact_words.WEEKDAYS
_NUMBER_NAMES = frozenset(fact_words.NUMBER_WORDS) | frozenset(fact_words.NUMBER_SCALES)
_PRONOUNS = frozenset({"he", "she", "they", "we", "it", "i"})
# A quotation stays inside its paragraph: an unbalanced mark elsewhere must not pair across paragraphs.
_QUOTE = re.compile(r"[\"\u201c](?P<body>[^\"\u201c\u201d\n]{2,600}?)[\"\u201d]")
_ACCORDING = re.compile(r"\baccording to\s+(?P<source>[^,.;:\"\u201c\u201d]{2,60})", re.IGNORECASE)
_CLOSING_MARKS = (".", '"', "\u201d", ";")
_WORD = re.compile(r"[\w'\u2019-]+")


def extract_facts(source: Document | Profile) -> Facts:
    """Read the fact units of a document: what a fact checker compares between two versions."""
    if isinstance(source, Profile):
        document, tokens, sentences = source.document, source.tokens, source.sentences
        sentence_tokens = source.sentence_tokens
    else:
        document, tokens, sentences = source, tokenize(source.text), split_sentences(source.text)
        sentence_tokens = sentence_token_ranges(tokens, sentences)
    text = document.text
    starts = [sentence.span.start for sentence in sentences]
    facts: list[Fact] = []
    numbers = list(extract_quantities(text, starts))
    facts.extend(numbers)
    entities = _EntityIndex.of(list(_entities(text, tokens, sentence_tokens)))
    facts.extend(entities.facts)
    facts.extend(_quotes(text, starts, entities))
    facts.extend(_attributions(text, starts, entities))
    facts.extend(_markers(text, tokens, starts))
    facts.sort(key=lambda fact: (fact.span.start, fact.span.end, fact.kind))
    return Facts(document, sentences, tokens, sentence_tokens, tuple(facts))


def _entities(
    text: str,
    tokens: tuple[Token, ...],
    sentence_tokens: tuple[tuple[int, int], ...],
) -> Iterator[Fact]:
    """Runs of capitalised words: people, organisations and places (a heuristic, no model)."""
    for index, (first, last) in enumerate(sentence_tokens):
        run: list[Token] = []
        for position in range(first, last + 1):
            token = tokens[position] if position < last else None
            is_joined = not run or text[run[-1].span.end : token.span.start].isspace() if token else False
            if token is not None and is_joined and _is_name_word(text, token, position == first):
                run.append(token)
                continue
            if token is not None and run and token.norm in _NAME_CONNECTORS:
                following = tokens[position + 1] if position + 1 < last else None
                if following is not None and text[following.span.start].isupper():
                    run.append(token)
                    continue
            if run:
                while run and run[-1].norm in _NAME_CONNECTORS:
                    run.pop()
                name = _entity_from_run(text, run)
                if name is not None:
                    before = tokens[first : position - len(run)][-1:]
                    yield Fact(FactKind.ENTITY, name[0], name[1], index, _entity_type(run, before))
                run = []


def _is_name_word(text: str, token: Token, is_sentence_start: bool) -> bool:
    word = text[token.span.start : token.span.end]
    if not word[:1].isupper() or word.isdigit() or token.norm in _CALENDAR or token.norm in _NUMBER_NAMES:
        return False
    if is_sentence_start:
        return token.norm in _HONORIFICS or zipf(token.norm) < _START_NAME_MAX_ZIPF
    return token.norm not in _PRONOUNS or word == "I"


def _entity_from_run(text: str, run: list[Token]) -> tuple[Span, str] | None:
    words = [token.norm for token in run if token.norm not in _HONORIFICS]
    if not words or all(zipf(word) >= _NAME_MAX_ZIPF for word in words):
        return None
    return Span(run[0].span.start, run[-1].span.end), " ".join(words)


def _entity_type(run: list[Token], before: tuple[Token, ...]) -> str:
    """Guess "person", "organisation" or "place" from the words around a name, or "" when unsure."""
    norms = [token.norm for token in run]
    if norms[0] in _HONORIFICS:
        return "person"
    if any(norm in fact_words.ORGANISATION_WORDS for norm in norms):
        return "organisation"
    if before and before[0].norm in fact_words.PLACE_PREPOSITIONS:
        return "place"
    return ""


@dataclass(frozen=True, slots=True)
class _EntityIndex:
    """The names of one text in text order, with their start and end offsets for bisecting."""

    facts: tuple[Fact, ...]
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    @classmethod
    def of(cls, entities: list[Fact]) -> _EntityIndex:
        """Index names as `_entities` yields them: in text order, never overlapping."""
        ordered = tuple(sorted(entities, key=lambda fact: fact.span.start))
        return cls(ordered, tuple(f.span.start for f in ordered), tuple(f.span.end for f in ordered))


def _quotes(text: str, starts: list[int], entities: _EntityIndex) -> Iterator[Fact]:
    """Direct quotes with the speaker named next to them ("...," said X / X said: "...")."""
    for match in _QUOTE.finditer(text):
        body = match.group("body")
        if len(body.split()) < 3:
            continue  # scare quotes around a word or two are a name or a term, not a quotation
        speaker = _speaker_near(text, match.start(), match.end(), entities)
        words = " ".join(stem(normalize_word(word)) for word in _WORD.findall(body))
        yield Fact(FactKind.QUOTE, Span(*match.span()), words, sentence_of(starts, match.start()), speaker)


def _speaker_near(text: str, start: int, end: int, entities: _EntityIndex) -> str:
    after = text[end : end + 80]
    before = text[max(0, start - 120) : start]
    reporting = _reporting_pattern()
    after_verb = reporting.search(after)
    if after_verb is not None and after_verb.start() < 25:
        return _source_near(text, end + after_verb.start(), end + after_verb.end(), entities)
    before_verbs = list(reporting.finditer(before))
    if before_verbs:
        verb = before_verbs[-1]
        offset = max(0, start - 120)
        return _source_near(text, offset + verb.start(), offset + verb.end(), entities)
    return ""


def _source_near(text: str, verb_start: int, verb_end: int, entities: _EntityIndex) -> str:
    """The named source of a reporting verb: a name just after it (inverted), or just before.

    Names do not overlap, so their ends ascend with their starts and both are bisected: a name
    starting up to 3 characters after the verb wins ("..., said Anna Berg"), else the last name ending
    up to 40 characters before it with no closing mark between.
    """
    after = bisect_left(entities.starts, verb_end)
    if after < len(entities.starts) and entities.starts[after] - verb_end <= 3:
        return entities.facts[after].value
    low = bisect_left(entities.ends, verb_start - 40)
    for position in range(bisect_right(entities.ends, verb_start) - 1, low - 1, -1):
        between = text[entities.ends[position] : verb_start]
        if not any(mark in between for mark in _CLOSING_MARKS):
            return entities.facts[position].value
    before: list[str] = _WORD.findall(text[max(0, verb_start - 30) : verb_start])
    if before and before[-1].lower() in _PRONOUNS:
        return before[-1].lower()
    return " ".join(word.lower() for word in before[-2:])


@cache
def _reporting_pattern() -> re.Pattern[str]:
    verbs = sorted((verb for verb in lexicons.REPORTING_VERBS if verb != "according to"), key=len)
    # The lookahead on first letters is implied by the alternatives, so it changes no match; it fails
    # most positions at once instead of trying every verb there.
    first_letters = "".join(sorted({re.escape(verb[0]) for verb in verbs}))
    return re.compile(rf"(?=[{first_letters}])\b(?:" + "|".join(reversed(verbs)) + r")\b")


def _attributions(text: str, starts: list[int], entities: _EntityIndex) -> Iterator[Fact]:
    """Who a claim is put down to: "X said", "said X", "according to X"."""
    for match in _reporting_pattern().finditer(text):
        source = _source_near(text, match.start(), match.end(), entities)
        yield Fact(
            FactKind.ATTRIBUTION,
            Span(*match.span()),
            source,
            sentence_of(starts, match.start()),
            match.group().lower(),
        )
    for match in _ACCORDING.finditer(text):
        source = " ".join(_WORD.findall(match.group("source").lower())[:4])
        end = match.start() + len(match.group().rstrip())
        yield Fact(
            FactKind.ATTRIBUTION,
            Span(match.start(), end),
            source,
            sentence_of(starts, match.start()),
            "according to",
        )


_MARKER_KINDS = (FactKind.HEDGE, FactKind.BOOSTER, FactKind.VAGUE, FactKind.NEGATION, FactKind.DIRECTION)


@cache
def _marker_lexicon() -> dict[str, tuple[tuple[tuple[str, ...], FactKind], ...]]:
    """Every marker phrase as normalised words, keyed by its first word, longest phrases first."""
    lists: dict[FactKind, frozenset[str]] = {
        FactKind.HEDGE: lexicons.HEDGES,
        FactKind.BOOSTER: lexicons.BOOSTERS,
        FactKind.VAGUE: lexicons.VAGUE_QUANTIFIERS | lexicons.APPROXIMATORS,
        FactKind.NEGATION: lexicons.NEGATIONS - {"n't"},
        FactKind.DIRECTION: fact_words.DIRECTION_UP | fact_words.DIRECTION_DOWN,
    }
    by_first: dict[str, list[tuple[tuple[str, ...], FactKind]]] = {}
    for kind in _MARKER_KINDS:
        for phrase in lists[kind]:
            words = tuple(normalize_word(word) for word in phrase.split())
            by_first.setdefault(words[0], []).append((words, kind))
    return {first: tuple(sorted(entries, key=lambda e: -len(e[0]))) for first, entries in by_first.items()}


def _markers(text: str, tokens: tuple[Token, ...], starts: list[int]) -> Iterator[Fact]:
    """Hedges, boosters, vague quantifiers, negation and direction words, matched on tokens.

    A dictionary lookup per token, not one regular expression with hundreds of alternatives: the
    latter costs more than the rest of the diff on an 800-word article.
    """
    lexicon = _marker_lexicon()
    for index, token in enumerate(tokens):
        # A word ending in "n't" normalises to one ending in "nt": only those need their text read.
        if token.norm == "cannot" or (
            token.norm.endswith("nt")
            and text[token.span.start : token.span.end].lower().endswith(("n't", "n\u2019t"))
        ):
            yield Fact(FactKind.NEGATION, token.span, "not", sentence_of(starts, token.span.start))
            continue
        entries = lexicon.get(token.norm)
        if not entries or text[token.span.start : token.span.end] == "May":
            continue  # "May" is the month, not the modal
        seen: set[FactKind] = set()
        for words, kind in entries:
            if kind in seen:
                continue
            last = index + len(words) - 1
            if last >= len(tokens) or tuple(t.norm for t in tokens[index : last + 1]) != words:
                continue
            if not text[token.span.start : tokens[last].span.end].replace("-", " ").split() or any(
                not text[tokens[k].span.end : tokens[k + 1].span.start].isspace() for k in range(index, last)
            ):
                continue  # a phrase does not run across punctuation
            seen.add(kind)
            value = " ".join(words)
            if kind == FactKind.DIRECTION:
                value = "up" if value in fact_words.DIRECTION_UP else "down"
            elif kind == FactKind.NEGATION:
                value = "not"
            yield Fact(
                kind,
                Span(token.span.start, tokens[last].span.end),
                value,
                sentence_of(starts, token.span.start),
            )
