"""Comparison -> one self-contained HTML page: verdict, both texts side by side, fact changes highlighted."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape
from itertools import pairwise
from pathlib import Path

from dedup.errors import ReportWriteError
from dedup.html_style import PAGE_STYLE
from dedup.model import AlignedPair, ChangeKind, Comparison, Document, FactChange, Span

# Meta CSP as defence in depth behind escaping: no script, frame, font, image or fetch may load.
CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"

_KIND_HELP = {
    ChangeKind.OMITTED: "in the original, missing from the derivative",
    ChangeKind.SOFTENED: "said less specifically or less certainly",
    ChangeKind.HARDENED: "said more certainly than the original supports",
    ChangeKind.ALTERED: "a number, name, date, speaker or direction changed",
    ChangeKind.ADDED: "a claim with no support in the original",
}
_QUOTE_MAX_CHARS = 120
_ARROW = " \u2192 "
_DOT = " \u00b7 "

_ROLE_LABELS = {"original": "Original", "derivative": "Derivative"}

_SpanOf = Callable[[FactChange], Span | None]


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
class _Pair:
    left_index: int
    right_index: int
    left: Span
    right: Span
    similarity: float


@dataclass(frozen=True, slots=True)
class _Side:
    document: Document
    role: str  # "original", "derivative", "a" or "b": shown in headings and used in anchor ids
    highlights: tuple[Highlight, ...]


def split_highlights(span: Span, highlights: Iterable[Highlight]) -> tuple[Segment, ...]:
    """Cut `span` at every highlight boundary inside it, so overlapping highlights nest.

    Each segment lists the highlights covering all of it, longest-reaching first, so a renderer can
    open and close one tag stack per segment and overlapping spans never interleave their tags.
    """
    inside = [h for h in highlights if h.span.start < span.end and h.span.end > span.start]
    cuts = {span.start, span.end}
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


def layout_rows(
    left_text: str, right_text: str, alignment: Sequence[AlignedPair], *, is_swapped: bool = False
) -> tuple[Row, ...]:
    """Partition both texts into rows: in-order aligned sentences side by side, the rest between.

    `alignment` pairs sentences of a with sentences of b; `is_swapped` says b is shown on the left.

    The aligned rows are the heaviest chain of pairs whose indices never go backwards on either side
    (a weighted longest increasing subsequence), so splits and merges share one row; crossing pairs
    are left in the in-between rows. Row spans are stripped of surrounding whitespace.
    """
    pairs = [
        _Pair(p.b_index, p.a_index, p.b_span, p.a_span, p.similarity)
        if is_swapped
        else _Pair(p.a_index, p.b_index, p.a_span, p.b_span, p.similarity)
        for p in alignment
    ]
    rows = []
    left_cursor = right_cursor = 0
    for group in _group_chain(_ordered_chain(pairs)):
        left = Span(max(left_cursor, min(p.left.start for p in group)), max(p.left.end for p in group))
        right = Span(max(right_cursor, min(p.right.start for p in group)), max(p.right.end for p in group))
        rows.append(Row(Span(left_cursor, left.start), Span(right_cursor, right.start), None))
        rows.append(Row(left, right, max(p.similarity for p in group)))
        left_cursor, right_cursor = max(left_cursor, left.end), max(right_cursor, right.end)
    rows.append(Row(Span(left_cursor, len(left_text)), Span(right_cursor, len(right_text)), None))
    stripped = (
        Row(_strip(row.left, left_text), _strip(row.right, right_text), row.similarity) for row in rows
    )
    return tuple(row for row in stripped if row.left.end > row.left.start or row.right.end > row.right.start)


def comparison_html(comparison: Comparison, heading: str = "dedup comparison") -> str:
    """Render a comparison as one self-contained HTML page; every piece of document text is escaped."""
    left, right, is_swapped = _orient(comparison)
    verdict = comparison.verdict
    changes = comparison.fact_diff.changes if comparison.fact_diff is not None else ()
    anchored: set[str] = set()
    rows = layout_rows(left.document.text, right.document.text, comparison.alignment, is_swapped=is_swapped)
    texts = "".join(_row_html(row, left, right, anchored) for row in rows)
    if verdict.is_derived and verdict.kind is not None:
        how = "by publication time" if verdict.direction_by_time else "by content"
        summary = f"Derived: {verdict.kind}, original chosen {how}"
    else:
        summary = "Not derived"
    body = (
        f"<header><h1>{escape(heading)}</h1>"
        f'<p class="verdict" id="verdict">{escape(summary)} '
        f'<span class="confidence">confidence {verdict.confidence:.2f}</span></p>'
        f'<dl class="documents">{_document_html(left)}{_document_html(right)}</dl></header>'
        f"{_legend_html(changes)}{_changes_html(changes, left, right, anchored)}"
        f'<section class="texts" aria-label="Both texts side by side">'
        f'<div class="row headings"><h2 class="cell">{escape(_side_label(left))}</h2>'
        f'<h2 class="cell">{escape(_side_label(right))}</h2></div>{texts}</section>'
    )
    return page_html(f"{heading}: {_name(left.document)}", body)


def page_html(title: str, body: str) -> str:
    """Wrap an already-escaped body in a page with the strict CSP and the inline stylesheet."""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="referrer" content="no-referrer">'
        f"<title>{escape(title)}</title><style>{PAGE_STYLE}</style></head>"
        f"<body><main>{body}</main></body></html>\n"
    )


def write_html(page: str, path: str | Path) -> Path:
    """Write one page as UTF-8, turning OS errors into a one-line ReportWriteError."""
    target = Path(path)
    try:
        target.write_text(page, encoding="utf-8")
    except OSError as exc:
        raise ReportWriteError(f"{target}: cannot write report ({exc.strerror or exc})") from exc
    return target


def format_time(moment: datetime | None) -> str:
    """Show a publication time to the minute, or say it is unknown."""
    return moment.isoformat(sep=" ", timespec="minutes") if moment is not None else "unknown"


def _orient(comparison: Comparison) -> tuple[_Side, _Side, bool]:
    """Put the original on the left when it is known, and pair the fact-change spans with each side."""
    a, b, diff = comparison.a, comparison.b, comparison.fact_diff
    if diff is not None:
        is_swapped = diff.original is b or (diff.original == b and diff.original != a)
    else:
        is_swapped = comparison.verdict.is_derived and comparison.verdict.original == "b"
    left_document, right_document = (b, a) if is_swapped else (a, b)
    knows_original = diff is not None or (
        comparison.verdict.is_derived and comparison.verdict.original is not None
    )
    changes = diff.changes if diff is not None else ()
    left = _Side(
        left_document,
        "original" if knows_original else "a",
        _highlights(changes, lambda change: change.original),
    )
    right = _Side(
        right_document,
        "derivative" if knows_original else "b",
        _highlights(changes, lambda change: change.derivative),
    )
    return left, right, is_swapped


def _highlights(changes: Sequence[FactChange], side_span: _SpanOf) -> tuple[Highlight, ...]:
    return tuple(
        Highlight(span, change.kind, index)
        for index, change in enumerate(changes)
        if (span := side_span(change)) is not None and span.end > span.start
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


def _row_html(row: Row, left: _Side, right: _Side, anchored: set[str]) -> str:
    if row.similarity is None:
        badge, css = "", "between"
    else:
        badge, css = f'<span class="similarity">aligned, similarity {row.similarity:.2f}</span>', "aligned"
    return (
        f'<div class="row {css}">{badge}{_cell_html(row.left, left, anchored)}'
        f"{_cell_html(row.right, right, anchored)}</div>"
    )


def _cell_html(span: Span, side: _Side, anchored: set[str]) -> str:
    if span.end <= span.start:
        return f'<div class="cell empty" data-side="{side.role}"></div>'
    parts = []
    for segment in split_highlights(span, side.highlights):
        opened = []
        for highlight in segment.highlights:
            anchor = f"c{highlight.change_index}-{side.role}"
            id_attribute = "" if anchor in anchored else f' id="{anchor}"'
            anchored.add(anchor)
            opened.append(
                f'<mark class="change kind-{highlight.kind}"{id_attribute}'
                f' data-change="{highlight.change_index}" data-kind="{highlight.kind}"'
                f' data-side="{side.role}" title="{highlight.kind}">'
            )
        closing = "</mark>" * len(opened)
        parts.append(f"{''.join(opened)}{escape(segment.span.slice(side.document.text))}{closing}")
    return f'<div class="cell" data-side="{side.role}">{"".join(parts)}</div>'


def _document_html(side: _Side) -> str:
    document = side.document
    details = [f"published {format_time(document.published)}"]
    if document.path and document.path != _name(document):
        details.append(document.path)
    link = ""
    if document.url and document.url.startswith(("https://", "http://")):
        link = f' <a href="{escape(document.url)}" rel="noreferrer noopener">{escape(document.url)}</a>'
    return (
        f"<dt>{escape(_side_label(side))}</dt><dd><strong>{escape(_name(document))}</strong>"
        f' <span class="details">{escape(_DOT.join(details))}</span>{link}</dd>'
    )


def _legend_html(changes: Sequence[FactChange]) -> str:
    items = "".join(
        f'<li><mark class="change kind-{kind}">{kind}</mark> '
        f"{sum(change.kind == kind for change in changes)} \u2014 {escape(_KIND_HELP[kind])}</li>"
        for kind in ChangeKind
    )
    return f'<section class="legend" aria-label="Legend"><h2>Fact changes</h2><ul>{items}</ul></section>'


def _changes_html(changes: Sequence[FactChange], left: _Side, right: _Side, anchored: set[str]) -> str:
    if not changes:
        return '<section class="changes"><p>No fact changes found.</p></section>'
    items = []
    for index, change in enumerate(changes):
        quotes = [
            _quote_link(index, side, span, anchored)
            for side, span in ((left, change.original), (right, change.derivative))
            if span is not None
        ]
        items.append(
            f'<li id="change-{index}"><mark class="change kind-{change.kind}">{change.kind}</mark> '
            f'{escape(change.fact)}<span class="quotes">{_ARROW.join(quotes)}</span></li>'
        )
    return f'<section class="changes" aria-label="Changes"><ol>{"".join(items)}</ol></section>'


def _quote_link(index: int, side: _Side, span: Span, anchored: set[str]) -> str:
    quote = escape(_shorten(span.slice(side.document.text)))
    anchor = f"c{index}-{side.role}"
    if anchor not in anchored:
        return f'<span class="quote">{side.role}: \u201c{quote}\u201d</span>'
    return f'<a class="quote" href="#{anchor}">{side.role}: \u201c{quote}\u201d</a>'


def _shorten(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= _QUOTE_MAX_CHARS else flat[: _QUOTE_MAX_CHARS - 1] + "\u2026"


def _side_label(side: _Side) -> str:
    return _ROLE_LABELS.get(side.role, f"Document {side.role.upper()}")


def _name(document: Document) -> str:
    return document.title or document.path or document.id
