"""Fit the claim-strength scorer's weights (dedup/facts/claim_strength.json); print held-out figures.

Usage:
    python benchmarks/fit_certainty.py [--corpora ../shared/corpora] [--write]

Takes about two minutes. Without --write it only prints; with it, it also writes the JSON. Two runs
write the same bytes (fixed folds, fixed bootstrap seed, no sampling elsewhere).

Data (read from the shared corpora, never copied):
  certainty  certainty-sci-comm/sentence-level-certainty.jsonl: findings rated 1-6 (Pei & Jurgens 2021)
  aspects    certainty-sci-comm/aspect-level-certainty.jsonl: per finding, Number / Extent / Probability
             rated Certain, Uncertain or NotPresent; target = #Certain - #Uncertain over those three
  claims     claim-strength/annotated_{eureka,pubmed}.csv: 1 correlational, 2 conditional causal,
             3 direct causal (Yu et al. 2019). Label 0 ("no relationship") is left out: a sentence that
             states no relation is not a weaker claim than one that states a correlation.
  check      sci-exaggeration/insciout_{train,test}.jsonl: abstract -> press-release conclusion pairs,
             same / exaggerates / downplays (Wright & Augenstein 2021)
  news       rewrites/ and rewrites-wide/ cases.jsonl: softened / hardened fact changes by five LLM
             writers (r0 = rewrites/, w1-w4), "altered" changes standing in for "same"; the sentence
             around each labelled span is scored. Evaluation only, but its errors were read while the
             marker lexicon was written (hopes, it is thought, allegations, exactly, vague sources),
             so its figures are development figures, not held-out ones.
Training sentences sharing an 8-word run with any InSciOut sentence are dropped. Each training target
is z-scored within its set (claims within eureka and pubmed separately), and the three sets get equal
total weight.

Model (shipped): score = intercept + sum over marker groups of weight x min(count, 1). The weights
minimise weighted squared error + alpha * |w - w0|^2 with alpha = 10, where the prior w0 is 0.4 in each
group's MarkerGroup.direction (hedges -0.4, boosters +0.4, 0 where either sign is plausible), and each
weight is bounded to that sign (L-BFGS-B). The prior matters only for groups the science data hardly
contains ("will", "hopes", vague sources); elsewhere the data decides. Weights: fitted on all of
certainty + aspects + claims. Thresholds on score(rewrite) - score(original): fitted on insciout_train
(100 pairs) only, maximising macro-F1. insciout_test, the news changes and the held-out folds are not
used to fit any shipped number.

Columns: cert / aspect / claim = Spearman on held-out folds (5 folds by a hash of the sentence, or of
the PubMed id for eureka press releases so a release stays in one fold; the recipe is refitted on four
folds of every set); c.acc = claim accuracy over classes 1-3, cut at the training folds' class shares;
ca>cl, cl>ce, eu>pu, pu>eu = Spearman when fitted on one set and scored on another (certainty+aspects
-> claims, claims -> certainty, eureka -> pubmed, pubmed -> eureka); isoF1 = insciout_test macro-F1
with thresholds fitted on insciout_train; isoRho = Spearman of the score with the 0-3 strength of the
1,126 InSciOut test sentences; newsAUC = AUC of the score difference, hardened vs softened;
newsF1 = 3-way macro-F1 on news at the InSciOut thresholds.

Output of the shipped run:
    numpy 2.4.6, scikit-learn 1.9.1, scipy 1.17.1
    training: certainty 1549, aspects 1758, claims 3265 sentences (34 dropped for sharing an 8-word run with
      InSciOut); InSciOut 100 train / 563 test pairs; news 301 changes

    variant                               cert  aspect   claim   c.acc   ca>cl   cl>ce   eu>pu   pu>eu
    word list, unfitted (baseline)       0.399   0.447  -0.019   0.518       -       -       -       -
    groups, plain least squares          0.542   0.525   0.378   0.545   0.052   0.116   0.566   0.618
    groups, prior + signs (shipped)      0.538   0.524   0.382   0.561   0.063   0.134   0.571   0.616
      same, without aspects              0.502   0.421   0.480   0.626       -       -       -       -
      same, without claims               0.577   0.612   0.052   0.459       -       -       -       -
      + 300 closed n-grams               0.534   0.539   0.444   0.563  -0.009   0.089   0.646   0.672
      + 300 open n-grams                 0.515   0.514   0.463   0.575  -0.009   0.086   0.672   0.694

    variant                              isoF1  isoRho newsAUC  newsF1
    word list, unfitted (baseline)       0.349   0.038   0.808   0.607
    groups, plain least squares          0.408   0.206   0.852   0.525
    groups, prior + signs (shipped)      0.402   0.208   0.866   0.560
      same, without aspects              0.418   0.249   0.807   0.471
      same, without claims               0.370   0.022   0.891   0.515
      + 300 closed n-grams               0.413   0.235   0.836   0.509
      + 300 open n-grams                 0.400   0.225   0.832   0.453

    shipped, news AUC per writer: r0 0.905, w1 0.765, w2 0.926, w3 0.905, w4 0.852
    shipped thresholds (fitted on insciout_train): softened_below -0.4343, hardened_above 0.1994
    shipped group weights: modal_possibility -0.962, modal_ability -0.069, modal_conditional -0.477,
      modal_obligation -0.391, modal_will +0.045, modal_must +0.179, hedge_verb -0.163, hedge_adverb -0.697,
      hedge_evidential -0.408, hedge_tentative -0.700, hedge_expectation -0.450, hedge_hope -0.473,
      approximator -0.458, vague_quantity -0.150, vague_size +0.000, booster_adverb +0.100, booster_verb
      +0.074, evidence_verb +0.000, attribution -0.032, attribution_vague -0.117, association -0.581, causal
      +0.317, conditional -0.157, negation +0.189, figure +0.210
    insciout test macro-F1 through the runtime module: 0.402 (word list 0.349; gain 95% bootstrap CI [0.005,
      0.103], 2,000 resamples of the 563 test pairs, seed 0)
    news macro-F1 with thresholds refitted on news, one writer left out: word list 0.607 (thresholds
      -0.50/+0.50, -0.50/+0.50, -0.50/+0.50, -0.50/+0.50, -0.50/+0.50)
    news macro-F1 with thresholds refitted on news, one writer left out: shipped 0.660 (thresholds
      -0.11/+0.03, -0.11/+0.02, -0.12/+0.03, -0.11/+0.07, -0.08/+0.03)
    certainty_score speed: 46,436 sentences/s on 1326 InSciOut sentences
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import shutil
import tempfile
import time
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt
import scipy
import scipy.sparse as sp
import sklearn
from scipy.optimize import minimize
from scipy.stats import spearmanr
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
from sklearn.metrics import f1_score, roc_auc_score

from dedup.facts import claim_markers, claim_strength

FOLDS = 5
MAX_COUNT = 1  # a group counts once per sentence: counts of 2-3 did no better on any check
GROUPS = [group.name for group in claim_strength.MARKER_GROUPS]
DIRECTIONS = np.array([group.direction for group in claim_strength.MARKER_GROUPS], dtype=float)
PAIR_LABELS = ("downplays", "same", "exaggerates")
_WORD = re.compile(r"[a-z0-9]+")


@dataclass
class Labelled:
    """Sentences of one training set with their z-scored targets and fold keys."""

    name: str
    texts: list[str]
    targets: npt.NDArray[np.float64]
    raw: npt.NDArray[np.float64]
    folds: npt.NDArray[np.int64]
    sources: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Recipe:
    """How one variant is fitted."""

    prior: float = 0.4
    alpha: float = 10.0
    is_bounded: bool = True
    vocabulary_size: int = 0
    is_closed_vocabulary: bool = True  # n-grams of function words and marker words only
    min_df: int = 5  # an n-gram must occur this often in every training set


@dataclass
class Fitted:
    """Fitted weights over marker groups and (optionally) an n-gram vocabulary."""

    intercept: float
    group_weights: npt.NDArray[np.float64]
    vocabulary: list[str]
    ngram_weights: npt.NDArray[np.float64]


class Features:
    """Marker-group counts and n-gram indicators of every sentence, computed once."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.row = {text: i for i, text in enumerate(dict.fromkeys(texts))}
        computed = [claim_strength.sentence_features(text) for text in self.row]
        self.groups = np.zeros((len(computed), len(GROUPS)))
        for i, features in enumerate(computed):
            for name, count in features.group_counts:
                self.groups[i, GROUPS.index(name)] = min(count, MAX_COUNT)
        self.ngrams = sorted({ngram for features in computed for ngram in features.ngrams})
        column = {ngram: j for j, ngram in enumerate(self.ngrams)}
        rows = [i for i, features in enumerate(computed) for _ in features.ngrams]
        columns = [column[ngram] for features in computed for ngram in features.ngrams]
        self.indicators = sp.csr_matrix(
            (np.ones(len(rows)), (rows, columns)), shape=(len(computed), len(self.ngrams))
        )
        closed = set(ENGLISH_STOP_WORDS) | {"<num>"}
        closed |= {w for g in claim_strength.MARKER_GROUPS for p in g.phrases for w in p.split()}
        self.is_closed = np.array([all(word in closed for word in ngram.split()) for ngram in self.ngrams])

    def rows(self, texts: Sequence[str]) -> npt.NDArray[np.int64]:
        """Return the row of each text in the feature matrices."""
        return np.array([self.row[text] for text in texts], dtype=np.int64)


