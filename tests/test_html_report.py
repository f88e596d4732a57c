"""The HTML report: escaping, highlight splitting, layout, the CLI option, the page in headless Chromium."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from html.parser import HTMLParser
from itertools import pairwise
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

from dedup import compare, load_document
from dedup.cli import cli
from dedup.errors import ReportWriteError
from dedup.factdiff import diff_facts
from dedup.html_page import CONTENT_SECURITY_POLICY, comparison_html
from dedup.html_report import ReportFolder, newest_first, write_report_dir
from dedup.index import IndexRecord, IndexStore, open_index
from dedup.model import (
    AlignedPair,
    ChangeKind,
    Comparison,
    DerivationKind,
    Document,
    FactChange,
    FactDiff,
    Flag,
    ItemRef,
    Span,
)
from dedup.report_layout import Highlight, Row, Segment, layout_texts, split_highlights

SEEDS = Path(__file__).parent.parent / "fixtures" / "pairs" / "seeds-rewrite"
CHROMEDRIVER = Path("/usr/bin/chromedriver")
CHROMIUM = Path("/usr/bin/chromium")
HOSTILE_SCRIPT = "<script>window.pwned=1</script>"
HOSTILE_IMAGE = '<img src=x onerror="window.pwned=2">'


def _span_of(text: str, quote: str) -> Span:
    start = text.index(quote)
    return Span(start, start + len(quote))


def _seeds_hand_diff(original: Document, derivative: Document) -> FactDiff:
    """The seeds' changes as issue 4 states them, built by hand (with one overlapping extra)."""
    a, b = original.text, derivative.text
    return FactDiff(
        original,
        derivative,
        (
            FactChange(
                ChangeKind.OMITTED,
                "Sullivan's rebuttal is gone",
                _span_of(a, '"We have not seen that to date. I look forward to speaking with the U.K.'),
                None,
            ),
            FactChange(
                ChangeKind.SOFTENED,
                "64% -> significant",
                _span_of(a, "64%"),
                _span_of(b, "significant growth"),
            ),
            FactChange(
                ChangeKind.HARDENED,
                "hedge dropped",
                _span_of(a, "is now, or will be, flowing"),
                _span_of(b, "currently flowing"),
            ),
            FactChange(
                ChangeKind.ALTERED,
                "overlaps the hardened span",
                _span_of(a, "will be, flowing from China"),
                _span_of(b, "flowing from China"),
            ),
        ),
    )


@pytest.fixture(scope="module")
def seeds() -> Comparison:
    """The seeds compared for real, with the fact changes the diff engine finds.

    The diff runs directly on the seeds' known original (a) and derivative (b), so these page tests
    do not depend on the verdict, which test_fixture_pairs checks.
    """
    original, derivative = load_document(SEEDS / "a.txt"), load_document(SEEDS / "b.txt")
    result = replace(compare(original, derivative), fact_diff=diff_facts(original, derivative))
    assert result.fact_diff is not None and result.fact_diff.changes
    return result


@pytest.fixture(scope="module")
def seeds_by_hand(seeds: Comparison) -> Comparison:
    """The seeds with the changes built by hand, including two that overlap."""
    return replace(seeds, fact_diff=_seeds_hand_diff(seeds.a, seeds.b))


