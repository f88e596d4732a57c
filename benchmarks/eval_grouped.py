"""Grouped cross-validation of the derived verdict: held-out writers, generator models and corpora.

Every change to the verdict is judged by this protocol. Run from the repository root:

    python benchmarks/eval_grouped.py --shipped                 # the verdict dedup ships
    python benchmarks/eval_grouped.py --model logistic          # refit a model per held-out group
    python benchmarks/eval_grouped.py --model hgb --features tfidf_cosine,name_overlap
    python benchmarks/eval_grouped.py --model logistic --signal-auc    # + one-signal AUC per group
    options: --limit-per-corpus N (fast runs), --min-words N (drop pairs with a shorter text),
             --schemes writer,model,corpus, --json out.json, --fa-target 0.01, --processes 2, --seed 0

Run times on the 2-core dev machine, all 5,144 pairs: features 2 min 15 s cold (about 235 s of
compare in 2 processes), then --shipped 3 s, --model logistic 21 s, --model hgb 6 min.

Pairs come from `pair_dataset.load_pairs` (every labelled pair in ../shared/corpora; its docstring
says what is taken and why). Features: `compare(a, b)` runs once per pair on the pair's Documents;
the shipped verdict (derived, probability of derived, original, kind) and every value of
`Comparison.scores` and `Comparison.direction` (read with `dataclasses.asdict`, so new signals
appear by themselves) are cached in `benchmarks/.cache/eval_grouped/<hash>.jsonl`, where the hash
covers every file of the imported `dedup` package: any code change recomputes, a killed run resumes.

Folds. A scheme names a group key; each value that has positives is held out once:
  writer  the rewrites-wide writers w1-w4 and `rewrites` as a fifth (w5, w6 wrote negatives only);
  model   the generator family (gpt-3.5-turbo, gpt-4, gpt-4o, gemini-1.5-pro, llama-2, llama-3-70b,
          vicuna-1.3) over l2r-rewrites, llmfake, real-pairs and mixset;
  corpus  the corpora with positives.
A held-out group's test set is its own pairs (positives, and negatives carrying the same key, e.g.
a writer's own independent articles) plus one fold of the other negatives: those are dealt out
by event, balanced, one fold per group (GroupKFold-style), so every held-out group has negatives.
Training is every other pair except those whose event is the event of a held-out negative: no
event sits on both sides. Pairs without the scheme's key (e.g. the BBC pairs under `model`) are
always in training. Positives that share an original across groups stay (L2R and llmfake rewrite
one original by several models, so leaving a model out could not work otherwise).

Figures, per held-out group (one row), then `(all)` = every held-out prediction of the scheme:
  pos / neg   held-out positives and negatives
  recall      share of held-out positives called derived; then per labelled kind (rewrite,
              light_edit, partial, copy; `?` = derived, kind not labelled: llmfake manipulations)
  FA          false alarms: share of held-out negatives called derived
  AUC         ROC AUC of the probability of derived on the group's held-out pairs
  dir         of the positives called derived, the share whose original is the true one
              (`original` None counts as wrong)
  kind        of the positives called derived with a labelled kind, the share of right kinds
              (shipped only: the refit does not model kind)
`WORST` names, for each figure, the worst group over all schemes and its value.

--shipped reads the cached verdict: no fitting, the same test sets as the refit, so rows compare.
--model NAME refits per held-out group: NAME is a key of MODELS (logistic, hgb; add one with
`@register("name")`: a function from a feature matrix and labels to a scorer) or `module:function`.
The threshold is chosen on the training pairs only: out-of-fold scores from 5 inner folds grouped by
event and stratified by label, the lowest threshold that keeps false alarms at or under --fa-target
on every training negative corpus (in a tiny --limit-per-corpus run with one negative event in
training, in-sample scores instead). Direction is refitted too: a logistic regression without
intercept on the antisymmetric direction signals of the training positives (mirrored, so swapping
a and b flips it).
--features picks the columns (default: every Scores field; also `shipped_probability` and
`abs_<direction field>`), so one-signal baselines are one flag away.
--signal-auc prints, per scheme, each feature's AUC on every held-out group, oriented on the training
pairs (a signal where lower means derived is flipped), sorted by its worst group.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import importlib
import json
import math
import multiprocessing
import random
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from pair_dataset import CORPORA, Pair, Text, load_pairs
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedGroupKFold
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

import dedup
from dedup import Document, compare, load_document

CACHE_DIR = Path(__file__).resolve().parent / ".cache" / "eval_grouped"
SCHEMES = ("writer", "model", "corpus")
KIND_COLUMNS = ("rewrite", "light_edit", "partial", "copy", "?")
INNER_FOLDS = 5
_TITLE_MAX_CHARS = 200

Matrix = npt.NDArray[np.float64]
Scorer = Callable[[Matrix], npt.NDArray[np.float64]]
FitFunction = Callable[[Matrix, npt.NDArray[np.bool_]], Scorer]
MODELS: dict[str, FitFunction] = {}


def register(name: str) -> Callable[[FitFunction], FitFunction]:
    """Add a model to MODELS: a function (features, labels) -> scorer (higher = more likely derived)."""

    def add(fit: FitFunction) -> FitFunction:
        MODELS[name] = fit
        return fit

    return add


def logistic_model() -> Pipeline:
    """Logistic regression on standardised features, classes weighted equally (as fit_verdict)."""
    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=5000, class_weight="balanced"))


@register("logistic")
def fit_logistic(features: Matrix, labels: npt.NDArray[np.bool_]) -> Scorer:
    """`logistic_model`, fitted: what fit_derived.py ships."""
    model = logistic_model()
    model.fit(features, labels)
    return lambda rows: np.asarray(model.predict_proba(rows)[:, 1], dtype=np.float64)


@register("hgb")
def fit_hgb(features: Matrix, labels: npt.NDArray[np.bool_]) -> Scorer:
    """Histogram gradient boosting, shallow and regularised (a few thousand pairs)."""
    model = HistGradientBoostingClassifier(
        max_iter=100,
        learning_rate=0.1,
        max_leaf_nodes=15,
        l2_regularization=1.0,
        class_weight="balanced",
        random_state=0,
    )
    model.fit(features, labels)
    return lambda rows: np.asarray(model.predict_proba(rows)[:, 1], dtype=np.float64)


def resolve_model(name: str) -> FitFunction:
    """A registered model, or `module:function` imported (the module may also `register`)."""
    if name in MODELS:
        return MODELS[name]
    if ":" in name:
        module_name, function_name = name.split(":", 1)
        fit: FitFunction = getattr(importlib.import_module(module_name), function_name)
        return fit
    raise SystemExit(f"error: unknown model {name!r}; known: {', '.join(sorted(MODELS))} or module:function")


# ---------------------------------------------------------------- features, computed once and cached


def source_tree_hash() -> str:
    """Hash every file of the imported dedup package, so any code change invalidates the cache."""
    package = Path(dedup.__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def _cache_key(pair: Pair) -> str:
    # The side order is part of the key: direction and the verdict's `original` depend on it.
    parts = (pair.id, pair.a.id, pair.a.content_hash, pair.b.id, pair.b.content_hash)
    return hashlib.sha1("|".join(parts).encode()).hexdigest()


def _document(text: Text) -> Document:
    if text.path is not None:
        return load_document(text.path)
    assert text.text is not None
    # The title load_document would give a .txt file: its first non-empty line.
    title = next(line.strip() for line in text.text.splitlines() if line.strip())[:_TITLE_MAX_CHARS]
    return Document(id=text.id, text=text.text, title=title)


@functools.cache
def _confidence_is_of_the_verdict() -> bool:
    """Whether `Verdict.confidence` is P(verdict) (dedup before issue 16 item 6) or P(derived).

    Probed on two unrelated texts: "not derived" with a high confidence can only mean the former.
    """
    first = Document(
        id="probe-a",
        text="The harbour ferry to Skye was cancelled on Tuesday after gales. "
        "Passengers waited at Mallaig for a bus that never came.",
    )
    second = Document(
        id="probe-b",
        text="Quarterly bond yields rose in Tokyo as the central bank kept rates. "
        "Exporters said a weaker yen helped their March sales.",
    )
    verdict = compare(first, second).verdict
    return not verdict.is_derived and verdict.confidence > 0.5


def featurise(pair: Pair) -> dict[str, Any]:
    """Compare one pair; the shipped verdict and every signal, as a JSON-ready row."""
    started = time.perf_counter()
    key = _cache_key(pair)
    try:
        result = compare(_document(pair.a), _document(pair.b))
    except Exception as exc:  # one unreadable pair must not stop a 5,000-pair run; it is counted
        return {"key": key, "id": pair.id, "error": f"{type(exc).__name__}: {exc}"}
    verdict = asdict(result.verdict)
    probability = verdict.get("probability")
    if probability is None:
        probability = verdict["confidence"]
        if not verdict["is_derived"] and _confidence_is_of_the_verdict():
            probability = 1.0 - probability
    return {
        "key": key,
        "id": pair.id,
        "derived": bool(verdict["is_derived"]),
        "probability": float(probability),  # P(derived), whichever the confidence means
        "original": verdict.get("original"),
        "kind": None if verdict.get("kind") is None else str(verdict["kind"]),
        "verdict": {
            name: value if isinstance(value, bool | int | float | None) else str(value)
            for name, value in verdict.items()
        },
        "scores": asdict(result.scores),
        "direction": asdict(result.direction),
        "seconds": round(time.perf_counter() - started, 4),
    }


def load_features(pairs: list[Pair], processes: int) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    """Rows for every pair by id, from the cache or computed in `processes` workers."""
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    tree = source_tree_hash()  # once: the tree may change while the pairs are compared
    cache_path = CACHE_DIR / f"{tree}.jsonl"
    cached: dict[str, dict[str, Any]] = {}
    if cache_path.exists():
        for line in cache_path.read_text().splitlines():
            try:
                row = json.loads(line)
            except json.JSONDecodeError:  # the half-written last line of a killed run
                continue
            cached[row["key"]] = row
    todo = [pair for pair in pairs if _cache_key(pair) not in cached]
    started = time.perf_counter()
    if todo:
        print(
            f"computing {len(todo)} pairs ({len(pairs) - len(todo)} cached) in {processes} processes "
            f"-> {cache_path}",
            file=sys.stderr,
        )
        with multiprocessing.get_context("fork").Pool(processes) as pool, cache_path.open("a") as out:
            for done, row in enumerate(pool.imap_unordered(featurise, todo, chunksize=4), 1):
                out.write(json.dumps(row) + "\n")
                cached[row["key"]] = row
                if done % 500 == 0:
                    print(f"  {done}/{len(todo)} in {time.perf_counter() - started:.0f}s", file=sys.stderr)
    rows = {pair.id: cached[_cache_key(pair)] for pair in pairs}
    cpu_s = sum(row.get("seconds", 0.0) for row in rows.values())
    timing = {
        "computed": len(todo),
        "wall_s": time.perf_counter() - started,
        "compare_cpu_s": cpu_s,
        "tree": tree,
    }
    return rows, timing


def feature_matrix(rows: list[dict[str, Any]], names: list[str]) -> Matrix:
    """One row per pair, the named features; a missing or NaN value is 0."""

    def value(row: dict[str, Any], name: str) -> float:
        if name == "shipped_probability":
            return float(row["probability"])
        if name.startswith("abs_"):
            return abs(float(row["direction"].get(name.removeprefix("abs_"), 0.0)))
        return float(row["scores"].get(name, 0.0))

    return np.nan_to_num(np.array([[value(row, name) for name in names] for row in rows], dtype=np.float64))


def available_features(row: dict[str, Any]) -> list[str]:
    """Names --features accepts: every Scores field, the shipped probability, |direction| fields."""
    return [*row["scores"], "shipped_probability", *(f"abs_{name}" for name in row["direction"])]


# ---------------------------------------------------------------- folds


@dataclass(frozen=True, slots=True)
class Fold:
    """One held-out group of a scheme: the test pairs and the training pairs, by index."""

    scheme: str
    group: str
    test: npt.NDArray[np.intp]
    train: npt.NDArray[np.intp]


def make_folds(pairs: list[Pair], scheme: str, seed: int) -> list[Fold]:
    """Hold out each group that has positives, with one event-grouped fold of the other negatives."""
    values = [pair.group(scheme) for pair in pairs]
    groups = sorted({value for value, pair in zip(values, pairs, strict=True) if pair.derived and value})
    if not groups:
        return []
    pool = [i for i, pair in enumerate(pairs) if not pair.derived and values[i] not in groups]
    sizes: dict[str, int] = {}
    for i in pool:
        sizes[pairs[i].event] = sizes.get(pairs[i].event, 0) + 1
    events = sorted(sizes)
    random.Random(seed).shuffle(events)
    events.sort(key=lambda event: -sizes[event])  # stable: ties keep the seeded order
    loads, fold_of_event = [0] * len(groups), {}
    for event in events:  # largest first onto the lightest fold: balanced GroupKFold
        fold = loads.index(min(loads))
        fold_of_event[event] = fold
        loads[fold] += sizes[event]
    folds = []
    for index, group in enumerate(groups):
        test = [i for i, value in enumerate(values) if value == group]
        test += [i for i in pool if fold_of_event[pairs[i].event] == index]
        held = set(test)
        held_events = {pairs[i].event for i in test if not pairs[i].derived}
        train = [i for i in range(len(pairs)) if i not in held and pairs[i].event not in held_events]
        folds.append(Fold(scheme, group, np.array(sorted(test)), np.array(train)))
    return folds


# ---------------------------------------------------------------- figures


@dataclass(frozen=True, slots=True)
class Predictions:
    """Scores and decisions for a set of pairs (one fold's test set, or all of a scheme's)."""

    score: npt.NDArray[np.float64]
    derived: npt.NDArray[np.bool_]
    original: list[str | None]
    kind: list[str | None] | None  # None: the model does not decide kind


def figures(pairs: list[Pair], predictions: Predictions) -> dict[str, Any]:
    """Recall (all and per kind), false alarms, AUC, direction and kind accuracy for these pairs."""
    labels = np.array([pair.derived for pair in pairs], dtype=bool)
    positives = np.flatnonzero(labels)
    out: dict[str, Any] = {"pos": int(labels.sum()), "neg": int((~labels).sum())}
    out["recall"] = _mean(predictions.derived[positives])
    for kind in KIND_COLUMNS:
        chosen = [i for i in positives if (pairs[i].kind or "?") == kind]
        out[f"recall_{kind}"] = _mean(predictions.derived[chosen])
        out[f"n_{kind}"] = len(chosen)
    out["fa"] = _mean(predictions.derived[~labels])
    both = 0 < labels.sum() < len(labels)
    out["auc"] = float(roc_auc_score(labels, predictions.score)) if both else None
    found = [i for i in positives if predictions.derived[i]]
    out["dir"] = _mean(np.array([predictions.original[i] == pairs[i].original for i in found]))
    if predictions.kind is None:
        out["kind"] = None
    else:
        kinds = predictions.kind
        labelled = [i for i in found if pairs[i].kind]
        out["kind"] = _mean(np.array([kinds[i] == pairs[i].kind for i in labelled]))
    return out


def _mean(values: npt.NDArray[Any] | list[Any]) -> float | None:
    return float(np.mean(values)) if len(values) else None


def false_alarms_by_corpus(pairs: list[Pair], derived: npt.NDArray[np.bool_]) -> dict[str, tuple[float, int]]:
    """Held-out false-alarm rate and count of negatives, per negative corpus."""
    out = {}
    for corpus in sorted({pair.corpus for pair in pairs if not pair.derived}):
        chosen = [i for i, pair in enumerate(pairs) if pair.corpus == corpus and not pair.derived]
        out[corpus] = (float(np.mean(derived[chosen])), len(chosen))
    return out


# ---------------------------------------------------------------- refitting


def threshold_for(
    scores: npt.NDArray[np.float64], labels: npt.NDArray[np.bool_], corpora: list[str], fa_target: float
) -> float:
    """Lowest cut (derived if score > cut) with false alarms <= fa_target on every negative corpus."""
    cut = -math.inf
    for corpus in sorted({corpora[i] for i in np.flatnonzero(~labels)}):
        negatives = np.sort([scores[i] for i in np.flatnonzero(~labels) if corpora[i] == corpus])[::-1]
        allowed = math.floor(fa_target * len(negatives) + 1e-9)
        cut = max(cut, float(negatives[allowed]) if allowed < len(negatives) else -math.inf)
    return cut


def fit_direction(signals: Matrix, a_is_original: npt.NDArray[np.bool_]) -> Scorer:
    """Logistic regression without intercept or centring, on the pairs and their mirror images."""
    model = make_pipeline(
        StandardScaler(with_mean=False), LogisticRegression(fit_intercept=False, max_iter=5000)
    )
    model.fit(np.vstack([signals, -signals]), np.concatenate([a_is_original, ~a_is_original]))
    return lambda rows: np.asarray(model.decision_function(rows), dtype=np.float64)


def refit_fold(
    fold: Fold, pairs: list[Pair], features: Matrix, directions: Matrix, fit: FitFunction, fa_target: float
) -> tuple[Predictions, float]:
    """Fit on the fold's training pairs, choose the threshold there, predict its test pairs."""
    train, test = fold.train, fold.test
    labels = np.array([pair.derived for pair in pairs], dtype=bool)
    events = np.array([pair.event for pair in pairs])
    # Stratified, and no more folds than either class has events, so every inner fit sees both classes.
    classes_events = min(len(set(events[train][labels[train]])), len(set(events[train][~labels[train]])))
    if classes_events == 0:
        raise SystemExit(
            f"error: {fold.scheme}={fold.group}: training holds one class; raise --limit-per-corpus"
        )
    if classes_events == 1:  # only in tiny --limit-per-corpus runs: in-sample scores, optimistic
        out_of_fold = fit(features[train], labels[train])(features[train])
    else:
        out_of_fold = np.zeros(len(train))
        inner = StratifiedGroupKFold(n_splits=min(INNER_FOLDS, classes_events))
        for inner_train, inner_test in inner.split(features[train], labels[train], events[train]):
            scorer = fit(features[train][inner_train], labels[train][inner_train])
            out_of_fold[inner_test] = scorer(features[train][inner_test])
    cut = threshold_for(out_of_fold, labels[train], [pairs[i].corpus for i in train], fa_target)
    score = fit(features[train], labels[train])(features[test])
    derived = score > cut
    trained = [i for i in train if pairs[i].derived]
    a_side = np.array([pairs[i].original == "a" for i in trained], dtype=bool)
    direction = fit_direction(directions[trained], a_side)(directions[test])
    original = ["a" if value > 0 else "b" for value in direction]
    return Predictions(score, derived, list(original), None), cut


