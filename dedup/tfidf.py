"""TF-IDF vectors (scikit-learn) with background IDF, and cosine similarity between them."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import scipy.sparse as sp
from sklearn.feature_extraction import FeatureHasher
from sklearn.preprocessing import normalize

from dedup.rarity import idf


def term_vectors(term_lists: Sequence[Sequence[str]], n_features: int) -> sp.csr_matrix:
    """Return one l2-normalised TF-IDF row for each list of terms (sublinear tf, background IDF).

    Hashing keeps vectors of different documents in one space without a shared fitted vocabulary,
    so a profile is computed once and compared with any other.
    """
    weighted = [
        {term: (1.0 + math.log(count)) * idf(term) for term, count in Counter(terms).items()}
        for terms in term_lists
    ]
    hasher = FeatureHasher(n_features=n_features, input_type="dict", alternate_sign=False)
    matrix = hasher.transform(weighted)
    return normalize(matrix, norm="l2", copy=False).tocsr()


def cosine_matrix(first: sp.csr_matrix, second: sp.csr_matrix) -> sp.csr_matrix:
    """Return the cosine similarity of every row of `first` with every row of `second`."""
    return (first @ second.T).tocsr()


def cosine(first: sp.csr_matrix, second: sp.csr_matrix) -> float:
    """Return the cosine similarity of two single-row l2-normalised vectors."""
    return float((first @ second.T).toarray()[0, 0])