def _grams(text: str, n: int = 8) -> set[tuple[str, ...]]:
    words = _WORD.findall(text.lower())
    return {tuple(words[i : i + n]) for i in range(max(1, len(words) - n + 1))}


def _fold(key: str) -> int:
    return zlib.crc32(key.encode()) % FOLDS


def _z(values: Sequence[float]) -> npt.NDArray[np.float64]:
    array = np.asarray(values, dtype=np.float64)
    standardised: npt.NDArray[np.float64] = (array - array.mean()) / array.std()
    return standardised


def load_training(root: Path, check_grams: set[tuple[str, ...]]) -> tuple[list[Labelled], int]:
    """Certainty, aspect and claim-strength sentences, without those that overlap the check set."""
    dropped = 0

    def keep(text: str) -> bool:
        nonlocal dropped
        if _grams(text) & check_grams:
            dropped += 1
            return False
        return True

    rated = [json.loads(line) for line in (root / "certainty-sci-comm/sentence-level-certainty.jsonl").open()]
    rated = [row for row in rated if keep(row["finding"])]
    certainty = Labelled(
        "certainty",
        [row["finding"] for row in rated],
        _z([row["sentence-level-certainty"] for row in rated]),
        np.array([row["sentence-level-certainty"] for row in rated]),
        np.array([_fold(row["finding"]) for row in rated]),
    )
    aspect_rows = [
        json.loads(line) for line in (root / "certainty-sci-comm/aspect-level-certainty.jsonl").open()
    ]
    aspect_rows = [row for row in aspect_rows if keep(row["finding"])]
    aspect_raw = [
        sum(
            (row["aspect-level-certainty"][aspect] == "Certain")
            - (row["aspect-level-certainty"][aspect] == "Uncertain")
            for aspect in ("Number", "Extent", "Probability")
        )
        for row in aspect_rows
    ]
    aspects = Labelled(
        "aspects",
        [row["finding"] for row in aspect_rows],
        _z(aspect_raw),
        np.array(aspect_raw, dtype=float),
        np.array([_fold(row["finding"]) for row in aspect_rows]),
    )
    texts, labels, folds, sources = [], [], [], []
    for source in ("eureka", "pubmed"):
        with (root / f"claim-strength/annotated_{source}.csv").open(newline="") as handle:
            for row in csv.DictReader(handle):
                if int(row["label"]) == 0 or not keep(row["sentence"]):
                    continue
                key = row["sentId"].split("-")[0] if source == "eureka" else row["sentence"]
                texts.append(row["sentence"])
                labels.append(int(row["label"]))
                folds.append(_fold(key))
                sources.append(source)
    raw = np.array(labels, dtype=float)
    targets = np.zeros(len(raw))
    for source in ("eureka", "pubmed"):
        mask = np.array([s == source for s in sources])
        targets[mask] = _z(raw[mask])
    claims = Labelled("claims", texts, targets, raw, np.array(folds), sources)
    return [certainty, aspects, claims], dropped


