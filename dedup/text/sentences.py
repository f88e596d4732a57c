"""Split a text into sentence spans with BlingFire, paragraph by paragraph."""

from __future__ import annotations

import bisect
import ctypes
import re

import blingfire
import numpy as np

from dedup.model import Sentence, Span, Token
from dedup.text.normalize import mask_markup

_PARAGRAPH = re.compile(r"[^\n]+(?:\n(?![ \t]*\n)[^\n]*)*")
# Scraped text often loses the space after a full stop ("the Post.Zakaria said"); the splitter
# cannot see a boundary there, so it reads a copy with a space put back and maps offsets home.
_GLUED_BOUNDARY = re.compile(
    r"(?<=[a-z0-9)][.!?])(?=[\u201c\u2018]?[A-Z][a-z])|(?<=[.!?][\"\u201d\u2019])(?=[A-Z])"
)


_TITLES = r"(?:Mr|Mrs|Ms|Dr|Prof|Sen|Rep|Gov|Gen|Lt|Col|Sgt|Capt|Rev|Hon|Pres|Gens|Reps|Sens|St|Mt|Ft)"
_ENDS_WITH_TITLE = re.compile(rf"(?:\b{_TITLES}|\b[A-Z])\.\s*$")
_BOUNDARY_BEFORE_TITLE = re.compile(rf"(?<=[a-z0-9%)\]][.!?])\s+(?={_TITLES}\.\s+[A-Z])")


def split_sentences(text: str) -> tuple[Sentence, ...]:
    """Return the sentences of `text`, each a span into it; a paragraph break always ends one.

    BlingFire (Microsoft's finite-state tokenizer, a compiled model shipped in its wheel) handles
    abbreviations ("U.S.", "Mr.") and decimals at about a tenth of syntok's cost and a thirtieth
    of pysbd's, which matters because every profiled document is split. Markup is blanked first.
    """
    masked = mask_markup(text)
    spans = []
    for paragraph in _PARAGRAPH.finditer(masked):
        if paragraph.group().strip():
            spans.extend(_split_paragraph(paragraph.group(), paragraph.start()))
    return tuple(Sentence(index, span) for index, span in enumerate(spans))


def _split_paragraph(paragraph: str, offset: int) -> list[Span]:
    view, to_original = _splitting_view(paragraph)
    boundaries = _sentence_offsets(view)
    pieces = _mend_titles([(start, end) for start, end in boundaries if view[start:end].strip()], view)
    spans = []
    for start, end in pieces:
        while view[start].isspace():
            start += 1
        while view[end - 1].isspace():
            end -= 1
        spans.append(Span(offset + to_original[start], offset + to_original[end - 1] + 1))
    return spans


def _sentence_offsets(text: str) -> list[tuple[int, int]]:
    """BlingFire's sentence boundaries as [start, end) character offsets into `text`.

    Calls the library's C function as `blingfire.text_to_sentences_and_offsets` does, but maps its
    UTF-8 byte offsets to characters without that wrapper's Python loop over every byte, which cost
    more than the splitting itself. Offsets are the wrapper's: starts on a character, ends after one.
    """
    encoded = text.encode("utf-8")
    capacity = len(encoded) * 2
    output = ctypes.create_string_buffer(capacity)
    starts = (ctypes.c_int32 * capacity)()
    ends = (ctypes.c_int32 * capacity)()
    written = blingfire.blingfire.TextToSentencesWithOffsets(
        ctypes.c_char_p(encoded),
        ctypes.c_int(len(encoded)),
        ctypes.byref(output),
        ctypes.byref(starts),
        ctypes.byref(ends),
        ctypes.c_int(capacity),
    )
    if written == -1 or written > capacity:
        return []
    count = output.value.count(b"\n") + 1
    if len(encoded) == len(text):  # ASCII: byte offsets are character offsets
        return [(start, end + 1) for start, end in zip(starts[:count], ends[:count], strict=True)]
    # A character starts at every byte that is not a UTF-8 continuation byte (10xxxxxx).
    is_lead = (np.frombuffer(encoded, dtype=np.uint8) & 0xC0) != 0x80
    character_at: list[int] = np.append(np.cumsum(is_lead) - 1, len(text)).tolist()
    return [
        (character_at[start], character_at[end + 1])
        for start, end in zip(starts[:count], ends[:count], strict=True)
    ]


def _mend_titles(pieces: list[tuple[int, int]], view: str) -> list[tuple[int, int]]:
    """Undo BlingFire's two slips around titles: "Mr." ending a sentence, "rose. Dr. Jones" not.

    Titles before a name never end a sentence in news copy, and a full stop before one always does.
    """
    merged: list[tuple[int, int]] = []
    for start, end in pieces:
        if merged and _ENDS_WITH_TITLE.search(view[merged[-1][0] : merged[-1][1]]):
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    split: list[tuple[int, int]] = []
    for start, end in merged:
        cut_from = start
        for match in _BOUNDARY_BEFORE_TITLE.finditer(view, start, end):
            split.append((cut_from, match.start()))
            cut_from = match.end()
        split.append((cut_from, end))
    return split


def _splitting_view(text: str) -> tuple[str, list[int]]:
    """Insert a space at each glued sentence boundary; return the view and view->text offsets."""
    cuts = [match.start() for match in _GLUED_BOUNDARY.finditer(text)]
    if not cuts:
        return text, list(range(len(text) + 1))
    pieces: list[str] = []
    to_original: list[int] = []
    previous = 0
    for cut in cuts:
        pieces.append(text[previous:cut])
        to_original.extend(range(previous, cut))
        pieces.append(" ")
        to_original.append(cut)
        previous = cut
    pieces.append(text[previous:])
    to_original.extend(range(previous, len(text) + 1))
    return "".join(pieces), to_original


def sentence_token_ranges(
    tokens: tuple[Token, ...], sentences: tuple[Sentence, ...]
) -> tuple[tuple[int, int], ...]:
    """Return the [first, last) token index of each sentence (tokens and sentences in text order)."""
    token_starts = [token.span.start for token in tokens]
    return tuple(
        (
            bisect.bisect_left(token_starts, sentence.span.start),
            bisect.bisect_left(token_starts, sentence.span.end),
        )
        for sentence in sentences
    )
