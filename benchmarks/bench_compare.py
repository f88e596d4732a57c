"""Time `compare` on many pairs against a naive MinHash + TF-IDF pipeline, in one process.

Usage:
    python benchmarks/bench_compare.py [--size 30] [--runs 3] [--corpus ../shared/corpora/bbc]

Input: the first --size articles of the BBC corpus (articles.jsonl), compared all against all, plus
each article against a lightly perturbed copy of itself (so that some verdicts are "derived").
Baseline, the usual first attempt: per pair, a datasketch MinHash with one `update` call per
5-word shingle for each text and a scikit-learn TfidfVectorizer fitted on the two texts.
dedup: every document is profiled once (sentences, signatures, vectors) and each pair then costs
only the pair stage; the same pairs are also run one-shot (`compare(doc, doc)`) to show that the
batch path gives the same verdicts. Prints pairs/s, the speed-up and the verdict agreement.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import statistics
import time
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

from datasketch import MinHash
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import cosine_similarity

from dedup import Document, compare, profile_document
from dedup.sources.load import document_from_record

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora" / "bbc"


def load_articles(corpus: Path, size: int) -> list[Document]:
    with (corpus / "articles.jsonl").open(encoding="utf-8") as lines:
        records = [json.loads(line) for line, _ in zip(lines, range(size), strict=False)]
    return [document_from_record(record, f"{corpus}:{n}") for n, record in enumerate(records, 1)]


def perturbed(document: Document, seed: int) -> Document:
    """Drop one word in twenty and swap one paragraph pair: a light edit."""
    rng = random.Random(seed)
    paragraphs = document.text.split("\n\n")
    if len(paragraphs) > 3:
        first = rng.randrange(1, len(paragraphs) - 1)
        paragraphs[first], paragraphs[first + 1] = paragraphs[first + 1], paragraphs[first]
    words = " \n\n ".join(paragraphs).split(" ")
    kept = [word for word in words if rng.random() > 0.05]
    return Document(id=document.id + "#edit", text=" ".join(kept), title=document.title)


def naive_verdict(a: Document, b: Document) -> tuple[float, float]:
    """The baseline: a fresh MinHash per text, one update per shingle, a TF-IDF fit per pair."""
    signatures = []
    for document in (a, b):
        words = document.text.lower().split()
        minhash = MinHash(num_perm=128, seed=1)
        for index in range(max(1, len(words) - 4)):
            minhash.update(" ".join(words[index : index + 5]).encode())
        signatures.append(minhash)
    vectors = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform([a.text, b.text])
    return signatures[0].jaccard(signatures[1]), float(cosine_similarity(vectors[0], vectors[1])[0, 0])


def timed(run: Callable[[], object], runs: int) -> tuple[float, object]:
    run()  # warm-up: imports, caches of pure functions, the allocator
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=30, help="articles (pairs grow as size^2/2)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = parser.parse_args()

    articles = load_articles(args.corpus, args.size)
    edits = [perturbed(article, seed) for seed, article in enumerate(articles)]
    pairs = list(itertools.combinations(articles, 2)) + list(zip(articles, edits, strict=True))
    documents = articles + edits

    def baseline() -> list[tuple[float, float]]:
        return [naive_verdict(a, b) for a, b in pairs]

    def batch() -> list[tuple[bool, str | None, str | None]]:
        profiles = {document.id: profile_document(document) for document in documents}
        results = [compare(profiles[a.id], profiles[b.id]) for a, b in pairs]
        return [(r.verdict.is_derived, r.verdict.original, r.verdict.kind) for r in results]

    def one_shot() -> list[tuple[bool, str | None, str | None]]:
        results = [compare(a, b) for a, b in pairs]
        return [(r.verdict.is_derived, r.verdict.original, r.verdict.kind) for r in results]

    baseline_s, _ = timed(baseline, args.runs)
    batch_s, batch_verdicts = timed(batch, args.runs)
    one_shot_s, one_shot_verdicts = timed(one_shot, 1)
    agreement = sum(x == y for x, y in zip(batch_verdicts, one_shot_verdicts, strict=True)) / len(pairs)  # type: ignore[arg-type]
    derived = sum(verdict[0] for verdict in batch_verdicts)  # type: ignore[union-attr]
    found_edits = sum(verdict[0] for verdict in batch_verdicts[-len(edits) :])  # type: ignore[index]

    print(
        f"input: {len(documents)} documents, {len(pairs)} pairs ({len(edits)} light edits), "
        f"median of {args.runs}"
    )
    print(f"versions: datasketch {version('datasketch')}, scikit-learn {version('scikit-learn')}")
    print(f"{'pipeline':44s} {'seconds':>9s} {'pairs/s':>9s} {'vs baseline':>12s}")
    for name, seconds in (
        ("baseline: MinHash per token + TF-IDF per pair", baseline_s),
        ("dedup compare, one-shot (profiles per pair)", one_shot_s),
        ("dedup compare, batch (profiles once)", batch_s),
    ):
        print(f"{name:44s} {seconds:9.3f} {len(pairs) / seconds:9.1f} {baseline_s / seconds:11.1f}x")
    print(
        f"verdicts: batch == one-shot on {agreement:.1%} of pairs; derived {derived}, "
        f"edits found {found_edits}/{len(edits)}"
    )


if __name__ == "__main__":
    main()
