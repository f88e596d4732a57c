"""TF-IDF vectors (scikit-learn) with background IDF, and cosine similarity between them."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sklearn.feature_extraction import FeatureHasher
from sklearn.preprocessing import normalize

from dedup.rarity import idf


@dataclass(frozen=True, slots=True)
class TermMatrix:
    """L2-normalised TF-IDF rows over the hashed columns they use: dense, narrow, ready to multiply."""

    columns: npt.NDArray[np.int64]  # sorted, unique hashed term columns
    values: npt.NDArray[np.float64]  # one row per text, one column per entry of `columns`

    @property
    def rows(self) -> int:
        """Number of texts (rows)."""
        return int(self.values.shape[0])


def term_vectors(term_lists: Sequence[Sequence[str]], n_features: int) -> TermMatrix:
    """Return one l2-normalised TF-IDF row for each list of terms (sublinear tf, background IDF).

    Terms are hashed (scikit-learn's FeatureHasher), so vectors of different documents share one
    space without a fitted vocabulary and a profile is computed once, then compared with any other.
    """
    weighted = [
        {term: (1.0 + math.log(count)) * idf(term) for term, count in Counter(terms).items()}
        for terms in term_lists
    ]
    hasher = FeatureHasher(n_features=n_features, input_type="dict", alternate_sign=False)
    matrix = normalize(hasher.transform(weighted), norm="l2", copy=False).tocsr()
    matrix.sum_duplicates()
    columns = np.unique(matrix.indices).astype(np.int64)
    values = np.zeros((matrix.shape[0], len(columns)))
    rows = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
    values[rows, np.searchsorted(columns, matrix.indices)] = matrix.data
    return TermMatrix(columns, values)


def cosine_matrix(first: TermMatrix, second: TermMatrix) -> npt.NDArray[np.float64]:
    """Return the cosine similarity of every row of `first` with every row of `second`.

    Only the columns both use contribute, so the product runs over their intersection.
    """
    _, first_at, second_at = np.intersect1d(
        first.columns, second.columns, assume_unique=True, return_indices=True
    )
    if not len(first_at):
        return np.zeros((first.rows, second.rows))
    return first.values[:, first_at] @ second.values[:, second_at].T


def cosine(first: TermMatrix, second: TermMatrix) -> float:
    """Return the cosine similarity of two single-row vectors."""
    return float(cosine_matrix(first, second)[0, 0])
