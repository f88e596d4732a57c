"""TF-IDF vectors (scikit-learn) with background IDF, and cosine similarity between them."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import TypeAlias

import numpy as np
import numpy.typing as npt
from scipy import sparse
from sklearn.feature_extraction import FeatureHasher
from sklearn.preprocessing import normalize
from sklearn.utils import murmurhash3_32

from dedup.text.rarity import idf

# Above this many cells (8 MB of float64) rows are kept sparse: a long text's sentences x terms grow
# with the square of its length (1 MB of text: 1.4 GB dense; issue 13). An article stays far below
# it, and dense rows multiply faster. The two layouts hold the same numbers.
DENSE_MAX_CELLS = 2**20

Values: TypeAlias = npt.NDArray[np.float64] | sparse.csr_matrix


@dataclass(frozen=True, slots=True)
class TermMatrix:
    """L2-normalised TF-IDF rows over the hashed columns they use: narrow, ready to multiply.

    `values` is a dense array for texts of ordinary length and a CSR matrix past `DENSE_MAX_CELLS`.
    """

    columns: npt.NDArray[np.int64]  # sorted, unique hashed term columns
    values: Values  # one row per text, one column per entry of `columns`

    @property
    def rows(self) -> int:
        """Number of texts (rows)."""
        return int(self.values.shape[0])

    @property
    def is_sparse(self) -> bool:
        """Tell whether the rows are held as a sparse matrix."""
        return isinstance(self.values, sparse.csr_matrix)


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
    row_of = np.repeat(np.arange(len(rows)), [len(row) for row in rows])
    used = np.array([column for row in rows for column, _ in row], dtype=np.int64)
    data = np.array([value for row in rows for _, value in row], dtype=np.float64)
    return _laid_out(columns, row_of, np.searchsorted(columns, used), data, len(rows))


def _laid_out(
    columns: npt.NDArray[np.int64],
    row_of: npt.NDArray[np.intp],
    column_at: npt.NDArray[np.intp],
    data: npt.NDArray[np.float64],
    rows: int,
) -> TermMatrix:
    """Place entries (row, position in `columns`, value) densely, or sparsely past DENSE_MAX_CELLS."""
    if rows * len(columns) > DENSE_MAX_CELLS:
        # Entries of one cell never repeat here (rows come summed per column), so nothing is summed.
        return TermMatrix(columns, sparse.csr_matrix((data, (row_of, column_at)), shape=(rows, len(columns))))
    values = np.zeros((rows, len(columns)))
    values[row_of, column_at] = data
    return TermMatrix(columns, values)


def _sklearn_term_vectors(weighted: list[dict[str, float]], n_features: int) -> TermMatrix:
    """The same vectors through FeatureHasher and normalize: the reference for `_hashed_row`."""
    hasher = FeatureHasher(n_features=n_features, input_type="dict", alternate_sign=False)
    matrix = normalize(hasher.transform(weighted), norm="l2", copy=False).tocsr()
    matrix.sum_duplicates()
    columns = np.unique(matrix.indices).astype(np.int64)
    rows = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
    return _laid_out(columns, rows, np.searchsorted(columns, matrix.indices), matrix.data, matrix.shape[0])


def cosine_matrix(first: TermMatrix, second: TermMatrix) -> npt.NDArray[np.float64]:
    """Return the cosine similarity of every row of `first` with every row of `second`.

    Only the columns both use contribute, so the product runs over their intersection. The result
    is dense (rows x rows), as every alignment signal reads it whole.
    """
    first_at, second_at = _shared_columns(first.columns, second.columns)
    if not len(first_at):
        return np.zeros((first.rows, second.rows))
    product = first.values[:, first_at] @ second.values[:, second_at].T
    if isinstance(product, np.ndarray):
        return product
    return np.asarray(product.toarray(), dtype=np.float64)  # a sparse product


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
