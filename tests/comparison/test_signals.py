"""Properties of the pair signals and the verdict: bounded, symmetric, order-aware, time-aware."""

from __future__ import annotations

import json
from dataclasses import asdict, replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup import compare, load_document
from dedup.comparison.signals import _lcs_length, _local_alignment_score, _monotone_score
from dedup.sources.load import document_from_text

SEEDS = Path(__file__).parent.parent.parent / "fixtures" / "pairs" / "seeds-rewrite"
SENTENCES = [
    "The council approved a £42m budget for Riverside Hospital on Tuesday.",
    "Mayor Helen Ortiz said the vote ended three years of delays.",
    "Opposition leader Tom Baird called the plan reckless and costly.",
    "Construction is expected to start in March and take two years.",
    "Nurses at the old site have campaigned for a new building since 2019.",
    "The regional health board will pay a third of the cost.",
    "Local traders welcomed the decision, citing jobs for the area.",
    "A public consultation drew more than 4,000 responses.",
]
documents = st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=8).map(" ".join)


@settings(max_examples=40, deadline=None)
@given(documents, documents)
def test_scores_are_bounded_and_symmetric(first: str, second: str) -> None:
    a, b = document_from_text(first, id="a"), document_from_text(second, id="b")
    forward, backward = asdict(compare(a, b).scores), asdict(compare(b, a).scores)
    assert forward == pytest.approx(backward)
    assert all(0.0 <= value <= 1.0 + 1e-9 for value in forward.values())


def test_lcs_length_matches_the_textbook_example() -> None:
    assert _lcs_length(list("ABCBDAB"), list("BDCABA")) == 4
    assert _lcs_length([], ["a"]) == 0


def test_in_order_alignment_beats_shuffled() -> None:
    import numpy as np

    diagonal = np.eye(5) * 0.9
    shuffled = diagonal[[4, 2, 0, 3, 1]]
    assert _monotone_score(diagonal, 0.2) == pytest.approx(4.5)
    assert _monotone_score(shuffled, 0.2) < 2.0
    assert _local_alignment_score(diagonal) > 2 * _local_alignment_score(shuffled)


def test_reordering_sentences_lowers_the_order_signals() -> None:
    text = " ".join(SENTENCES)
    scrambled = " ".join(SENTENCES[::2] + SENTENCES[1::2][::-1])
    base = document_from_text(text, id="a")
    same_order = compare(base, document_from_text(text.replace("said", "stated"), id="b")).scores
    other_order = compare(base, document_from_text(scrambled, id="c")).scores
    assert other_order.content_sequence_overlap < same_order.content_sequence_overlap
    assert other_order.monotone_alignment < same_order.monotone_alignment


def test_publication_times_decide_direction_when_both_are_known(tmp_path: Path) -> None:
    original, derivative = load_document(SEEDS / "a.txt"), load_document(SEEDS / "b.txt")
    by_content = compare(original, derivative).verdict
    assert (by_content.original, by_content.direction_by_time) == ("a", False)
    # Told that the rewrite came out first, dedup follows the clock and says so.
    earlier, later = datetime(2024, 5, 1, tzinfo=UTC), datetime(2024, 5, 22, tzinfo=UTC)
    timed = compare(replace(original, published=later), replace(derivative, published=earlier)).verdict
    assert (timed.original, timed.direction_by_time) == ("b", True)


def test_json_records_carry_their_publication_time(tmp_path: Path) -> None:
    for name, source, published in (
        ("a.json", "a.txt", "2024-05-22T09:00:00Z"),
        ("b.json", "b.txt", "2024-05-23"),
    ):
        record = {"id": name, "text": (SEEDS / source).read_text(), "published": published}
        (tmp_path / name).write_text(json.dumps(record))
    verdict = compare(load_document(tmp_path / "b.json"), load_document(tmp_path / "a.json")).verdict
    assert (verdict.is_derived, verdict.original, verdict.direction_by_time) == (True, "b", True)


def test_a_time_without_zone_is_taken_as_utc() -> None:
    original, derivative = load_document(SEEDS / "a.txt"), load_document(SEEDS / "b.txt")
    naive_later = datetime(2024, 5, 22, 12, 0)
    aware_earlier = datetime(2024, 5, 22, 9, 0, tzinfo=UTC)
    verdict = compare(
        replace(original, published=naive_later), replace(derivative, published=aware_earlier)
    ).verdict
    assert (verdict.original, verdict.direction_by_time) == ("b", True)