def load_pairs(root: Path, split: str) -> list[dict[str, object]]:
    path = root / f"sci-exaggeration/insciout_{split}.jsonl"
    return [json.loads(line) for line in path.open()]


_BOUNDARY = re.compile(r"(?<=[.!?])[\"\u201d\u2019)]*\s+|\n+")


def _sentence_around(text: str, start: int, end: int) -> str:
    first = 0
    for match in _BOUNDARY.finditer(text, 0, start):
        first = match.end()
    following = _BOUNDARY.search(text, max(end, first))
    return text[first : following.start() if following else len(text)].strip()


def load_news(root: Path) -> list[dict[str, str]]:
    """Sentences around each softened, hardened and altered change of the labelled rewrites."""
    changes = []
    for corpus in ("rewrites", "rewrites-wide"):
        for line in (root / corpus / "cases.jsonl").open():
            case = json.loads(line)
            if not case.get("changes"):
                continue
            original = (root / corpus / case["original"]).read_text(encoding="utf-8")
            derivative = (root / corpus / case["derivative"]).read_text(encoding="utf-8")
            for change in case["changes"]:
                if change["type"] not in ("softened", "hardened", "altered") or not change["derivative_span"]:
                    continue
                o_start, d_start = change["original_start"], change["derivative_start"]
                changes.append(
                    {
                        "type": change["type"],
                        "writer": case.get("writer") or "r0",
                        "original": _sentence_around(
                            original, o_start, o_start + len(change["original_span"])
                        ),
                        "rewrite": _sentence_around(
                            derivative, d_start, d_start + len(change["derivative_span"])
                        ),
                    }
                )
    return changes


