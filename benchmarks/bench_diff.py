"""Cost of the fact diff against compare alone, on the same two articles in the same process.

    python benchmarks/bench_diff.py [--size WORDS] [--runs N] [--long WORDS] [--corpus DIR]

The articles are built from the bundled pairs (see `_articles`), --size words each. Prints medians
of --runs runs after one warm-up, and the ratio the issue bounds: diff_facts on two documents /
compare alone (compare minus its fact-diff step). With --long
(say 50000 words, about 300 KB a side) it also times one run of each on two articles that long, where
a diff that scans every name, token or change per fact grows with the square of the length: the
ratio there should stay near the short one. With
--corpus (a score.py corpus such as ../shared/corpora/rewrites) it also prints the per-type
precision, recall and F1 of diff_facts on the labelled derived pairs, original first.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from collections import Counter
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any

# Submodule imports: they work under any editable-install layout, also outside the repository root.
from dedup.comparison.compare import compare
from dedup.facts.diff import diff_facts
from dedup.model import Document, FactChange, Span
from dedup.profile.profile import profile_document
from dedup.sources.load import load_document

PAIRS = Path(__file__).resolve().parent.parent / "fixtures" / "pairs"
SEEDS = PAIRS / "seeds-rewrite"
INDEPENDENT = PAIRS / "seeds-independent-of-original"
TYPES = ("omitted", "softened", "hardened", "altered", "added")


def _articles(words: int) -> tuple[Document, Document]:
    """An original and its derivative of about `words` words each, from the bundled pairs.

    The original is the seeds article followed by a second, unrelated article; the derivative is the
    seeds rewrite followed by the same second article, so compare calls it derived and runs the diff.
    Beyond the bundled text, paragraphs repeat.
    """
    extra = _paragraphs(INDEPENDENT / "a.txt")
    return (
        Document("original", _fill(_paragraphs(SEEDS / "a.txt"), extra, words)),
        Document("derivative", _fill(_paragraphs(SEEDS / "b.txt"), extra, words)),
    )


def _paragraphs(path: Path) -> list[str]:
    return [paragraph for paragraph in path.read_text().split("\n\n") if paragraph.strip()]


def _fill(head: list[str], tail: list[str], words: int) -> str:
    pool = head + tail
    out: list[str] = []
    count = 0
    while count < words:
        paragraph = pool[len(out) % len(pool)]
        out.append(paragraph)
        count += len(paragraph.split())
    return "\n\n".join(out)


def _median_s(function: Callable[[], object], runs: int) -> float:
    function()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _quality(corpus: Path) -> None:
    cases = [json.loads(line) for line in (corpus / "cases.jsonl").read_text().splitlines() if line.strip()]
    tp: Counter[str] = Counter()
    gold: Counter[str] = Counter()
    predicted: Counter[str] = Counter()
    for case in cases:
        if not case["derived"]:
            continue
        original = load_document(corpus / case["original"])
        derivative = load_document(corpus / case["derivative"])
        changes = diff_facts(original, derivative).changes
        gold.update(change["type"] for change in case["changes"])
        predicted.update(str(change.kind) for change in changes)
        used: set[int] = set()
        for wanted in case["changes"]:
            for index, change in enumerate(changes):
                if index not in used and str(change.kind) == wanted["type"] and matches(wanted, change):
                    used.add(index)
                    tp[wanted["type"]] += 1
                    break
    print("fact diff on labelled derived pairs (original first; score.py span rules):")
    for kind in TYPES:
        precision, recall, score = f1(tp[kind], gold[kind], predicted[kind])
        counts = f"gold {gold[kind]:3d} predicted {predicted[kind]:3d}"
        print(f"  {kind:9s} {counts}  P={precision:.2f} R={recall:.2f} F1={score:.2f}")


def f1(tp: int, gold: int, predicted: int) -> tuple[float, float, float]:
    """Precision, recall and F1 from counts."""
    precision = tp / predicted if predicted else 0.0
    recall = tp / gold if gold else 0.0
    return precision, recall, 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def matches(wanted: dict[str, Any], change: FactChange) -> bool:
    """score.py's rule: overlap of half the shorter span, predicted at most 4x the gold one."""

    def gold(side: str) -> tuple[int, int] | None:
        span, start = wanted.get(f"{side}_span"), wanted.get(f"{side}_start")
        return (start, start + len(span)) if isinstance(span, str) and isinstance(start, int) else None

    def ok(predicted: Span | None, target: tuple[int, int] | None) -> bool:
        if predicted is None or target is None:
            return False
        inter = min(predicted.end, target[1]) - max(predicted.start, target[0])
        shorter = min(predicted.end - predicted.start, target[1] - target[0])
        return (
            inter > 0
            and inter >= 0.5 * shorter
            and predicted.end - predicted.start <= 4 * (target[1] - target[0])
        )

    kind = wanted["type"]
    if kind == "omitted":
        return ok(change.original, gold("original"))
    if not ok(change.derivative, gold("derivative")):
        return False
    if kind == "added" or change.original is None or gold("original") is None:
        return True
    return ok(change.original, gold("original"))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=800, help="words per article (default 800)")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--long", type=int, default=0, help="also time one run at this many words")
    parser.add_argument("--corpus", type=Path, help="score.py corpus for quality figures")
    args = parser.parse_args()

    a, b = _articles(args.size)
    a_text, b_text = a.text, b.text
    profile_a, profile_b = profile_document(a), profile_document(b)
    result = compare(a, b)

    compare_full = _median_s(lambda: compare(a, b), args.runs)
    diff_documents = _median_s(lambda: diff_facts(a, b), args.runs)
    diff_profiles = _median_s(lambda: diff_facts(profile_a, profile_b), args.runs)
    compare_alone = compare_full - (diff_profiles if result.fact_diff is not None else 0.0)

    print(
        f"python {platform.python_version()}  dedup {version('dedup')}  blingfire {version('blingfire')}  "
        f"numpy {version('numpy')}  scikit-learn {version('scikit-learn')}"
    )
    print(f"input: {len(a_text.split())} + {len(b_text.split())} words, median of {args.runs} runs")
    print(f"verdict: derived={result.verdict.is_derived} original={result.verdict.original}")
    print(f"{'step':38s} {'median ms':>10s}")
    print(f"{'compare (with its fact-diff step)':38s} {compare_full * 1e3:10.2f}")
    print(f"{'compare alone (minus the diff step)':38s} {compare_alone * 1e3:10.2f}")
    print(f"{'diff_facts(documents)':38s} {diff_documents * 1e3:10.2f}")
    print(f"{'diff_facts(profiles), inside compare':38s} {diff_profiles * 1e3:10.2f}")
    print(f"ratio diff_facts(documents) / compare alone: {diff_documents / compare_alone:.2f}x (bound 3x)")
    print(f"ratio compare with diff / compare alone:     {compare_full / compare_alone:.2f}x")
    if args.long:
        _long(args.long)
    if args.corpus is not None:
        _quality(args.corpus)


