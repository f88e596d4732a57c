"""The stream bench_scan.py scans: the BBC corpus, then generated background items and derivatives.

Each item is made from its own seeded generator, so items can be made in any order, in several
processes, and the stream is the same: `write_stream` makes it once into a JSONL file (one record
per item, with the BBC article a derivative was made from) that later runs at the same size, seed
and share read again instead of generating for half an hour at a million items.
"""

from __future__ import annotations

import functools
import itertools
import json
import multiprocessing
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np

from dedup.model import Document
from dedup.text.normalize import normalize_word
from dedup.text.rarity import RARE_MAX_ZIPF, zipf

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora" / "bbc" / "articles.jsonl"
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'])")
WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*|\d[\d,.]*")
_FILLERS = (
    "It remains to be seen what happens next.",
    "Experts say the move could have wider implications.",
    "Here is what you need to know.",
    "The news has sparked debate online.",
)


@dataclass(frozen=True, slots=True)
class Item:
    """One generated stream item; `source` is the BBC index a derivative was made from."""

    document: Document
    source: int | None = None
    kind: str = "background"


def load_bbc() -> list[dict[str, str]]:
    with CORPUS.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


@functools.cache
def _is_rare(word: str) -> bool:
    return zipf(normalize_word(word)) < RARE_MAX_ZIPF


def _made_up_name(rng: random.Random) -> str:
    syllables = ("ka", "lo", "vek", "mar", "dun", "sel", "tor", "bri", "quan", "zel", "hov", "rin", "pax")
    return "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))).capitalize()


