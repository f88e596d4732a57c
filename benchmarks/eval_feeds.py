"""Every entry of real feeds read: feeds-realworld and feedparser-fixtures scanned, entry by entry.

For each corpus, every file is scanned into a fresh SQLite index with `dedup.scan` (the library
call behind `dedup scan`), and read again with `read_file` to line dedup's outcome for each entry
up with an independent reading of the same file:

- RSS/Atom/RDF: feedparser's entries, each entry's text being its content, else its summary, with
  the markup stripped by lxml (not by dedup's extraction);
- JSON Feed (1.0, 1.1): the items' content_text, content_html (stripped) or summary;
- any other JSON (the parsers' expected-output files) holds no entry: at most one skipped line.

Table: files, entries parsed, entries with at least 40 words, ingested (in the index after the
scan), skipped by reason. The bar: every entry with >= 40 words of text is ingested, and no entry
skipped as "no text" has any text.

    python benchmarks/eval_feeds.py                       # both corpora
    python benchmarks/eval_feeds.py --show 10             # and the first 10 misses of each kind
    PYTHONPATH=/tmp/old python benchmarks/eval_feeds.py   # an older dedup (git archive), same table
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import feedparser
import lxml.html

import dedup
from dedup import open_index, scan
from dedup.errors import DedupError
from dedup.sources.feeds import list_files, read_file

CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"
DEFAULT_ROOTS = (CORPORA / "feeds-realworld", CORPORA / "feedparser-fixtures")
MIN_WORDS = 40
_WORD = re.compile(r"\w+")
# Reasons a skipped line gives, most specific first.
_REASONS = (
    ("JSON without text or html", re.compile(r"no `text` or `html` field")),
    ("no text", re.compile(r"no text|no content or summary")),
    ("too large", re.compile(r"--max-bytes limit|the most read whole|larger than")),
    ("not a record or feed", re.compile(r"not a record|JSON Feed|a JSON object was expected")),
    ("malformed JSON", re.compile(r"not valid JSON")),
    ("malformed feed", re.compile(r"not a well-formed feed")),
    ("binary or undecodable", re.compile(r"binary file|encoding|not valid utf")),
    ("empty file", re.compile(r"empty file")),
)
_SKIP = {".md", ".txt", ".py"}  # the corpora's MANIFEST and LICENSE files, not sources
_LICENSE = re.compile(r"^LICENSE", re.IGNORECASE)


@dataclass
class Tally:
    """One corpus: counts, skip reasons, and the entries that miss the bar."""

    files: int = 0
    entries: int = 0
    long_entries: int = 0
    documents: int = 0
    ingested: int = 0
    long_ingested: int = 0
    crashed_files: list[str] = field(default_factory=list)
    reasons: Counter[str] = field(default_factory=Counter)
    scan_read: int = 0
    scan_new: int = 0
    scan_skipped: int = 0
    long_missed: list[str] = field(default_factory=list)
    wrongly_empty: list[str] = field(default_factory=list)
    mismatched_files: list[str] = field(default_factory=list)


def reason(message: str) -> str:
    """The reason a skipped line gives, as a short class."""
    return next((name for name, pattern in _REASONS if pattern.search(message)), "other")


def words(html_or_text: str, is_html: bool) -> int:
    """Count the words of an entry's text, markup stripped with lxml (independently of dedup)."""
    text = html_or_text
    if is_html and "<" in html_or_text:
        try:
            text = lxml.html.fragment_fromstring(html_or_text, create_parent="div").text_content()
        except (ValueError, lxml.etree.LxmlError):
            text = re.sub(r"<[^>]*>", " ", html_or_text)
    return len(_WORD.findall(text))


def reference_entries(path: Path) -> tuple[str, list[int]] | None:
    """Return the file's kind and each entry's word count, read without dedup; None: not a source."""
    data = path.read_bytes()
    if path.suffix.lower() == ".json":
        try:
            parsed: Any = json.loads(data)
        except ValueError:
            return "JSON, unreadable", []
        version = parsed.get("version") if isinstance(parsed, dict) else None
        if isinstance(version, str) and version.startswith("https://jsonfeed.org/version/"):
            return "JSON Feed", [_json_feed_item_words(item) for item in parsed.get("items") or []]
        return "JSON, not a feed", []
    parsed = feedparser.parse(data)
    return "feed", [_entry_words(entry) for entry in parsed.get("entries", [])]


def _json_feed_item_words(item: dict[str, Any]) -> int:
    for key, is_html in (("content_text", False), ("content_html", True), ("summary", False)):
        if isinstance(item.get(key), str) and item[key].strip():
            return words(item[key], is_html)
    return 0


def _entry_words(entry: Any) -> int:
    for content in entry.get("content") or []:
        value = content.get("value")
        if isinstance(value, str) and value.strip():
            return words(value, "html" in str(content.get("type", "html")))
    summary = entry.get("summary")
    detail = entry.get("summary_detail") or {}
    return words(summary, "html" in str(detail.get("type", "html"))) if isinstance(summary, str) else 0


def dedup_entries(path: Path) -> list[object]:
    """Return what dedup reads for each entry of a file, in order: a Document, or the entry's error."""
    return [entry for entry in read_file(path) if not _is_file_level(entry, str(path))]


