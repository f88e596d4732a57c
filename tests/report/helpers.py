"""What the report tests share: the seeds comparison, a hostile one, a flagged index, Chromium."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from dedup import compare, load_document
from dedup.facts.diff import diff_facts
from dedup.index import IndexRecord, IndexStore, open_index
from dedup.model import (
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

SEEDS = Path(__file__).parent.parent.parent / "fixtures" / "pairs" / "seeds-rewrite"
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
