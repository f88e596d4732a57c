"""The comparison page: escaping, empty lines, links, self-containment under a strict policy."""

from __future__ import annotations

from dataclasses import replace

from dedup.model import (
    Comparison,
    FactDiff,
)
from dedup.report.page import CONTENT_SECURITY_POLICY, comparison_html
from tests.report.helpers import (
    HOSTILE_IMAGE,
    HOSTILE_SCRIPT,
    _hostile_comparison,
    _parse,
)

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