def _is_file_level(entry: object, named: str) -> bool:
    """An error about the whole file: it names the file alone, or a line of it for malformed XML or JSON."""
    if not isinstance(entry, DedupError):
        return False
    message = str(entry)
    if message.startswith(f"{named}#"):
        return False
    if re.match(rf"{re.escape(named)}(:\d+)?: (not a well-formed|not valid JSON)", message):
        return True
    return not message.startswith(f"{named}:")


def evaluate(root: Path, show: int) -> Tally:
    """Scan `root` into a fresh index, then line each file's entries up with the reference reading."""
    tally = Tally()
    files = [
        path
        for path in list_files(root)
        if path.suffix.lower() not in _SKIP and not _LICENSE.match(path.name)
    ]
    with tempfile.TemporaryDirectory() as folder, open_index(Path(folder) / "eval.sqlite") as index:

        def count(step: Any) -> None:
            if getattr(step, "is_unchanged", False):
                return  # a file met twice (a link to another): read once
            if step.error is not None:
                tally.scan_skipped += 1
                tally.reasons[reason(str(step.error))] += 1
            else:
                tally.scan_read += 1
                tally.scan_new += int(step.is_new)

        for path in files:
            try:
                for _ in scan([path], index, on_step=count):
                    pass
            except Exception:  # an older dedup may crash on a file: count it, go on
                tally.crashed_files.append(f"{path}: {traceback.format_exc().splitlines()[-1]}")
        for path in files:
            _line_up(path, index, tally)
    for name, misses in (
        ("long entry not ingested", tally.long_missed),
        ("'no text' with text", tally.wrongly_empty),
    ):
        for line in misses[:show]:
            print(f"  {name}: {line}")
    return tally


def _line_up(path: Path, index: Any, tally: Tally) -> None:
    reference = reference_entries(path)
    tally.files += 1
    if reference is None:
        return
    kind, word_counts = reference
    try:
        outcomes = dedup_entries(path)
    except Exception:
        outcomes = []  # crashed: counted in the scan pass
    if kind.startswith("JSON, "):
        outcomes = []  # not a feed: whatever dedup said is one file-level line
    if outcomes and len(outcomes) != len(word_counts):
        tally.mismatched_files.append(f"{path}: {len(word_counts)} entries, dedup read {len(outcomes)}")
    tally.entries += len(word_counts)
    for number, count in enumerate(word_counts, 1):
        outcome = outcomes[number - 1] if number <= len(outcomes) else None
        is_document = isinstance(outcome, dedup.Document)
        is_ingested = isinstance(outcome, dedup.Document) and index.get(outcome.id) is not None
        tally.documents += int(is_document)
        tally.ingested += int(is_ingested)
        if count >= MIN_WORDS:
            tally.long_entries += 1
            tally.long_ingested += int(is_ingested)
            if not is_ingested:
                tally.long_missed.append(f"{path}#{number} ({count} words): {outcome}")
        if isinstance(outcome, DedupError) and reason(str(outcome)) == "no text" and count > 0:
            tally.wrongly_empty.append(f"{path}#{number} ({count} words): {outcome}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("roots", nargs="*", type=Path, default=list(DEFAULT_ROOTS))
    parser.add_argument("--show", type=int, default=5, help="misses of each kind to print per corpus")
    arguments = parser.parse_args()
    print(f"# dedup from {Path(dedup.__file__).parent}, feedparser {feedparser.__version__}")
    results = {root.name: evaluate(root, arguments.show) for root in arguments.roots}
    reasons = sorted({name for tally in results.values() for name in tally.reasons})
    print(
        "| corpus | files | entries | >= 40 words | read as documents | ingested | >= 40 words ingested |"
        " scan: read / new / skipped | skipped: " + " / ".join(reasons) + " | files crashed |"
    )
    print("|---" * 10 + "|")
    for name, tally in results.items():
        skipped = " / ".join(str(tally.reasons[reason]) for reason in reasons)
        counts = [tally.files, tally.entries, tally.long_entries, tally.documents, tally.ingested]
        scanned = f"{tally.scan_read} / {tally.scan_new} / {tally.scan_skipped}"
        cells = [
            name,
            *map(str, counts),
            str(tally.long_ingested),
            scanned,
            skipped,
            str(len(tally.crashed_files)),
        ]
        print("| " + " | ".join(cells) + " |")
    for name, tally in results.items():
        for line in tally.crashed_files[:5] + tally.mismatched_files[:5]:
            print(f"  {name}: {line}")
    long_missed = sum(len(tally.long_missed) for tally in results.values())
    wrongly_empty = sum(len(tally.wrongly_empty) for tally in results.values())
    crashed = sum(len(tally.crashed_files) for tally in results.values())
    print(
        f"\nbar: entries with >= {MIN_WORDS} words not ingested: {long_missed} (want 0); skipped as 'no text'"
        f" but holding text: {wrongly_empty} (want 0); files that crashed the scan: {crashed} (want 0)"
    )
    print("met" if long_missed == wrongly_empty == crashed == 0 else "NOT met")


if __name__ == "__main__":
    main()
