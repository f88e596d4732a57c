"""Find direct quotations: spans between paired quotation marks, straight or curly."""

from __future__ import annotations

import re

from dedup.model import Span

_DOUBLE_QUOTE = re.compile(r"[\"\u201c\u201d\u201e\u00ab\u00bb]")
_OPENING = frozenset("\u201c\u201e\u00ab")
_CLOSING = frozenset("\u201d\u00bb")
_PARAGRAPH_BREAK = "\n\n"


def quote_spans(text: str) -> tuple[Span, ...]:
    """Return the spans of direct quotations, marks included.

    Marks are paired in order rather than by shape, because scraped text mixes straight and curly
    marks ("...disappointed,” he said). News style leaves a quoted paragraph open and reopens the
    next one with a fresh mark; such a quotation ends at its paragraph break.
    """
    spans = []
    open_at: int | None = None
    for match in _DOUBLE_QUOTE.finditer(text):
        position, mark = match.start(), match.group()
        if open_at is None:
            if mark not in _CLOSING:
                open_at = position
            continue
        paragraph_end = text.find(_PARAGRAPH_BREAK, open_at, position)
        if paragraph_end >= 0:
            spans.append(Span(open_at, paragraph_end))
            open_at = position if mark not in _CLOSING else None
            continue
        if mark in _OPENING:
            open_at = position  # a stray opening mark: restart the quotation here
            continue
        spans.append(Span(open_at, position + 1))
        open_at = None
    if open_at is not None:
        paragraph_end = text.find(_PARAGRAPH_BREAK, open_at)
        spans.append(Span(open_at, paragraph_end if paragraph_end >= 0 else len(text.rstrip())))
    return tuple(spans)
