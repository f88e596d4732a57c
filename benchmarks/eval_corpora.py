"""Check compare on the corpora it was not fitted on: recall by generator and method, false alarms.

Usage:
    python benchmarks/eval_corpora.py [--shared ../shared] [--per-group 40] [--seed 3]

- llmfake: LLM paraphrases, rewrites, open-ended continuations and fact manipulations of PolitiFact
  and CoAID news (the 150 ChatGPT pairs in real-pairs come from here; the rest were never fitted on).
  Recall, direction and kind per generator family and method.
- mixset-hwt-revisions, news category: GPT-4 and Llama 2 polish, rewrite and completion of short
  human paragraphs. Recall and kind per operation.
- basil-same-event: every pair of the three outlets' articles on each of 100 events (300 pairs; 150 of
  them are real-pairs' negatives). False alarms.
A sample of --per-group pairs is drawn from each group (seeded), so the run takes minutes, not hours.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
from collections import defaultdict
from pathlib import Path

from dedup import compare, profile_document
from dedup.errors import DedupError
from dedup.sources.load import document_from_text

DEFAULT_SHARED = Path(__file__).resolve().parent.parent.parent / "shared"


def read_jsonl(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def sample(
    groups: dict[str, list[tuple[str, str]]], size: int, seed: int
) -> dict[str, list[tuple[str, str]]]:
    rng = random.Random(seed)
    return {name: rng.sample(pairs, min(size, len(pairs))) for name, pairs in sorted(groups.items())}


def run_group(name: str, pairs: list[tuple[str, str]], derived: bool) -> str:
    called = direction_right = 0
    kinds: dict[str, int] = defaultdict(int)
    judged = 0
    for original_text, derivative_text in pairs:
        try:
            original = profile_document(document_from_text(original_text, id="original"))
            derivative = profile_document(document_from_text(derivative_text, id="derivative"))
        except DedupError:
            continue  # an empty record; not a judgement
        judged += 1
        verdict = compare(derivative, original).verdict  # the original second: direction must be "b"
        if verdict.is_derived:
            called += 1
            direction_right += verdict.original == "b"
            kinds[str(verdict.kind)] += 1
    if not judged:
        return f"{name:44s} no pairs"
    if not derived:
        return f"{name:44s} false alarms {called}/{judged} = {called / judged:.3f}"
    direction = f"{direction_right / called:.2f}" if called else "-"
    return (
        f"{name:44s} recall {called}/{judged} = {called / judged:.3f}  direction {direction}  "
        f"kinds {dict(sorted(kinds.items()))}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--per-group", type=int, default=40)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    corpora = args.shared / "corpora"

    originals = {
        str(r["orig_id"]): str(r["text"]) for r in read_jsonl(corpora / "llmfake" / "originals.jsonl")
    }
    llmfake: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for record in read_jsonl(corpora / "llmfake" / "rewrites.jsonl"):
        if record.get("possible_refusal") or str(record["orig_id"]) not in originals:
            continue
        family = str(record["generator"]).split("_")[0].split("-")[0]
        method = str(record["method"]).replace("information_manipulation", "manipulation")
        llmfake[f"llmfake {family} {method}"].append(
            (originals[str(record["orig_id"])], str(record["rewrite_text"]))
        )

    mixset: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for record in read_jsonl(corpora / "mixset-hwt-revisions" / "pairs.jsonl"):
        if record["category"] == "news":
            mixset[f"mixset news {record['reviser']} {record['operation']}"].append(
                (str(record["original"]), str(record["revised"]))
            )

    by_event: dict[str, list[str]] = defaultdict(list)
    for record in read_jsonl(corpora / "basil-same-event" / "articles.jsonl"):
        by_event[str(record["event_id"])].append(str(record["text"]))
    basil = [pair for texts in by_event.values() for pair in itertools.combinations(texts, 2)]

    for name, pairs in sample(llmfake, args.per_group, args.seed).items():
        print(run_group(name, pairs, derived=True), flush=True)
    for name, pairs in sample(mixset, args.per_group, args.seed).items():
        print(run_group(name, pairs, derived=True), flush=True)
    print(run_group("basil same event, all outlet pairs", basil, derived=False), flush=True)


if __name__ == "__main__":
    main()
