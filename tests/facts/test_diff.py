"""Fact diff: the seeds case, orientation, inputs, and exact spans on both sides."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup import (
    ChangeKind,
    Document,
    FactDiff,
    compare,
    diff_facts,
    extract_facts,
    load_document,
    profile_document,
)
from dedup.settings import DiffSettings

SEEDS = Path(__file__).parent.parent.parent / "fixtures" / "pairs" / "seeds-rewrite"


@pytest.fixture(scope="module")
def seeds_diff() -> FactDiff:
    return diff_facts(load_document(SEEDS / "a.txt"), load_document(SEEDS / "b.txt"))


def _pairs(diff: FactDiff, kind: ChangeKind) -> list[tuple[str, str]]:
    return [
        (
            change.original.slice(diff.original.text) if change.original else "",
            change.derivative.slice(diff.derivative.text) if change.derivative else "",
        )
        for change in diff.changes
        if change.kind == kind
    ]


def test_seeds_rebuttal_is_omitted(seeds_diff: FactDiff) -> None:
    assert any("We have not seen that to date" in old for old, _ in _pairs(seeds_diff, ChangeKind.OMITTED))


def test_seeds_percentage_is_softened(seeds_diff: FactDiff) -> None:
    assert any(
        "64%" in old and "significant growth" in new for old, new in _pairs(seeds_diff, ChangeKind.SOFTENED)
    )


def test_seeds_possible_supply_is_hardened(seeds_diff: FactDiff) -> None:
    assert any(
        "is now, or will be, flowing" in old and "currently flowing" in new
        for old, new in _pairs(seeds_diff, ChangeKind.HARDENED)
    )


def test_seeds_hardening_spans_are_the_shortest_that_carry_it(seeds_diff: FactDiff) -> None:
    assert ("is now, or will be, flowing", "currently flowing") in _pairs(seeds_diff, ChangeKind.HARDENED)


def test_seeds_spans_are_short(seeds_diff: FactDiff) -> None:
    for change in seeds_diff.changes:
        if change.kind in (ChangeKind.SOFTENED, ChangeKind.HARDENED, ChangeKind.ALTERED):
            assert change.original is not None and change.derivative is not None
            assert change.original.end - change.original.start <= 160
            assert change.derivative.end - change.derivative.start <= 160


def test_a_document_diffed_with_itself_has_no_changes() -> None:
    document = load_document(SEEDS / "a.txt")
    assert diff_facts(document, document).changes == ()


def test_documents_profiles_and_facts_give_the_same_diff(seeds_diff: FactDiff) -> None:
    a, b = load_document(SEEDS / "a.txt"), load_document(SEEDS / "b.txt")
    assert diff_facts(profile_document(a), profile_document(b)) == seeds_diff
    assert diff_facts(extract_facts(a), extract_facts(b)) == seeds_diff


def test_diff_is_oriented_original_to_derivative(seeds_diff: FactDiff) -> None:
    a, b = load_document(SEEDS / "a.txt"), load_document(SEEDS / "b.txt")
    backward = diff_facts(b, a)
    assert backward.original == b
    assert backward.derivative == a
    assert not any("We have not seen that to date" in old for old, _ in _pairs(backward, ChangeKind.OMITTED))
    assert any("I look forward to speaking" in new for _, new in _pairs(backward, ChangeKind.ADDED))


_SENTENCES = st.sampled_from(
    [
        "The council said on Tuesday that the bridge will reopen on 14 May.",
        "Repairs cost £2.4m, up 12% on the estimate, according to the Highways Agency.",
        '"We do not expect further delays," said the mayor, Ruth Kane.',
        "Some residents may have to wait three more weeks.",
        "The bridge is believed to have been damaged by the floods.",
        "Many drivers faced a detour of 12 miles.",
        "Shares in the contractor fell 5% after the announcement.",
        "It is currently the only crossing on the river.",
    ]
)


@settings(max_examples=40, deadline=None)
@given(st.lists(_SENTENCES, min_size=1, max_size=6), st.lists(_SENTENCES, min_size=1, max_size=6))
def test_every_change_span_slices_the_text_it_claims(first: list[str], second: list[str]) -> None:
    original, derivative = Document("a", " ".join(first)), Document("b", "\n\n".join(second))
    diff = diff_facts(original, derivative)
    for change in diff.changes:
        assert change.original is not None or change.derivative is not None
        for span, text in ((change.original, original.text), (change.derivative, derivative.text)):
            if span is not None:
                assert 0 <= span.start < span.end <= len(text)
                assert span.slice(text).strip()
        assert change.fact and "\n" not in change.fact


def _diff_texts(original: str, derivative: str) -> list[tuple[str, str, str]]:
    diff = diff_facts(Document("a", original), Document("b", derivative))
    return [
        (
            str(change.kind),
            change.original.slice(original) if change.original else "",
            change.derivative.slice(derivative) if change.derivative else "",
        )
        for change in diff.changes
    ]


_BASE = (
    "The regional council said on Monday that some residents of the northern district would get new "
    "bus routes. The plan covers routes between the hospital and the station, the council said."
)


def test_one_step_on_the_quantity_scale_is_style_two_steps_a_change() -> None:
    assert _diff_texts(_BASE, _BASE.replace("some residents", "several residents")) == []
    assert ("hardened", "some residents", "many residents") in _diff_texts(
        _BASE, _BASE.replace("some residents", "many residents")
    )


def test_an_added_could_is_not_softening_but_a_dropped_could_is_hardening() -> None:
    hedged = _BASE.replace("would get", "could get")
    assert _diff_texts(_BASE, hedged) == []
    assert [kind for kind, _, _ in _diff_texts(hedged, _BASE)] == ["hardened"]


def test_a_date_made_vague_is_softened() -> None:
    dated = "Prices are at their lowest since June 2001, the Harbour building society said on Monday."
    vague = "Prices are at their lowest in several years, the Harbour building society said on Monday."
    assert ("softened", "June 2001", "several years") in _diff_texts(dated, vague)


def test_settings_are_passed_not_global() -> None:
    original = load_document(SEEDS / "a.txt")
    derivative = load_document(SEEDS / "b.txt")
    strict = DiffSettings(omit_max_share=0.0, omit_rewrite_max_share=0.0, clause_max_share=0.0)
    omitted = [c for c in diff_facts(original, derivative, strict).changes if c.kind == ChangeKind.OMITTED]
    assert omitted == []
    assert any(c.kind == ChangeKind.OMITTED for c in diff_facts(original, derivative).changes)


def test_compare_orients_the_diff_by_its_verdict() -> None:
    a, b = load_document(SEEDS / "a.txt"), load_document(SEEDS / "b.txt")
    for first, second in ((a, b), (b, a)):
        result = compare(first, second)
        assert result.verdict.is_derived
        assert result.fact_diff is not None
        assert result.fact_diff.original == a
        assert result.fact_diff.derivative == b
        assert result.fact_diff == diff_facts(a, b)


def test_a_rise_turned_into_a_fall_is_altered() -> None:
    rose = "Shares in the water company rose 5% on Monday after its results, traders in London said."
    fell = "Shares in the water company fell 5% on Monday after its results, traders in London said."
    assert _diff_texts(rose, fell) == [("altered", "rose", "fell")]


def test_a_superlative_said_as_a_plain_claim_is_softened() -> None:
    superlative = "Films are one of the country's biggest exports, the trade ministry said on Friday."
    plain = "Films are an important export for the country, the trade ministry said on Friday."
    assert [kind for kind, _, _ in _diff_texts(superlative, plain)] == ["softened"]
