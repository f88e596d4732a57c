"""Report layout: highlights cut so they nest, rows of aligned text, which side goes left."""

from __future__ import annotations

from dataclasses import replace
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.model import (
    AlignedPair,
    ChangeKind,
    Comparison,
    DerivationKind,
    Document,
    FactChange,
    FactDiff,
    Span,
)
from dedup.report.layout import Highlight, Row, Segment, layout_texts, split_highlights
from dedup.report.page import comparison_html
from tests.report.helpers import (
    _parse,
)

# --- highlight splitting -------------------------------------------------------------------------


def test_split_highlights_cuts_overlaps_into_nested_segments() -> None:
    first = Highlight(Span(0, 10), ChangeKind.HARDENED, 0)
    second = Highlight(Span(5, 15), ChangeKind.ALTERED, 1)
    assert split_highlights(Span(0, 20), [second, first]) == (
        Segment(Span(0, 5), (first,)),
        Segment(Span(5, 10), (first, second)),
        Segment(Span(10, 15), (second,)),
        Segment(Span(15, 20), ()),
    )


def test_split_highlights_puts_the_enclosing_highlight_outside() -> None:
    inner = Highlight(Span(4, 6), ChangeKind.SOFTENED, 0)
    outer = Highlight(Span(2, 8), ChangeKind.OMITTED, 1)
    assert split_highlights(Span(0, 10), [inner, outer])[2] == Segment(Span(4, 6), (outer, inner))


def test_split_highlights_clips_to_the_span_and_ignores_others() -> None:
    crossing = Highlight(Span(3, 30), ChangeKind.OMITTED, 0)
    elsewhere = Highlight(Span(40, 50), ChangeKind.ADDED, 1)
    assert split_highlights(Span(10, 20), [crossing, elsewhere]) == (Segment(Span(10, 20), (crossing,)),)


@pytest.mark.parametrize("diff_from", ["engine", "hand"])
def test_changes_render_balanced_and_quote_their_spans_exactly(
    diff_from: str, seeds: Comparison, seeds_by_hand: Comparison
) -> None:
    comparison = seeds if diff_from == "engine" else seeds_by_hand
    page = comparison_html(comparison)
    parsed = _parse(page)
    assert comparison.fact_diff is not None
    texts = {
        "original": comparison.fact_diff.original.text,
        "derivative": comparison.fact_diff.derivative.text,
    }
    for index, change in enumerate(comparison.fact_diff.changes):
        for side, span in (("original", change.original), ("derivative", change.derivative)):
            if span is not None:
                assert parsed.marked[(str(index), side)] == span.slice(texts[side])
                assert f"c{index}-{side}" in parsed.ids
                assert f"#c{index}-{side}" in parsed.hrefs


@st.composite
def _highlights_in(draw: st.DrawFn, length: int) -> list[Highlight]:
    bounds = st.integers(min_value=0, max_value=length)
    kinds = st.sampled_from(list(ChangeKind))
    highlights = []
    for index in range(draw(st.integers(min_value=0, max_value=6))):
        start, end = sorted((draw(bounds), draw(bounds)))
        highlights.append(Highlight(Span(start, end), draw(kinds), index))
    return highlights


# No deadline: a timing limit is a timing assertion, and this machine is shared.
@settings(deadline=None)
@given(highlights=_highlights_in(40), start=st.integers(0, 40), end=st.integers(0, 40))
def test_segments_partition_the_span_and_list_exactly_the_covering_highlights(
    highlights: list[Highlight], start: int, end: int
) -> None:
    span = Span(min(start, end), max(start, end))
    segments = split_highlights(span, highlights)
    if span.end == span.start:
        assert segments == ()
        return
    assert segments[0].span.start == span.start and segments[-1].span.end == span.end
    assert all(left.span.end == right.span.start for left, right in pairwise(segments))
    boundaries = {h.span.start for h in highlights} | {h.span.end for h in highlights}
    assert {p for p in boundaries if span.start < p < span.end} <= {
        segment.span.start for segment in segments
    }
    for segment in segments:
        covering = {
            h for h in highlights if h.span.start <= segment.span.start and h.span.end >= segment.span.end
        }
        assert set(segment.highlights) == covering
        assert segment.span.end > segment.span.start
        outermost_first = [(h.span.start, -h.span.end) for h in segment.highlights]
        assert outermost_first == sorted(outermost_first)


_HOSTILE_ALPHABET = st.sampled_from(list("ab <>&\"'=/;x"))


@settings(deadline=None)
@given(
    body=st.text(alphabet=_HOSTILE_ALPHABET, max_size=40),
    original=_highlights_in(42),
    derivative=_highlights_in(42),
)
def test_any_text_and_changes_render_balanced_and_exact(
    seeds: Comparison, body: str, original: list[Highlight], derivative: list[Highlight]
) -> None:
    text = f"x{body}x"
    a, b = Document(id="a", text=text), Document(id="b", text=text[::-1])
    changes = tuple(
        FactChange(ChangeKind.ALTERED, text, _clip(o.span, len(text)), _clip(d.span, len(text)))
        for o, d in zip(original, derivative, strict=False)
    )
    comparison = replace(seeds, a=a, b=b, alignment=(), fact_diff=FactDiff(a, b, changes))
    parsed = _parse(comparison_html(comparison))
    for index, change in enumerate(changes):
        for side, span, document in (("original", change.original, a), ("derivative", change.derivative, b)):
            if span is not None and span.end > span.start:
                assert parsed.marked[(str(index), side)] == span.slice(document.text)


