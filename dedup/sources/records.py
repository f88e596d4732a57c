"""JSON -> Documents: one record, a list of records, a JSON Feed (1.0, 1.1), or JSONL lines."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from dedup.errors import DocumentTooLargeError, InputError, MalformedRecordError
from dedup.model import Document
from dedup.settings import DEFAULT_SOURCE_SETTINGS, SourceSettings
from dedup.sources.documents import Entry, document_from_html, document_from_text
from dedup.sources.encoding import decode_bytes
from dedup.sources.times import parse_time

_JSON_FEED_VERSION = "https://jsonfeed.org/version/"


def parse_json_document(
    data: bytes, source: str, settings: SourceSettings = DEFAULT_SOURCE_SETTINGS
) -> Iterator[Entry]:
    """Read a .json file: one record, a list of records, or a JSON Feed; JSONL saved as .json too.

    A file that is none of these (a parser's expected output, a config) is one error, not one per
    line (issue 13: 33,472 `skipped:` lines from multi-line JSON files).
    """
    try:
        text = decode_bytes(data, source, settings)
    except InputError as error:
        yield error
        return
    try:
        parsed: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        if _first_line_is_a_record(text):
            yield from _lines(text.splitlines(), source, settings)  # JSONL named .json
            return
        yield MalformedRecordError(f"{source}:{exc.lineno}: not valid JSON ({exc.msg})")
        return
    yield from parse_json_value(parsed, source, settings)


def parse_json_value(
    parsed: object, source: str, settings: SourceSettings = DEFAULT_SOURCE_SETTINGS
) -> Iterator[Entry]:
    """Read an already parsed JSON value as a JSON Feed, a record, or a list of records."""
    if isinstance(parsed, dict) and is_json_feed(parsed):
        items = parsed.get("items")
        if not isinstance(items, list):
            yield MalformedRecordError(f"{source}: JSON Feed without an `items` list")
            return
        yield from _each(items, source, "#", _json_feed_item, settings)
    elif isinstance(parsed, dict):
        yield from _each([parsed], source, ":", document_from_record, settings)
    elif isinstance(parsed, list) and parsed and all(isinstance(item, dict) for item in parsed):
        yield from _each(parsed, source, ":", document_from_record, settings)
    else:
        yield MalformedRecordError(
            f"{source}: not a record (`text` or `html`), a list of records or a JSON Feed"
        )


def parse_jsonl_lines(
    lines: Iterable[bytes], source: str, settings: SourceSettings = DEFAULT_SOURCE_SETTINGS
) -> Iterator[Entry]:
    """Read JSONL records line by line (`id`, `title`, `text` or `html`, `url`, `published`).

    Each line is decoded on its own, so one bad line (a NUL byte, another encoding, broken JSON,
    more than `settings.max_file_bytes`) is one error and the lines around it are read.
    """
    for line_number, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        where = f"{source}:{line_number}"
        if len(raw.rstrip(b"\r\n")) > settings.max_file_bytes:
            yield DocumentTooLargeError(f"{where}: a line over {settings.max_file_bytes:,} bytes")
            continue
        try:
            record = parse_json_line(_decoded_line(raw, line_number, where), where)
            if "id" not in record:
                # The line number is the only stable name a record without id has.
                record = {**record, "id": where}
            yield document_from_record(record, where, settings)
        except InputError as error:
            yield error


def is_json_feed(value: Mapping[str, Any]) -> bool:
    """Tell whether a parsed JSON object is a JSON Feed (https://jsonfeed.org/version/1.1)."""
    version = value.get("version")
    return isinstance(version, str) and version.startswith(_JSON_FEED_VERSION)


def parse_json_line(line: str, where: str) -> dict[str, Any]:
    """Parse one JSONL line into an object, or raise naming the file and line."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise MalformedRecordError(f"{where}: not valid JSON ({exc.msg})") from exc
    if not isinstance(record, dict):
        raise MalformedRecordError(f"{where}: a JSON object was expected")
    return record


def document_from_record(
    record: Mapping[str, Any], where: str, settings: SourceSettings = DEFAULT_SOURCE_SETTINGS
) -> Document:
    """Make a Document from a record with `text` or `html` and optional id, title, url, published.

    Without an `id`, the record is named by its url, else by `where`.
    """
    if not isinstance(record, Mapping):
        raise MalformedRecordError(f"{where}: a JSON object was expected")
    text, html = record.get("text"), record.get("html")
    title = _optional_str(record.get("title"))
    url = _optional_str(record.get("url") or record.get("link"))
    published = parse_time(record.get("published") or record.get("date"))
    given_id = record.get("id")
    if isinstance(text, str) and text.strip():
        body, is_html = text, False
    elif isinstance(html, str) and html.strip():
        body, is_html = html, True
    else:
        raise MalformedRecordError(f"{where}: no `text` or `html` field with content")
    record_id = str(given_id) if given_id is not None else (url or where or _content_id(body))
    if is_html:
        return document_from_html(
            body, id=record_id, title=title, url=url, published=published, settings=settings, where=where
        )
    return document_from_text(
        body, id=record_id, title=title, url=url, published=published, settings=settings, where=where
    )


def _json_feed_item(item: object, where: str, settings: SourceSettings) -> Document:
    """A JSON Feed item: content_text, else content_html, else summary; id, url, title, date_published."""
    if not isinstance(item, Mapping):
        raise MalformedRecordError(f"{where}: a JSON Feed item must be an object")
    text = _optional_str(item.get("content_text"))
    html = _optional_str(item.get("content_html"))
    summary = _optional_str(item.get("summary"))
    url = _optional_str(item.get("url")) or _optional_str(item.get("external_url"))
    given_id = item.get("id")
    record = {
        "id": str(given_id) if given_id not in (None, "") else (url or where),
        "title": item.get("title"),
        "url": url,
        "published": item.get("date_published") or item.get("date_modified"),
    }
    if text is not None:
        record["text"] = text
    elif html is not None:
        record["html"] = html
    elif summary is not None:
        record["text"] = summary
    return document_from_record(record, where, settings)


def _each(
    items: list[Any],
    source: str,
    separator: str,
    make: Callable[[Any, str, SourceSettings], Document],
    settings: SourceSettings,
) -> Iterator[Entry]:
    """Make a Document of each item, named `source` + separator + its number; a bad one is an error."""
    for number, item in enumerate(items, 1):
        try:
            yield make(item, f"{source}{separator}{number}", settings)
        except InputError as error:
            yield error


def _decoded_line(raw: bytes, line_number: int, where: str) -> str:
    # JSON text is UTF-8 (RFC 8259); a line in a legacy encoding is detected on its own.
    if line_number == 1:
        raw = raw.removeprefix(b"\xef\xbb\xbf")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return decode_bytes(raw, where)


def _lines(lines: list[str], source: str, settings: SourceSettings) -> Iterator[Entry]:
    return parse_jsonl_lines((line.encode("utf-8") for line in lines), source, settings)


def _first_line_is_a_record(text: str) -> bool:
    first = next((line for line in text.splitlines() if line.strip()), "")
    try:
        return isinstance(json.loads(first), dict)
    except json.JSONDecodeError:
        return False


def _optional_str(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _content_id(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]