def fit(
    recipe: Recipe, sets: Sequence[Labelled], features: Features, masks: Sequence[npt.NDArray[np.bool_]]
) -> Fitted:
    """Fit one recipe on the masked rows of each set; each set gets equal total weight."""
    rows = np.concatenate([features.rows(s.texts)[m] for s, m in zip(sets, masks, strict=True)])
    y = np.concatenate([s.targets[m] for s, m in zip(sets, masks, strict=True)])
    weights = np.concatenate([np.full(int(m.sum()), 1.0 / m.sum()) for m in masks]) * len(rows) / len(sets)
    vocabulary = np.array([], dtype=np.int64)
    if recipe.vocabulary_size:
        frequent = np.ones(len(features.ngrams), dtype=bool)
        for s, m in zip(sets, masks, strict=True):
            frequent &= (
                np.asarray(features.indicators[features.rows(s.texts)[m]].sum(0)).ravel() >= recipe.min_df
            )
        if recipe.is_closed_vocabulary:
            frequent &= features.is_closed
        candidates = np.flatnonzero(frequent)
        indicators = features.indicators[rows][:, candidates]
        centred = y - np.average(y, weights=weights)
        # Rank n-grams by weighted covariance with the target over sqrt(frequency): a t-like score.
        strength = np.abs(indicators.T @ (weights * centred)) / np.sqrt(indicators.T @ weights + 1.0)
        vocabulary = candidates[np.argsort(-strength, kind="stable")[: recipe.vocabulary_size]]
    design = _design(features, rows, vocabulary)
    signs = np.concatenate([DIRECTIONS, np.zeros(len(vocabulary))])
    prior = np.concatenate([recipe.prior * DIRECTIONS, np.zeros(len(vocabulary))])
    mean_x = np.average(design, axis=0, weights=weights)
    mean_y = float(np.average(y, weights=weights))
    centred_x, centred_y = design - mean_x, y - mean_y

    def loss(beta: npt.NDArray[np.float64]) -> tuple[float, npt.NDArray[np.float64]]:
        residual = centred_y - centred_x @ beta
        value = float((weights * residual**2).sum() + recipe.alpha * ((beta - prior) ** 2).sum())
        return value, -2 * centred_x.T @ (weights * residual) + 2 * recipe.alpha * (beta - prior)

    bounds = [
        ((None, 0.0) if sign < 0 else (0.0, None) if sign > 0 else (None, None))
        if recipe.is_bounded
        else (None, None)
        for sign in signs
    ]
    beta = minimize(loss, prior, jac=True, method="L-BFGS-B", bounds=bounds, options={"maxiter": 5000}).x
    return Fitted(
        intercept=mean_y - float(mean_x @ beta),
        group_weights=beta[: len(GROUPS)],
        vocabulary=[features.ngrams[j] for j in vocabulary],
        ngram_weights=beta[len(GROUPS) :],
    )


def _design(
    features: Features, rows: npt.NDArray[np.int64], vocabulary: npt.NDArray[np.int64]
) -> npt.NDArray[np.float64]:
    if not len(vocabulary):
        return features.groups[rows]
    return np.hstack([features.groups[rows], features.indicators[rows][:, vocabulary].toarray()])


def predictor(model: Fitted, features: Features) -> Callable[[Sequence[str]], npt.NDArray[np.float64]]:
    column = {ngram: j for j, ngram in enumerate(features.ngrams)}
    vocabulary = np.array([column[ngram] for ngram in model.vocabulary], dtype=np.int64)
    weights = np.concatenate([model.group_weights, model.ngram_weights])
    return lambda texts: _design(features, features.rows(texts), vocabulary) @ weights + model.intercept