class Generator:
    """Deterministic stream items grown from the BBC corpus."""

    def __init__(self, articles: list[dict[str, str]], seed: int) -> None:
        self.articles = articles
        self.sentences = [_SENTENCE.split(article["text"].split("\n", 1)[-1].strip()) for article in articles]
        self.by_category: dict[str, list[int]] = {}
        for number, article in enumerate(articles):
            self.by_category.setdefault(article["category"], []).append(number)
        self.successors: dict[str, dict[str, list[str]]] = {}
        self.starts: dict[str, list[str]] = {}
        for category, numbers in self.by_category.items():
            successors: dict[str, list[str]] = {}
            starts: list[str] = []
            for number in numbers:
                for sentence in self.sentences[number]:
                    tokens = sentence.split()
                    if tokens:
                        starts.append(tokens[0])
                    for first, second in itertools.pairwise(tokens):
                        successors.setdefault(first, []).append(second)
            self.successors[category] = successors
            self.starts[category] = starts
        rng = random.Random(seed)
        self.pool = [_made_up_name(rng) for _ in range(60_000)]
        # Zipf popularity: a few made-up names turn up in many items, as "Blair" does in news.
        self.pool_weights = np.cumsum([1.0 / (rank + 1) ** 1.05 for rank in range(len(self.pool))])
        common = {
            normalize_word(word)
            for sentences in self.sentences[:400]
            for s in sentences
            for word in s.split()
        }
        self.common_words = sorted(word for word in common if word.isalpha() and 3.5 <= zipf(word) < 5.5)

    def _pool_name(self, rng: random.Random) -> str:
        position = int(np.searchsorted(self.pool_weights, rng.random() * self.pool_weights[-1]))
        return self.pool[min(position, len(self.pool) - 1)]

    def background(self, number: int, rng: random.Random) -> Document:
        """Make a new item: a bigram random walk over one category's words, rare words renamed.

        It shares the category's vocabulary and popular names with real articles but no sentence,
        so it derives from nothing, as most of a news stream does.
        """
        category = rng.choice(sorted(self.successors))
        successors = self.successors[category]
        starts = self.starts[category]
        mapping: dict[str, str] = {}
        words: list[str] = []
        target = rng.randint(250, 450)
        current = rng.choice(starts)
        while len(words) < target:
            words.append(self._rename(current, mapping, rng))
            following = successors.get(current)
            current = rng.choice(following) if following and not current.endswith(".") else rng.choice(starts)
        text = " ".join(words)
        title = " ".join(words[:8])
        return Document(id=f"gen/background/{number}", text=title + "\n\n" + text, title=title)

    def _rename(self, word: str, mapping: dict[str, str], rng: random.Random) -> str:
        core = word.rstrip(".,;:")
        if not core or not _is_rare(core):
            return word
        if core not in mapping:
            mapping[core] = str(rng.randint(2, 99_999)) if core[0].isdigit() else self._pool_name(rng)
        return mapping[core] + word[len(core) :]

    def derivative(self, number: int, source: int, kind: str, rng: random.Random) -> Document:
        """Make a derivative of BBC article `source`: copy, light_edit, partial or rewrite."""
        original = self.articles[source]
        sentences = list(self.sentences[source])
        if kind == "copy":
            text = original["text"]
        elif kind == "light_edit":
            if len(sentences) > 4:
                del sentences[rng.randrange(1, len(sentences))]
            text = (
                "Updated: "
                + original["title"]
                + "\n\n"
                + " ".join(self._reword(s, rng, 0.06) for s in sentences)
            )
        elif kind == "partial":
            kept = sentences[: max(2, len(sentences) // 2)]
            other = self.sentences[rng.randrange(len(self.sentences))]
            mixed = kept + other[: len(kept)]
            text = original["title"] + " and more\n\n" + " ".join(self._reword(s, rng, 0.15) for s in mixed)
        else:
            kept = [s for s in sentences if rng.random() > 0.15] or sentences[:3]
            for index in range(0, len(kept) - 1, 2):
                if rng.random() < 0.3:
                    kept[index], kept[index + 1] = kept[index + 1], kept[index]
            body = [self._reword(s, rng, 0.35) for s in kept]
            body.insert(rng.randint(0, len(body)), rng.choice(_FILLERS))
            text = "What we know: " + original["title"].lower() + "\n\n" + " ".join(body)
        return Document(id=f"gen/{kind}/{number}", text=text, title=text.split("\n", 1)[0])

    def _reword(self, sentence: str, rng: random.Random, share: float) -> str:
        def swap(match: re.Match[str]) -> str:
            word = match.group()
            if word[0].isdigit():
                if rng.random() < share * 0.6 and word.isdigit():
                    return str(int(word) + rng.randint(1, 9))
                return word
            if word[0].isupper() or _is_rare(word) or rng.random() >= share:
                return word
            return rng.choice(self.common_words)

        return WORD.sub(swap, sentence)


def stream_path(folder: Path, size: int, derivative_share: float, seed: int) -> Path:
    """Return where the stream of these parameters is kept in `folder`."""
    return folder / f"stream-{size}-{seed}-{derivative_share:g}.jsonl"


def write_stream(path: Path, size: int, derivative_share: float, seed: int, processes: int = 2) -> None:
    """Write the stream to `path` (unless there already), generating items in `processes` processes."""
    if path.exists():
        return
    global _generator
    generator = _generator = Generator(load_bbc(), seed)
    rest = max(0, size - len(generator.articles))
    plan = _plan(rest, size, derivative_share, seed)
    partial_path = path.with_suffix(".partial")
    with partial_path.open("w", encoding="utf-8") as out:
        for article in generator.articles:
            out.write(_line(Item(Document(id=article["id"], text=article["text"], title=article["title"]))))
        make = partial(_make_item, seed)
        # fork: the workers find the generator in `_generator` instead of being sent it per task.
        context = multiprocessing.get_context("fork")
        with context.Pool(processes) as pool:
            for item in pool.imap(make, plan, chunksize=256):
                out.write(_line(item))
    partial_path.rename(path)


def read_stream(path: Path) -> Iterator[Item]:
    """Yield the items of a stream file, in order."""
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            document = Document(id=row["id"], text=row["text"], title=row["title"])
            yield Item(document, row.get("source"), row.get("kind", "background"))


def _plan(rest: int, size: int, derivative_share: float, seed: int) -> list[tuple[int, bool]]:
    """Return (item number, is a derivative) for the items after the BBC corpus."""
    derivatives = min(rest, max(60, round(size * derivative_share)))
    positions = set(random.Random(seed).sample(range(rest), derivatives))
    return [(number, number in positions) for number in range(rest)]


_generator: Generator | None = None


def _make_item(seed: int, planned: tuple[int, bool]) -> Item:
    """Make one item from its own seeded generator, as every run does."""
    generator = _generator
    assert generator is not None
    number, is_derivative = planned
    item_rng = random.Random(seed * 1_000_003 + number)
    if is_derivative:
        source = item_rng.randrange(len(generator.articles))
        kind = item_rng.choice(("rewrite",) * 6 + ("light_edit",) * 2 + ("partial", "copy"))
        return Item(generator.derivative(number, source, kind, item_rng), source, kind)
    return Item(generator.background(number, item_rng))


def _line(item: Item) -> str:
    document = item.document
    row: dict[str, object] = {"id": document.id, "title": document.title, "text": document.text}
    if item.source is not None:
        row |= {"source": item.source, "kind": item.kind}
    return json.dumps(row) + "\n"
