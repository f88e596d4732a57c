"""TF-IDF rows past DENSE_MAX_CELLS are sparse, and give the cosines the dense rows give."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse

from dedup.profile import tfidf
from dedup.profile.profile import profile_document
from dedup.sources.load import document_from_text

words = st.lists(
    st.sampled_from(["tax", "rise", "bank", "zentrix", "7", "caf\u00e9", "harbour", "q"]), max_size=12
)


def _as_sparse(matrix: tfidf.TermMatrix) -> tfidf.TermMatrix:
    return tfidf.TermMatrix(matrix.columns, sparse.csr_matrix(matrix.values))


@settings(max_examples=100, deadline=None)
@given(st.lists(words, min_size=1, max_size=6), st.lists(words, min_size=1, max_size=6))
def test_sparse_rows_give_the_dense_cosines(first: list[list[str]], second: list[list[str]]) -> None:
    a, b = tfidf.term_vectors(first, 2**20), tfidf.term_vectors(second, 2**20)
    assert not a.is_sparse and not b.is_sparse
    dense = tfidf.cosine_matrix(a, b)
    for left, right in ((_as_sparse(a), b), (a, _as_sparse(b)), (_as_sparse(a), _as_sparse(b))):
        mixed = tfidf.cosine_matrix(left, right)
        assert isinstance(mixed, np.ndarray) and mixed.shape == dense.shape
        assert np.allclose(mixed, dense, rtol=0, atol=1e-12)


def test_a_long_text_keeps_its_sentence_rows_sparse() -> None:
    # 3,000 sentences over 3,000 distinct numbers: 9 million cells dense, 72 MB; sparse, a few hundred KB.
    text = " ".join(
        f"The council spent {n} pounds on the harbour bridge in {n % 97} days." for n in range(3000)
    )
    profile = profile_document(document_from_text(text, id="long"))
    vectors = profile.sentence_vectors
    assert vectors.rows * len(vectors.columns) > tfidf.DENSE_MAX_CELLS
    assert vectors.is_sparse
    short = profile_document(document_from_text("The council spent 12 pounds on the harbour bridge.", id="s"))
    assert not short.sentence_vectors.is_sparse
    similarity = tfidf.cosine_matrix(vectors, short.sentence_vectors)
    assert similarity.shape == (vectors.rows, 1)
    assert similarity.max() > 0.5  # the sentence about 12 pounds
