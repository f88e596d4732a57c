"""Assemble every labelled document pair in ../shared/corpora, with the group keys grouped CV needs.

Usage:
    python benchmarks/pair_dataset.py [--corpora DIR] [--limit-per-corpus N] [--seed S] [--min-words N]

prints the pair counts by corpus, label, kind and group. `eval_grouped.py` imports `load_pairs`.

Each `Pair` carries its label (`derived`), `kind` (copy / light_edit / rewrite / partial; None for a
negative or a derivative whose kind the source does not say), which side is the original, both texts
(a path or the text itself) and its group keys: `corpus`, `writer` (the rewrites writers), `model` (the
generator's family), `event` (what the texts report on) and `method` (how the source made it).

What is taken, and the decisions behind it:
- `rewrites`, `rewrites-wide` (score.py cases): every case. Writer = the case's `writer`, or
  "rewrites" for the whole `rewrites` folder (one more writer); the BBC same-topic pairs
  (`originals/` on both sides) have no writer. No model is named for them.
- `real-pairs`: every case; positives are llmfake ChatGPT rewrites (model gpt-3.5-turbo), negatives
  BASIL same-event pairs (event = the BASIL triplet). The same pairs are skipped in `llmfake` and
  `basil-same-event` so no pair counts twice.
- `l2r-rewrites`: every case, positive, kind rewrite; model from `style`, method = the domain.
- `llmfake`: paraphrase and rewrite are kind rewrite; the six `information_manipulation_*` methods
  are derived with kind None (they range from near copies to full rewrites, and no label says
  which). `open_ended` is left out: it is written from the original's opening (a check here: it keeps
  0.65 of the original's first 25 content words but 0.10 of those after the 60th, against 0.36 for
  rewrites), which is how the `rewrites-wide` negatives "written from the headline and first
  sentence" were made, so calling it derived would contradict those labels. Flagged refusals are
  left out. Model = the generator's family (llama-2 for 7b/13b/70b, vicuna-1.3 for all sizes).
- `mixset-hwt-revisions`: category "news" only (the manifest marks it). polish_token is light_edit,
  polish_sentence and rewrite are rewrite (a sentence polish keeps 0.03-0.06 of the 5-word runs, which
  is what a rewrite looks like). `complete` is left out: it copies the paragraph's opening and invents
  the rest, so it is neither a derivative of the paragraph's content nor independent of it.
- `basil-same-event`: the three outlets of each event pair up into three negatives; event = triplet.
- `same-event-ecb`: every case, negative; event = the case's `event`.

Known quirks that bend the figures (kept, since a detector meets such inputs): MixSet's human
paragraphs are lower-cased except sentence starts while the LLM revisions restore capitals, so the
names-per-word direction signal points at the revision; CoAID originals in llmfake are often a
headline or a tweet (the shorter text of a Llama 2 / Vicuna pair has a median of 16-19 words),
which those models expanded, so the derivative is the longer text. `--min-words N` drops pairs
with a text shorter than N words.

A derivative with exactly its original's words (three llmfake manipulations that changed only
punctuation or spacing) is kind copy, whatever its source says.

Events: a negative's event is its source's event id (BASIL, ECB+) joined, through shared documents,
with every other pair touching the same text (a document is known by its first 30 words, lower-cased,
so a lower-cased MixSet copy of a BBC article is the same document). A positive's event is its
original's. Sides: a seeded hash of the pair id decides whether the original is `a` or `b`, so the
swap does not depend on which corpora or limits are chosen.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"
CORPUS_NAMES = (
    "rewrites",
    "rewrites-wide",
    "real-pairs",
    "l2r-rewrites",
    "llmfake",
    "mixset-hwt-revisions",
    "basil-same-event",
    "same-event-ecb",
)
KINDS = {"ai_rewrite": "rewrite", "rewrite": "rewrite", "light_edit": "light_edit", "partial": "partial"}
MIXSET_KINDS = {"polish_token": "light_edit", "polish_sentence": "rewrite", "rewrite": "rewrite"}
LLMFAKE_KINDS = {"paraphrase": "rewrite", "rewrite": "rewrite"}
_WORD = re.compile(r"[^\W_]+")
_KEY_WORDS = 30
Side = Literal["a", "b"]


@dataclass(frozen=True, slots=True)
class Text:
    """One side of a pair: a file to load with `load_document`, or a text held in memory."""

    id: str
    path: str | None
    text: str | None
    key: str  # first words, lower-cased: the same document in two corpora has one key
    content_hash: str  # every word: tells a near copy from the same text
    words: int


@dataclass(frozen=True, slots=True)
class Pair:
    """One labelled pair of texts and the keys to group it by."""

    id: str
    corpus: str
    derived: bool
    kind: str | None
    original: Side | None  # the original's side; None for a negative
    a: Text
    b: Text
    writer: str | None = None
    model: str | None = None
    event: str = ""
    method: str | None = None

    def group(self, key: str) -> str | None:
        """The pair's value for a group key: corpus, writer, model, event or method."""
        value: str | None = getattr(self, key)
        return value

    def summary(self) -> dict[str, Any]:
        """The pair without its texts, for JSON reports."""
        return {
            "id": self.id,
            "corpus": self.corpus,
            "derived": self.derived,
            "kind": self.kind,
            "original": self.original,
            "writer": self.writer,
            "model": self.model,
            "event": self.event,
            "method": self.method,
            "a": self.a.path or self.a.id,
            "b": self.b.path or self.b.id,
        }


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _digest(words: list[str]) -> str:
    return hashlib.sha1(" ".join(words).encode()).hexdigest()[:16]


