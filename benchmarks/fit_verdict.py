"""Fit the verdict's logistic weights on labelled corpora, report held-out figures, write weights.py.

Usage:
    python benchmarks/fit_verdict.py ../shared/corpora/rewrites ../shared/corpora/real-pairs [--write]

Two models, both logistic regression on standardised signals (scikit-learn):
  derived    - Scores (symmetric) -> is one document derived from the other?
  direction  - DirectionSignals (antisymmetric: swapping a and b negates them) -> is a the original?
               Fitted without intercept or centring so that swapping the inputs flips the answer.
Cross-validation: 5 folds, stratified by corpus and label; every figure printed under "held-out" is
computed on folds the model did not see. The decision threshold is the lowest probability at which
the held-out false-alarm rate is <= the target on every corpus, so it is chosen on held-out
predictions (slightly optimistic; the closing note says so).
"""

from __future__ import annotations

import argparse
import json
import re
from dataclasses import asdict, fields
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from dedup.comparison.direction import direction_signals
from dedup.comparison.signals import score_pair, sentence_similarity
from dedup.comparison.verdict import derived_features, rule_verdict
from dedup.model import DirectionSignals, Scores
from dedup.profile.profile import Profile, profile_document
from dedup.sources.load import load_document

SCORE_NAMES = list(derived_features(Scores(**{field.name: 0.0 for field in fields(Scores)})))
DIRECTION_NAMES = [field.name for field in fields(DirectionSignals)]
WEIGHTS_FILE = Path(__file__).resolve().parent.parent / "dedup" / "comparison" / "weights.py"
# The direction block is fitted by fit_direction.py on every corpus; this script keeps it as it is.
_DIRECTION_BLOCK = re.compile(r"(?:#[^\n]*\n)*DIRECTION_WEIGHTS: dict\[str, float\] = \{\n.*?\n\}", re.DOTALL)


def load_cases(corpus: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in (corpus / "cases.jsonl").read_text().splitlines() if line.strip()]


def featurise(corpora: list[Path]) -> dict[str, np.ndarray]:
    """Rows of verdict features, labels, kinds, corpus index, direction rows."""
    rows, labels, groups, kinds, direction_rows, direction_groups = [], [], [], [], [], []
    for corpus_index, corpus in enumerate(corpora):
        cache: dict[str, Profile] = {}

        def profile(relative: str, corpus: Path = corpus, cache: dict[str, Profile] = cache) -> Profile:
            if relative not in cache:
                cache[relative] = profile_document(load_document(corpus / relative))
            return cache[relative]

        for case in load_cases(corpus):
            original, derivative = profile(str(case["original"])), profile(str(case["derivative"]))
            similarity = sentence_similarity(original, derivative)
            scores = score_pair(original, derivative, similarity)
            features = derived_features(scores)
            rows.append([features[name] for name in SCORE_NAMES])
            labels.append(bool(case["derived"]))
            groups.append(corpus_index)
            kinds.append(str(case["kind"]))
            if case["derived"]:
                signals = asdict(direction_signals(original, derivative, similarity))
                direction_rows.append([signals[n] for n in DIRECTION_NAMES])
                direction_groups.append(corpus_index)
    return {
        "scores": np.array(rows),
        "labels": np.array(labels),
        "groups": np.array(groups),
        "kinds": np.array(kinds),
        "direction_rows": np.array(direction_rows),
        "direction_groups": np.array(direction_groups),
    }


def _held_out_probabilities(
    scores: np.ndarray, labels: np.ndarray, groups: np.ndarray, c: float, seed: int
) -> np.ndarray:
    held_out = np.zeros(len(labels))
    folds = StratifiedKFold(5, shuffle=True, random_state=seed)
    for train, test in folds.split(scores, labels * 10 + groups):
        model = derived_model(c).fit(scores[train], labels[train])
        held_out[test] = model.predict_proba(scores[test])[:, 1]  # type: ignore[attr-defined]
    return held_out


def _rule_verdicts(scores: np.ndarray, probabilities: np.ndarray) -> np.ndarray:
    """Per pair: 1 where a rule calls it derived, -1 where a rule clears it, 0 where the model decides."""
    verdicts = []
    for row, probability in zip(scores, probabilities, strict=True):
        overruled = rule_verdict(Scores(**dict(zip(SCORE_NAMES, row, strict=True))), float(probability))
        verdicts.append(0 if overruled is None else 1 if overruled else -1)
    return np.array(verdicts)


def _threshold(
    held_out: np.ndarray, labels: np.ndarray, groups: np.ndarray, ruled: np.ndarray, max_rate: float
) -> float:
    """The lowest probability whose false-alarm rate is <= max_rate on every corpus.

    Pairs a rule calls derived count against it whatever the threshold; pairs a rule clears do not.
    """
    threshold = 0.5
    for corpus_index in np.unique(groups):
        mine = (groups == corpus_index) & ~labels
        allowed = int(np.floor(max_rate * mine.sum())) - int(np.sum(mine & (ruled == 1)))
        negatives = np.sort(held_out[mine & (ruled == 0)])
        if len(negatives) and allowed < len(negatives):
            threshold = max(threshold, float(negatives[len(negatives) - max(allowed, 0) - 1]) + 1e-6)
    return threshold


def derived_model(c: float) -> object:
    return make_pipeline(StandardScaler(), LogisticRegression(C=c, class_weight="balanced", max_iter=10_000))