# ---------------------------------------------------------------- report


def _format(value: float | None, width: int = 6) -> str:
    return f"{value:>{width}.3f}" if value is not None else f"{'-':>{width}}"


def print_table(results: dict[str, Any]) -> None:
    """One row per held-out group, an (all) row per scheme, false alarms by corpus, then WORST."""
    kinds = [
        kind
        for kind in KIND_COLUMNS
        if any(row[f"n_{kind}"] for scheme in results.values() for row in scheme["groups"])
    ]
    header = f"{'scheme':7} {'group':22} {'pos':>5} {'recall':>6} " + " ".join(f"{k[:7]:>7}" for k in kinds)
    print(header + f" {'neg':>5} {'FA':>6} {'AUC':>6} {'dir':>6} {'kind':>6}")
    for scheme, result in results.items():
        for row in [*result["groups"], {**result["all"], "group": "(all)"}]:
            cells = " ".join(_format(row[f"recall_{k}"], 7) for k in kinds)
            print(
                f"{scheme:7} {row['group'][:22]:22} {row['pos']:>5} {_format(row['recall'])} {cells} "
                f"{row['neg']:>5} {_format(row['fa'])} {_format(row['auc'])} {_format(row['dir'])} "
                f"{_format(row['kind'])}"
            )
        by_corpus = ", ".join(f"{c} {fa:.3f} ({n})" for c, (fa, n) in result["fa_by_corpus"].items())
        print(f"{'':7} FA by negative corpus: {by_corpus}")
    print(
        "WORST "
        + "  ".join(f"{name} {value:.3f} ({where})" for name, (value, where) in worst(results).items())
    )


