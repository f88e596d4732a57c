"""The fast paths of the profile stage give exactly what the library calls they replace give."""

import math
from collections import Counter

import blingfire
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.comparison import signals
from dedup.profile import tfidf
from dedup.text.rarity import idf
from dedup.text.sentences import _sentence_offsets

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


similarities = st.integers(0, 8).flatmap(
    lambda rows: st.lists(
        st.lists(st.sampled_from([0.0, 0.1, 0.2, 0.21, 0.35, 0.6, 1.0]), min_size=rows, max_size=rows),
        max_size=8,
    )
)


def _matrix(rows: list[list[float]]) -> np.ndarray:
    return np.array(rows, dtype=np.float64).reshape(len(rows), len(rows[0]) if rows else 0)


@settings(max_examples=300, deadline=None)
@given(similarities)
def test_monotone_score_equals_the_plain_recurrence(rows: list[list[float]]) -> None:
    similarity = _matrix(rows)
    table = np.zeros((similarity.shape[0] + 1, similarity.shape[1] + 1))
    for i, j in np.ndindex(similarity.shape):
        gain = similarity[i, j] if similarity[i, j] >= 0.2 else 0.0
        table[i + 1, j + 1] = max(table[i, j + 1], table[i + 1, j], table[i, j] + gain)
    assert signals._monotone_score(similarity, 0.2) == (table[-1, -1] if similarity.size else 0.0)


@settings(max_examples=300, deadline=None)
@given(similarities)
def test_local_alignment_equals_the_plain_recurrence(rows: list[list[float]]) -> None:
    similarity = _matrix(rows)
    table = np.zeros((similarity.shape[0] + 1, similarity.shape[1] + 1))
    for i, j in np.ndindex(similarity.shape):
        table[i + 1, j + 1] = max(
            0.0, table[i, j] + similarity[i, j] - 0.2, table[i, j + 1] - 0.1, table[i + 1, j] - 0.1
        )
    assert math.isclose(signals._local_alignment_score(similarity), table.max(), abs_tol=1e-9)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from("abcdef"), max_size=25), st.lists(st.sampled_from("abcxyz"), max_size=25))
def test_lcs_length_equals_the_plain_recurrence(first: list[str], second: list[str]) -> None:
    table = [[0] * (len(second) + 1) for _ in range(len(first) + 1)]
    for i, word in enumerate(first):
        for j, other in enumerate(second):
            table[i + 1][j + 1] = table[i][j] + 1 if word == other else max(table[i][j + 1], table[i + 1][j])
    assert signals._lcs_length(first, second) == table[-1][-1]