def word_list(features: Features) -> Callable[[Sequence[str]], npt.NDArray[np.float64]]:
    """The unfitted baseline: +1 per booster group present, -1 per hedge, modal or vague-figure group."""
    classes = {
        claim_markers.HEDGE,
        claim_markers.MODAL,
        claim_markers.BOOSTER,
        claim_markers.VAGUE_FIGURE,
    }
    signs = np.array(
        [g.direction if g.marker_class in classes else 0 for g in claim_strength.MARKER_GROUPS], float
    )
    return lambda texts: features.groups[features.rows(texts)] @ signs


def _macro_f1(expected: npt.NDArray[np.str_], predicted: npt.NDArray[np.str_]) -> float:
    return float(f1_score(expected, predicted, labels=list(PAIR_LABELS), average="macro", zero_division=0.0))


def decide(
    differences: npt.NDArray[np.float64], softened_below: float, hardened_above: float
) -> npt.NDArray[np.str_]:
    """Map score differences (rewrite - original) to downplays / same / exaggerates."""
    return np.where(
        differences > hardened_above,
        "exaggerates",
        np.where(differences < softened_below, "downplays", "same"),
    )


def fit_thresholds(
    differences: npt.NDArray[np.float64], labels: npt.NDArray[np.str_]
) -> tuple[float, float, float]:
    """Return (macro-F1, softened_below, hardened_above) maximising macro-F1 on these pairs.

    Candidates are the midpoints between observed differences; ties keep the first found (the
    smallest hardened_above, then the lowest softened_below).
    """
    # Rounded first: the same marker change scored in two sentences can differ in the last bits, and a
    # cut between two such copies would split equal differences by float noise.
    differences = np.round(differences, 9)
    values = np.unique(np.concatenate([differences, [0.0]]))
    cuts = (values[1:] + values[:-1]) / 2
    best = (-1.0, 0.0, 0.0)
    for hardened_above in cuts[cuts >= 0]:
        for softened_below in cuts[cuts <= 0]:
            score = _macro_f1(labels, decide(differences, softened_below, hardened_above))
            if score > best[0] + 1e-12:
                best = (score, float(softened_below), float(hardened_above))
    return best


def _ordinal_accuracy(
    train: tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]],
    test: tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]],
) -> tuple[float, float]:
    """Accuracy and macro-F1 of classes cut from scores at the training (scores, labels) class shares."""
    classes = np.unique(train[1])
    shares = np.cumsum([np.mean(train[1] == c) for c in classes])[:-1]
    predicted = classes[np.searchsorted(np.quantile(train[0], shares), test[0])]
    return float(np.mean(predicted == test[1])), float(f1_score(test[1], predicted, average="macro"))


Scorer = Callable[[Sequence[str]], npt.NDArray[np.float64]]


def _subset(texts: Sequence[str], mask: npt.NDArray[np.bool_]) -> list[str]:
    return [text for text, keep in zip(texts, mask, strict=True) if keep]


@dataclass(frozen=True)
class Variant:
    """A recipe and the training sets it is fitted on."""

    name: str
    recipe: Recipe | None  # None: the unfitted word list
    trained_on: tuple[str, ...] = ("certainty", "aspects", "claims")


def _fit_on(variant: Variant, sets: list[Labelled], features: Features, fold: int | None) -> Scorer:
    if variant.recipe is None:
        return word_list(features)
    chosen = [s for s in sets if s.name in variant.trained_on]
    masks = [s.folds != fold if fold is not None else np.ones(len(s.texts), dtype=bool) for s in chosen]
    return predictor(fit(variant.recipe, chosen, features, masks), features)


def held_out(variant: Variant, sets: list[Labelled], features: Features) -> dict[str, float]:
    """Refit on four folds, score the fifth: Spearman per set, claim accuracy and macro-F1 (classes 1-3)."""
    predictions = [np.zeros(len(s.texts)) for s in sets]
    accuracies, macro_f1s = [], []
    claims = sets[2]
    for fold in range(FOLDS):
        score = _fit_on(variant, sets, features, fold)
        for s, out in zip(sets, predictions, strict=True):
            out[s.folds == fold] = score(_subset(s.texts, s.folds == fold))
        train = claims.folds != fold
        accuracy, macro_f1 = _ordinal_accuracy(
            (score(_subset(claims.texts, train)), claims.raw[train]),
            (predictions[2][~train], claims.raw[~train]),
        )
        accuracies.append(accuracy)
        macro_f1s.append(macro_f1)
    figures = {
        f"{s.name} rho": float(spearmanr(p, s.raw).statistic) for s, p in zip(sets, predictions, strict=True)
    }
    figures["claims accuracy"] = float(np.mean(accuracies))
    figures["claims macro-F1"] = float(np.mean(macro_f1s))
    return figures


