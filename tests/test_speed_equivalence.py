"""The fast paths of the profile stage give exactly what the library calls they replace give."""

import math
from collections import Counter

import blingfire
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup import tfidf
from dedup.rarity import idf
from dedup.sentences import _sentence_offsets

words = st.lists(
    st.sampled_from(["tax", "rise", "bank", "zentrix", "7", "1.13", "caf\u00e9", "la", "q"]), max_size=30
)
prose = st.text(
    alphabet=st.sampled_from(list('abcdef ABC.!?"\u201c\u201d\u00e9\u00a3\u4e2d\U0001f600 0123456789')),
    min_size=1,
    max_size=300,
)


def _reference(term_lists: list[list[str]], n_features: int) -> tfidf.TermMatrix:
    weighted = [
        {term: (1.0 + math.log(n)) * idf(term) for term, n in Counter(terms).items()} for terms in term_lists
    ]
    return tfidf._sklearn_term_vectors(weighted, n_features)


@settings(max_examples=200, deadline=None)
@given(st.lists(words, min_size=1, max_size=6), st.sampled_from([2, 3, 16, 2**20]))
def test_term_vectors_equal_scikit_learn_bit_for_bit(term_lists: list[list[str]], n_features: int) -> None:
    # Few columns force collisions: two terms in a column, and three (the scikit-learn path).
    fast, reference = tfidf.term_vectors(term_lists, n_features), _reference(term_lists, n_features)
    assert np.array_equal(fast.columns, reference.columns)
    assert fast.values.shape == reference.values.shape
    assert fast.values.tobytes() == reference.values.tobytes()


@settings(max_examples=300, deadline=None)
@given(prose)
def test_sentence_offsets_equal_blingfire_wrapper(text: str) -> None:
    _, expected = blingfire.text_to_sentences_and_offsets(text)
    assert _sentence_offsets(text) == [tuple(pair) for pair in expected]
