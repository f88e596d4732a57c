"""Comparison or Flag -> one self-contained HTML page: verdict, texts side by side, changes highlighted."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from types import MappingProxyType
from typing import Protocol

from dedup.compare import compare
from dedup.errors import ReportWriteError
from dedup.html_style import PAGE_STYLE
from dedup.index.base import IndexRecord
from dedup.model import (
    ChangeKind,
    Comparison,
    Document,
    FactChange,
    FactDiff,
    Flag,
    ItemRef,
    Span,
    Verdict,
)
from dedup.report_layout import Highlight, Layout, Row, layout_texts, split_highlights

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
_ARROW = " \u2192 "
_DOT = " \u00b7 "

_ROLE_LABELS = MappingProxyType({"original": "Original", "derivative": "Derivative"})
_INDEX_PAGE = "index.html"
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9_.-]")
_NAME_MAX_CHARS = 80
# Scraped text often keeps runs of empty lines; the page shows at most one, and changes nothing else.
_BLANK_LINES = re.compile(r"\n[^\S\n]*(?:\n[^\S\n]*){2,}")

_SpanOf = Callable[[FactChange], Span | None]
_Markers = Mapping[tuple[str, int], str]


@dataclass(frozen=True, slots=True)
class _Side:
    document: Document
    role: str  # "original", "derivative", "a" or "b": shown in headings and used in anchor ids
    highlights: tuple[Highlight, ...]


def comparison_html(comparison: Comparison, heading: str = "dedup comparison") -> str:
    """Render a comparison as one self-contained HTML page; every piece of document text is escaped."""
    return _comparison_page(comparison, heading, navigation="")


def flag_html(flag: Flag, item: Document, source: Document) -> str:
    """Render a scan flag as a comparison page: the flag's verdict and changes over both texts.

    The flag keeps no alignment, so the two texts are compared again (pure, no I/O) for the rows;
    the verdict and the changes shown are the flag's own.
    """
    original, derivative = (item, source) if flag.original == "item" else (source, item)
    verdict = Verdict(
        is_derived=True,
        confidence=flag.confidence,
        original="a",
        kind=flag.kind,
        # The scan takes the earlier publication as the original whenever both times are known (issue 5).
        direction_by_time=original.published is not None and derivative.published is not None,
    )
    comparison = replace(
        compare(original, derivative),
        verdict=verdict,
        fact_diff=FactDiff(original, derivative, flag.changes),
    )
    navigation = f'<nav><a href="{_INDEX_PAGE}">All flags</a></nav>'
    return _comparison_page(comparison, f"dedup flag {flag.id}", navigation)


def flags_index_html(flags: Sequence[Flag], pages: Mapping[str, str]) -> str:
    """Render the list of flags, newest item first, each linking to its page in `pages` (by flag id)."""
    entries = "".join(_flag_entry_html(flag, pages[flag.id]) for flag in newest_first(flags))
    body = (
        f"<header><h1>dedup flags</h1><p>{len(flags)} flagged item{'' if len(flags) == 1 else 's'}, "
        "newest first.</p></header>"
        f'<ol class="flags">{entries}</ol>'
    )
    return page_html("dedup flags", body)


def newest_first(flags: Iterable[Flag]) -> list[Flag]:
    """Order flags by their item's publication time, newest first; unknown times last, later flags first."""
    numbered = list(enumerate(flags))
    numbered.sort(key=lambda pair: (_timestamp(pair[1].item.published), pair[0]), reverse=True)
    return [flag for _, flag in numbered]


class RecordLookup(Protocol):
    """Where the texts a flag names are kept: an IndexStore, or any mapping of item id to record."""

    def get(self, item_id: str, /) -> IndexRecord | None:
        """Return the record stored under `item_id`, or None."""
        ...


def write_report_dir(flags: Iterable[Flag], directory: str | Path, records: RecordLookup) -> tuple[Path, ...]:
    """Write one page per flag and an `index.html` listing them into `directory`; return the paths.

    A flag names its item and source by id only, so their texts come from `records` (the index the
    scan kept them in). Pages are replaced atomically, so a moderator reloading mid-write sees the
    old page or the new one.

    Raises:
        ReportWriteError: the folder or a page cannot be written, or a flagged item is not in `records`.
    """
    folder = Path(directory)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportWriteError(f"{folder}: cannot create report folder ({exc.strerror or exc})") from exc
    kept = list(flags)
    pages = _page_names(kept)
    written = [
        write_html(
            flag_html(flag, _document(records, flag.item.id, flag), _document(records, flag.source.id, flag)),
            folder / pages[flag.id],
        )
        for flag in kept
    ]
    written.append(write_html(flags_index_html(kept, pages), folder / _INDEX_PAGE))
    return tuple(written)


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
    if verdict.is_derived and verdict.kind is not None:
        how = "by publication time" if verdict.direction_by_time else "by content"
        summary = f"Derived: {verdict.kind}, original chosen {how}"
    else:
        summary = "Not derived"
    body = (
        f"<header>{navigation}<h1>{escape(heading)}</h1>"
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
    partial = target.with_name(f".{target.name}.partial")
    try:
        partial.write_text(page, encoding="utf-8")
        partial.replace(target)
    except OSError as exc:
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


def _flag_entry_html(flag: Flag, page: str) -> str:
    original, derivative = (flag.item, flag.source) if flag.original == "item" else (flag.source, flag.item)
    counts = _DOT.join(
        f"{kind} {count}" for kind in ChangeKind if (count := sum(c.kind == kind for c in flag.changes))
    )
    return (
        f'<li><a href="{escape(page)}"><strong>{escape(_reference_name(derivative))}</strong></a>'
        f" \u2014 {escape(str(flag.kind))}, confidence {flag.confidence:.2f}"
        f'<span class="details"> \u00b7 published {format_time(derivative.published)}</span>'
        f"<br>derives from <strong>{escape(_reference_name(original))}</strong>"
        f'<span class="details"> \u00b7 published {format_time(original.published)}</span>'
        f'<br><span class="details">{escape(counts or "no fact changes")}</span></li>'
    )


def _page_names(flags: Sequence[Flag]) -> dict[str, str]:
    """Give each flag id a file name; ids are hashes, but anything unsafe in a name is replaced."""
    names: dict[str, str] = {}
    taken = {_INDEX_PAGE}
    for flag in flags:
        if flag.id in names:
            continue
        stem = _UNSAFE_NAME.sub("_", flag.id)[:_NAME_MAX_CHARS] or "flag"
        name, number = f"flag-{stem}.html", 1
        while name in taken:
            number += 1
            name = f"flag-{stem}-{number}.html"
        names[flag.id] = name
        taken.add(name)
    return names


def _document(records: RecordLookup, item_id: str, flag: Flag) -> Document:
    record = records.get(item_id)
    if record is None:
        raise ReportWriteError(f"flag {flag.id}: item {item_id} is not in the index")
    return Document(
        id=record.id, text=record.text, title=record.title, url=record.url, published=record.published
    )


def _timestamp(moment: datetime | None) -> float:
    if moment is None:
        return float("-inf")
    return (moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)).timestamp()


def _reference_name(reference: ItemRef) -> str:
    return reference.title or reference.url or reference.id


def _name(document: Document) -> str:
    return document.title or document.path or document.id
