"""Fit the derived-or-not model on every labelled pair of every corpus; write its weights and threshold.

Usage:
    python benchmarks/fit_derived.py            # fit and print the threshold's out-of-fold figures
    python benchmarks/fit_derived.py --write    # ... then write the derived block of weights.py

The held-out figures that judge it come from the grouped protocol, refitting this same model per
held-out writer, generator model and corpus:
    python benchmarks/eval_grouped.py --model logistic --min-words 50 --fa-target 0.02

Data: `pair_dataset.load_pairs` with a shorter text of >= `--min-words` words (an llmfake
"original" that is a headline, expanded by a model, is an article written from a headline, which
rewrites-wide labels independent). Model: logistic regression on the standardised Scores, the two
classes weighted equally (eval_grouped's `logistic`). Threshold: the lowest probability at which
out-of-fold predictions (5 folds grouped by event, so no event's pairs are on both sides) keep
false alarms <= `--fa-target` on every negative corpus.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import numpy as np
from sklearn.model_selection import StratifiedGroupKFold

sys.path.insert(0, str(Path(__file__).resolve().parent))

from eval_grouped import feature_matrix, fit_logistic, load_features, logistic_model, threshold_for
from pair_dataset import load_pairs

from dedup.comparison import weights
from dedup.comparison.verdict import derived_features
from dedup.model import Scores

SCORE_NAMES = list(derived_features(Scores(**{name: 0.0 for name in Scores.__dataclass_fields__})))
WEIGHTS_FILE = Path(weights.__file__)
_DERIVED_BLOCK = re.compile(
    r"(?:#[^\n]*\n)*DERIVED_INTERCEPT = .*?\nDERIVED_MIN_PROBABILITY = [0-9.]+", re.DOTALL
)
FOLDS = 5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-words", type=int, default=50)
    parser.add_argument("--fa-target", type=float, default=0.02)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--write", action="store_true", help="write the derived block of weights.py")
    args = parser.parse_args()
    pairs = load_pairs(min_words=args.min_words)
    rows_by_id, _ = load_features(pairs, args.processes)
    pairs = [pair for pair in pairs if "error" not in rows_by_id[pair.id]]
    features = feature_matrix([rows_by_id[pair.id] for pair in pairs], SCORE_NAMES)
    labels = np.array([pair.derived for pair in pairs], dtype=bool)
    events = np.array([pair.event for pair in pairs])
    corpora = [pair.corpus for pair in pairs]

    out_of_fold = np.zeros(len(pairs))
    for train, test in StratifiedGroupKFold(n_splits=FOLDS).split(features, labels, events):
        out_of_fold[test] = fit_logistic(features[train], labels[train])(features[test])
    cut = threshold_for(out_of_fold, labels, corpora, args.fa_target)
    threshold = float(np.nextafter(cut, 1.0))
    derived = out_of_fold >= threshold
    print(f"{len(pairs)} pairs ({int(labels.sum())} derived); threshold {threshold:.4f}")
    for corpus in sorted(set(corpora)):
        mine = np.array([name == corpus for name in corpora])
        recall = derived[mine & labels].mean() if (mine & labels).any() else float("nan")
        alarms = derived[mine & ~labels].mean() if (mine & ~labels).any() else float("nan")
        print(f"  {corpus:22} out-of-fold recall {recall:.3f}  false alarms {alarms:.3f}")

    if args.write:
        model = logistic_model().fit(features, labels)  # kept whole to read its coefficients
        write_weights(model, threshold, args, len(pairs))
        print(f"wrote {WEIGHTS_FILE}")


def write_weights(model: object, threshold: float, args: argparse.Namespace, count: int) -> None:
    """Replace the derived block of weights.py (intercept, weights, threshold); keep the direction block."""
    scaler, logistic = model.steps[0][1], model.steps[1][1]  # type: ignore[attr-defined]
    # Fold the standardisation into plain weights: w * (x - mean) / scale.
    raw = logistic.coef_[0] / scaler.scale_
    intercept = float(logistic.intercept_[0] - np.sum(logistic.coef_[0] * scaler.mean_ / scaler.scale_))
    lines = [
        f"# Derived fitted by benchmarks/fit_derived.py on {count} pairs of every corpus in pair_dataset",
        f"# (shorter text >= {args.min_words} words), classes weighted equally, C=1.",
        f"DERIVED_INTERCEPT = {intercept:.6f}",
        "DERIVED_WEIGHTS: dict[str, float] = {",
        *(f'    "{name}": {weight:.6f},' for name, weight in zip(SCORE_NAMES, raw, strict=True)),
        "}",
        f"# Lowest probability with out-of-fold false alarms <= {args.fa_target} on every negative corpus.",
        f"DERIVED_MIN_PROBABILITY = {threshold:.4f}",
    ]
    text = WEIGHTS_FILE.read_text()
    if not _DERIVED_BLOCK.search(text):
        raise SystemExit(f"error: {WEIGHTS_FILE}: no derived block to replace")
    WEIGHTS_FILE.write_text(_DERIVED_BLOCK.sub(lambda _: "\n".join(lines), text, count=1))


if __name__ == "__main__":
    main()
