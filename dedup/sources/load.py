"""Read files and records into Documents: encoding detection, HTML extraction, bad-input checks."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import charset_normalizer
import trafilatura

from dedup.errors import (
    BinaryFileError,
    DecodeError,
    EmptyDocumentError,
    MalformedRecordError,
    MissingFileError,
)
from dedup.model import Document

HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
JSON_SUFFIXES = frozenset({".json", ".jsonl", ".ndjson"})
_TITLE_MAX_CHARS = 200
# Share of control characters above which bytes are treated as binary, not text.
_BINARY_CONTROL_SHARE = 0.05
_CHAOS_TOLERANCE = 0.01
_PREFERRED_ENCODINGS = {"utf_8": 0, "cp1252": 1, "iso8859_15": 2, "latin_1": 3, "iso8859_1": 3}


def load_document(path: str | Path) -> Document:
    """Load one document from a .txt, .html or .json/.jsonl file (a .jsonl must hold one record)."""
    file_path = Path(path)
    data = read_bytes(file_path)
    suffix = file_path.suffix.lower()
    if suffix in JSON_SUFFIXES:
        records = list(parse_json_records(data, str(file_path)))
        if len(records) != 1:
            raise MalformedRecordError(f"{file_path}: holds {len(records)} records; compare takes one")
        return records[0]
    text = decode_bytes(data, str(file_path))
    if suffix in HTML_SUFFIXES:
        return document_from_html(text, id=str(file_path), path=str(file_path))
    return document_from_text(text, id=str(file_path), path=str(file_path))


def read_bytes(path: Path) -> bytes:
    """Read a file, turning OS errors into one-line dedup errors."""
    if not path.is_file():
        raise MissingFileError(f"{path}: no such file")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise MissingFileError(f"{path}: cannot read ({exc.strerror})") from exc


def decode_bytes(data: bytes, source: str) -> str:
    """Decode bytes as text: UTF-8 first, then the encoding charset-normalizer detects."""
    if not data.strip():
        raise EmptyDocumentError(f"{source}: empty file")
    if _looks_binary(data):
        raise BinaryFileError(f"{source}: binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    for bom, encoding in ((b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise DecodeError(f"{source}: not valid {encoding}") from exc
    matches = list(charset_normalizer.from_bytes(data))
    if not matches:
        raise DecodeError(f"{source}: cannot detect the text encoding")
    # Short texts fit several single-byte code pages equally well; among the equally clean ones,
    # prefer the legacy encodings most used for English-language news on the web.
    least_chaos = min(match.chaos for match in matches)
    clean = [match for match in matches if match.chaos <= least_chaos + _CHAOS_TOLERANCE]
    preferred = sorted(
        clean, key=lambda match: _PREFERRED_ENCODINGS.get(match.encoding, len(_PREFERRED_ENCODINGS))
    )
    return str(preferred[0])


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False  # UTF-16 text has NUL bytes by design
    if b"\x00" in sample:
        return True
    controls = sum(1 for byte in sample if byte < 32 and byte not in (9, 10, 12, 13))
    return controls > _BINARY_CONTROL_SHARE * len(sample)


def document_from_text(
    text: str,
    *,
    id: str,
    path: str | None = None,
    title: str | None = None,
    url: str | None = None,
    published: datetime | None = None,
) -> Document:
    """Make a Document from text kept exactly; the title defaults to its first line."""
    if not text.strip():
        raise EmptyDocumentError(f"{id}: no text")
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
) -> Document:
    """Extract an HTML page's main text with trafilatura and make a Document of it."""
    text = trafilatura.extract(html, include_comments=False, include_tables=False, favor_precision=False)
    if not text or not text.strip():
        # Short pages (a feed entry's summary) have no "main" block; keep their plain text.
        text = trafilatura.html2txt(html) or ""
    if not text.strip():
        raise EmptyDocumentError(f"{id}: no text in the HTML")
    if title is None:
        metadata = trafilatura.extract_metadata(html)
        title = metadata.title if metadata is not None and metadata.title else None
        if published is None and metadata is not None and metadata.date:
            published = parse_time(metadata.date)
    return document_from_text(text, id=id, path=path, title=title, url=url, published=published)


def parse_json_records(data: bytes, source: str) -> list[Document]:
    """Parse a JSON object, a JSON array of objects, or JSONL lines into Documents."""
    text = decode_bytes(data, source)
    stripped = text.strip()
    try:
        parsed: Any = json.loads(stripped)
    except json.JSONDecodeError:
        parsed = None
    if isinstance(parsed, dict):
        return [document_from_record(parsed, f"{source}:1")]
    if isinstance(parsed, list):
        return [document_from_record(item, f"{source}:{n}") for n, item in enumerate(parsed, 1)]
    documents = []
    for line_number, line in enumerate(text.splitlines(), 1):
        if line.strip():
            where = f"{source}:{line_number}"
            documents.append(document_from_record(parse_json_line(line, where), where))
    return documents


def parse_json_line(line: str, where: str) -> dict[str, Any]:
    """Parse one JSONL line into an object, or raise naming the file and line."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise MalformedRecordError(f"{where}: not valid JSON ({exc.msg})") from exc
    if not isinstance(record, dict):
        raise MalformedRecordError(f"{where}: a JSON object was expected")
    return record


def document_from_record(record: Mapping[str, Any], where: str) -> Document:
    """Make a Document from a record with `text` or `html` and optional id, title, url, published."""
    if not isinstance(record, Mapping):
        raise MalformedRecordError(f"{where}: a JSON object was expected")
    text, html = record.get("text"), record.get("html")
    title = _optional_str(record.get("title"))
    url = _optional_str(record.get("url") or record.get("link"))
    published = parse_time(record.get("published") or record.get("date"))
    given_id = record.get("id")
    if isinstance(text, str) and text.strip():
        body = text
    elif isinstance(html, str) and html.strip():
        body = None
    else:
        raise MalformedRecordError(f"{where}: no `text` or `html` field with content")
    record_id = str(given_id) if given_id is not None else (url or where or _content_id(text or html))
    if body is not None:
        return document_from_text(body, id=record_id, title=title, url=url, published=published)
    return document_from_html(str(html), id=record_id, title=title, url=url, published=published)


def _optional_str(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _content_id(text: object) -> str:
    return hashlib.sha256(str(text).encode()).hexdigest()[:16]


def parse_time(value: object) -> datetime | None:
    """Parse an ISO 8601 or RFC 822 time; naive times are taken as UTC; unparsable gives None."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, tz=UTC)
    if not isinstance(value, str) or not value.strip():
        return None
    raw = value.strip()
    parsed: datetime | None
    try:
        parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = parsedate_to_datetime(raw)
        except (TypeError, ValueError, IndexError):
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed
