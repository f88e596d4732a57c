"""The marker lexicon of the certainty scorer: word lists of hedges, modals, boosters and attribution.

Each group of phrases shares one fitted weight in dedup.facts.claim_strength; the sources of every
list are named beside it. Standard library only, like the scorer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Marker classes reported by certainty_markers; groups with class "" are features of the score only.
HEDGE, MODAL, ATTRIBUTION, BOOSTER = "hedge", "modal", "attribution", "booster"
VAGUE_FIGURE, ASSOCIATION, CAUSAL = "vague figure", "association", "causal"

NUMBER = "<num>"
# Look-aheads, not consumed: the next word is (not) a determiner or a number ("is due to open" is
# scheduled, "is due to the rain" gives a cause).
NOT_DETERMINER, DETERMINER = "<not-det>", "<det>"
TOKEN = re.compile(r"[A-Za-z]+(?:['\u2019][A-Za-z]+)*|\d+(?:[.,]\d+)*")


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


DETERMINERS = frozenset(
    _phrases("a, an, the, this, that, these, those, his, her, its, their, our, my, your, some, any, no, each")
)
NUMBER_WORDS = frozenset(
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
            f"predicted to, is due to {NOT_DETERMINER}, are due to {NOT_DETERMINER}, due to be, "
            "plans to, planned to, aims to, intends to"
        ),
    ),
    MarkerGroup("hedge_hope", HEDGE, -1, _phrases("hope, hopes, hoped, hoping, hopes to, hoped to")),
    MarkerGroup(
        "approximator",
        VAGUE_FIGURE,
        -1,
        tuple(f"{word} {NUMBER}" for word in _APPROXIMATORS)
        + tuple(f"{word} a {NUMBER}" for word in _APPROXIMATORS)
        + (f"{NUMBER} or so", "circa", "ca"),
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
            f"due to {DETERMINER}, responsible for, as a result of, attributable to, effect of, "
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
    MarkerGroup("figure", "", 0, (NUMBER,)),
)
