"""Held-out quality of the fact diff: two-fold cross-validation of DiffSettings over a corpus's originals.

    python benchmarks/cv_diff.py --corpus ../shared/corpora/rewrites [--size N]

The derived cases are split by original (alternately, in an order fixed by a hash of the path), so no
original is in both halves.
On each half the thresholds are fitted by grid search, one group at a time (omission, addition,
sentence pairs), maximising F1 with precision at least recall, and scored on the other half.
Prints the fitted settings per fold, then per-type P/R/F1 pooled over the two held-out halves next
to the same figures for the default settings (fitted on the whole corpus). --size caps the number
of derived cases read (default: all).
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

from bench_diff import TYPES, f1, matches

from dedup.facts.diff import diff_facts
from dedup.facts.extract import extract_facts
from dedup.model import Facts
from dedup.settings import DEFAULT_DIFF_SETTINGS, DiffSettings
from dedup.sources.load import load_document

Case = tuple[Facts, Facts, list[dict[str, Any]]]
GRIDS: dict[str, tuple[tuple[str, ...], dict[str, tuple[float, ...]]]] = {
    "omission": (
        ("omitted",),
        {
            "omit_max_share": (0.25, 0.3, 0.35),
            "omit_max_best_share": (0.35, 0.4, 0.5),
            "omit_max_unclaimed_share": (0.4, 0.45, 0.5),
            "omit_min_words": (4, 6, 8),
            "clause_max_share": (0.15, 0.2, 0.25),
        },
    ),
    "addition": (
        ("added",),
        {
            "add_max_share": (0.15, 0.2, 0.25),
            "add_min_novel_share": (0.5, 0.6, 0.7),
            "add_new_number_max_share": (0.4, 0.5),
        },
    ),
    "pairs": (
        ("softened", "hardened", "altered"),
        {"pair_min_share": (0.35, 0.4, 0.45), "carved_min_share": (0.6, 0.7, 0.8)},
    ),
}


def _score(cases: list[Case], settings: DiffSettings) -> tuple[Counter[str], Counter[str], Counter[str]]:
    tp: Counter[str] = Counter()
    gold: Counter[str] = Counter()
    predicted: Counter[str] = Counter()
    for original, derivative, wanted_changes in cases:
        changes = diff_facts(original, derivative, settings).changes
        gold.update(wanted["type"] for wanted in wanted_changes)
        predicted.update(str(change.kind) for change in changes)
        used: set[int] = set()
        for wanted in wanted_changes:
            for index, change in enumerate(changes):
                if index not in used and str(change.kind) == wanted["type"] and matches(wanted, change):
                    used.add(index)
                    tp[wanted["type"]] += 1
                    break
    return tp, gold, predicted


def _objective(cases: list[Case], settings: DiffSettings, kinds: tuple[str, ...]) -> tuple[bool, float]:
    tp, gold, predicted = _score(cases, settings)
    figures = [f1(tp[kind], gold[kind], predicted[kind]) for kind in kinds]
    is_precise = all(precision >= recall for precision, recall, _ in figures)
    return is_precise, sum(score for _, _, score in figures) / len(figures)


def _fit(cases: list[Case]) -> DiffSettings:
    settings = DEFAULT_DIFF_SETTINGS
    for kinds, grid in GRIDS.values():
        names = list(grid)
        candidates = [
            replace(settings, **dict(zip(names, values, strict=True)))
            for values in itertools.product(*(grid[name] for name in names))
        ]
        settings = max(candidates, key=lambda candidate: _objective(cases, candidate, kinds))
    return settings


def _load(corpus: Path, size: int) -> tuple[list[Case], list[Case]]:
    lines = (corpus / "cases.jsonl").read_text().splitlines()
    records = [json.loads(line) for line in lines if line.strip()]
    derived = [r for r in records if r["derived"]][: size or None]
    # Originals in a fixed pseudo-random order, alternately to each half: balanced, and no original
    # (with its several derivatives) on both sides.
    originals = sorted(
        {r["original"] for r in derived}, key=lambda path: hashlib.md5(path.encode()).hexdigest()
    )
    fold_of = {path: rank % 2 for rank, path in enumerate(originals)}
    folds: tuple[list[Case], list[Case]] = ([], [])
    for record in derived:
        original = extract_facts(load_document(corpus / record["original"]))
        derivative = extract_facts(load_document(corpus / record["derivative"]))
        folds[fold_of[record["original"]]].append((original, derivative, record["changes"]))
    return folds


def _print(title: str, tp: Counter[str], gold: Counter[str], predicted: Counter[str]) -> None:
    print(title)
    for kind in TYPES:
        precision, recall, score = f1(tp[kind], gold[kind], predicted[kind])
        counts = f"gold {gold[kind]:3d} predicted {predicted[kind]:3d}"
        print(f"  {kind:9s} {counts}  P={precision:.2f} R={recall:.2f} F1={score:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, required=True, help="score.py corpus directory")
    parser.add_argument("--size", type=int, default=0, help="derived cases to read (default all)")
    args = parser.parse_args()
    folds = _load(args.corpus, args.size)
    print(f"derived cases per fold: {len(folds[0])} and {len(folds[1])} (split by original)")
    held_out: list[Counter[str]] = [Counter(), Counter(), Counter()]
    for test in (0, 1):
        fitted = _fit(folds[1 - test])
        changed = {
            name: getattr(fitted, name)
            for name in DiffSettings.__dataclass_fields__
            if getattr(fitted, name) != getattr(DEFAULT_DIFF_SETTINGS, name)
        }
        print(f"fold {test}: fitted on the other half; differs from the defaults in {changed or 'nothing'}")
        for total, part in zip(held_out, _score(folds[test], fitted), strict=True):
            total.update(part)
    _print("held-out (each half scored with thresholds fitted on the other):", *held_out)
    _print(
        "defaults (fitted on the whole corpus, in-sample):",
        *_score(folds[0] + folds[1], DEFAULT_DIFF_SETTINGS),
    )


if __name__ == "__main__":
    main()
