"""Sentence alignment between two documents from their sentence similarity matrix."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from dedup.model import AlignedPair, Sentence


@dataclass(frozen=True, slots=True)
class Alignment:
    """Each sentence's best match in the other document, and the pairs above the threshold."""

    pairs: tuple[AlignedPair, ...]  # one per sentence of b that found a match, in b's order
    a_best: tuple[float, ...]  # best similarity of each sentence of a
    b_best: tuple[float, ...]  # best similarity of each sentence of b

    def aligned_shares(self, threshold: float) -> tuple[float, float]:
        """Share of a's and of b's sentences whose best match reaches `threshold`."""
        return _share(self.a_best, threshold), _share(self.b_best, threshold)


def align_sentences(
    similarity: npt.NDArray[np.float64],
    a_sentences: tuple[Sentence, ...],
    b_sentences: tuple[Sentence, ...],
    min_similarity: float,
) -> Alignment:
    """Match each sentence of b (columns) to its most similar sentence of a (rows).

    Many-to-one matches are kept: rewrites split and merge sentences.
    """
    if not similarity.size:
        return Alignment((), (0.0,) * similarity.shape[0], (0.0,) * similarity.shape[1])
    a_best = similarity.max(axis=1)
    b_best = similarity.max(axis=0)
    b_match = similarity.argmax(axis=0)
    pairs = tuple(
        AlignedPair(
            a_index=int(b_match[index]),
            b_index=index,
            a_span=a_sentences[int(b_match[index])].span,
            b_span=b_sentences[index].span,
            similarity=round(float(b_best[index]), 4),
        )
        for index in range(similarity.shape[1])
        if b_best[index] >= min_similarity
    )
    return Alignment(pairs, tuple(map(float, a_best)), tuple(map(float, b_best)))


def _share(best: tuple[float, ...], threshold: float) -> float:
    return sum(value >= threshold for value in best) / len(best) if best else 0.0
