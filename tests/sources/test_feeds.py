"""feeds: every source kind becomes Documents with stable ids and times; bad entries become errors."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from dedup.errors import BinaryFileError, DedupError, EmptyDocumentError, MalformedRecordError
from dedup.model import Document
from dedup.sources.feeds import list_files, parse_body, parse_feed, parse_jsonl, read_file
from dedup.sources.fetch import fetch
from tests.http_server import FeedServer

FEEDS = Path(__file__).resolve().parents[2] / "fixtures" / "feeds"
REAL_WORLD = Path(__file__).resolve().parents[2].parent / "shared" / "corpora" / "feeds-realworld"


def _documents(path: Path) -> list[Document]:
    entries = list(read_file(path))
    assert all(isinstance(entry, Document) for entry in entries), entries
    return [entry for entry in entries if isinstance(entry, Document)]


def test_rss_items_get_guid_ids_links_titles_and_times() -> None:
    documents = _documents(FEEDS / "good" / "courier.rss")
    assert [document.id for document in documents] == [
        "courier-bridge-0001",
        "courier-library-0002",
        "courier-quill-0003",
    ]
    bridge = documents[0]
    assert bridge.title == "Marrowby approves harbour bridge rebuild"
    assert bridge.url == "https://courier.example/news/bridge"
    assert bridge.published == datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    assert "Tolbert Street harbour bridge" in bridge.text
    assert "<p>" not in bridge.text


def test_atom_entries_with_html_and_text_content() -> None:
    documents = _documents(FEEDS / "good" / "aggregator.atom")
    assert [(d.id, d.url) for d in documents] == [
        ("urn:example:aggregator:bridge", "https://aggregator.example/bridge-go-ahead"),
        ("urn:example:aggregator:snow", "https://aggregator.example/snow"),
    ]
    assert documents[0].published == datetime(2026, 1, 8, 7, 0, tzinfo=UTC)
    assert "Edwina Farquharson" in documents[0].text
    assert "Pennick hills" in documents[1].text


def test_jsonl_records_with_text_or_html() -> None:
    documents = _documents(FEEDS / "good" / "reposter.jsonl")
    assert [d.id for d in documents] == ["reposter-library", "reposter-atlas"]
    assert documents[0].published == datetime(2026, 1, 10, 9, 0, tzinfo=UTC)
    assert "380,000 pounds" in documents[1].text
    assert "<article>" not in documents[1].text


def test_html_and_text_files_are_named_by_path() -> None:
    page = FEEDS / "good" / "more" / "quillfeather.html"
    [document] = _documents(page)
    assert document.id == str(page)
    assert document.title == "Hospital handwriting app Quillfeather raises 12 million dollars"
    assert "Copyright" not in document.text
    latin = FEEDS / "good" / "more" / "latin1.txt"
    [text] = _documents(latin)
    assert "Montréal" in text.text


def test_folders_are_walked_recursively_in_name_order_without_dot_files(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / ".hidden").mkdir()
    for name in ("z.txt", "b/a.txt", ".hidden/x.txt", ".dot.txt"):
        (tmp_path / name).write_text("words")
    assert [p.relative_to(tmp_path).as_posix() for p in list_files(tmp_path)] == ["b/a.txt", "z.txt"]
    assert list_files(tmp_path / "z.txt") == [tmp_path / "z.txt"]


def test_bad_jsonl_lines_are_errors_naming_file_and_line_and_do_not_stop_the_rest() -> None:
    path = FEEDS / "bad" / "broken.jsonl"
    entries = list(read_file(path))
    assert isinstance(entries[0], Document) and entries[0].id == "ok-1"
    errors = [entry for entry in entries[1:] if isinstance(entry, DedupError)]
    assert len(errors) == 3 == len(entries) - 1
    assert [str(error).split(": ")[0] for error in errors] == [f"{path}:{line}" for line in (2, 3, 4)]
    assert all(isinstance(error, MalformedRecordError) and "\n" not in str(error) for error in errors)


def test_jsonl_records_without_id_are_named_by_file_and_line() -> None:
    [document] = [
        e for e in parse_jsonl(b'\n{"text": "alpha beta"}\n', "feed.jsonl") if isinstance(e, Document)
    ]
    assert document.id == "feed.jsonl:2"


@pytest.mark.parametrize(
    ("name", "error_type", "where"),
    [
        ("binary.txt", BinaryFileError, "binary.txt"),
        ("empty.txt", EmptyDocumentError, "empty.txt"),
        ("truncated.rss", MalformedRecordError, "truncated.rss:12"),
    ],
)
def test_bad_files_are_reported_as_one_line_errors(
    name: str, error_type: type[DedupError], where: str
) -> None:
    entries = list(read_file(FEEDS / "bad" / name))
    assert isinstance(entries[0], error_type)
    assert str(entries[0]).startswith(str(FEEDS / "bad" / where) + ":")
    assert all(isinstance(entry, DedupError) for entry in entries)


def test_a_missing_file_is_an_error_not_an_exception(tmp_path: Path) -> None:
    [entry] = list(read_file(tmp_path / "gone.txt"))
    assert isinstance(entry, DedupError)
    assert "gone.txt" in str(entry)


def test_a_feed_that_is_not_xml_at_all_is_one_error() -> None:
    entries = list(parse_feed(b"<rss><channel><item><title>x</title>", "http://x/feed"))
    assert len(entries) >= 1
    assert isinstance(entries[0], MalformedRecordError)
    assert str(entries[0]).startswith("http://x/feed")


def test_fetched_bodies_are_parsed_by_content_type(feed_server: FeedServer) -> None:
    rss = fetch(feed_server.url + "/good/courier.rss")
    documents = [e for e in parse_body(rss.body, rss.url, rss.content_type) if isinstance(e, Document)]
    assert [d.id for d in documents][:1] == ["courier-bridge-0001"]
    jsonl = fetch(feed_server.url + "/good/reposter.jsonl")
    assert [
        e.id for e in parse_body(jsonl.body, jsonl.url, jsonl.content_type) if isinstance(e, Document)
    ] == [
        "reposter-library",
        "reposter-atlas",
    ]


@pytest.mark.slow
def test_real_world_feeds_never_raise() -> None:
    files = [p for p in list_files(REAL_WORLD) if p.suffix in {".xml", ".rss", ".atom"}]
    assert len(files) > 50
    documents = 0
    for path in files:
        for entry in read_file(path):
            documents += isinstance(entry, Document)
            if isinstance(entry, DedupError):
                assert "\n" not in str(entry)
    assert documents > 500
