"""Document -> Profile: the per-document work that every comparison reuses."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from dedup.model import Document, Sentence, Span, Token
from dedup.profile import minhash, tfidf
from dedup.profile.style import TextStyle, text_style
from dedup.settings import DEFAULT_SETTINGS, Settings
from dedup.text.normalize import is_content_word, tokenize
from dedup.text.quotes import quote_spans
from dedup.text.rarity import idf, is_rare, zipf
from dedup.text.sentences import sentence_token_ranges, split_sentences
from dedup.text.style import count_filler, count_quote_marks

# Words rarer than this (Zipf scale) are "specific": names, technical terms, less common verbs.
SPECIFIC_MAX_ZIPF = 4.5
# An informative sentence has at least this many words and one word rarer than this Zipf frequency.
_INFORMATIVE_MIN_WORDS = 6
_INFORMATIVE_MAX_ZIPF = 4.0
# Capitalised words commoner than this ("President", "Government") are titles, not names.
_NAME_MAX_ZIPF = 4.6


@dataclass(frozen=True, slots=True)
class Quotation:
    """A direct quotation: its content words and the sentences it runs through."""

    words: tuple[str, ...]
    sentences: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Profile:
    """A document with its tokens, sentences, signatures and TF-IDF vectors computed once."""

    document: Document
    tokens: tuple[Token, ...]
    sentences: tuple[Sentence, ...]
    sentence_tokens: tuple[tuple[int, int], ...]  # [first, last) token index of each sentence
    shingles: frozenset[int]
    unquoted_shingles: frozenset[int]  # shingles that touch no direct quotation
    signature: npt.NDArray[np.uint64]
    sentence_vectors: tfidf.TermMatrix  # one l2-normalised TF-IDF row a sentence
    document_vector: tfidf.TermMatrix
    informative: tuple[bool, ...]  # per sentence: states something specific (see _is_informative)
    content_sequence: tuple[str, ...]  # content words in reading order
    specific_sequence: tuple[str, ...]  # the less common of them (Zipf < 4.5)
    rare_sequence: tuple[str, ...]  # the rare ones
    content_terms: frozenset[str]
    content_weight: float  # summed IDF of the content terms
    rare_terms: frozenset[str]
    numbers: frozenset[str]
    names: frozenset[str]
    word_count: int
    quote_marks: int
    filler_phrases: int
    quotations: tuple[Quotation, ...]
    style: TextStyle
    facts: frozenset[str]  # names and numbers
    specifics: frozenset[str]  # rare words, names and numbers
    sentence_specifics: tuple[frozenset[str], ...]  # per sentence, its specifics; none if uninformative
    first_mention: dict[str, int]  # each word (norm) -> the token index where it first appears


def profile_document(document: Document, settings: Settings = DEFAULT_SETTINGS) -> Profile:
    """Compute everything compare needs from one document."""
    text = document.text
    tokens = tokenize(text)
    sentences = split_sentences(text)
    sentence_tokens = sentence_token_ranges(tokens, sentences)
    norms = [token.norm for token in tokens]
    shingles = minhash.shingle_hashes(norms, settings.shingle_words)
    quotes = quote_spans(text)
    token_quotes = _token_quotes(tokens, quotes)
    quoted = tuple(quote is not None for quote in token_quotes)
    content_by_sentence = [
        [norm for norm in norms[first:last] if is_content_word(norm)] for first, last in sentence_tokens
    ]
    all_content = [norm for sentence in content_by_sentence for norm in sentence]
    sentence_vectors = tfidf.term_vectors(content_by_sentence, settings.hash_features)
    document_vector = tfidf.term_vectors([all_content], settings.hash_features)
    content_terms = frozenset(all_content)
    rare_terms = frozenset(term for term in content_terms if is_rare(term))
    numbers = frozenset(term for term in content_terms if any(map(str.isdigit, term)))
    names = _names(text, tokens, sentences)
    specifics = rare_terms | names | numbers
    informative_sentences = tuple(
        _is_informative(norms[first:last], content)
        for (first, last), content in zip(sentence_tokens, content_by_sentence, strict=True)
    )
    return Profile(
        document=document,
        tokens=tokens,
        sentences=sentences,
        sentence_tokens=sentence_tokens,
        shingles=shingles,
        unquoted_shingles=minhash.shingle_hashes(
            norms,
            settings.shingle_words,
            _narrative_shingle_starts(text, tokens, quoted, settings.shingle_words),
        ),
        signature=minhash.signature(shingles, settings.num_perm, settings.minhash_seed),
        sentence_vectors=sentence_vectors,
        document_vector=document_vector,
        informative=informative_sentences,
        content_sequence=tuple(all_content),
        specific_sequence=tuple(word for word in all_content if zipf(word) < SPECIFIC_MAX_ZIPF),
        rare_sequence=tuple(word for word in all_content if is_rare(word)),
        content_terms=content_terms,
        content_weight=sum(idf(term) for term in content_terms),
        rare_terms=rare_terms,
        numbers=numbers,
        names=names,
        word_count=len(tokens),
        quote_marks=count_quote_marks(text),
        filler_phrases=count_filler(text),
        quotations=_quotations(norms, token_quotes, len(quotes), sentence_tokens),
        style=text_style(text, norms, sentence_tokens, all_content),
        facts=names | numbers,
        specifics=specifics,
        # Reversed, so that the earliest position of each word is the one kept.
        first_mention={norm: index for index, norm in reversed(list(enumerate(norms)))},
        sentence_specifics=tuple(
            frozenset(norm for norm in norms[first:last] if norm in specifics) if informative else frozenset()
            for (first, last), informative in zip(sentence_tokens, informative_sentences, strict=True)
        ),
    )


def _is_informative(words: list[str], content: list[str]) -> bool:
    """A sentence of some length that names, counts or uses an uncommon word.

    Generic padding ("The situation remains fluid"), bylines and site furniture ("Exit mobile
    version") state no specific fact.
    """
    if len(words) < _INFORMATIVE_MIN_WORDS:
        return False
    return any(zipf(word) < _INFORMATIVE_MAX_ZIPF or word[:1].isdigit() for word in content)


def _narrative_shingle_starts(
    text: str, tokens: tuple[Token, ...], quoted: tuple[bool, ...], size: int
) -> list[int]:
    """Token positions of shingles in the writer's own words: no quotation, not a run of names.

    Outlets covering one event share quotations and long proper names ("the Port Authority of New
    York"); a shared run of narrative prose is what reuse leaves behind.
    """
    # Running counts make each window's quoted and capitalised tokens two subtractions.
    quoted_before = list(itertools.accumulate(quoted, initial=0))
    capitalised_before = list(
        itertools.accumulate((text[token.span.start].isupper() for token in tokens), initial=0)
    )
    return [
        index
        for index in range(len(tokens) - size + 1)
        if quoted_before[index + size] == quoted_before[index]
        and capitalised_before[index + size] - capitalised_before[index] <= size // 2
    ]


def _token_quotes(tokens: tuple[Token, ...], quotes: tuple[Span, ...]) -> tuple[int | None, ...]:
    """The direct quotation each token lies in, by index into `quotes`, or None outside them."""
    inside: list[int | None] = []
    quote_index = 0
    for token in tokens:
        while quote_index < len(quotes) and quotes[quote_index].end <= token.span.start:
            quote_index += 1
        is_inside = quote_index < len(quotes) and quotes[quote_index].start <= token.span.start
        inside.append(quote_index if is_inside else None)
    return tuple(inside)


def _quotations(
    norms: list[str],
    token_quotes: tuple[int | None, ...],
    quote_count: int,
    sentence_tokens: tuple[tuple[int, int], ...],
) -> tuple[Quotation, ...]:
    """Each direct quotation: its content words and the sentences it runs through."""
    words: list[list[str]] = [[] for _ in range(quote_count)]
    sentences: list[set[int]] = [set() for _ in range(quote_count)]
    token_sentence: list[int | None] = [None] * len(norms)
    for number, (first, last) in enumerate(sentence_tokens):
        token_sentence[first:last] = [number] * (last - first)
    for norm, quote_index, sentence_index in zip(norms, token_quotes, token_sentence, strict=True):
        if quote_index is None:
            continue
        if sentence_index is not None:
            sentences[quote_index].add(sentence_index)
        if is_content_word(norm):
            words[quote_index].append(norm)
    return tuple(
        Quotation(tuple(quotation), tuple(sorted(where)))
        for quotation, where in zip(words, sentences, strict=True)
    )


def _names(text: str, tokens: tuple[Token, ...], sentences: tuple[Sentence, ...]) -> frozenset[str]:
    """Capitalised words that are not sentence-initial and not common words: names, places, bodies."""
    sentence_starts = {sentence.span.start for sentence in sentences}
    names = set()
    for token in tokens:
        if (
            text[token.span.start].isupper()  # the token's first character (tokens are never empty)
            and token.span.start not in sentence_starts
            and is_content_word(token.norm)
            and zipf(token.norm) < _NAME_MAX_ZIPF
        ):
            names.add(token.norm)
    return frozenset(names)
