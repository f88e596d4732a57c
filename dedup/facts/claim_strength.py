"""Score how certain or strong a sentence's claim is, and find the words that carry that certainty.

The score is linear over marker groups: hand-written word lists (hedges, modal verbs, boosters,
attribution, vague figures, association and causal wording), one fitted weight per group, so a
rewrite that swaps one hedge for another of the same kind changes nothing. The weights were fitted by
``benchmarks/fit_certainty.py`` on science sentences rated for certainty (Pei & Jurgens 2021, sentence
and aspect level) and labelled for correlational vs causal claim strength (Yu et al. 2019); its
docstring gives the data and the held-out figures. The weights file may also weight single words and
word pairs; the shipped one does not, because they did not transfer to news rewrites.

The weights ship as JSON next to this module and are read with ``json`` (never unpickled). This
module imports only the standard library and numpy so that it can move between packages unchanged.

Example:
    >>> certainty_score("Prices may rise.") < certainty_score("Prices will rise.")
    True
    >>> certainty_markers("Prices may rise.")
    ((7, 10, 'modal'),)
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType

import numpy as np
import numpy.typing as npt

WEIGHTS_FILE = Path(__file__).with_suffix(".json")
FORMAT = "dedup.claim_strength/1"

# Marker classes reported by certainty_markers; groups with class "" are features of the score only.
HEDGE, MODAL, ATTRIBUTION, BOOSTER = "hedge", "modal", "attribution", "booster"
VAGUE_FIGURE, ASSOCIATION, CAUSAL = "vague figure", "association", "causal"

_NUMBER = "<num>"
# Look-aheads, not consumed: the next word is (not) a determiner or a number ("is due to open" is
# scheduled, "is due to the rain" gives a cause).
_NOT_DETERMINER, _DETERMINER = "<not-det>", "<det>"
_TOKEN = re.compile(r"[A-Za-z]+(?:['\u2019][A-Za-z]+)*|\d+(?:[.,]\d+)*")


def _phrases(text: str) -> tuple[str, ...]:
    """Split a comma-separated list of phrases (one string per list keeps the lexicon compact)."""
    return tuple(phrase.strip() for phrase in text.split(","))


def _with_third_person(verbs: tuple[str, ...]) -> tuple[str, ...]:
    """Add the -s form of each verb phrase: "lead to" -> "leads to", "worry" -> "worries"."""
    inflected = []
    for verb in verbs:
        first, _, rest = verb.partition(" ")
        if first.endswith(("s", "sh", "ch", "x", "z", "o")):
            first += "es"
        elif first.endswith("y") and first[-2:-1] not in "aeiou":
            first = first[:-1] + "ies"
        else:
            first += "s"
        inflected.append(f"{first} {rest}".strip())
    return verbs + tuple(inflected)


_DETERMINERS = frozenset(
    _phrases("a, an, the, this, that, these, those, his, her, its, their, our, my, your, some, any, no, each")
)
_NUMBER_WORDS = frozenset(
    _phrases(
        "one, two, three, four, five, six, seven, eight, nine, ten, eleven, twelve, fifteen, twenty, thirty, "
        "forty, fifty, sixty, seventy, eighty, ninety, hundred, thousand, million, billion, trillion, dozen, "
        "half, third, quarter, fifth, tenth"
    )
)
_APPROXIMATORS = _phrases(
    "about, around, roughly, approximately, nearly, almost, some, up to, close to, more than, "
    "over, at least, as many as, as much as, an estimated, estimated, upwards of, "
    "in excess of, less than, fewer than, under, just over, just under"
)


@dataclass(frozen=True, slots=True)
class MarkerGroup:
    """Words of one kind of certainty marker; every phrase in a group shares one fitted weight."""

    name: str
    marker_class: str  # what certainty_markers reports; "" for features that are not reported
    direction: int  # -1 lowers certainty, 1 raises it, 0 either: the sign the fit may give the weight
    phrases: tuple[str, ...]


# Sources: hedges and boosters from Hyland (2005) *Metadiscourse* appendix 2; evidential hedges from
# the CoNLL-2010 hedge cues (Farkas et al. 2010); vague sources from Ganter & Strube (2009) "Finding
# hedges by chasing weasels"; modal meanings from Coates (1983); approximators and vague quantities
# from Channell (1994) *Vague Language* ch. 3 and 5; reporting verbs from Thompson & Ye (1991);
# association vs causal wording from the claim-strength guidelines of Yu et al. (2019).
MARKER_GROUPS: tuple[MarkerGroup, ...] = (
    MarkerGroup("modal_possibility", MODAL, -1, _phrases("may, might, could, mightn't, may well")),
    MarkerGroup("modal_ability", MODAL, 0, _phrases("can, cannot, can't")),
    MarkerGroup("modal_conditional", MODAL, -1, _phrases("would, wouldn't")),
    MarkerGroup("modal_obligation", MODAL, 0, _phrases("should, shouldn't, ought to, need to, needs to")),
    MarkerGroup("modal_will", BOOSTER, 1, _phrases("will, won't, shall, is going to, are going to")),
    MarkerGroup("modal_must", BOOSTER, 1, _phrases("must")),
    MarkerGroup(
        "hedge_verb",
        HEDGE,
        -1,
        _phrases(
            "suggest, suggests, suggested, suggesting, indicate, indicates, indicated, indicating, "
            "appear to, appears to, appeared to, seem, seems, seemed, tend to, tends to, tended to, "
            "hint, hints, hinted, imply, implies, point to, points to"
        ),
    ),
    MarkerGroup(
        "hedge_adverb",
        HEDGE,
        -1,
        _phrases(
            "possibly, perhaps, probably, likely, unlikely, potentially, potential, possible, "
            "apparently, presumably, plausibly, conceivably, maybe, arguably, somewhat, partly, "
            "in part, to some extent, it is possible"
        ),
    ),
    MarkerGroup(
        "hedge_evidential",
        HEDGE,
        -1,
        _phrases(
            "reportedly, allegedly, alleged, allege, alleges, allegation, allegations, accused of, "
            "supposedly, purportedly, is thought to, are thought to, was thought to, thought to, "
            "is believed to, are believed to, believed to, is said to, are said to, said to be, "
            "is understood to, it is thought, it is believed, it is understood, it is claimed, "
            "it is alleged, it is said, rumoured, rumored, unconfirmed, claimed to"
        ),
    ),
    MarkerGroup(
        "hedge_tentative",
        HEDGE,
        -1,
        _phrases(
            "preliminary, further research, more research, further studies, further study, "
            "more studies, further work, warranted, unclear, uncertain, unknown, not clear, "
            "remains to be seen, speculation, speculative, may or may not"
        ),
    ),
    MarkerGroup(
        "hedge_expectation",
        HEDGE,
        -1,
        _phrases(
            "expected to, is expected, are expected, expects, anticipated, projected to, forecast to, "
            f"predicted to, is due to {_NOT_DETERMINER}, are due to {_NOT_DETERMINER}, due to be, "
            "plans to, planned to, aims to, intends to"
        ),
    ),
    MarkerGroup("hedge_hope", HEDGE, -1, _phrases("hope, hopes, hoped, hoping, hopes to, hoped to")),
    MarkerGroup(
        "approximator",
        VAGUE_FIGURE,
        -1,
        tuple(f"{word} {_NUMBER}" for word in _APPROXIMATORS)
        + tuple(f"{word} a {_NUMBER}" for word in _APPROXIMATORS)
        + (f"{_NUMBER} or so", "circa", "ca"),
    ),
    MarkerGroup(
        "vague_quantity",
        VAGUE_FIGURE,
        -1,
        _phrases(
            "thousands of, hundreds of, dozens of, millions of, billions of, tens of thousands, "
            "hundreds of thousands, tens of millions, hundreds of millions, scores of, several, many, "
            "numerous, a number of, a few, a handful of, a lot of, lots of, plenty of, countless, "
            "multiple, various, a majority of, the majority of, a large number of, large numbers of, "
            "a fraction of"
        ),
    ),
    MarkerGroup(
        "vague_size",
        VAGUE_FIGURE,
        -1,
        _phrases(
            "significant, significantly, substantial, substantially, considerable, considerably, "
            "sizeable, sizable, marked, markedly, dramatic, dramatically, sharp, sharply, huge, massive"
        ),
    ),
    MarkerGroup(
        "booster_adverb",
        BOOSTER,
        1,
        _phrases(
            "definitely, certainly, clearly, obviously, undoubtedly, undeniably, surely, indeed, "
            "in fact, of course, no doubt, without doubt, beyond doubt, evidently, conclusively, "
            "unequivocally, unquestionably, always, strongly, firmly, exactly, precisely"
        ),
    ),
    MarkerGroup(
        "booster_verb",
        BOOSTER,
        1,
        _phrases(
            "confirm, confirms, confirmed, prove, proves, proved, proven, demonstrate, demonstrates, "
            "demonstrated, establish, establishes, established, definitive, conclusive"
        ),
    ),
    MarkerGroup(
        "evidence_verb", BOOSTER, 1, _phrases("show, shows, showed, shown, reveal, reveals, revealed")
    ),
    MarkerGroup(
        "attribution",
        ATTRIBUTION,
        -1,
        _phrases(
            "according to, said, says, say, told, tells, stated, states, added, adds, reported, "
            "reports, announced, announces, claimed, claims, noted, notes, explained, explains, "
            "wrote, writes, argued, argues, believes, believe, thinks, think, insisted, insists, "
            "warned, warns, commented"
        ),
    ),
    MarkerGroup(
        "attribution_vague",
        ATTRIBUTION,
        -1,
        _phrases(
            "sources, sources say, experts, analysts, officials, critics, insiders, observers, "
            "commentators, some say, one expert, some experts"
        ),
    ),
    MarkerGroup(
        "association",
        ASSOCIATION,
        -1,
        _phrases(
            "associated with, association between, association of, associations between, linked to, "
            "linked with, link between, links between, correlated with, correlation between, "
            "correlates with, related to, relationship between, tied to, connected to, "
            "connection between, predicts, predictor of, predictors of, more likely, less likely, "
            "higher risk, lower risk, increased risk, reduced risk, greater risk, risk factor, odds of"
        ),
    ),
    MarkerGroup(
        "causal",
        CAUSAL,
        1,
        _with_third_person(
            _phrases(
                "cause, lead to, result in, increase, reduce, decrease, improve, prevent, boost, lower, "
                "raise, cut, trigger, protect, slow, halve, double, triple, worsen, enhance, promote, "
                "drive, contribute to, help, affect, influence, alter, benefit, harm, damage, impair, "
                "inhibit, suppress, block, curb, ease, relieve, alleviate, cure, save, kill, extend, "
                "shorten, delay, accelerate, induce, stimulate, activate, weaken, strengthen, fuel, "
                "spur, reverse, restore, eliminate, lessen, diminish, elevate"
            )
        )
        + _phrases(
            "caused, causing, led to, resulted in, prevented, triggered, contributed to, because of, "
            f"due to {_DETERMINER}, responsible for, as a result of, attributable to, effect of, "
            "effects of, effective"
        ),
    ),
    MarkerGroup(
        "conditional",
        "",
        -1,
        _phrases("if, unless, only if, provided that, in some cases, in certain cases"),
    ),
    MarkerGroup(
        "negation",
        "",
        0,
        _phrases(
            "not, no, never, none, neither, nor, without, don't, doesn't, didn't, isn't, aren't, "
            "wasn't, weren't"
        ),
    ),
    MarkerGroup("figure", "", 0, (_NUMBER,)),
)


class MalformedWeightsError(ValueError):
    """The weights file does not match this module's format or marker lexicon.

    A ValueError, not a DedupError: this module imports nothing from dedup, and the file ships with
    the package, so a bad one is a packaging bug rather than bad input.
    """


@dataclass(frozen=True, slots=True)
class ClaimStrengthModel:
    """Fitted weights: an intercept, one weight per marker group, optional word and word-pair weights."""

    intercept: float
    max_count: int  # a group counts at most this many times in one sentence
    # Read-only mappings rather than tuples of pairs: scoring looks weights up by name.
    group_weights: MappingProxyType[str, float]
    ngram_weights: MappingProxyType[str, float]
    softened_below: float  # score(rewrite) - score(original) below this: softened
    hardened_above: float  # ... above this: hardened


@dataclass(frozen=True, slots=True)
class SentenceFeatures:
    """What the score of one sentence is computed from: group counts, words and word pairs."""

    group_counts: tuple[tuple[str, int], ...]
    ngrams: frozenset[str]


def lexicon_digest() -> str:
    """Return a hash of MARKER_GROUPS; the weights file records it so that stale weights fail to load."""
    text = json.dumps([[g.name, g.marker_class, g.direction, list(g.phrases)] for g in MARKER_GROUPS])
    return hashlib.sha256(text.encode()).hexdigest()


def load_model(path: Path = WEIGHTS_FILE) -> ClaimStrengthModel:
    """Read and check a weights file written by benchmarks/fit_certainty.py."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data["format"] != FORMAT:
            raise MalformedWeightsError(f"{path}: format {data['format']!r}, expected {FORMAT!r}")
        if data["lexicon_sha256"] != lexicon_digest():
            raise MalformedWeightsError(f"{path}: fitted on another marker lexicon; rerun fit_certainty.py")
        groups = {str(name): float(weight) for name, weight in data["group_weights"].items()}
        if set(groups) != {group.name for group in MARKER_GROUPS}:
            raise MalformedWeightsError(f"{path}: group weights do not match MARKER_GROUPS")
        ngrams = {str(ngram): float(weight) for ngram, weight in data["ngram_weights"].items()}
        return ClaimStrengthModel(
            intercept=float(data["intercept"]),
            max_count=int(data["max_count"]),
            group_weights=MappingProxyType(groups),
            ngram_weights=MappingProxyType(ngrams),
            softened_below=float(data["thresholds"]["softened_below"]),
            hardened_above=float(data["thresholds"]["hardened_above"]),
        )
    except (OSError, KeyError, TypeError, ValueError, AttributeError) as exc:
        if isinstance(exc, MalformedWeightsError):
            raise
        raise MalformedWeightsError(f"{path}: not a claim-strength weights file ({exc})") from exc


