"""Read one file into a Document (compare, diff) and files into bytes, within the size limits."""

from __future__ import annotations

from pathlib import Path

from dedup.errors import DocumentTooLargeError, InputError, MalformedRecordError, MissingFileError
from dedup.model import Document
from dedup.settings import DEFAULT_SOURCE_SETTINGS, SourceSettings
from dedup.sources.documents import document_from_html, document_from_text
from dedup.sources.encoding import decode_bytes
from dedup.sources.records import (
    document_from_record,
    parse_json_document,
    parse_json_line,
    parse_jsonl_lines,
)
from dedup.sources.times import parse_time

__all__ = [
    "HTML_SUFFIXES",
    "JSONL_SUFFIXES",
    "JSON_SUFFIXES",
    "decode_bytes",
    "document_from_html",
    "document_from_record",
    "document_from_text",
    "load_document",
    "parse_json_line",
    "parse_time",
    "read_bytes",
]

HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
JSON_SUFFIXES = frozenset({".json"}) | JSONL_SUFFIXES


def load_document(path: str | Path, settings: SourceSettings = DEFAULT_SOURCE_SETTINGS) -> Document:
    """Load one document from a .txt, .html or .json/.jsonl file (holding exactly one record).

    Raises:
        InputError: the file is missing, empty, binary, undecodable, malformed or too large; the
            message names the file and the problem on one line.
    """
    file_path = Path(path)
    where = str(file_path)
    data = read_bytes(file_path, settings.max_file_bytes)
    suffix = file_path.suffix.lower()
    if suffix in JSON_SUFFIXES:
        if suffix in JSONL_SUFFIXES:
            entries = list(parse_jsonl_lines(data.splitlines(), where, settings))
        else:
            entries = list(parse_json_document(data, where, settings))
        for entry in entries:
            if isinstance(entry, InputError):
                raise entry
        if len(entries) != 1 or not isinstance(entries[0], Document):
            raise MalformedRecordError(f"{where}: holds {len(entries)} records; compare takes one")
        return entries[0]
    text = decode_bytes(data, where, settings)
    if suffix in HTML_SUFFIXES:
        return document_from_html(text, id=where, path=where, settings=settings, is_fragment=False)
    return document_from_text(text, id=where, path=where, settings=settings)


def read_bytes(path: Path, max_bytes: int = DEFAULT_SOURCE_SETTINGS.max_file_bytes) -> bytes:
    """Read a whole file, turning OS errors into one-line dedup errors.

    Raises:
        MissingFileError: no such file, or it cannot be read.
        DocumentTooLargeError: the file is over `max_bytes` (nothing of it is read).
    """
    if not path.is_file():
        raise MissingFileError(f"{path}: no such file")
    try:
        with path.open("rb") as file:
            data = file.read(max_bytes + 1)
    except OSError as exc:
        raise MissingFileError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    if len(data) > max_bytes:
        raise DocumentTooLargeError(
            f"{path}: over {max_bytes:,} bytes, the most read whole (JSONL is read by line)"
        )
    return data
