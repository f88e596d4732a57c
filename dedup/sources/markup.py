"""HTML -> text: a page's main text (trafilatura), a fragment's whole text, plain text left as it is."""

from __future__ import annotations

import html as html_entities
import logging
import re
from dataclasses import dataclass
from datetime import datetime

import lxml.etree
import lxml.html
import trafilatura

from dedup.sources.times import parse_time

# A tag, a comment or a doctype: "<p", "</a", "<!--", "<?xml". "a < b" and "x<3" are text.
_MARKUP = re.compile(r"<[A-Za-z/!?]")
_PAGE_OPENING = re.compile(
    r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!doctype\s+html|<html[\s>]|<head[\s>])", re.IGNORECASE
)
# trafilatura and htmldate raise assorted errors on odd markup (an AssertionError from lxml's
# drop_tree on inline SVG, ValueError on bad encodings). Their output is optional: fall back.
_LIBRARY_ERRORS = (AssertionError, ValueError, TypeError, LookupError, lxml.etree.LxmlError)
_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PageMetadata:
    """What a page says about itself: its title and publication time, when it says."""

    title: str | None = None
    published: datetime | None = None


def has_markup(text: str) -> bool:
    """Tell whether `text` holds any HTML tag, comment or declaration."""
    return _MARKUP.search(text) is not None


def is_page(html: str) -> bool:
    """Tell whether `html` is a whole page (doctype, <html> or <head>), not a fragment of one."""
    return _PAGE_OPENING.match(html[:1024]) is not None


def page_text(html: str) -> str:
    """Return a page's main text (trafilatura), or all its visible text when it has no main block."""
    try:
        text = trafilatura.extract(html, include_comments=False, include_tables=False, favor_precision=False)
    except _LIBRARY_ERRORS as error:
        _LOGGER.debug("trafilatura.extract failed: %r", error)
        text = None
    if text and text.strip():
        return text
    try:
        return trafilatura.html2txt(html) or fragment_text(html)
    except _LIBRARY_ERRORS as error:
        _LOGGER.debug("trafilatura.html2txt failed: %r", error)
        return fragment_text(html)


def fragment_text(html: str) -> str:
    """Return the text of an HTML fragment: a feed entry's description or content, a record's `html`.

    A fragment without any markup is plain text (RSS 2.0's own examples, most podcast feeds): its
    entities are decoded and nothing else changes. With markup, trafilatura's main-text extraction
    is tried first (it drops share links and "appeared first on" lines); a fragment it finds no main
    block in (inline markup only, a short summary) gives all its visible text instead.
    """
    if not has_markup(html):
        return html_entities.unescape(html)
    wrapped = f"<html><body><div>{html}</div></body></html>"
    try:
        extracted = trafilatura.extract(wrapped, include_comments=False, include_tables=False)
    except _LIBRARY_ERRORS as error:
        _LOGGER.debug("trafilatura.extract failed on a fragment: %r", error)
        extracted = None
    if extracted and extracted.strip():
        return extracted
    return _visible_text(html)


def page_metadata(html: str) -> PageMetadata:
    """Return a page's own title and publication time (trafilatura's metadata), when it gives them."""
    try:
        metadata = trafilatura.extract_metadata(html)
    except _LIBRARY_ERRORS as error:
        _LOGGER.debug("trafilatura.extract_metadata failed: %r", error)
        return PageMetadata()
    if metadata is None:
        return PageMetadata()
    return PageMetadata(
        title=metadata.title or None, published=parse_time(metadata.date) if metadata.date else None
    )


def _visible_text(html: str) -> str:
    """All text of a fragment outside scripts and styles, a line per block, spaces as they were."""
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except _LIBRARY_ERRORS:
        return html_entities.unescape(re.sub(r"<[^>]*>", " ", html))
    for unwanted in root.xpath(".//script|.//style|.//template"):
        unwanted.drop_tree()
    for block in root.xpath(".//br|.//p|.//div|.//li|.//tr|.//h1|.//h2|.//h3|.//h4|.//h5|.//h6"):
        block.tail = "\n" + (block.tail or "")
    return str(root.text_content())
