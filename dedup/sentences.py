"""Split a text into sentence spans with syntok."""

from __future__ import annotations

import syntok.segmenter as syntok_segmenter

from dedup.model import Sentence, Span


def split_sentences(text: str) -> tuple[Sentence, ...]:
    """Return the sentences of `text`, each a span into it; a paragraph break always ends one.

    syntok keeps absolute offsets and handles abbreviations ("U.S.", "Mr.") and decimals, at about
    a third of pysbd's cost on news text.
    """
    spans = []
    for paragraph in syntok_segmenter.analyze(text):
        for sentence in paragraph:
            tokens = [token for token in sentence if token.value]
            if tokens:
                last = tokens[-1]
                spans.append(Span(tokens[0].offset, last.offset + len(last.value)))
    return tuple(Sentence(index, span) for index, span in enumerate(spans))