def _clip(span: Span, length: int) -> Span:
    return Span(min(span.start, length), min(span.end, length))


# --- layout --------------------------------------------------------------------------------------


def _covered(rows: tuple[Row, ...], side: str) -> list[Span]:
    return [getattr(row, side) for row in rows if getattr(row, side).end > getattr(row, side).start]


@pytest.mark.parametrize("which", ["seeds", "crossing"])
def test_rows_cover_both_texts_in_order(which: str, seeds: Comparison) -> None:
    if which == "seeds":
        left, right, pairs = seeds.a.text, seeds.b.text, seeds.alignment
    else:
        left, right = "One. Two. Three.", "Three. One. Two."
        pairs = (
            AlignedPair(2, 0, Span(10, 16), Span(0, 6), 1.0),
            AlignedPair(0, 1, Span(0, 4), Span(7, 11), 1.0),
            AlignedPair(1, 2, Span(5, 9), Span(12, 16), 1.0),
        )
    rows = layout_texts(left, right, pairs).rows
    for side, text in (("left", left), ("right", right)):
        spans = _covered(rows, side)
        assert all(earlier.end <= later.start for earlier, later in pairwise(spans))
        shown = "".join(span.slice(text) for span in spans)
        assert "".join(shown.split()) == "".join(text.split())
    assert any(row.similarity is not None for row in rows)


CROSSING = (
    AlignedPair(0, 1, Span(0, 4), Span(7, 11), 0.9),
    AlignedPair(1, 2, Span(5, 9), Span(12, 16), 0.9),
    AlignedPair(2, 0, Span(10, 16), Span(0, 6), 0.95),
)


def test_crossing_pairs_keep_the_heavier_in_order_chain() -> None:
    layout = layout_texts("One. Two. Three.", "Three. One. Two.", CROSSING)
    aligned = [row for row in layout.rows if row.similarity]
    assert [(row.left, row.right) for row in aligned] == [
        (Span(0, 4), Span(7, 11)),
        (Span(5, 9), Span(12, 16)),
    ]
    assert layout.moved == (Row(Span(10, 16), Span(0, 6), 0.95),)


def test_moved_sentences_link_to_each_other(seeds: Comparison) -> None:
    a, b = Document(id="a", text="One. Two. Extra. Three."), Document(id="b", text="Three. One. Two.")
    alignment = (*CROSSING[:2], AlignedPair(3, 0, Span(17, 23), Span(0, 6), 0.95))
    page = comparison_html(replace(seeds, a=a, b=b, alignment=alignment, fact_diff=FactDiff(a, b, ())))
    parsed = _parse(page)
    assert {"m0-original", "m0-derivative"} <= set(parsed.ids)
    assert {"#m0-original", "#m0-derivative"} <= set(parsed.hrefs)
    assert '<div class="cell" data-side="derivative"><a class="moved" id="m0-derivative"' in page
    assert 'Extra. <a class="moved" id="m0-original" href="#m0-derivative"' in page
    assert page.count('class="moved"') == 2


@pytest.mark.parametrize("has_diff", [True, False])
def test_original_goes_left_when_b_is_the_original(seeds: Comparison, has_diff: bool) -> None:
    diff = FactDiff(seeds.a, seeds.b, ()) if has_diff else None
    verdict = replace(seeds.verdict, is_derived=True, original="b", kind=DerivationKind.REWRITE)
    swapped = replace(seeds, a=seeds.b, b=seeds.a, fact_diff=diff, verdict=verdict, alignment=())
    page = comparison_html(swapped)
    first_cell = page.index('<div class="cell" data-side="original">')
    assert page[first_cell:].startswith('<div class="cell" data-side="original">U.K. Says China')
    assert page.index("<dt>Original</dt>") < page.index("<dt>Derivative</dt>")


def test_unrelated_documents_show_as_a_and_b_without_changes(seeds: Comparison) -> None:
    verdict = replace(seeds.verdict, is_derived=False, original=None, kind=None, confidence=0.12)
    page = comparison_html(replace(seeds, verdict=verdict, fact_diff=None))
    assert (
        '<p class="verdict" id="verdict">Not derived '
        '<span class="confidence">confidence 0.12 that it is derived</span>' in page
    )
    assert "<dt>Document A</dt>" in page and "<dt>Document B</dt>" in page
    assert "No fact diff: fact changes are listed when one document derives from the other." in page
    assert 'class="legend"' not in page
    assert '<mark class="change kind-omitted" id=' not in page
