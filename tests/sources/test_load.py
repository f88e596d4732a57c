import json
from pathlib import Path

import pytest

from dedup.errors import BinaryFileError, EmptyDocumentError, MalformedRecordError, MissingFileError
from dedup.sources.load import load_document, parse_time

TEXT = "Ministers approved the £42m plan on Tuesday.\n\nCritics said the café would close.\n"


def test_utf8_text_is_kept_exactly(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(TEXT, encoding="utf-8")
    document = load_document(path)
    assert document.text == TEXT
    assert document.title == "Ministers approved the £42m plan on Tuesday."


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1", "utf-16"])
def test_other_encodings_are_detected(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes((TEXT * 3).encode(encoding))
    assert load_document(path).text == TEXT * 3


def test_html_main_text_is_extracted(tmp_path: Path) -> None:
    body = "".join(f"<p>Paragraph {n} of the report says the council met on Monday.</p>" for n in range(8))
    html = (
        "<html><head><title>Council meets</title><script>var tracking = 1;</script></head>"
        f"<body><nav>Home | News | Sport</nav><article>{body}</article><footer>Cookies</footer></body></html>"
    )
    path = tmp_path / "page.html"
    path.write_text(html, encoding="utf-8")
    document = load_document(path)
    assert "Paragraph 3 of the report" in document.text
    assert "tracking" not in document.text
    assert document.title == "Council meets"


def test_json_record_with_text(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    record = {"id": "x1", "title": "T", "text": TEXT, "published": "2024-05-22T10:00:00Z"}
    path.write_text(json.dumps(record), encoding="utf-8")
    document = load_document(path)
    assert (document.id, document.title, document.text) == ("x1", "T", TEXT)
    assert document.published is not None and document.published.year == 2024


@pytest.mark.parametrize(
    ("content", "error", "message"),
    [
        (b"", EmptyDocumentError, "empty file"),
        (b"   \n\t \n", EmptyDocumentError, "empty file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", BinaryFileError, "binary"),
    ],
)
def test_bad_text_files_are_rejected(tmp_path: Path, content: bytes, error: type, message: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(error, match=message) as caught:
        load_document(path)
    assert str(path) in str(caught.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(MissingFileError, match="no such file"):
        load_document(tmp_path / "nope.txt")


@pytest.mark.parametrize(
    "content",
    ['{"title": "no text"}', '{"text": ', '["a", "b"]', '{"text": "one"}\n{"text": "two"}'],
)
def test_malformed_json_is_rejected(tmp_path: Path, content: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(MalformedRecordError) as caught:
        load_document(path)
    assert str(path) in str(caught.value)
    assert "\n" not in str(caught.value)


def test_parse_time_forms() -> None:
    assert parse_time("Wed, 22 May 2024 10:00:00 GMT") is not None
    assert parse_time("2024-05-22") is not None
    assert parse_time("not a date") is None
    assert parse_time(None) is None