def direction_model(c: float) -> object:
    return make_pipeline(
        StandardScaler(with_mean=False), LogisticRegression(C=c, fit_intercept=False, max_iter=10_000)
    )


def direction_samples(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    # Each derived pair gives two samples: (original, derivative) -> 1 and the swap -> 0.
    return np.vstack([rows, -rows]), np.concatenate([np.ones(len(rows)), np.zeros(len(rows))])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("corpora", nargs="+", type=Path)
    parser.add_argument("--c", type=float, default=1.0, help="inverse regularisation, derived model")
    parser.add_argument("--direction-c", type=float, default=3.0, help="the same, direction model")
    parser.add_argument("--cache", type=Path, help="reuse featurised corpora from this .npz file")
    parser.add_argument("--max-false-alarms", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeats", type=int, default=5, help="repeats of 5-fold cross-validation")
    parser.add_argument("--write", action="store_true", help="write dedup/weights.py")
    args = parser.parse_args()

    if args.cache is not None and args.cache.exists():
        data = dict(np.load(args.cache))
    else:
        data = featurise(args.corpora)
        if args.cache is not None:
            np.savez(args.cache, **data)  # type: ignore[arg-type]
    scores, labels, groups, kinds = data["scores"], data["labels"], data["groups"], data["kinds"]
    direction_rows, direction_groups = data["direction_rows"], data["direction_groups"]
    # Repeated cross-validation: each repeat gives held-out probabilities for every pair and the
    # lowest threshold that keeps its false alarms within bounds; the median threshold is kept.
    repeats = [
        _held_out_probabilities(scores, labels, groups, args.c, args.seed + n) for n in range(args.repeats)
    ]
    ruled = [_rule_verdicts(scores, held_out) for held_out in repeats]
    thresholds = [
        _threshold(held_out, labels, groups, rules, args.max_false_alarms)
        for held_out, rules in zip(repeats, ruled, strict=True)
    ]
    threshold = float(np.median(thresholds))

    direction_right = np.zeros(len(direction_rows))
    for repeat in range(args.repeats):
        folds = StratifiedKFold(5, shuffle=True, random_state=args.seed + repeat)
        for train, test in folds.split(direction_rows, direction_groups):
            x, y = direction_samples(direction_rows[train])
            model = direction_model(args.direction_c).fit(x, y)
            direction_right[test] += model.predict_proba(direction_rows[test])[:, 1] >= 0.5
    direction_right /= args.repeats

    print(
        f"held-out threshold: {threshold:.4f} (median of {args.repeats} repeats of 5-fold CV; "
        f"false alarms <= {args.max_false_alarms} on each corpus; per repeat "
        + ", ".join(f"{value:.3f}" for value in thresholds)
        + ")"
    )
    called = np.mean(
        [
            np.where(rules == 0, held_out >= threshold, rules == 1)
            for held_out, rules in zip(repeats, ruled, strict=True)
        ],
        axis=0,
    )
    for corpus_index, corpus in enumerate(args.corpora):
        mine = groups == corpus_index
        direction = direction_right[direction_groups == corpus_index].mean()
        print(
            f"held-out {corpus.name}: recall {called[mine & labels].mean():.3f} "
            f"of {np.sum(mine & labels)}, false alarms {called[mine & ~labels].mean():.3f} "
            f"of {np.sum(mine & ~labels)}, direction {direction:.3f}"
        )
        for kind in sorted(set(kinds[mine & labels])):
            print(f"    {kind}: recall {called[mine & (kinds == kind)].mean():.3f}")

    final = derived_model(args.c).fit(scores, labels)
    if args.write:
        write_weights(final, threshold, args)
        print(f"wrote {WEIGHTS_FILE}")


def write_weights(derived: object, threshold: float, args: argparse.Namespace) -> None:
    scaler, logistic = derived.steps[0][1], derived.steps[1][1]  # type: ignore[attr-defined]
    # Fold the standardisation into plain weights: w * (x - mean) / scale.
    derived_weights = logistic.coef_[0] / scaler.scale_
    intercept = float(logistic.intercept_[0] - np.sum(logistic.coef_[0] * scaler.mean_ / scaler.scale_))
    kept = _DIRECTION_BLOCK.search(WEIGHTS_FILE.read_text())
    if kept is None:
        raise SystemExit(f"error: {WEIGHTS_FILE}: no DIRECTION_WEIGHTS block to keep")
    corpora = ", ".join(corpus.name for corpus in args.corpora)
    lines = [
        '"""Fitted verdict weights (benchmarks/fit_verdict.py, fit_direction.py); do not edit."""',
        "",
        "from __future__ import annotations",
        "",
        f"# Fitted on: {corpora} (C={args.c}, seed={args.seed}).",
        f"DERIVED_INTERCEPT = {intercept:.6f}",
        "DERIVED_WEIGHTS: dict[str, float] = {",
        *(f'    "{name}": {weight:.6f},' for name, weight in zip(SCORE_NAMES, derived_weights, strict=True)),
        "}",
        f"# Lowest probability with held-out false alarms <= {args.max_false_alarms} on every corpus.",
        f"DERIVED_MIN_PROBABILITY = {threshold:.4f}",
        kept.group(0),
        "",
    ]
    WEIGHTS_FILE.write_text("\n".join(lines))


if __name__ == "__main__":
    main()
