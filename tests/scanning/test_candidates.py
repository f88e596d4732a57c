"""candidates: rare-term keys, content hashes and sketch cosines are pure and behave as documented."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.scanning.candidates import content_hash, is_close, sketch_cosine, sketch_text, term_key_count
from dedup.settings import DEFAULT_CANDIDATE_SETTINGS, CandidateSettings

TEXT = (
    "Councillors in Marrowby approved a 42.5 million pound plan on Tuesday. The vote passed 31 to 9, "
    "and council leader Edwina Farquharson said 18,000 vehicles used the bridge in 2019. "
    "We've waited long enough, she said."
)


def _terms(text: str) -> set[str]:
    return {key[2:] for key in sketch_text(text).keys if key.startswith("t:")}


def test_keys_are_rare_words_names_and_specific_numbers() -> None:
    terms = _terms(TEXT)
    assert {"marrowby", "farquharson", "42.5", "18000", "edwina"} <= terms
    assert not {"2019", "31", "9", "the", "vote", "weve", "tuesday"} & terms
    assert sketch_text(TEXT).keys[0] == "h:" + content_hash(TEXT)
    assert term_key_count(sketch_text(TEXT).keys) == len(terms)


def test_keys_are_capped_rarest_first() -> None:
    names = " ".join(f"Zorblat{n} met Quintavix{n}." for n in range(40))
    capped = sketch_text(names, CandidateSettings(max_keys=10))
    assert term_key_count(capped.keys) == 10


def test_the_content_hash_ignores_spacing_case_and_punctuation_only() -> None:
    assert content_hash(TEXT) == content_hash("  " + TEXT.upper().replace(" ", "\n  "))
    assert content_hash(TEXT) != content_hash(TEXT.replace("42.5", "45"))


def test_a_sketch_is_as_close_as_can_be_to_itself_and_far_from_another_story() -> None:
    sketch = sketch_text(TEXT).vector
    other = sketch_text(
        "Heavy snow is expected on the Pennick hills, with 30 centimetres on high ground."
    ).vector
    assert abs(sketch_cosine(sketch, sketch) - 1.0) < 0.01
    assert sketch_cosine(sketch, other) < 0.1


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=300), st.text(min_size=1, max_size=300))
def test_sketch_cosine_is_symmetric_and_in_unit_range(first: str, second: str) -> None:
    a, b = sketch_text(first).vector, sketch_text(second).vector
    value = sketch_cosine(a, b)
    assert 0.0 <= value <= 1.0
    assert abs(value - sketch_cosine(b, a)) < 1e-6


def test_is_close_has_three_ways_in() -> None:
    stage = DEFAULT_CANDIDATE_SETTINGS
    assert is_close(0.45, 3, 40, 40, stage)  # a close sketch alone
    assert is_close(0.36, 14, 40, 40, stage)  # a fair sketch with a third of the keys
    assert not is_close(0.36, 12, 40, 40, stage)
    assert is_close(0.26, 9, 20, 60, stage)  # a few sentences taken with most of their names
    assert not is_close(0.24, 20, 20, 60, stage)