def transfer(variant: Variant, sets: list[Labelled], features: Features) -> dict[str, float]:
    """Fit on one set, score another the fit never saw."""
    if variant.recipe is None or variant.trained_on != Variant("", None).trained_on:
        return {}  # the word list is unfitted; the data-mix variants share the shipped recipe's figures
    certainty, _, claims = sets
    figures = {}
    on_certainty = _fit_on(Variant("", variant.recipe, ("certainty", "aspects")), sets, features, None)
    figures["certainty+aspects -> claims rho"] = float(
        spearmanr(on_certainty(claims.texts), claims.raw).statistic
    )
    on_claims = _fit_on(Variant("", variant.recipe, ("claims",)), sets, features, None)
    figures["claims -> certainty rho"] = float(spearmanr(on_claims(certainty.texts), certainty.raw).statistic)
    for source, target in (("eureka", "pubmed"), ("pubmed", "eureka")):
        train = np.array([s == source for s in claims.sources])
        model = fit(variant.recipe, [claims], features, [train])
        test_scores = predictor(model, features)(_subset(claims.texts, ~train))
        figures[f"{source} -> {target} rho"] = float(spearmanr(test_scores, claims.raw[~train]).statistic)
    return figures


def check_pairs(
    score: Scorer, train: list[dict[str, object]], test: list[dict[str, object]]
) -> dict[str, float]:
    """Fit the two thresholds on insciout_train; macro-F1 and sentence Spearman on insciout_test."""

    def differences(pairs: list[dict[str, object]]) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.str_]]:
        press = score([str(p["press_release_conclusion"]) for p in pairs])
        abstract = score([str(p["abstract_conclusion"]) for p in pairs])
        return press - abstract, np.array([str(p["exaggeration_label"]) for p in pairs])

    train_differences, train_labels = differences(train)
    train_f1, softened_below, hardened_above = fit_thresholds(train_differences, train_labels)
    test_differences, test_labels = differences(test)
    sentences = [str(p["press_release_conclusion"]) for p in test] + [
        str(p["abstract_conclusion"]) for p in test
    ]
    strengths = [str(p["press_release_strength"]) for p in test] + [str(p["abstract_strength"]) for p in test]
    return {
        "insciout train macro-F1": train_f1,
        "insciout test macro-F1": _macro_f1(
            test_labels, decide(test_differences, softened_below, hardened_above)
        ),
        "insciout test sentence rho": float(
            spearmanr(score(sentences), [int(s) for s in strengths]).statistic
        ),
        "softened_below": softened_below,
        "hardened_above": hardened_above,
    }


def check_news(
    score: Scorer, changes: list[dict[str, str]], softened_below: float, hardened_above: float
) -> dict[str, float]:
    """AUC of the score difference, hardened vs softened, overall and per writer; 3-way macro-F1."""
    difference = score([c["rewrite"] for c in changes]) - score([c["original"] for c in changes])
    kinds = np.array([c["type"] for c in changes])
    writers = np.array([c["writer"] for c in changes])
    directed = kinds != "altered"
    figures = {"news AUC": float(roc_auc_score(kinds[directed] == "hardened", difference[directed]))}
    for writer in sorted(set(writers)):
        mask = directed & (writers == writer)
        figures[f"news AUC {writer}"] = float(roc_auc_score(kinds[mask] == "hardened", difference[mask]))
    expected = np.where(
        kinds == "hardened", "exaggerates", np.where(kinds == "softened", "downplays", "same")
    )
    figures["news macro-F1"] = _macro_f1(expected, decide(difference, softened_below, hardened_above))
    return figures


def news_left_out(score: Scorer, changes: list[dict[str, str]]) -> tuple[float, list[tuple[float, float]]]:
    """3-way macro-F1 on news with thresholds fitted on the other writers' changes, one writer left out."""
    difference = score([c["rewrite"] for c in changes]) - score([c["original"] for c in changes])
    kinds = np.array([c["type"] for c in changes])
    expected = np.where(
        kinds == "hardened", "exaggerates", np.where(kinds == "softened", "downplays", "same")
    )
    writers = np.array([c["writer"] for c in changes])
    predicted = np.empty(len(changes), dtype=object)
    thresholds = []
    for writer in sorted(set(writers)):
        _, below, above = fit_thresholds(difference[writers != writer], expected[writers != writer])
        predicted[writers == writer] = decide(difference[writers == writer], below, above)
        thresholds.append((below, above))
    return _macro_f1(expected, predicted.astype(str)), thresholds