def _hostile_comparison() -> Comparison:
    title = f"Budget vote {HOSTILE_SCRIPT}"
    a = Document(
        id="hostile-a.txt",
        title=title,
        text=(
            "The city council approved the budget on Monday by seven votes to two. "
            f"{HOSTILE_SCRIPT} The mayor said the plan would cut waiting times at clinics. "
            f"{HOSTILE_IMAGE} Critics said the plan ignored the housing shortage."
        ),
    )
    b = Document(
        id="hostile-b.txt",
        title='Rewrite "quoted" & <b>bold</b>',
        text=(
            "On Monday the city council approved the budget by seven votes to two. "
            f"{HOSTILE_IMAGE} The mayor said the plan would cut waiting times at clinics. {HOSTILE_SCRIPT}"
        ),
    )
    result = compare(a, b)
    changes = (
        FactChange(ChangeKind.OMITTED, f"critics {HOSTILE_SCRIPT}", _span_of(a.text, HOSTILE_SCRIPT), None),
        FactChange(
            ChangeKind.ALTERED,
            "image moved",
            _span_of(a.text, HOSTILE_IMAGE),
            _span_of(b.text, HOSTILE_IMAGE),
        ),
    )
    return replace(result, fact_diff=FactDiff(a, b, changes))


class _MarkCollector(HTMLParser):
    """Collect the text under each highlight and check that every end tag closes the innermost open tag."""

    VOID = frozenset({"meta", "br", "img", "link", "input", "hr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict[str, str | None]]] = []
        self.marked: dict[tuple[str, str], str] = {}
        self.ids: list[str] = []
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.append(str(attributes["id"]))
        if tag == "a":
            self.hrefs.append(str(attributes.get("href")))
        if tag not in self.VOID:
            self.stack.append((tag, attributes))

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1][0] == tag, f"</{tag}> closes {self.stack[-1:]}"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        for tag, attributes in self.stack:
            if tag == "mark" and attributes.get("data-change") is not None:
                key = (str(attributes["data-change"]), str(attributes["data-side"]))
                self.marked[key] = self.marked.get(key, "") + data


def _parse(page: str) -> _MarkCollector:
    collector = _MarkCollector()
    collector.feed(page)
    collector.close()
    assert collector.stack == []
    return collector


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
        '<p class="verdict" id="verdict">Not derived <span class="confidence">confidence 0.12</span>' in page
    )
    assert "<dt>Document A</dt>" in page and "<dt>Document B</dt>" in page
    assert "No fact diff: fact changes are listed when one document derives from the other." in page
    assert 'class="legend"' not in page
    assert '<mark class="change kind-omitted" id=' not in page


# --- escaping and self-containment ---------------------------------------------------------------


def test_document_text_titles_and_facts_are_escaped() -> None:
    page = comparison_html(_hostile_comparison())
    lowered = page.lower()
    assert "<script" not in lowered
    assert "<img" not in lowered
    assert "<b>" not in lowered
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=&quot;window.pwned=2&quot;&gt;" in page
    assert "Rewrite &quot;quoted&quot; &amp; &lt;b&gt;bold&lt;/b&gt;" in page
    parsed = _parse(page)
    assert parsed.marked[("0", "original")] == HOSTILE_SCRIPT
    assert parsed.marked[("1", "derivative")] == HOSTILE_IMAGE


def test_runs_of_empty_lines_show_as_one(seeds: Comparison) -> None:
    page = comparison_html(replace(seeds, fact_diff=None))
    assert "May 22, 2024\n\nVladimir Putin" in page
    assert "\n\n\n" not in page


def test_only_http_urls_become_links(seeds: Comparison) -> None:
    a = replace(seeds.a, url="javascript:window.pwned=3")
    b = replace(seeds.b, url='https://example.org/story?id=1&x="><script>')
    page = comparison_html(replace(seeds, a=a, b=b, fact_diff=FactDiff(a, b, ())))
    links = [href for href in _parse(page).hrefs if not href.startswith("#")]
    assert links == ['https://example.org/story?id=1&x="><script>']
    assert "javascript:" not in page


def test_page_is_self_contained_under_a_strict_policy(seeds: Comparison) -> None:
    page = comparison_html(seeds)
    assert f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">' in page
    assert CONTENT_SECURITY_POLICY.startswith("default-src 'none'; style-src 'unsafe-inline'")
    for external in ("<link", "<script", "src=", "url(", "@import", "@font-face"):
        assert external not in page.lower()
    assert all(href.startswith("#") for href in _parse(page).hrefs)


