"""Text or HTML with its metadata -> a Document, within the size limit; the Entry a source yields."""

from __future__ import annotations

from datetime import datetime

from dedup.errors import DocumentTooLargeError, EmptyDocumentError, InputError
from dedup.model import Document
from dedup.settings import DEFAULT_SOURCE_SETTINGS, SourceSettings
from dedup.sources.markup import fragment_text, is_page, page_metadata, page_text

Entry = Document | InputError
"""One thing read from a source: a Document, or the error that stands in for a bad entry."""

_TITLE_MAX_CHARS = 200
_UTF8_MAX_BYTES_PER_CHAR = 4


def document_from_text(
    text: str,
    *,
    id: str,
    path: str | None = None,
    title: str | None = None,
    url: str | None = None,
    published: datetime | None = None,
    settings: SourceSettings = DEFAULT_SOURCE_SETTINGS,
    where: str | None = None,
) -> Document:
    """Make a Document from text kept exactly; the title defaults to its first line.

    Errors name `where` (a file, line or feed entry), else the id.

    Raises:
        EmptyDocumentError: the text is only white space.
        DocumentTooLargeError: the text is over `settings.max_bytes` in UTF-8.
    """
    name = where or id
    if not text.strip():
        raise EmptyDocumentError(f"{name}: no text")
    check_size(text, name, settings.max_bytes)
    if title is None:
        first_line = next(line.strip() for line in text.splitlines() if line.strip())
        title = first_line[:_TITLE_MAX_CHARS]
    return Document(id=id, text=text, title=title, path=path, url=url, published=published)


def document_from_html(
    html: str,
    *,
    id: str,
    path: str | None = None,
    title: str | None = None,
    url: str | None = None,
    published: datetime | None = None,
    settings: SourceSettings = DEFAULT_SOURCE_SETTINGS,
    where: str | None = None,
    is_fragment: bool | None = None,
) -> Document:
    """Make a Document of HTML: a page's main text and metadata, or a fragment's text.

    `is_fragment` None decides by the markup: a doctype, <html> or <head> make a page.
    """
    name = where or id
    if is_fragment is None:
        is_fragment = not is_page(html)
    text = fragment_text(html) if is_fragment else page_text(html)
    if not text.strip():
        raise EmptyDocumentError(f"{name}: no text in the HTML")
    if not is_fragment and (title is None or published is None):
        metadata = page_metadata(html)
        title = title if title is not None else metadata.title
        published = published if published is not None else metadata.published
    return document_from_text(
        text, id=id, path=path, title=title, url=url, published=published, settings=settings, where=where
    )


def check_size(text: str, name: str, max_bytes: int) -> None:
    """Refuse a text over `max_bytes` in UTF-8, encoding it only when its length leaves a doubt."""
    if len(text) * _UTF8_MAX_BYTES_PER_CHAR <= max_bytes:
        return
    size = len(text) if len(text) > max_bytes else len(text.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        raise DocumentTooLargeError(
            f"{name}: {_size(size)} of text, over the --max-bytes limit of {max_bytes:,} bytes"
        )


def _size(count: int) -> str:
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("KB", 1e3)):
        if count >= scale:
            return f"{count / scale:.1f} {unit}"
    return f"{count} bytes"