def worst(results: dict[str, Any]) -> dict[str, tuple[float, str]]:
    """For each figure, its worst held-out group over every scheme (highest FA, lowest otherwise)."""
    out: dict[str, tuple[float, str]] = {}
    for name in ("recall", "fa", "auc", "dir", "kind"):
        candidates = [
            (row[name], f"{scheme}={row['group']}")
            for scheme, result in results.items()
            for row in result["groups"]
            if row[name] is not None
        ]
        if candidates:
            out[name] = max(candidates) if name == "fa" else min(candidates)
    return out


def signal_auc(
    pairs: list[Pair], features: Matrix, names: list[str], folds: Iterable[Fold]
) -> dict[str, dict[str, float | None]]:
    """Per feature, per held-out group: AUC on the test pairs, oriented by the training pairs' AUC."""
    labels = np.array([pair.derived for pair in pairs], dtype=bool)
    out: dict[str, dict[str, float | None]] = {name: {} for name in names}
    for fold in folds:
        test_labels = labels[fold.test]
        for column, name in enumerate(names):
            if not 0 < test_labels.sum() < len(test_labels):
                out[name][f"{fold.scheme}={fold.group}"] = None
                continue
            flip = roc_auc_score(labels[fold.train], features[fold.train, column]) < 0.5
            value = roc_auc_score(test_labels, features[fold.test, column])
            out[name][f"{fold.scheme}={fold.group}"] = float(1 - value if flip else value)
    return out