def _long(words: int) -> None:
    """One timed run of compare and diff_facts on two long articles, as a ratio like the short one."""
    a, b = _articles(words)
    start = time.perf_counter()
    result = compare(a, b)
    compare_full = time.perf_counter() - start
    start = time.perf_counter()
    diff_facts(a, b)
    diff_documents = time.perf_counter() - start
    profile_a, profile_b = profile_document(a), profile_document(b)
    start = time.perf_counter()
    diff_facts(profile_a, profile_b)  # compare's own diff step, on the profiles it has already built
    diff_profiles = time.perf_counter() - start
    compare_alone = compare_full - (diff_profiles if result.fact_diff is not None else 0.0)
    size = f"{len(a.text.split())} + {len(b.text.split())} words ({len(a.text) // 1000} KB)"
    print(f"long input: {size}, one run")
    print(f"{'compare (with its fact-diff step)':38s} {compare_full * 1e3:10.2f}")
    print(f"{'compare alone (minus the diff step)':38s} {compare_alone * 1e3:10.2f}")
    print(f"{'diff_facts(documents)':38s} {diff_documents * 1e3:10.2f}")
    print(f"ratio diff_facts(documents) / compare alone: {diff_documents / compare_alone:.2f}x")


if __name__ == "__main__":
    main()
