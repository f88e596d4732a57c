"""JSON documents (record, list, JSON Feed, JSONL saved as .json) and HTML fragments -> Documents."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dedup.errors import DocumentTooLargeError, InputError, MalformedRecordError
from dedup.model import Document
from dedup.settings import SourceSettings
from dedup.sources.feeds import parse_feed, read_file
from dedup.sources.markup import fragment_text, page_metadata
from dedup.sources.records import parse_json_document

TEXT = "Councillors in Marrowby voted on Tuesday to rebuild the harbour bridge for 42.5 million pounds."


def _documents(data: object, source: str = "f.json") -> list[Document | InputError]:
    raw = data if isinstance(data, bytes) else json.dumps(data, indent=2).encode()
    return list(parse_json_document(raw, source))


def test_a_json_feed_is_read_item_by_item() -> None:
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "items": [
            {"id": "1", "title": "A", "content_text": TEXT, "date_published": "2024-05-22T10:00:00Z"},
            {"id": "2", "url": "https://x.example/2", "content_html": f"<p>{TEXT}</p><p>Second.</p>"},
            {"id": "3", "summary": TEXT},
            {"id": "4", "title": "no content at all"},
        ],
    }
    first, second, third, fourth = _documents(feed)
    assert isinstance(first, Document) and first.text == TEXT and first.published is not None
    assert isinstance(second, Document) and second.url == "https://x.example/2" and "Second." in second.text
    assert isinstance(third, Document) and third.id == "3"
    assert isinstance(fourth, MalformedRecordError) and str(fourth).startswith("f.json#4: ")


@pytest.mark.parametrize(
    ("data", "ids"),
    [
        ({"id": "r", "text": TEXT}, ["r"]),
        ([{"text": TEXT}, {"id": "b", "text": TEXT}], ["f.json:1", "b"]),
        (f'{{"id": "l1", "text": "{TEXT}"}}\n{{"id": "l2", "text": "{TEXT}"}}\n'.encode(), ["l1", "l2"]),
    ],
    ids=["one record", "a list", "JSONL saved as .json"],
)
def test_records_in_a_json_file(data: object, ids: list[str]) -> None:
    documents = _documents(data)
    assert [document.id for document in documents if isinstance(document, Document)] == ids


def test_a_json_file_that_holds_no_record_is_one_error() -> None:
    [error] = _documents({"feed": {"items": [1, 2, 3]}, "meta": {"a": 1}})
    assert isinstance(error, MalformedRecordError)
    [broken] = _documents(b'{\n  "text": "unterminated\n}\n')
    assert isinstance(broken, MalformedRecordError) and "not valid JSON" in str(broken)


@pytest.mark.parametrize(
    ("fragment", "text"),
    [
        ("Updated 3+ Bedroom, 2.5 Bath &amp; a deck [...]", "Updated 3+ Bedroom, 2.5 Bath & a deck [...]"),
        (
            'Joshua Allen: <a href="http://x/">Who loves namespaces?</a>',
            "Joshua Allen: Who loves namespaces?",
        ),
        ("a < b and x<3 hold", "a < b and x<3 hold"),
    ],
    ids=["plain text", "inline markup", "a less-than sign"],
)
def test_a_fragment_without_block_markup_is_its_text(fragment: str, text: str) -> None:
    assert fragment_text(fragment) == text


def test_an_entry_holding_only_svg_is_an_error_not_a_crash() -> None:
    feed = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><content type="xhtml">'
        b'<div xmlns="http://www.w3.org/1999/xhtml"><svg xmlns="http://www.w3.org/2000/svg"><title>foo</title>'
        b'<circle r="50px"/></svg></div></content></entry></feed>'
    )
    entries = list(parse_feed(feed, "svg.atom"))
    assert all(isinstance(entry, (Document, InputError)) for entry in entries)
    # What feedparser makes of that entry: trafilatura's metadata raises AssertionError on it.
    svg = (
        '<svg baseProfile="full" height="200px" version="1.1" width="300px" xmlns="http://www.w3.org/2000/svg">'
        '<title>foo</title><circle cx="150px" cy="100px" fill="#ff0000" r="50px"></circle></svg>'
    )
    assert page_metadata(svg).published is None


def test_a_jsonl_line_over_the_file_limit_is_one_error_and_costs_no_more(tmp_path: Path) -> None:
    line = json.dumps({"id": "ok", "text": TEXT}) + "\n"
    endless = json.dumps({"id": "big", "text": TEXT * 200})  # 19 KB, and no newline after the next line
    path = tmp_path / "big.jsonl"
    path.write_text(line + endless + "\n" + line.replace('"ok"', '"after"') + endless, encoding="utf-8")
    entries = list(read_file(path, SourceSettings(max_file_bytes=1000)))
    assert [type(entry) for entry in entries] == [
        Document,
        DocumentTooLargeError,
        Document,
        DocumentTooLargeError,
    ]
    assert str(entries[1]) == f"{path}:2: a line over 1,000 bytes"
    assert [entry.id for entry in entries if isinstance(entry, Document)] == ["ok", "after"]