def text_from_file(path: Path) -> Text:
    """A side held as a file; the text is read once for its keys."""
    words = _words(path.read_text(encoding="utf-8", errors="replace"))
    return Text(str(path), str(path), None, _digest(words[:_KEY_WORDS]), _digest(words), len(words))


def text_in_memory(id: str, text: str) -> Text:
    """A side held as text (a JSONL field)."""
    words = _words(text)
    return Text(id, None, text, _digest(words[:_KEY_WORDS]), _digest(words), len(words))


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _model_family(name: str) -> str:
    """One name per generator family, so leaving a model out leaves all its sizes out."""
    lowered = name.lower()
    if lowered.startswith(("chatgpt", "gpt-3")):
        return "gpt-3.5-turbo"
    if lowered.startswith(("llama2", "llama-2")):
        return "llama-2"
    if lowered.startswith("vicuna"):
        return "vicuna-1.3"
    return lowered


def _positive(
    corpus: str, id: str, original: Text, derivative: Text, kind: str | None, **keys: str | None
) -> Pair:
    return Pair(f"{corpus}:{id}", corpus, True, kind, "a", original, derivative, **_keys(keys))


def _negative(corpus: str, id: str, a: Text, b: Text, **keys: str | None) -> Pair:
    return Pair(f"{corpus}:{id}", corpus, False, None, None, a, b, **_keys(keys))


def _keys(keys: dict[str, str | None]) -> dict[str, Any]:
    return {"event": keys.pop("event", None) or "", **keys}


def _score_py_cases(root: Path, corpus: str) -> Iterator[Pair]:
    """Cases of a score.py folder (rewrites, rewrites-wide, real-pairs, l2r-rewrites, same-event-ecb)."""
    folder = root / corpus
    for case in _read_jsonl(folder / "cases.jsonl"):
        a, b = text_from_file(folder / case["original"]), text_from_file(folder / case["derivative"])
        id, writer, model, method = str(case["id"]), case.get("writer"), None, None
        event = f"ecb:{case['event']}" if case.get("event") else None
        if corpus == "rewrites" and not case["derivative"].startswith("originals/"):
            writer = "rewrites"
        elif corpus == "real-pairs" and id.startswith("llmfake:"):
            generator, _dataset, method, _news = id.removeprefix("llmfake:").split("|")
            model = _model_family(generator)
        elif corpus == "real-pairs" and id.startswith("basil:"):
            event = "basil:" + id.removeprefix("basil:").split("_")[0]
        elif corpus == "l2r-rewrites":
            method, generator = str(case["style"]).split("/")
            model = _model_family(generator)
        keys = {"writer": writer, "model": model, "method": method, "event": event}
        if case["derived"]:
            yield _positive(corpus, id, a, b, KINDS.get(str(case["kind"])), **keys)
        else:
            yield _negative(corpus, id, a, b, **keys)


