"""Sources -> Documents: RSS/Atom feeds, JSONL, HTML and text files, folders; bad entries as errors."""

from __future__ import annotations

import calendar
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import feedparser

from dedup.errors import DedupError, InputError, MalformedRecordError
from dedup.model import Document
from dedup.sources.load import (
    HTML_SUFFIXES,
    JSON_SUFFIXES,
    decode_bytes,
    document_from_html,
    document_from_record,
    document_from_text,
    parse_json_line,
    read_bytes,
)

FEED_SUFFIXES = frozenset({".xml", ".rss", ".atom", ".rdf"})
_FEED_OPENINGS = (b"<?xml", b"<rss", b"<feed", b"<rdf:RDF")
_HTML_OPENINGS = (b"<!doctype html", b"<html")
_SNIFF_BYTES = 512

Entry = Document | InputError
"""One thing read from a source: a Document, or the error that stands in for a bad entry."""


def list_files(root: Path) -> list[Path]:
    """Return the files under `root` (or `root` itself), recursively, in name order, skipping dot files."""
    if not root.is_dir():
        return [root]
    return sorted(
        path
        for path in root.rglob("*")
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(root).parts)
    )


def read_file(path: Path) -> Iterator[Entry]:
    """Read one file as a feed, JSONL records, an HTML page or a text, by suffix and content."""
    where = str(path)
    try:
        data = read_bytes(path)
    except InputError as error:
        yield error
        return
    suffix = path.suffix.lower()
    if suffix in JSON_SUFFIXES:
        yield from parse_jsonl(data, where)
    elif suffix in FEED_SUFFIXES or _opens_with(data, _FEED_OPENINGS):
        yield from parse_feed(data, where)
    else:
        yield from _single(data, where, is_html=suffix in HTML_SUFFIXES or _opens_with(data, _HTML_OPENINGS))


def parse_body(data: bytes, source: str, content_type: str | None) -> Iterator[Entry]:
    """Read a fetched body as a feed, JSONL, an HTML page or a text, by content type and content."""
    kind = (content_type or "").split(";")[0].strip().lower()
    if kind in {"application/json", "application/x-ndjson", "application/jsonl"}:
        yield from parse_jsonl(data, source)
    elif "xml" in kind or "rss" in kind or "atom" in kind or _opens_with(data, _FEED_OPENINGS):
        yield from parse_feed(data, source)
    else:
        yield from _single(data, source, is_html="html" in kind or _opens_with(data, _HTML_OPENINGS))


def parse_jsonl(data: bytes, source: str) -> Iterator[Entry]:
    """Read JSONL records (`id`, `title`, `text` or `html`, `url`, `published`); a bad line is an error."""
    try:
        text = decode_bytes(data, source)
    except InputError as error:
        yield error
        return
    for line_number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{source}:{line_number}"
        try:
            record = parse_json_line(line, where)
            if "id" not in record:
                # The line number is the only stable name a record without id has.
                record = {**record, "id": where}
            yield document_from_record(record, where)
        except InputError as error:
            yield error


def parse_feed(data: bytes, source: str) -> Iterator[Entry]:
    """Read the entries of an RSS or Atom feed; a malformed feed is reported, what parsed is kept."""
    parsed = feedparser.parse(data)
    entries = list(parsed.get("entries", []))
    if parsed.get("bozo") and (not entries or not _is_encoding_quirk(parsed)):
        yield MalformedRecordError(f"{_where(source, parsed)}: not a well-formed feed ({_reason(parsed)})")
    for number, entry in enumerate(entries, 1):
        try:
            yield _entry_document(entry, f"{source}#{number}")
        except InputError as error:
            yield error


def _entry_document(entry: Any, where: str) -> Document:
    link = _text(entry.get("link"))
    item_id = _text(entry.get("id")) or link or where
    title = _text(entry.get("title"))
    published = _entry_time(entry)
    body, is_html = _entry_body(entry)
    if not body:
        raise MalformedRecordError(f"{where}: entry {item_id} has no content or summary")
    try:
        if is_html:
            return document_from_html(body, id=item_id, title=title, url=link, published=published)
        return document_from_text(body, id=item_id, title=title, url=link, published=published)
    except DedupError as error:
        raise MalformedRecordError(f"{where}: entry {item_id}: {error}") from error


def _entry_body(entry: Any) -> tuple[str, bool]:
    contents = entry.get("content") or []
    for content in contents:
        value = _text(content.get("value"))
        if value:
            return value, "html" in str(content.get("type", "html"))
    summary = _text(entry.get("summary"))
    detail = entry.get("summary_detail") or {}
    return summary or "", "html" in str(detail.get("type", "html"))


def _entry_time(entry: Any) -> datetime | None:
    for field in ("published_parsed", "updated_parsed", "created_parsed"):
        # dict.get, not entry.get: FeedParserDict maps a missing `updated_parsed` to
        # `published_parsed` with a DeprecationWarning.
        value = dict.get(entry, field)
        if isinstance(value, time.struct_time):
            return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
    return None


def _single(data: bytes, where: str, *, is_html: bool) -> Iterator[Entry]:
    try:
        text = decode_bytes(data, where)
        if is_html:
            yield document_from_html(text, id=where, path=where)
        else:
            yield document_from_text(text, id=where, path=where)
    except InputError as error:
        yield error


def _opens_with(data: bytes, openings: tuple[bytes, ...]) -> bool:
    head = data[:_SNIFF_BYTES].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(tuple(opening.lower() for opening in openings))


def _is_encoding_quirk(parsed: Any) -> bool:
    # feedparser flags a declared-vs-actual charset mismatch it recovered from; the feed is fine.
    return isinstance(parsed.get("bozo_exception"), feedparser.CharacterEncodingOverride)


def _where(source: str, parsed: Any) -> str:
    exception = parsed.get("bozo_exception")
    line = getattr(exception, "getLineNumber", None)
    if callable(line):
        try:
            return f"{source}:{int(line())}"
        except (TypeError, ValueError):
            return source
    return source


def _reason(parsed: Any) -> str:
    exception = parsed.get("bozo_exception")
    message = getattr(exception, "getMessage", None)
    text = str(message()) if callable(message) else str(exception)
    return text.splitlines()[0] if text else "unknown error"


def _text(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None