def print_signal_auc(aucs: dict[str, dict[str, float | None]], schemes: list[str], top: int) -> None:
    """Per scheme, the features with the best worst-group AUC, one column per held-out group."""
    for scheme in schemes:
        groups = [key for key in next(iter(aucs.values())) if key.startswith(f"{scheme}=")]

        def worst_auc(name: str, groups: list[str] = groups) -> float:
            return min((aucs[name][g] or 1.0) for g in groups)

        ranked = sorted(aucs, key=worst_auc, reverse=True)[:top]
        print(f"\none-signal AUC on held-out {scheme} groups (oriented on training; by worst group)")
        print(f"{'signal':28} {'worst':>6} " + " ".join(f"{g.split('=', 1)[1][:9]:>9}" for g in groups))
        for name in ranked:
            print(
                f"{name[:28]:28} {worst_auc(name):>6.3f} "
                + " ".join(_format(aucs[name][g], 9) for g in groups)
            )


def evaluate(args: argparse.Namespace) -> dict[str, Any]:
    """Load pairs and features, run every scheme's folds in the chosen mode, return the results."""
    started = time.perf_counter()
    pairs = load_pairs(
        args.corpora, limit_per_corpus=args.limit_per_corpus, seed=args.seed, min_words=args.min_words
    )
    rows_by_id, timing = load_features(pairs, args.processes)
    errors = [row for row in rows_by_id.values() if "error" in row]
    for row in errors:
        print(f"skipped {row['id']}: {row['error']}", file=sys.stderr)
    pairs = [pair for pair in pairs if "error" not in rows_by_id[pair.id]]
    rows = [rows_by_id[pair.id] for pair in pairs]
    names = args.features.split(",") if args.features else list(rows[0]["scores"])
    unknown = sorted(set(names) - set(available_features(rows[0])))
    if unknown:
        raise SystemExit(
            f"error: unknown features {unknown}; known: {', '.join(available_features(rows[0]))}"
        )
    features = feature_matrix(rows, names)
    directions = np.nan_to_num(np.array([list(row["direction"].values()) for row in rows], dtype=np.float64))
    shipped_kinds: list[str | None] = [row["kind"] for row in rows]
    shipped = Predictions(
        np.array([row["probability"] for row in rows]),
        np.array([row["derived"] for row in rows], dtype=bool),
        [row["original"] for row in rows],
        shipped_kinds,
    )
    fit = None if args.shipped else resolve_model(args.model)
    results: dict[str, Any] = {}
    per_pair: list[dict[str, Any]] = []
    all_folds: list[Fold] = []
    for scheme in args.schemes.split(","):
        folds = make_folds(pairs, scheme, args.seed)
        all_folds += folds
        held: list[int] = []
        score, derived = np.zeros(len(pairs)), np.zeros(len(pairs), dtype=bool)
        original: list[str | None] = [None] * len(pairs)
        group_rows = []
        for fold in folds:
            test_pairs = [pairs[i] for i in fold.test]
            if fit is None:
                predictions = Predictions(
                    shipped.score[fold.test],
                    shipped.derived[fold.test],
                    [shipped.original[i] for i in fold.test],
                    [shipped_kinds[i] for i in fold.test],
                )
                cut = None
            else:
                predictions, cut = refit_fold(fold, pairs, features, directions, fit, args.fa_target)
            row = {
                "group": fold.group,
                "train": len(fold.train),
                "threshold": cut,
                **figures(test_pairs, predictions),
            }
            group_rows.append(row)
            for position, i in enumerate(fold.test):
                held.append(i)
                score[i], derived[i] = predictions.score[position], predictions.derived[position]
                original[i] = predictions.original[position]
                per_pair.append(
                    {
                        "scheme": scheme,
                        "group": fold.group,
                        "id": pairs[i].id,
                        "score": float(score[i]),
                        "derived": bool(derived[i]),
                        "original": original[i],
                    }
                )
        held_pairs = [pairs[i] for i in held]
        kinds = None if fit is not None else [shipped_kinds[i] for i in held]
        pooled = Predictions(score[held], derived[held], [original[i] for i in held], kinds)
        results[scheme] = {
            "groups": group_rows,
            "all": figures(held_pairs, pooled),
            "fa_by_corpus": false_alarms_by_corpus(held_pairs, derived[held]),
        }
    timing["total_s"] = time.perf_counter() - started
    output: dict[str, Any] = {
        "mode": "shipped" if fit is None else f"refit:{args.model}",
        "features": names,
        "fa_target": args.fa_target,
        "limit_per_corpus": args.limit_per_corpus,
        "min_words": args.min_words,
        "seed": args.seed,
        "pairs": len(pairs),
        "errors": len(errors),
        "source_tree": timing.pop("tree"),
        "dedup_package": str(Path(dedup.__file__).resolve().parent),
        "results": results,
        "worst": worst(results),
        "timing": timing,
    }
    if args.signal_auc:
        output["signal_auc"] = signal_auc(pairs, features, names, all_folds)
    if args.json:
        output["per_pair"] = per_pair
        output["pair_labels"] = [pair.summary() for pair in pairs]
    return output


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--shipped", action="store_true", help="judge the verdict dedup ships")
    mode.add_argument(
        "--model", help=f"refit per held-out group: {', '.join(sorted(MODELS))} or module:function"
    )
    parser.add_argument(
        "--features", default="", help="comma-separated feature names (default: every Scores field)"
    )
    parser.add_argument("--schemes", default=",".join(SCHEMES))
    parser.add_argument("--limit-per-corpus", type=int, default=None)
    parser.add_argument("--min-words", type=int, default=0, help="drop pairs with a text shorter than this")
    parser.add_argument("--fa-target", type=float, default=0.01)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--corpora", type=Path, default=CORPORA)
    parser.add_argument("--signal-auc", action="store_true", help="print one-signal AUC per held-out group")
    parser.add_argument("--top", type=int, default=12, help="signals shown by --signal-auc")
    parser.add_argument("--json", type=Path, help="write every figure and per-pair prediction here")
    args = parser.parse_args()
    # One thread each for OpenMP and BLAS: on this 2-core machine HGB's threads made a fit 8x slower.
    with threadpool_limits(limits=1):
        output = evaluate(args)
    timing = output["timing"]
    print(
        f"{output['mode']}: {output['pairs']} pairs ({output['errors']} errors), features "
        f"{len(output['features'])}, FA target {output['fa_target']}, dedup {output['dedup_package']} "
        f"(tree {output['source_tree']}); "
        f"compare: {timing['computed']} computed in {timing['wall_s']:.0f}s wall "
        f"({timing['compare_cpu_s']:.0f}s cpu over all pairs), total {timing['total_s']:.0f}s"
    )
    print_table(output["results"])
    if args.signal_auc:
        print_signal_auc(output["signal_auc"], args.schemes.split(","), args.top)
    if args.json:
        args.json.write_text(json.dumps(output, indent=1, default=str))


if __name__ == "__main__":
    main()