def _llmfake(root: Path, skip: set[str]) -> Iterator[Pair]:
    folder = root / "llmfake"
    originals = {record["orig_id"]: record for record in _read_jsonl(folder / "originals.jsonl")}
    for record in _read_jsonl(folder / "rewrites.jsonl"):
        method = str(record["method"])
        is_manipulation = method.startswith("information_manipulation_")
        if record["pair_id"] in skip or record["possible_refusal"]:
            continue
        if method not in LLMFAKE_KINDS and not is_manipulation:
            continue  # open_ended: see the module docstring
        if not record["rewrite_text"].strip():
            continue
        original = text_in_memory(record["orig_id"], originals[record["orig_id"]]["text"])
        rewrite = text_in_memory(record["pair_id"], record["rewrite_text"])
        kind = LLMFAKE_KINDS.get(method)
        model = _model_family(str(record["generator"]))
        yield _positive("llmfake", record["pair_id"], original, rewrite, kind, model=model, method=method)


def _mixset(root: Path) -> Iterator[Pair]:
    for record in _read_jsonl(root / "mixset-hwt-revisions" / "pairs.jsonl"):
        operation = str(record["operation"])
        if record["category"] != "news" or operation not in MIXSET_KINDS:
            continue  # complete: see the module docstring
        original = text_in_memory(f"mixset-hwt-{record['hwt_id']}", record["original"])
        revised = text_in_memory(str(record["pair_id"]), record["revised"])
        model = _model_family(str(record["reviser"]))
        kind = MIXSET_KINDS[operation]
        corpus = "mixset-hwt-revisions"
        yield _positive(
            corpus, str(record["pair_id"]), original, revised, kind, model=model, method=operation
        )


def _basil(root: Path, skip: set[str]) -> Iterator[Pair]:
    by_event: dict[str, list[dict[str, Any]]] = {}
    for record in _read_jsonl(root / "basil-same-event" / "articles.jsonl"):
        by_event.setdefault(record["event_id"], []).append(record)
    for event, articles in sorted(by_event.items()):
        articles.sort(key=lambda record: str(record["doc_id"]))
        for i, first in enumerate(articles):
            for second in articles[i + 1 :]:
                ids = (first["doc_id"], second["doc_id"])
                if f"{ids[0]}~{ids[1]}" in skip or f"{ids[1]}~{ids[0]}" in skip:
                    continue
                # real-pairs holds BASIL texts as "title, blank line, text": the same here.
                a, b = (text_in_memory(r["doc_id"], f"{r['title']}\n\n{r['text']}") for r in (first, second))
                yield _negative("basil-same-event", f"{ids[0]}~{ids[1]}", a, b, event=f"basil:{event}")


class _Events:
    """Union-find over document keys and event ids: everything one text touches is one event."""

    def __init__(self) -> None:
        self._parent: dict[str, str] = {}

    def find(self, node: str) -> str:
        parent = self._parent.setdefault(node, node)
        if parent != node:
            parent = self._parent[node] = self.find(parent)
        return parent

    def union(self, first: str, second: str) -> None:
        # A source's event id wins over a document key as the root: it names the event readably.
        roots = sorted(
            (self.find(first), self.find(second)), key=lambda node: (node.startswith("doc:"), node)
        )
        self._parent[roots[1]] = roots[0]


def _assign_events(pairs: list[Pair]) -> list[Pair]:
    """Name each pair's event; called before the a/b swap, so a positive's original is side a."""
    events = _Events()
    names: dict[str, str] = {}
    for side in [pair.a for pair in pairs] + [pair.b for pair in pairs]:
        names.setdefault(f"doc:{side.key}", f"doc:{Path(side.id).stem}")
    for pair in pairs:
        events.find(f"doc:{pair.a.key}")
        if pair.derived:
            continue
        events.union(f"doc:{pair.a.key}", f"doc:{pair.b.key}")
        if pair.event:
            events.union(f"doc:{pair.a.key}", pair.event)
    return [replace(pair, event=names.get(root := events.find(f"doc:{pair.a.key}"), root)) for pair in pairs]


def _swap(pair: Pair, seed: int) -> Pair:
    """Put the original on side b for about half the pairs, decided by a seeded hash of the id."""
    if hashlib.sha1(f"{seed}:{pair.id}".encode()).digest()[0] & 1 == 0:
        return pair
    original: Side | None = None if pair.original is None else "b"
    return replace(pair, a=pair.b, b=pair.a, original=original)


