"""Claim-strength scorer: ordering of hedged and plain claims, exact marker spans, the shipped weights."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dedup.facts import claim_strength
from dedup.facts.claim_strength import (
    MARKER_GROUPS,
    MalformedWeightsError,
    certainty_markers,
    certainty_score,
    change_direction,
    load_model,
)


@pytest.mark.parametrize(
    ("weaker", "stronger"),
    [
        ("Prices may rise next year.", "Prices will rise next year."),
        ("The drug might cut deaths.", "The drug cuts deaths."),
        ("The plant is expected to close.", "The plant will close."),
        ("Coffee is linked to lower blood pressure.", "Coffee lowers blood pressure."),
        ("The minister reportedly resigned.", "The minister resigned."),
        ("It is probably the biggest storm this decade.", "It is the biggest storm this decade."),
        ("The firm hopes the plan will create jobs.", "The plan will create jobs."),
    ],
)
def test_a_hedged_claim_scores_below_the_plain_one(weaker: str, stronger: str) -> None:
    assert certainty_score(weaker) < certainty_score(stronger)
    assert change_direction(weaker, stronger) == 1


@pytest.mark.parametrize(
    ("original", "rewrite"),
    [
        ("Prices will rise next year.", "Prices may rise next year."),
        ("The drug cuts deaths.", "The drug might cut deaths."),
        ("It is the biggest storm this decade.", "It is probably the biggest storm this decade."),
        ("312 people died.", "About 300 people died."),
    ],
)
def test_a_modal_or_approximator_added_is_softening(original: str, rewrite: str) -> None:
    assert change_direction(original, rewrite) == -1


def test_an_unchanged_sentence_is_neither_softened_nor_hardened() -> None:
    sentence = "Officials said the bridge could reopen in about 3 weeks."
    assert change_direction(sentence, sentence) == 0


def test_markers_name_the_words_and_their_class() -> None:
    sentence = "Thousands of people were reportedly evacuated, according to police, and about 300 may return."
    found = [(sentence[start:end], kind) for start, end, kind in certainty_markers(sentence)]
    assert found == [
        ("Thousands of", "vague figure"),
        ("reportedly", "hedge"),
        ("according to", "attribution"),
        ("about 300", "vague figure"),
        ("may", "modal"),
    ]


def test_may_the_month_is_not_a_modal_but_may_the_verb_is() -> None:
    sentence = "In May the council said it may sell the site."
    found = [(sentence[start:end], kind) for start, end, kind in certainty_markers(sentence)]
    assert found == [("said", "attribution"), ("may", "modal")]


def test_due_to_is_a_schedule_before_a_verb_and_a_cause_before_a_noun() -> None:
    scheduled = "The station is due to open in June."
    caused = "The closure is due to the strike."
    assert [(scheduled[s:e], k) for s, e, k in certainty_markers(scheduled)] == [("is due to", "hedge")]
    assert [(caused[s:e], k) for s, e, k in certainty_markers(caused)] == [("due to", "causal")]


_PHRASES = sorted({phrase for group in MARKER_GROUPS if group.marker_class for phrase in group.phrases})
_FILLERS = ["the", "council", "Prices", "rose", "in", "2019", "people,", "said:", "\u201cWe", "and", "12.5%"]
_LOOK_AHEADS = ("<det>", "<not-det>")


def _render(phrase: str) -> str:
    """A lexicon phrase as text: a number for <num>, look-aheads dropped."""
    return " ".join(w.replace("<num>", "40") for w in phrase.split() if w not in _LOOK_AHEADS)


def _is_phrase_of(words: list[str], kind: str) -> bool:
    """Whether the words are one phrase of a group of this class (<num> takes any number)."""
    for group in MARKER_GROUPS:
        for phrase in group.phrases if group.marker_class == kind else ():
            pattern = [w for w in phrase.split() if w not in _LOOK_AHEADS]
            if len(pattern) == len(words) and all(
                p == w or (p == "<num>" and (w[0].isdigit() or w.isalpha()))
                for p, w in zip(pattern, words, strict=True)
            ):
                return True
    return False


@given(st.lists(st.sampled_from(_PHRASES + _FILLERS), min_size=1, max_size=12), st.booleans())
def test_every_marker_span_slices_to_whole_words_of_a_lexicon_phrase(parts: list[str], curly: bool) -> None:
    sentence = " ".join(_render(part) if part in _PHRASES else part for part in parts)
    if curly:
        sentence = sentence.replace("'", "\u2019")
    previous_end = 0
    for start, end, kind in certainty_markers(sentence):
        text = sentence[start:end]
        assert previous_end <= start < end <= len(sentence)
        assert text[0].isalnum() and text[-1].isalnum(), text
        assert start == 0 or not sentence[start - 1].isalnum(), text
        assert end == len(sentence) or not sentence[end].isalnum(), text
        assert _is_phrase_of(text.lower().replace("\u2019", "'").split(), kind), (text, kind)
        previous_end = end


def test_scores_do_not_depend_on_the_process_or_its_hash_seed() -> None:
    sentence = "The study suggests coffee may be linked to about 20% fewer deaths, experts said."
    code = (
        f"from dedup.facts.claim_strength import certainty_score;print(repr(certainty_score({sentence!r})))"
    )
    outputs = set()
    for seed in ("1", "2"):
        environment = os.environ | {"PYTHONHASHSEED": seed}
        result = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=environment
        )
        outputs.add(result.stdout.strip())
    assert outputs == {repr(certainty_score(sentence))}
    assert certainty_score(sentence) == certainty_score(sentence)


def test_the_shipped_weights_are_plain_json_that_match_the_lexicon() -> None:
    raw = claim_strength.WEIGHTS_FILE.read_bytes()
    data = json.loads(raw)  # JSON, never a pickle
    assert data["format"] == claim_strength.FORMAT
    assert data["lexicon_sha256"] == claim_strength.lexicon_digest()
    model = load_model()
    assert set(model.group_weights) == {group.name for group in MARKER_GROUPS}
    assert model.softened_below < 0 < model.hardened_above
    assert len(model.ngram_weights) <= 5000
    for group in MARKER_GROUPS:  # the fit bounds every weight to its group's direction
        assert model.group_weights[group.name] * group.direction >= 0, group.name


def test_weights_fitted_on_another_lexicon_are_refused(tmp_path: Path) -> None:
    data = json.loads(claim_strength.WEIGHTS_FILE.read_text(encoding="utf-8"))
    data["lexicon_sha256"] = "0" * 64
    stale = tmp_path / "stale.json"
    stale.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(MalformedWeightsError, match="another marker lexicon"):
        load_model(stale)


def test_a_file_that_is_not_json_is_refused(tmp_path: Path) -> None:
    pickled = tmp_path / "weights.json"
    pickled.write_bytes(b"\x80\x04\x95\x00\x00")
    with pytest.raises(MalformedWeightsError, match="not a claim-strength weights file"):
        load_model(pickled)