VARIANTS = (
    Variant("word list, unfitted (baseline)", None),
    Variant("groups, plain least squares", Recipe(prior=0.0, is_bounded=False)),
    Variant("groups, prior + signs (shipped)", Recipe()),
    Variant("  same, without aspects", Recipe(), ("certainty", "claims")),
    Variant("  same, without claims", Recipe(), ("certainty", "aspects")),
    Variant("  + 300 closed n-grams", Recipe(vocabulary_size=300)),
    Variant("  + 300 open n-grams", Recipe(vocabulary_size=300, is_closed_vocabulary=False)),
)
SHIPPED = VARIANTS[2]
COLUMNS = (
    ("certainty rho", "cert"),
    ("aspects rho", "aspect"),
    ("claims rho", "claim"),
    ("claims accuracy", "c.acc"),
    ("certainty+aspects -> claims rho", "ca>cl"),
    ("claims -> certainty rho", "cl>ce"),
    ("eureka -> pubmed rho", "eu>pu"),
    ("pubmed -> eureka rho", "pu>eu"),
    ("insciout test macro-F1", "isoF1"),
    ("insciout test sentence rho", "isoRho"),
    ("news AUC", "newsAUC"),
    ("news macro-F1", "newsF1"),
)


def _speed(sentences: Sequence[str], model: claim_strength.ClaimStrengthModel) -> float:
    """Median sentences per second of certainty_score over five runs, after one warm-up."""
    claim_strength.certainty_scores(sentences, model)
    rates = []
    for _ in range(5):
        start = time.perf_counter()
        claim_strength.certainty_scores(sentences, model)
        rates.append(len(sentences) / (time.perf_counter() - start))
    return float(np.median(rates))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_corpora = Path(__file__).resolve().parents[2] / "shared" / "corpora"
    parser.add_argument("--corpora", type=Path, default=default_corpora)
    parser.add_argument("--write", action="store_true", help="write dedup/facts/claim_strength.json")
    args = parser.parse_args()
    root: Path = args.corpora

    train_pairs, test_pairs = load_pairs(root, "train"), load_pairs(root, "test")
    check_grams: set[tuple[str, ...]] = set()
    for pair in train_pairs + test_pairs:
        check_grams |= _grams(str(pair["press_release_conclusion"])) | _grams(
            str(pair["abstract_conclusion"])
        )
    sets, dropped = load_training(root, check_grams)
    news = load_news(root)
    pair_texts = [
        str(p[k])
        for p in train_pairs + test_pairs
        for k in ("press_release_conclusion", "abstract_conclusion")
    ]
    news_texts = [c[k] for c in news for k in ("original", "rewrite")]
    features = Features([t for s in sets for t in s.texts] + pair_texts + news_texts)
    print(f"numpy {np.__version__}, scikit-learn {sklearn.__version__}, scipy {scipy.__version__}")
    print(
        "training: " + ", ".join(f"{s.name} {len(s.texts)}" for s in sets)
        + f" sentences ({dropped} dropped for sharing an 8-word run with InSciOut); "
        + f"InSciOut {len(train_pairs)} train / {len(test_pairs)} test pairs; news {len(news)} changes"
    )  # fmt: skip

    results = {}
    for variant in VARIANTS:
        figures = held_out(variant, sets, features) | transfer(variant, sets, features)
        score = _fit_on(variant, sets, features, None)
        figures |= check_pairs(score, train_pairs, test_pairs)
        figures |= check_news(score, news, figures["softened_below"], figures["hardened_above"])
        results[variant.name] = figures
    for columns in (COLUMNS[:8], COLUMNS[8:]):  # two tables, so that each fits a line
        print("\n" + f"{'variant':34s}" + "".join(f"{short:>8s}" for _, short in columns))
        for name, figures in results.items():
            cells = (f"{figures[key]:8.3f}" if key in figures else f"{'-':>8s}" for key, _ in columns)
            print(f"{name:34s}" + "".join(cells))
    shipped = results[SHIPPED.name]
    print(
        "\nshipped, news AUC per writer: "
        + ", ".join(f"{k[9:]} {v:.3f}" for k, v in shipped.items() if k.startswith("news AUC "))
    )

    assert SHIPPED.recipe is not None
    model = fit(SHIPPED.recipe, sets, features, [np.ones(len(s.texts), dtype=bool) for s in sets])
    print(
        f"shipped thresholds (fitted on insciout_train): softened_below {shipped['softened_below']:.4f}, "
        f"hardened_above {shipped['hardened_above']:.4f}"
    )
    print(
        "shipped group weights: "
        + ", ".join(f"{n} {w:+.3f}" for n, w in zip(GROUPS, model.group_weights, strict=True))
    )
    document = {
        "format": claim_strength.FORMAT,
        "lexicon_sha256": claim_strength.lexicon_digest(),
        "fitted_by": "benchmarks/fit_certainty.py",
        "fitted_on": (
            f"weights: certainty-sci-comm sentence-level ({len(sets[0].texts)}) and aspect-level "
            f"({len(sets[1].texts)}) certainty, claim-strength eureka+pubmed labels 1-3 "
            f"({len(sets[2].texts)}); "
            f"thresholds: sci-exaggeration insciout_train ({len(train_pairs)} pairs)"
        ),
        "max_count": MAX_COUNT,
        "intercept": model.intercept,
        "group_weights": dict(zip(GROUPS, model.group_weights.tolist(), strict=True)),
        "ngram_weights": dict(zip(model.vocabulary, model.ngram_weights.tolist(), strict=True)),
        "thresholds": {
            "softened_below": shipped["softened_below"],
            "hardened_above": shipped["hardened_above"],
        },
        "figures": {
            key: round(value, 4)
            for key, value in shipped.items()
            if key not in ("softened_below", "hardened_above")
        },
    }
    # Score InSciOut again through the runtime module, from the JSON as written, so that the shipped
    # file is checked as well as the fit.
    with tempfile.TemporaryDirectory() as folder:
        written = Path(folder) / "claim_strength.json"
        written.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
        loaded = claim_strength.load_model(written)
        if args.write:
            shutil.copyfile(written, claim_strength.WEIGHTS_FILE)
            print(f"wrote {claim_strength.WEIGHTS_FILE}")

    def runtime(texts: Sequence[str]) -> npt.NDArray[np.float64]:
        return claim_strength.certainty_scores(texts, loaded)

    test_labels = np.array([str(p["exaggeration_label"]) for p in test_pairs])

    def differences(score: Scorer, pairs: list[dict[str, object]]) -> npt.NDArray[np.float64]:
        press = score([str(p["press_release_conclusion"]) for p in pairs])
        return press - score([str(p["abstract_conclusion"]) for p in pairs])

    train_labels = np.array([str(p["exaggeration_label"]) for p in train_pairs])
    _, below, above = fit_thresholds(differences(word_list(features), train_pairs), train_labels)
    predictions = {
        "baseline": decide(differences(word_list(features), test_pairs), below, above),
        # the shipped thresholds, as loaded from the JSON
        "shipped": decide(differences(runtime, test_pairs), loaded.softened_below, loaded.hardened_above),
    }
    rng = np.random.default_rng(0)
    gains = []
    for _ in range(2000):
        sample = rng.integers(0, len(test_labels), len(test_labels))
        gains.append(
            _macro_f1(test_labels[sample], predictions["shipped"][sample])
            - _macro_f1(test_labels[sample], predictions["baseline"][sample])
        )
    low, high = np.percentile(gains, [2.5, 97.5])
    print(
        "insciout test macro-F1 through the runtime module: "
        f"{_macro_f1(test_labels, predictions['shipped']):.3f} "
        f"(word list {_macro_f1(test_labels, predictions['baseline']):.3f}; gain 95% bootstrap CI "
        f"[{low:.3f}, {high:.3f}], 2,000 resamples of the 563 test pairs, seed 0)"
    )
    for name, score in (("word list", word_list(features)), ("shipped", runtime)):
        macro_f1, thresholds = news_left_out(score, news)
        print(
            f"news macro-F1 with thresholds refitted on news, one writer left out: {name} {macro_f1:.3f} "
            "(thresholds " + ", ".join(f"{below:+.2f}/{above:+.2f}" for below, above in thresholds) + ")"
        )
    print(
        f"certainty_score speed: {_speed(pair_texts, loaded):,.0f} sentences/s "
        f"on {len(pair_texts)} InSciOut sentences"
    )


if __name__ == "__main__":
    main()