def load_pairs(
    root: Path = CORPORA,
    *,
    limit_per_corpus: int | None = None,
    seed: int = 0,
    corpora: tuple[str, ...] = (),
    min_words: int = 0,
) -> list[Pair]:
    """Every labelled pair, deduplicated across corpora, sides shuffled by `seed`, sorted by id.

    Args:
        root: the corpora folder.
        limit_per_corpus: keep at most this many pairs of each corpus (a seeded sample).
        seed: decides the a/b swap and the sample.
        corpora: only these corpora (all when empty).
        min_words: drop pairs whose shorter text has fewer words (CoAID items are often a headline).
    """
    wanted = corpora or CORPUS_NAMES
    real_ids = {str(case["id"]) for case in _read_jsonl(root / "real-pairs" / "cases.jsonl")}
    llmfake_skip = {id.removeprefix("llmfake:") for id in real_ids if id.startswith("llmfake:")}
    basil_skip = {id.removeprefix("basil:") for id in real_ids if id.startswith("basil:")}
    pairs: list[Pair] = []
    for corpus in CORPUS_NAMES:
        if corpus not in wanted:
            continue
        if corpus == "llmfake":
            pairs.extend(_llmfake(root, llmfake_skip if "real-pairs" in wanted else set()))
        elif corpus == "mixset-hwt-revisions":
            pairs.extend(_mixset(root))
        elif corpus == "basil-same-event":
            pairs.extend(_basil(root, basil_skip if "real-pairs" in wanted else set()))
        else:
            pairs.extend(_score_py_cases(root, corpus))
    seen: set[tuple[str, ...]] = set()
    unique: list[Pair] = []
    for pair in pairs:
        content = tuple(sorted((pair.a.content_hash, pair.b.content_hash)))
        if content not in seen:
            seen.add(content)
            same_words = pair.derived and pair.a.content_hash == pair.b.content_hash
            unique.append(replace(pair, kind="copy") if same_words else pair)
    unique = [pair for pair in _assign_events(unique) if min(pair.a.words, pair.b.words) >= min_words]
    if limit_per_corpus is not None:
        unique = _sample(unique, limit_per_corpus, seed)
    return sorted((_swap(pair, seed) for pair in unique), key=lambda pair: pair.id)


def _sample(pairs: list[Pair], limit: int, seed: int) -> list[Pair]:
    """A seeded sample of each corpus, by hash order so a larger limit keeps the smaller's pairs."""

    def order(pair: Pair) -> str:
        return hashlib.sha1(f"sample:{seed}:{pair.id}".encode()).hexdigest()

    kept: list[Pair] = []
    for corpus in sorted({pair.corpus for pair in pairs}):
        kept.extend(sorted((pair for pair in pairs if pair.corpus == corpus), key=order)[:limit])
    return kept


def _print_counts(pairs: list[Pair]) -> None:
    by_corpus = Counter((pair.corpus, pair.derived, pair.kind) for pair in pairs)
    print(f"{'corpus':22} {'derived':>7} {'kind':>10} {'pairs':>6}")
    for (corpus, derived, kind), count in sorted(by_corpus.items(), key=lambda item: str(item[0])):
        print(f"{corpus:22} {derived!s:>7} {kind or '-':>10} {count:>6}")
    for key in ("writer", "model", "method"):
        counts = Counter((pair.group(key), pair.derived) for pair in pairs if pair.group(key))
        print(
            f"{key}: "
            + ", ".join(f"{name}/{'pos' if d else 'neg'} {n}" for (name, d), n in sorted(counts.items()))
        )
    negative_events = Counter(pair.event for pair in pairs if not pair.derived)
    print(
        f"negatives: {sum(negative_events.values())} in {len(negative_events)} events, "
        f"largest {negative_events.most_common(1)}"
    )
    swapped = sum(pair.original == "b" for pair in pairs if pair.derived)
    print(f"pairs {len(pairs)}, positives {sum(p.derived for p in pairs)} (original on side b: {swapped})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=CORPORA)
    parser.add_argument("--limit-per-corpus", type=int, default=None)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--min-words", type=int, default=0, help="drop pairs whose shorter text is shorter")
    args = parser.parse_args()
    pairs = load_pairs(
        args.corpora, limit_per_corpus=args.limit_per_corpus, seed=args.seed, min_words=args.min_words
    )
    _print_counts(pairs)


if __name__ == "__main__":
    main()