@cache
def default_model() -> ClaimStrengthModel:
    """Return the shipped model (read once)."""
    return load_model()


@cache
def _phrase_index() -> dict[str, tuple[tuple[tuple[str, ...], MarkerGroup], ...]]:
    """Phrases by first word, longest first, so that the longest phrase at a position wins."""
    index: dict[str, list[tuple[tuple[str, ...], MarkerGroup]]] = {}
    for group in MARKER_GROUPS:
        for phrase in group.phrases:
            words = tuple(phrase.split())
            index.setdefault(words[0], []).append((words, group))
    return {first: tuple(sorted(entries, key=lambda e: -len(e[0]))) for first, entries in index.items()}


def _tokens(sentence: str) -> list[tuple[str, int, int]]:
    """Lower-cased words with their spans; curly apostrophes read as straight ones."""
    tokens: list[tuple[str, int, int]] = []
    for match in _TOKEN.finditer(sentence):
        word = match.group()
        # "May" inside a sentence is the month, not the modal; it matches no marker as "<month>".
        lowered = "<month>" if word == "May" and tokens else word.lower().replace("\u2019", "'")
        tokens.append((lowered, match.start(), match.end()))
    return tokens


def _is_number(word: str) -> bool:
    return word[0].isdigit() or word in _NUMBER_WORDS


