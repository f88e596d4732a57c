"""Document -> Profile: the per-document work that every comparison reuses."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from dedup import minhash, tfidf
from dedup.model import Document, Sentence, Token
from dedup.normalize import is_content_word, tokenize
from dedup.rarity import is_rare, zipf
from dedup.sentences import split_sentences
from dedup.settings import DEFAULT_SETTINGS, Settings

# Capitalised words commoner than this ("President", "Government") are titles, not names.
_NAME_MAX_ZIPF = 4.6


@dataclass(frozen=True, slots=True)
class Profile:
    """A document with its tokens, sentences, signatures and TF-IDF vectors computed once."""

    document: Document
    tokens: tuple[Token, ...]
    sentences: tuple[Sentence, ...]
    sentence_tokens: tuple[tuple[int, int], ...]  # [first, last) token index of each sentence
    shingles: frozenset[int]
    signature: npt.NDArray[np.uint64]
    sentence_vectors: sp.csr_matrix  # one l2-normalised TF-IDF row a sentence
    document_vector: sp.csr_matrix
    content_terms: frozenset[str]
    rare_terms: frozenset[str]
    numbers: frozenset[str]
    names: frozenset[str]
    word_count: int


def profile_document(document: Document, settings: Settings = DEFAULT_SETTINGS) -> Profile:
    """Compute everything compare needs from one document."""
    text = document.text
    tokens = tokenize(text)
    sentences = split_sentences(text)
    sentence_tokens = _sentence_token_ranges(tokens, sentences)
    norms = [token.norm for token in tokens]
    shingles = minhash.shingle_hashes(norms, settings.shingle_words)
    content_by_sentence = [
        [norm for norm in norms[first:last] if is_content_word(norm)] for first, last in sentence_tokens
    ]
    all_content = [norm for sentence in content_by_sentence for norm in sentence]
    sentence_vectors = tfidf.term_vectors(content_by_sentence, settings.hash_features)
    document_vector = tfidf.term_vectors([all_content], settings.hash_features)
    content_terms = frozenset(all_content)
    return Profile(
        document=document,
        tokens=tokens,
        sentences=sentences,
        sentence_tokens=sentence_tokens,
        shingles=shingles,
        signature=minhash.signature(shingles, settings.num_perm, settings.minhash_seed),
        sentence_vectors=sentence_vectors,
        document_vector=document_vector,
        content_terms=content_terms,
        rare_terms=frozenset(term for term in content_terms if is_rare(term)),
        numbers=frozenset(term for term in content_terms if any(ch.isdigit() for ch in term)),
        names=_names(text, tokens, sentences),
        word_count=len(tokens),
    )


def _sentence_token_ranges(
    tokens: tuple[Token, ...], sentences: tuple[Sentence, ...]
) -> tuple[tuple[int, int], ...]:
    starts = np.fromiter((token.span.start for token in tokens), dtype=np.int64, count=len(tokens))
    ranges = []
    for sentence in sentences:
        first = int(np.searchsorted(starts, sentence.span.start, side="left"))
        last = int(np.searchsorted(starts, sentence.span.end, side="left"))
        ranges.append((first, last))
    return tuple(ranges)


def _names(text: str, tokens: tuple[Token, ...], sentences: tuple[Sentence, ...]) -> frozenset[str]:
    """Capitalised words that are not sentence-initial and not common words: names, places, bodies."""
    sentence_starts = {sentence.span.start for sentence in sentences}
    names = set()
    for token in tokens:
        word = text[token.span.start : token.span.end]
        if (
            word[:1].isupper()
            and token.span.start not in sentence_starts
            and is_content_word(token.norm)
            and zipf(token.norm) < _NAME_MAX_ZIPF
        ):
            names.add(token.norm)
    return frozenset(names)
