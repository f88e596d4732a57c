"""Fit the direction model (which text is the original) on every labelled derivative; write its weights.

Usage:
    python benchmarks/fit_direction.py            # grouped cross-validation, shipped vs refit
    python benchmarks/fit_direction.py --write    # ... then write DIRECTION_WEIGHTS in weights.py

Data: every derived pair of `pair_dataset.load_pairs` (rewrites, rewrites-wide, real-pairs,
l2r-rewrites, llmfake, mixset-hwt-revisions) whose shorter text has at least `--min-words` words
(an llmfake "original" that is a headline or a tweet, expanded by the model, is an article written
from a headline, which rewrites-wide labels independent).

Model: logistic regression on DirectionSignals without intercept or centring, fitted on each pair
and its mirror image, so that swapping a and b flips the answer. Every corpus weighs the same in
the fit (3,000 LLM rewrites would otherwise drown 136 news derivatives by human-styled writers),
and C is small: the signals are many and correlated, and a held-out writer or model must not be
told apart by a weight fitted to another's quirks.

Cross-validation: hold out one writer, one generator model, one corpus at a time; print the
direction accuracy on each held-out group, for the shipped weights and the refit, and the worst.
"""

from __future__ import annotations

import argparse
import multiprocessing
import re
import sys
from dataclasses import asdict, fields
from pathlib import Path

import numpy as np
import numpy.typing as npt
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

sys.path.insert(0, str(Path(__file__).resolve().parent))

from eval_grouped import _document
from pair_dataset import Pair, load_pairs

from dedup.comparison import weights
from dedup.comparison.direction import direction_signals
from dedup.comparison.signals import sentence_similarity
from dedup.model import DirectionSignals
from dedup.profile.profile import profile_document

NAMES = [field.name for field in fields(DirectionSignals)]
WEIGHTS_FILE = Path(weights.__file__)
SCHEMES = ("writer", "model", "corpus")
Matrix = npt.NDArray[np.float64]


def signals(pair: Pair) -> list[float]:
    """The pair's DirectionSignals (a against b), in NAMES order."""
    a, b = profile_document(_document(pair.a)), profile_document(_document(pair.b))
    values = asdict(direction_signals(a, b, sentence_similarity(a, b)))
    return [float(values[name]) for name in NAMES]


def fit(
    rows: Matrix, a_is_original: npt.NDArray[np.bool_], corpora: npt.NDArray[np.str_], c: float
) -> Pipeline:
    """Corpus-balanced logistic regression on the pairs and their mirror images."""
    sample_weight = np.ones(len(rows))
    for corpus in np.unique(corpora):
        sample_weight[corpora == corpus] = 1.0 / np.count_nonzero(corpora == corpus)
    sample_weight *= len(rows) / sample_weight.sum()
    model = make_pipeline(
        StandardScaler(with_mean=False), LogisticRegression(fit_intercept=False, C=c, max_iter=5000)
    )
    model.fit(
        np.vstack([rows, -rows]),
        np.concatenate([a_is_original, ~a_is_original]),
        logisticregression__sample_weight=np.concatenate([sample_weight, sample_weight]),
    )
    return model


def raw_weights(model: Pipeline) -> dict[str, float]:
    """The weights on unscaled signals: what `a_is_original_probability` multiplies."""
    scale = model.named_steps["standardscaler"].scale_
    coefficients = model.named_steps["logisticregression"].coef_[0] / scale
    return {name: round(float(value), 6) for name, value in zip(NAMES, coefficients, strict=True)}


def shipped_logits(rows: Matrix) -> Matrix:
    shipped = np.array([weights.DIRECTION_WEIGHTS.get(name, 0.0) for name in NAMES])
    return rows @ shipped


def cross_validate(pairs: list[Pair], rows: Matrix, c: float) -> None:
    truth = np.array([pair.original == "a" for pair in pairs])
    corpora = np.array([pair.corpus for pair in pairs])
    shipped = shipped_logits(rows) > 0
    results = []
    print(f"{'scheme':8}{'group':24}{'pairs':>6}{'shipped':>9}{'refit':>8}")
    for scheme in SCHEMES:
        for group in sorted({value for pair in pairs if (value := pair.group(scheme))}):
            test = np.array([pair.group(scheme) == group for pair in pairs])
            model = fit(rows[~test], truth[~test], corpora[~test], c)
            refit = model.decision_function(rows[test]) > 0
            before = float(np.mean(shipped[test] == truth[test]))
            after = float(np.mean(refit == truth[test]))
            results.append((before, after, f"{scheme}={group}"))
            print(f"{scheme:8}{group:24}{int(test.sum()):>6}{before:>9.3f}{after:>8.3f}")
    worst_before = min(results)
    worst_after = min(results, key=lambda row: row[1])
    before = f"{worst_before[0]:.3f} ({worst_before[2]})"
    print(f"WORST shipped {before}  refit {worst_after[1]:.3f} ({worst_after[2]})")


def write_weights(fitted: dict[str, float], c: float, min_words: int, count: int) -> None:
    """Replace the DIRECTION_WEIGHTS block of weights.py, leaving the derived model as it is."""
    lines = [
        f"# Direction fitted by benchmarks/fit_direction.py on {count} derived pairs of every corpus in",
        f"# pair_dataset (shorter text >= {min_words} words), corpora weighted equally, C={c}.",
        "DIRECTION_WEIGHTS: dict[str, float] = {",
        *(f'    "{name}": {value:.6f},' for name, value in fitted.items()),
        "}",
    ]
    text = WEIGHTS_FILE.read_text()
    block = re.compile(r"(?:#[^\n]*\n)*DIRECTION_WEIGHTS: dict\[str, float\] = \{\n.*?\n\}", re.DOTALL)
    if not block.search(text):
        raise SystemExit(f"error: {WEIGHTS_FILE}: no DIRECTION_WEIGHTS block to replace")
    WEIGHTS_FILE.write_text(block.sub(lambda _: "\n".join(lines), text, count=1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-words", type=int, default=50)
    parser.add_argument("-c", type=float, default=0.03, help="inverse regularisation strength")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--write", action="store_true", help="write DIRECTION_WEIGHTS in weights.py")
    args = parser.parse_args()
    pairs = [
        pair for pair in load_pairs(min_words=args.min_words) if pair.derived and pair.original in ("a", "b")
    ]
    print(f"{len(pairs)} derived pairs; computing direction signals", file=sys.stderr)
    with multiprocessing.get_context("fork").Pool(args.processes) as pool:
        rows = np.nan_to_num(np.array(pool.map(signals, pairs, chunksize=16), dtype=np.float64))
    cross_validate(pairs, rows, args.c)
    if args.write:
        truth = np.array([pair.original == "a" for pair in pairs])
        corpora = np.array([pair.corpus for pair in pairs])
        write_weights(raw_weights(fit(rows, truth, corpora, args.c)), args.c, args.min_words, len(pairs))
        print(f"wrote {WEIGHTS_FILE}")


if __name__ == "__main__":
    main()