def _matches_at(words: Sequence[str], position: int, phrase: tuple[str, ...]) -> int:
    """Return how many words the phrase covers at position, or 0 if it does not match there."""
    covered = 0
    for element in phrase:
        index = position + covered
        if element in (_NOT_DETERMINER, _DETERMINER):
            is_determiner = index < len(words) and (words[index] in _DETERMINERS or _is_number(words[index]))
            if is_determiner != (element == _DETERMINER):
                return 0
            continue
        if index >= len(words):
            return 0
        word = words[index]
        if not (word == element or (element == _NUMBER and _is_number(word))):
            return 0
        covered += 1
    return covered


def _find_markers(words: Sequence[str]) -> list[tuple[int, int, MarkerGroup]]:
    """Non-overlapping marker matches, left to right, longest first: (first word, end word, group)."""
    index = _phrase_index()
    found = []
    position = 0
    while position < len(words):
        word = words[position]
        # Number words count only inside phrases ("about a third"); no phrase starts with one.
        for phrase, group in index.get(_NUMBER if word[0].isdigit() else word, ()):
            covered = _matches_at(words, position, phrase)
            if covered:
                found.append((position, position + covered, group))
                position += covered
                break
        else:
            position += 1
    return found


def _group_counts(words: Sequence[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for _, _, group in _find_markers(words):
        counts[group.name] = counts.get(group.name, 0) + 1
    return counts


def _ngrams(words: Sequence[str]) -> frozenset[str]:
    normal = [_NUMBER if word[0].isdigit() else word for word in words]
    return frozenset(normal) | frozenset(f"{a} {b}" for a, b in itertools.pairwise(normal))


def sentence_features(sentence: str) -> SentenceFeatures:
    """Count the marker groups of a sentence and list its words and word pairs (numbers as <num>)."""
    words = [word for word, _, _ in _tokens(sentence)]
    return SentenceFeatures(tuple(sorted(_group_counts(words).items())), _ngrams(words))


def certainty_score(sentence: str, model: ClaimStrengthModel | None = None) -> float:
    """Score how certain or strong the claim of a sentence is; higher means more certain.

    One unit is about one standard deviation of rated certainty. Compare two versions of a sentence
    by their difference (see ``change_direction``), not one score against a fixed cut.
    """
    model = default_model() if model is None else model
    words = [word for word, _, _ in _tokens(sentence)]
    total = model.intercept
    for name, count in _group_counts(words).items():
        total += model.group_weights[name] * min(count, model.max_count)
    if model.ngram_weights:
        # fsum is exact, so the result does not depend on the set's (hash-seeded) iteration order.
        total += math.fsum(model.ngram_weights.get(ngram, 0.0) for ngram in _ngrams(words))
    return total


def certainty_scores(
    sentences: Iterable[str], model: ClaimStrengthModel | None = None
) -> npt.NDArray[np.float64]:
    """Score many sentences (see certainty_score)."""
    return np.array([certainty_score(sentence, model) for sentence in sentences], dtype=np.float64)


def change_direction(original: str, rewrite: str, model: ClaimStrengthModel | None = None) -> int:
    """Return -1 if the rewrite softens the original's claim, 1 if it hardens it, 0 if neither.

    The thresholds on the score difference were fitted on the InSciOut training pairs (paper abstract
    conclusion -> press-release conclusion; Wright & Augenstein 2021), see fit_certainty.py.
    """
    model = default_model() if model is None else model
    difference = certainty_score(rewrite, model) - certainty_score(original, model)
    if difference < model.softened_below:
        return -1
    if difference > model.hardened_above:
        return 1
    return 0


def certainty_markers(sentence: str) -> tuple[tuple[int, int, str], ...]:
    """Return (start, end, marker class) of the words that carry a sentence's certainty.

    Classes: hedge, modal, attribution, booster, vague figure, association, causal.
    ``sentence[start:end]`` is the marker's words, e.g. "may", "according to", "about 300".
    """
    tokens = _tokens(sentence)
    return tuple(
        (tokens[first][1], tokens[end - 1][2], group.marker_class)
        for first, end, group in _find_markers([word for word, _, _ in tokens])
        if group.marker_class
    )
