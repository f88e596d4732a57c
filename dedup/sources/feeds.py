"""Sources -> Documents: RSS/Atom feeds, JSON, JSONL, HTML and text files, folders; bad entries as errors."""

from __future__ import annotations

import calendar
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

import feedparser

from dedup.errors import DedupError, InputError, MalformedRecordError, MissingFileError
from dedup.model import Document
from dedup.settings import DEFAULT_SOURCE_SETTINGS, SourceSettings
from dedup.sources.documents import Entry, document_from_html, document_from_text
from dedup.sources.encoding import decode_bytes
from dedup.sources.load import HTML_SUFFIXES, JSONL_SUFFIXES, read_bytes
from dedup.sources.records import parse_json_document, parse_jsonl_lines

__all__ = ["Entry", "list_files", "parse_body", "parse_feed", "parse_jsonl", "read_file"]

FEED_SUFFIXES = frozenset({".xml", ".rss", ".atom", ".rdf"})
_FEED_OPENINGS = (b"<?xml", b"<rss", b"<feed", b"<rdf:RDF")
_HTML_OPENINGS = (b"<!doctype html", b"<html")
_JSON_TYPES = frozenset({"application/json", "application/feed+json"})
_JSONL_TYPES = frozenset({"application/x-ndjson", "application/jsonl", "application/jsonlines"})
_SNIFF_BYTES = 512
_LEADING_BLANKS = b"\xef\xbb\xbf \t\r\n"


def list_files(root: Path) -> list[Path]:
    """Return the files under `root` (or `root` itself), recursively, in name order, skipping dot files."""
    if not root.is_dir():
        return [root]
    return sorted(
        path
        for path in root.rglob("*")
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(root).parts)
    )


def read_file(path: Path, settings: SourceSettings = DEFAULT_SOURCE_SETTINGS) -> Iterator[Entry]:
    """Read one file as a feed, JSON, JSONL records, an HTML page or a text, by suffix and content."""
    where = str(path)
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        yield from _jsonl_file(path, settings)  # by line: a JSONL file may be any size
        return
    try:
        data = read_bytes(path, settings.max_file_bytes)
    except InputError as error:
        yield error
        return
    if suffix == ".json":
        yield from parse_json_document(data, where, settings)
    elif suffix in FEED_SUFFIXES or _opens_with(data, _FEED_OPENINGS):
        yield from parse_feed(data, where, settings)
    else:
        is_html = suffix in HTML_SUFFIXES or _opens_with(data, _HTML_OPENINGS)
        yield from _single(data, where, settings, is_html=is_html)


def parse_body(
    data: bytes, source: str, content_type: str | None, settings: SourceSettings = DEFAULT_SOURCE_SETTINGS
) -> Iterator[Entry]:
    """Read a fetched body as a feed, JSON (a JSON Feed too), JSONL, an HTML page or a text."""
    kind = (content_type or "").split(";")[0].strip().lower()
    if kind in _JSON_TYPES:
        yield from parse_json_document(data, source, settings)
    elif kind in _JSONL_TYPES:
        yield from parse_jsonl(data, source, settings)
    elif "xml" in kind or "rss" in kind or "atom" in kind or _opens_with(data, _FEED_OPENINGS):
        yield from parse_feed(data, source, settings)
    else:
        is_html = "html" in kind or _opens_with(data, _HTML_OPENINGS)
        yield from _single(data, source, settings, is_html=is_html)


def parse_jsonl(
    data: bytes, source: str, settings: SourceSettings = DEFAULT_SOURCE_SETTINGS
) -> Iterator[Entry]:
    """Read JSONL records (`id`, `title`, `text` or `html`, `url`, `published`); a bad line is an error."""
    yield from parse_jsonl_lines(data.splitlines(), source, settings)


def parse_feed(
    data: bytes, source: str, settings: SourceSettings = DEFAULT_SOURCE_SETTINGS
) -> Iterator[Entry]:
    """Read the entries of an RSS or Atom feed; a malformed feed is reported, what parsed is kept."""
    # White space before the XML declaration is a fatal XML error; it says nothing about the feed.
    parsed = feedparser.parse(data.lstrip(b" \t\r\n") if data[:1].isspace() else data)
    entries = list(parsed.get("entries", []))
    if parsed.get("bozo") and (not entries or not _is_encoding_quirk(parsed)):
        yield MalformedRecordError(f"{_where(source, parsed)}: not a well-formed feed ({_reason(parsed)})")
    for number, entry in enumerate(entries, 1):
        try:
            yield _entry_document(entry, f"{source}#{number}", settings)
        except InputError as error:
            yield error


def _entry_document(entry: Any, where: str, settings: SourceSettings) -> Document:
    link = _text(entry.get("link"))
    item_id = _text(entry.get("id")) or link or where
    title = _text(entry.get("title"))
    published = _entry_time(entry)
    body, is_html = _entry_body(entry)
    if not body:
        raise MalformedRecordError(f"{where}: entry {item_id} has no content or summary")
    try:
        if is_html:
            return document_from_html(
                body,
                id=item_id,
                title=title,
                url=link,
                published=published,
                settings=settings,
                is_fragment=True,
            )
        return document_from_text(
            body, id=item_id, title=title, url=link, published=published, settings=settings
        )
    except DedupError as error:
        raise MalformedRecordError(f"{where}: entry {item_id}: {_problem(error, item_id)}") from error


def _problem(error: DedupError, item_id: str) -> str:
    """The error's message without the item id it starts with (the entry line names it already)."""
    return str(error).removeprefix(f"{item_id}: ")


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
            try:
                return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
            except (OverflowError, OSError, ValueError):
                return None  # a date feedparser parsed but no datetime holds
    return None


def _jsonl_file(path: Path, settings: SourceSettings) -> Iterator[Entry]:
    try:
        file = path.open("rb")
    except OSError as exc:
        problem = (
            "no such file" if isinstance(exc, FileNotFoundError) else f"cannot read ({exc.strerror or exc})"
        )
        yield MissingFileError(f"{path}: {problem}")
        return
    with file:
        try:
            yield from parse_jsonl_lines(_bounded_lines(file, settings.max_file_bytes), str(path), settings)
        except OSError as exc:
            yield MissingFileError(f"{path}: cannot read further ({exc.strerror or exc})")


def _bounded_lines(file: BinaryIO, max_bytes: int) -> Iterator[bytes]:
    """Yield a file's lines; of a line over `max_bytes`, only its first `max_bytes` + 1 bytes.

    The rest of such a line is read and dropped in pieces, so one endless line (a file with no
    newline) costs no more memory than the limit, and the lines after it are still read.
    """
    while line := file.readline(max_bytes + 1):
        if len(line) > max_bytes and not line.endswith(b"\n"):
            while (rest := file.readline(max_bytes + 1)) and not rest.endswith(b"\n"):
                pass
        yield line


def _single(data: bytes, where: str, settings: SourceSettings, *, is_html: bool) -> Iterator[Entry]:
    try:
        text = decode_bytes(data, where, settings)
        if is_html:
            yield document_from_html(text, id=where, path=where, settings=settings, is_fragment=False)
        else:
            yield document_from_text(text, id=where, path=where, settings=settings)
    except InputError as error:
        yield error


def _opens_with(data: bytes, openings: tuple[bytes, ...]) -> bool:
    head = data[:_SNIFF_BYTES].lstrip(_LEADING_BLANKS).lower()
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
