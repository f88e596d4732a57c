"""Where a side-by-side report puts things: rows of aligned text, and highlights cut so they nest."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from dedup.model import AlignedPair, ChangeKind, Span


@dataclass(frozen=True, slots=True)
class Highlight:
    """One fact change's span in one document, to be drawn as a highlight."""

    span: Span
    kind: ChangeKind
    change_index: int


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch of text covered by the same highlights, outermost first."""

    span: Span
    highlights: tuple[Highlight, ...]


@dataclass(frozen=True, slots=True)
class Row:
    """One row of the side-by-side view: a stretch of each text, aligned or in between."""

    left: Span
    right: Span
    similarity: float | None  # None for the unaligned text between aligned rows


@dataclass(frozen=True, slots=True)
class Layout:
    """A side-by-side view: rows covering both texts, and the aligned pairs that cross the rows."""

    rows: tuple[Row, ...]
    moved: tuple[Row, ...]  # aligned sentence pairs off the in-order chain: moved in the rewrite


@dataclass(frozen=True, slots=True)
class _Pair:
    left_index: int
    right_index: int
    left: Span
    right: Span
    similarity: float


def split_highlights(
    span: Span, highlights: Iterable[Highlight], extra_cuts: Iterable[int] = ()
) -> tuple[Segment, ...]:
    """Cut `span` at every highlight boundary inside it, so overlapping highlights nest.

    Each segment lists the highlights covering all of it, longest-reaching first, so a renderer can
    open and close one tag stack per segment and overlapping spans never interleave their tags.
    `extra_cuts` are further positions to cut at, where a renderer puts something between segments.
    """
    inside = [h for h in highlights if h.span.start < span.end and h.span.end > span.start]
    cuts = {span.start, span.end, *(p for p in extra_cuts if span.start < p < span.end)}
    for highlight in inside:
        cuts.update(p for p in (highlight.span.start, highlight.span.end) if span.start < p < span.end)
    points = sorted(cuts)
    segments = []
    for start, end in pairwise(points):
        covering = sorted(
            (h for h in inside if h.span.start <= start and h.span.end >= end),
            key=lambda h: (h.span.start, -h.span.end, h.change_index),
        )
        segments.append(Segment(Span(start, end), tuple(covering)))
    return tuple(segments)


def layout_texts(
    left_text: str, right_text: str, alignment: Sequence[AlignedPair], *, is_swapped: bool = False
) -> Layout:
    """Partition both texts into rows: in-order aligned sentences side by side, the rest between.

    `alignment` pairs sentences of a with sentences of b; `is_swapped` says b is shown on the left.

    The aligned rows are the heaviest chain of pairs whose indices never go backwards on either side
    (a weighted longest increasing subsequence), so splits and merges share one row. Pairs off the
    chain (sentences the rewrite moved) stay in their own places and are listed in `moved`. Row
    spans are stripped of surrounding whitespace.
    """
    pairs = [
        _Pair(p.b_index, p.a_index, p.b_span, p.a_span, p.similarity)
        if is_swapped
        else _Pair(p.a_index, p.b_index, p.a_span, p.b_span, p.similarity)
        for p in alignment
    ]
    chain = _ordered_chain(pairs)
    rows = []
    left_cursor = right_cursor = 0
    for group in _group_chain(chain):
        left = Span(max(left_cursor, min(p.left.start for p in group)), max(p.left.end for p in group))
        right = Span(max(right_cursor, min(p.right.start for p in group)), max(p.right.end for p in group))
        rows.append(Row(Span(left_cursor, left.start), Span(right_cursor, right.start), None))
        rows.append(Row(left, right, max(p.similarity for p in group)))
        left_cursor, right_cursor = max(left_cursor, left.end), max(right_cursor, right.end)
    rows.append(Row(Span(left_cursor, len(left_text)), Span(right_cursor, len(right_text)), None))
    stripped = (
        Row(_strip(row.left, left_text), _strip(row.right, right_text), row.similarity) for row in rows
    )
    moved = sorted(
        (Row(p.left, p.right, p.similarity) for p in pairs if p not in chain),
        key=lambda row: (row.left.start, row.right.start),
    )
    return Layout(
        tuple(row for row in stripped if row.left.end > row.left.start or row.right.end > row.right.start),
        tuple(moved),
    )


def _ordered_chain(pairs: Sequence[_Pair]) -> list[_Pair]:
    ordered = sorted(pairs, key=lambda p: (p.left_index, p.right_index))
    best = [p.similarity for p in ordered]
    previous = [-1] * len(ordered)
    for j, later in enumerate(ordered):
        for i in range(j):
            earlier = ordered[i]
            is_forward = earlier.left_index <= later.left_index and earlier.right_index <= later.right_index
            is_same = (earlier.left_index, earlier.right_index) == (later.left_index, later.right_index)
            if is_forward and not is_same and best[i] + later.similarity > best[j]:
                best[j], previous[j] = best[i] + later.similarity, i
    if not ordered:
        return []
    chain, index = [], max(range(len(ordered)), key=best.__getitem__)
    while index >= 0:
        chain.append(ordered[index])
        index = previous[index]
    return chain[::-1]


def _group_chain(chain: list[_Pair]) -> list[list[_Pair]]:
    """Join chain neighbours that share a sentence on either side: a split or a merge is one row."""
    groups: list[list[_Pair]] = []
    for pair in chain:
        last = groups[-1][-1] if groups else None
        if last is not None and (last.left_index == pair.left_index or last.right_index == pair.right_index):
            groups[-1].append(pair)
        else:
            groups.append([pair])
    return groups


def _strip(span: Span, text: str) -> Span:
    start, end = span.start, max(span.start, span.end)
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end)
