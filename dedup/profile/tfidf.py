"""TF-IDF vectors (scikit-learn) with background IDF, and cosine similarity between them."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt
from sklearn.feature_extraction import FeatureHasher
from sklearn.preprocessing import normalize
from sklearn.utils import murmurhash3_32

from dedup.text.rarity import idf


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

    Terms are hashed (scikit-learn's FeatureHasher hash: signed MurmurHash3, seed 0, no alternate
    sign), so vectors of different documents share one space without a fitted vocabulary and a
    profile is computed once, then compared with any other.
    """
    weighted = [
        {term: (1.0 + math.log(count)) * idf(term) for term, count in Counter(terms).items()}
        for terms in term_lists
    ]
    rows = [_hashed_row(weights, n_features) for weights in weighted]
    complete = [row for row in rows if row is not None]
    if not complete or len(complete) < len(rows):
        return _sklearn_term_vectors(weighted, n_features)
    return _dense(complete)


def _hashed_row(weights: dict[str, float], n_features: int) -> list[tuple[int, float]] | None:
    """One row as sorted (column, value) pairs, l2-normalised exactly as scikit-learn does it.

    FeatureHasher -> sum_duplicates -> normalize costs more in input checks than in arithmetic on
    rows of a few dozen terms, so the same arithmetic runs here: values summed per column, squares
    summed in column order, each value divided by the square root. Two values sum the same in
    either order; a column hit by three terms (scipy sums those in an unspecified order) returns
    None so that the caller takes scikit-learn's path.
    """
    summed: dict[int, float] = {}
    shared: set[int] = set()
    for term, weight in weights.items():
        if weight == 0:
            continue  # FeatureHasher stores no zero entries
        column = _column(term, n_features)
        if column not in summed:
            summed[column] = weight
        elif column in shared:
            return None
        else:
            shared.add(column)
            summed[column] += weight
    ordered = sorted(summed.items())
    square_sum = 0.0
    for _, value in ordered:
        square_sum += value * value
    if square_sum == 0.0:
        return ordered
    norm = math.sqrt(square_sum)
    return [(column, value / norm) for column, value in ordered]


@cache
def _column(term: str, n_features: int) -> int:
    """The hashed column of a term, as FeatureHasher computes it."""
    hashed = int(murmurhash3_32(term, seed=0))
    if hashed == -(2**31):
        return (2**31 - 1 - (n_features - 1)) % n_features
    return abs(hashed) % n_features


def _dense(rows: list[list[tuple[int, float]]]) -> TermMatrix:
    """Lay sparse rows out over the sorted union of their columns."""
    columns = np.array(sorted({column for row in rows for column, _ in row}), dtype=np.int64)
    values = np.zeros((len(rows), len(columns)))
    row_of = np.repeat(np.arange(len(rows)), [len(row) for row in rows])
    used = np.array([column for row in rows for column, _ in row], dtype=np.int64)
    values[row_of, np.searchsorted(columns, used)] = [value for row in rows for _, value in row]
    return TermMatrix(columns, values)


def _sklearn_term_vectors(weighted: list[dict[str, float]], n_features: int) -> TermMatrix:
    """The same vectors through FeatureHasher and normalize: the reference for `_hashed_row`."""
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
    first_at, second_at = _shared_columns(first.columns, second.columns)
    if not len(first_at):
        return np.zeros((first.rows, second.rows))
    return first.values[:, first_at] @ second.values[:, second_at].T


def _shared_columns(
    first: npt.NDArray[np.int64], second: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """Positions in each sorted column array of the columns both hold, in column order.

    What `np.intersect1d(..., return_indices=True)` returns, by binary search instead of sorting
    the two arrays together.
    """
    if not len(first) or not len(second):
        return np.empty(0, dtype=np.intp), np.empty(0, dtype=np.intp)
    found = np.searchsorted(second, first)
    is_shared = second[np.minimum(found, len(second) - 1)] == first
    return np.flatnonzero(is_shared), found[is_shared]


def cosine(first: TermMatrix, second: TermMatrix) -> float:
    """Return the cosine similarity of two single-row vectors."""
    return float(cosine_matrix(first, second)[0, 0])
