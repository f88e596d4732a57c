"""TF-IDF vectors (scikit-learn) with background IDF, and cosine similarity between them."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
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


def cosine_matrix(first: sp.csr_matrix, second: sp.csr_matrix) -> npt.NDArray[np.float64]:
    """Return the cosine similarity of every row of `first` with every row of `second`.

    The two matrices are narrowed to the columns either uses (a few hundred of the hashed million)
    and multiplied dense: scipy's sparse product would convert the million-column transpose.
    """
    columns = np.union1d(first.indices, second.indices)
    return _narrow(first, columns) @ _narrow(second, columns).T


def cosine(first: sp.csr_matrix, second: sp.csr_matrix) -> float:
    """Return the cosine similarity of two single-row l2-normalised vectors."""
    return float(cosine_matrix(first, second)[0, 0])


def _narrow(matrix: sp.csr_matrix, columns: npt.NDArray[np.int32]) -> npt.NDArray[np.float64]:
    dense = np.zeros((matrix.shape[0], len(columns)))
    rows = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
    np.add.at(dense, (rows, np.searchsorted(columns, matrix.indices)), matrix.data)
    return dense
