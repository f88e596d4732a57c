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

    def aligned_shares(
        self, threshold: float, a_counted: tuple[bool, ...], b_counted: tuple[bool, ...]
    ) -> tuple[float, float]:
        """Share of a's and of b's counted sentences whose best match reaches `threshold`.

        All sentences count when none is marked.
        """
        return _share(self.a_best, threshold, a_counted), _share(self.b_best, threshold, b_counted)


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


def _share(best: tuple[float, ...], threshold: float, counted: tuple[bool, ...]) -> float:
    if not any(counted):
        counted = (True,) * len(best)
    values = [value for value, is_counted in zip(best, counted, strict=True) if is_counted]
    return sum(value >= threshold for value in values) / len(values) if values else 0.0