# --- CLI -----------------------------------------------------------------------------------------


def test_compare_writes_html_alongside_json(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    result = CliRunner().invoke(
        cli, ["compare", str(SEEDS / "a.txt"), str(SEEDS / "b.txt"), "--json", "--html", str(target)]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["a"]["path"] == str(SEEDS / "a.txt")
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "U.K. Says China Supplying Russia With &#x27;Lethal Aid&#x27;" in page


def test_compare_html_into_a_missing_folder_is_one_line_error(tmp_path: Path) -> None:
    target = tmp_path / "missing" / "report.html"
    result = CliRunner().invoke(
        cli, ["compare", str(SEEDS / "a.txt"), str(SEEDS / "b.txt"), "--html", str(target)]
    )
    # The click group is the error boundary: one line on stderr, exit 1, the cause kept.
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {target}: cannot write report")
    assert not target.exists()


def test_compare_html_with_pairs_is_a_usage_error(tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text(f"{SEEDS / 'a.txt'}\t{SEEDS / 'b.txt'}\n")
    result = CliRunner().invoke(cli, ["compare", "--pairs", str(pairs), "--html", str(tmp_path / "x.html")])
    assert result.exit_code == 2
    assert "--html needs two" in result.stderr


# --- flags and the report folder ----------------------------------------------------------------


def _reference(document: Document) -> ItemRef:
    return ItemRef(document.id, document.title, document.url, document.published)


def _record(document: Document) -> IndexRecord:
    content_hash = hashlib.sha256(document.text.encode()).hexdigest()
    return IndexRecord(
        document.id, content_hash, document.text, document.title, document.url, document.published, (), b""
    )


@pytest.fixture
def flagged_index(seeds: Comparison, tmp_path: Path) -> Iterator[IndexStore]:
    """A real SQLite index holding three flags, committed with their items as a scan would.

    The seeds (times known), a hostile pair whose flag id looks like a path, and a pair with no times.
    """
    assert seeds.fact_diff is not None
    original = replace(seeds.a, published=datetime(2024, 5, 22, 9, 0, tzinfo=UTC))
    derivative = replace(seeds.b, published=datetime(2024, 5, 23, 14, 30, tzinfo=UTC))
    hostile = _hostile_comparison()
    assert hostile.fact_diff is not None
    late_original = replace(hostile.a, published=datetime(2024, 6, 1, 8, 0, tzinfo=UTC))
    late_derivative = replace(hostile.b, id="../escape/<b>", published=datetime(2024, 6, 2, 8, 0, tzinfo=UTC))
    timeless_item, timeless_source = replace(seeds.b, id="no-time-b"), replace(seeds.a, id="no-time-a")
    seeds_flag = Flag(
        "seeds",
        _reference(derivative),
        _reference(original),
        DerivationKind.REWRITE,
        0.91,
        "source",
        seeds.fact_diff.changes,
    )
    hostile_flag = Flag(
        "../../etc/<script>",
        _reference(late_derivative),
        _reference(late_original),
        DerivationKind.LIGHT_EDIT,
        0.8,
        "source",
        hostile.fact_diff.changes,
    )
    timeless_flag = Flag(
        "timeless",
        _reference(timeless_item),
        _reference(timeless_source),
        DerivationKind.PARTIAL,
        0.6,
        "item",
        (),
    )
    with open_index(tmp_path / "index.sqlite") as index:
        index.add(_record(original))
        index.add(_record(derivative), [seeds_flag])
        index.add(_record(late_original))
        index.add(_record(late_derivative), [hostile_flag])
        index.add(_record(timeless_source))
        index.add(_record(timeless_item), [timeless_flag])
        yield index


def test_newest_first_orders_by_item_time_unknown_last() -> None:
    def flag(name: str, published: datetime | None) -> Flag:
        return Flag(
            name, ItemRef(name, published=published), ItemRef("s"), DerivationKind.COPY, 1.0, "source"
        )

    flags = [
        flag("old", datetime(2024, 1, 1, tzinfo=UTC)),
        flag("unknown-first", None),
        flag("naive-new", datetime(2024, 3, 1)),
        flag("new", datetime(2024, 2, 1, tzinfo=UTC)),
        flag("unknown-later", None),
    ]
    assert [f.id for f in newest_first(flags)] == [
        "naive-new",
        "new",
        "old",
        "unknown-later",
        "unknown-first",
    ]


def test_report_dir_writes_a_page_per_flag_and_an_index(flagged_index: IndexStore, tmp_path: Path) -> None:
    flags = list(flagged_index.flags())
    folder = tmp_path / "reports" / "today"
    written = write_report_dir(flags, folder, flagged_index)
    assert sorted(path.name for path in folder.iterdir()) == sorted(path.name for path in written)
    assert all(path.parent == folder for path in written)
    assert len(written) == len(flags) + 1 == 4
    index = _parse((folder / "index.html").read_text(encoding="utf-8"))
    linked = [href for href in index.hrefs if not href.startswith("#")]
    assert [(folder / href).exists() for href in linked] == [True, True, True]
    pages = {
        flag.id: (folder / href).read_text(encoding="utf-8")
        for flag, href in zip(newest_first(flags), linked, strict=True)
    }
    assert "dedup flag ../../etc/&lt;script&gt;" in pages["../../etc/<script>"]
    assert "<script" not in "".join(pages.values()).lower()
    seeds_flag = next(flag for flag in flags if flag.id == "seeds")
    source = flagged_index.get(seeds_flag.source.id)
    assert source is not None
    seeds_page = _parse(pages["seeds"])
    for index_of_change, change in enumerate(seeds_flag.changes):
        if change.original is not None:
            expected = change.original.slice(source.text)
            assert seeds_page.marked[(str(index_of_change), "original")] == expected
    assert "original chosen by publication time" in pages["seeds"]
    assert "original chosen by content" in pages["timeless"]
    assert 'href="index.html"' in pages["seeds"]


def test_report_folder_adds_each_flag_as_it_comes(flagged_index: IndexStore, tmp_path: Path) -> None:
    first, *others = list(flagged_index.flags())
    folder = tmp_path / "reports"
    report = ReportFolder(folder, flagged_index)
    written = report.sync([first])
    assert [path.name for path in written] == [f"flag-{_safe(first.id)}.html", "index.html"]
    assert len(_parse((folder / "index.html").read_text(encoding="utf-8")).hrefs) == 1
    again = report.sync([first, *others])  # a flag already written is not rendered twice
    assert len(again) == len(others) + 1
    index = _parse((folder / "index.html").read_text(encoding="utf-8"))
    assert len([href for href in index.hrefs if not href.startswith("#")]) == 1 + len(others)
    assert (folder / f"flag-{_safe(first.id)}.html").exists()


def _safe(flag_id: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "_.-" else "_" for ch in flag_id)


def test_report_dir_onto_a_file_is_one_line_error(flagged_index: IndexStore, tmp_path: Path) -> None:
    blocker = tmp_path / "taken"
    blocker.write_text("not a folder")
    with pytest.raises(ReportWriteError, match=r"taken: cannot create report folder"):
        write_report_dir(flagged_index.flags(), blocker, flagged_index)


def test_report_dir_lists_a_flag_whose_texts_expired(flagged_index: IndexStore, tmp_path: Path) -> None:
    change = FactChange(ChangeKind.OMITTED, "dropped: <script>x</script>", Span(0, 4), None)
    stray = Flag(
        "stray", ItemRef("nowhere", title="Gone"), ItemRef("no-time-a"), DerivationKind.COPY, 1.0, "source"
    )
    stray = replace(stray, changes=(change,))
    write_report_dir([*flagged_index.flags(), stray], tmp_path / "reports", flagged_index)
    page = (tmp_path / "reports" / "flag-stray.html").read_text(encoding="utf-8")
    assert "The index no longer holds these texts" in page
    assert "dropped: &lt;script&gt;x&lt;/script&gt;" in page
    assert "<dt>Derivative</dt><dd><strong>Gone</strong>" in page
    assert 'href="flag-stray.html"' in (tmp_path / "reports" / "index.html").read_text(encoding="utf-8")


def test_scan_report_dir_writes_every_kept_flag(fixtures_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    arguments = ["scan", str(fixtures_dir / "feeds" / "good"), "--index", str(tmp_path / "index.sqlite")]
    result = CliRunner().invoke(cli, [*arguments, "--report-dir", str(folder)])
    assert result.exit_code == 0, result.output
    flag_ids = [json.loads(line)["id"] for line in result.stdout.splitlines()]
    assert flag_ids
    pages = sorted(f"flag-{flag_id}.html" for flag_id in flag_ids)
    assert sorted(path.name for path in folder.iterdir()) == sorted([*pages, "index.html"])
    index = _parse((folder / "index.html").read_text(encoding="utf-8"))
    assert sorted(index.hrefs) == pages
    for flag_id in flag_ids:
        assert f"<h1>dedup flag {flag_id}</h1>" in (folder / f"flag-{flag_id}.html").read_text(
            encoding="utf-8"
        )


# --- the page in headless Chromium ---------------------------------------------------------------


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[webdriver.Chrome]:
    for program in (CHROMIUM, CHROMEDRIVER):
        if not program.exists():
            pytest.fail(f"{program} is missing: install the Debian packages chromium and chromium-driver")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        driver.set_window_size(1280, 1000)
        yield driver
    finally:
        driver.quit()


def _open(driver: webdriver.Chrome, page: str, path: Path) -> None:
    path.write_text(page, encoding="utf-8")
    driver.get(path.as_uri())


_MARKS_JS = """
return Array.from(document.querySelectorAll('mark[data-change]')).map(m => ({
  change: m.dataset.change, kind: m.dataset.kind, side: m.dataset.side, text: m.textContent}));
"""

_BOXES_JS = """
const row = document.querySelector('.row.aligned');
const [left, right] = Array.from(row.querySelectorAll('.cell')).map(c => c.getBoundingClientRect());
const overflowing = Array.from(document.querySelectorAll('main *'))
  .filter(e => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).display !== 'inline').length;
return {left: [left.left, left.top, left.bottom], right: [right.left, right.top, right.bottom],
        scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth,
        overflowing: overflowing};
"""


def _highlighted(driver: webdriver.Chrome) -> dict[tuple[str, str], dict[str, str]]:
    """(change, kind) -> side -> highlighted text, joining the pieces a split highlight is drawn in."""
    found: dict[tuple[str, str], dict[str, str]] = {}
    for mark in driver.execute_script(_MARKS_JS):
        sides = found.setdefault((mark["change"], mark["kind"]), {})
        sides[mark["side"]] = sides.get(mark["side"], "") + mark["text"]
    return found


def test_seeds_report_in_chromium(browser: webdriver.Chrome, seeds: Comparison, tmp_path: Path) -> None:
    _open(browser, comparison_html(seeds), tmp_path / "seeds.html")
    highlighted = _highlighted(browser).items()

    def sides_of(kind: str) -> list[dict[str, str]]:
        return [sides for (_, found_kind), sides in highlighted if found_kind == kind]

    assert any("We have not seen that to date" in sides["original"] for sides in sides_of("omitted"))
    assert any(
        "64%" in sides["original"] and "significant growth" in sides.get("derivative", "")
        for sides in sides_of("softened")
    )
    assert any(
        "is now, or will be, flowing" in sides["original"]
        and "currently flowing" in sides.get("derivative", "")
        for sides in sides_of("hardened")
    )
    legend = browser.execute_script("return document.querySelector('.legend').textContent")
    assert all(str(kind) in legend for kind in ChangeKind)
    target = browser.execute_script(
        "const link = document.querySelector('.changes a.quote');"
        "return document.getElementById(link.getAttribute('href').slice(1)).tagName"
    )
    assert target == "MARK"

    boxes = browser.execute_script(_BOXES_JS)
    assert boxes["right"][0] > boxes["left"][0]
    assert boxes["right"][1] == boxes["left"][1]
    screenshot = tmp_path / "seeds-desktop.png"
    assert browser.save_screenshot(str(screenshot))
    assert screenshot.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert screenshot.stat().st_size > 10_000


def test_seeds_report_stacks_at_phone_width(
    browser: webdriver.Chrome, seeds: Comparison, tmp_path: Path
) -> None:
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True},
    )
    try:
        _open(browser, comparison_html(seeds), tmp_path / "seeds-phone.html")
        boxes = browser.execute_script(_BOXES_JS)
        assert boxes["client"] == 390
        assert boxes["scroll"] <= boxes["client"]
        assert boxes["overflowing"] == 0
        assert boxes["right"][0] == boxes["left"][0]
        assert boxes["right"][1] >= boxes["left"][2]
        screenshot = tmp_path / "seeds-phone.png"
        assert browser.save_screenshot(str(screenshot))
        assert screenshot.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_hostile_document_runs_nothing_and_shows_literally(browser: webdriver.Chrome, tmp_path: Path) -> None:
    _open(browser, comparison_html(_hostile_comparison()), tmp_path / "hostile.html")
    assert browser.execute_script("return typeof window.pwned") == "undefined"
    shown = browser.execute_script("return document.body.textContent")
    assert HOSTILE_SCRIPT in shown
    assert HOSTILE_IMAGE in shown
    assert browser.execute_script("return document.images.length + document.scripts.length") == 0
    assert HOSTILE_SCRIPT in browser.title


def test_report_dir_index_lists_newest_first_and_links_to_pages(
    browser: webdriver.Chrome, seeds: Comparison, flagged_index: IndexStore, tmp_path: Path
) -> None:
    write_report_dir(flagged_index.flags(), tmp_path / "reports", flagged_index)
    browser.get((tmp_path / "reports" / "index.html").as_uri())
    entries = browser.execute_script(
        "return Array.from(document.querySelectorAll('.flags li')).map(li => li.textContent)"
    )
    assert [entry.split(" \u2014 ")[0] for entry in entries] == [
        'Rewrite "quoted" & <b>bold</b>',
        seeds.b.title,
        seeds.a.title,  # this flag's item is the original, so its source is the derivative named first
    ]
    assert "light_edit" in entries[0] and "partial" in entries[2]
    assert browser.execute_script("return typeof window.pwned") == "undefined"
    # A WebDriver click waits for the navigation it starts, unlike a click from script.
    browser.find_elements(By.CSS_SELECTOR, ".flags a")[1].click()
    heading = browser.execute_script("return document.querySelector('h1').textContent")
    assert heading == "dedup flag seeds"
    assert _highlighted(browser)


def test_policy_blocks_a_script_that_slipped_past_escaping(
    browser: webdriver.Chrome, seeds: Comparison, tmp_path: Path
) -> None:
    slipped = comparison_html(seeds).replace("<main>", "<main><script>window.probe = 1</script>", 1)
    _open(browser, slipped, tmp_path / "slipped.html")
    assert browser.execute_script("return typeof window.probe") == "undefined"
    # The same page without the policy runs the probe, so the check above can tell the difference.
    unprotected = slipped.replace(CONTENT_SECURITY_POLICY, "default-src *; script-src 'unsafe-inline'")
    _open(browser, unprotected, tmp_path / "unprotected.html")
    assert browser.execute_script("return window.probe") == 1
