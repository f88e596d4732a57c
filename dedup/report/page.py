"""Comparison -> one self-contained HTML page: verdict, both texts side by side, changes highlighted."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape
from pathlib import Path
from types import MappingProxyType

from dedup.errors import ReportWriteError
from dedup.model import ChangeKind, Comparison, Document, FactChange, Span
from dedup.report.layout import Highlight, Layout, Row, layout_texts, split_highlights
from dedup.report.stylesheet import PAGE_STYLE

# Meta CSP as defence in depth behind escaping: no script, frame, font, image or fetch may load.
CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"

_KIND_HELP = MappingProxyType(
    {
        ChangeKind.OMITTED: "in the original, missing from the derivative",
        ChangeKind.SOFTENED: "said less specifically or less certainly",
        ChangeKind.HARDENED: "said more certainly than the original supports",
        ChangeKind.ALTERED: "a number, name, date, speaker or direction changed",
        ChangeKind.ADDED: "a claim with no support in the original",
    }
)
_QUOTE_MAX_CHARS = 120
_NO_DIFF = "No fact diff: fact changes are listed when one document derives from the other."
_ARROW = " \u2192 "
_DOT = " \u00b7 "

_ROLE_LABELS = MappingProxyType({"original": "Original", "derivative": "Derivative"})
# Scraped text often keeps runs of empty lines; the page shows at most one, and changes nothing else.
_BLANK_LINES = re.compile(r"\n[^\S\n]*(?:\n[^\S\n]*){2,}")

_SpanOf = Callable[[FactChange], Span | None]
_Markers = Mapping[tuple[str, int], str]


@dataclass(frozen=True, slots=True)
class _Side:
    document: Document
    role: str  # "original", "derivative", "a" or "b": shown in headings and used in anchor ids
    highlights: tuple[Highlight, ...]


def comparison_html(
    comparison: Comparison, heading: str = "dedup comparison", index_href: str | None = None
) -> str:
    """Render a comparison as one self-contained HTML page; every piece of document text is escaped.

    `index_href`, when given, adds a link back to the index of a report folder.
    """
    navigation = "" if index_href is None else f'<nav><a href="{escape(index_href)}">All flags</a></nav>'
    return _comparison_page(comparison, heading, navigation)


def _comparison_page(comparison: Comparison, heading: str, navigation: str) -> str:
    left, right, is_swapped = _orient(comparison)
    verdict = comparison.verdict
    changes = comparison.fact_diff.changes if comparison.fact_diff is not None else ()
    anchored: set[str] = set()
    layout = layout_texts(
        left.document.text, right.document.text, comparison.alignment, is_swapped=is_swapped
    )
    markers = _moved_markers(layout, left, right)
    texts = "".join(_row_html(row, left, right, anchored, markers) for row in layout.rows)
    if comparison.fact_diff is None:
        facts = f'<section class="changes"><p>{_NO_DIFF}</p></section>'
    else:
        facts = _legend_html(changes) + _changes_html(changes, left, right, anchored)
    if verdict.is_derived and verdict.kind is not None and verdict.original is None:
        summary = f"Derived: {verdict.kind}; which came first cannot be told, changes read from a to b"
    elif verdict.is_derived and verdict.kind is not None:
        how = "by publication time" if verdict.direction_by_time else "by content"
        summary = f"Derived: {verdict.kind}, original chosen {how}"
    else:
        summary = "Not derived"
    reasons = "".join(f"<li>{escape(reason)}</li>" for reason in comparison.reasons)
    why = f'<ul class="reasons" aria-label="Why">{reasons}</ul>' if reasons else ""
    body = (
        f"<header>{navigation}<h1>{escape(heading)}</h1>"
        f'<p class="verdict" id="verdict">{escape(summary)} '
        f'<span class="confidence">confidence {verdict.confidence:.2f} that it is derived</span></p>'
        f"{why}"
        f'<dl class="documents">{_document_html(left)}{_document_html(right)}</dl></header>'
        f"{facts}"
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
    partial = target.with_name(f".{target.name}.partial")
    try:
        partial.write_text(page, encoding="utf-8")
        partial.replace(target)
    except OSError as exc:
        # On a read-only or vanished folder the clean-up fails as the write did; the write's error
        # is the one to report.
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
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


def _moved_markers(layout: Layout, left: _Side, right: _Side) -> dict[tuple[str, int], str]:
    """Link each moved sentence to its counterpart: (role, position) -> the links placed there."""
    markers: dict[tuple[str, int], str] = {}
    for number, move in enumerate(layout.moved):
        for here, there, start in ((left, right, move.left.start), (right, left, move.right.start)):
            link = (
                f'<a class="moved" id="m{number}-{here.role}" href="#m{number}-{there.role}"'
                f' title="aligned with a sentence elsewhere in the {there.role}">'
                f"\u21c4 {escape(_side_label(there).lower())} {move.similarity:.2f}</a>"
            )
            markers[(here.role, start)] = markers.get((here.role, start), "") + link
    return markers


def _row_html(row: Row, left: _Side, right: _Side, anchored: set[str], markers: _Markers) -> str:
    if row.similarity is None:
        badge, css = "", "between"
    else:
        badge, css = f'<span class="similarity">aligned, similarity {row.similarity:.2f}</span>', "aligned"
    return (
        f'<div class="row {css}">{badge}{_cell_html(row.left, left, anchored, markers)}'
        f"{_cell_html(row.right, right, anchored, markers)}</div>"
    )


def _cell_html(span: Span, side: _Side, anchored: set[str], markers: _Markers) -> str:
    if span.end <= span.start:
        return f'<div class="cell empty" data-side="{side.role}"></div>'
    parts = []
    positions = [position for role, position in markers if role == side.role]
    for segment in split_highlights(span, side.highlights, positions):
        # Between segments no highlight is open, so a link placed here never lands inside one.
        parts.append(markers.get((side.role, segment.span.start), ""))
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
        shown = _BLANK_LINES.sub("\n\n", segment.span.slice(side.document.text))
        parts.append(f"{''.join(opened)}{escape(shown)}{closing}")
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
    count = f"{len(changes)} fact change{'' if len(changes) == 1 else 's'}"
    return (
        f'<section class="changes"><details open><summary>{count}</summary>'
        f"<ol>{''.join(items)}</ol></details></section>"
    )


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
