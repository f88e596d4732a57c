"""The rules that overrule the fitted model: verbatim reuse and independent reporting."""

from __future__ import annotations

from dataclasses import replace

from dedup import compare
from dedup.comparison.verdict import rule_verdict
from dedup.sources.load import document_from_text

BACKGROUND = (
    "The council approved a £42m budget for Riverside Hospital in March after three years of delays. "
    "Construction by Hallam Builders began in June and is due to finish in 2027. "
    "The regional health board pays a third of the cost, with 1,200 beds planned across four wards."
)
FIRST_STORY = (
    "Riverside Hospital will open its first ward in May, the health board said on Monday. "
    '"We are ahead of schedule and the first patients will arrive before summer," said chief '
    "executive Maria Lopez. " + BACKGROUND
)
FOLLOW_UP = (
    "Nurses at Riverside Hospital have voted to strike over staffing of the new wards. "
    '"Our members cannot run four new wards with the staff promised so far," said union organiser '
    "Peter Walsh. " + BACKGROUND
)
REWRITE = (
    "Riverside Hospital is set to open its first ward in May, according to the health board. "
    '"We are ahead of schedule and the first patients will arrive before summer," chief executive '
    "Maria Lopez said. " + BACKGROUND
)
POLISHED = (
    "Riverside Hospital will open its first ward in May, the health board said on Monday. "
    '"Work is moving faster than planned, and our earliest patients could come in before the summer," said '
    "chief executive Maria Lopez. " + BACKGROUND
)


def test_stories_that_each_quote_someone_new_are_independent_reporting() -> None:
    comparison = compare(
        document_from_text(FIRST_STORY, id="first"), document_from_text(FOLLOW_UP, id="follow-up")
    )
    assert comparison.scores.fresh_quotation_share >= 0.01
    assert not comparison.verdict.is_derived


def test_a_rewrite_that_keeps_its_sources_quote_has_no_fresh_quotation() -> None:
    comparison = compare(
        document_from_text(FIRST_STORY, id="original"), document_from_text(REWRITE, id="rewrite")
    )
    assert comparison.scores.fresh_quotation_share == 0.0


def test_an_edited_quotation_is_not_fresh_speech() -> None:
    comparison = compare(
        document_from_text(FIRST_STORY, id="original"), document_from_text(POLISHED, id="polished")
    )
    assert comparison.scores.fresh_quotation_share == 0.0
    assert comparison.verdict.is_derived


def test_fresh_quotations_on_both_sides_overrule_verbatim_reuse() -> None:
    scores = compare(
        document_from_text(FIRST_STORY, id="original"), document_from_text(REWRITE, id="rewrite")
    ).scores
    shared_prose = replace(
        scores,
        unquoted_containment=0.3,
        number_overlap=0.8,
        name_number_overlap=0.8,
        order_preservation=1.0,
        minhash_jaccard=0.2,
    )
    assert rule_verdict(shared_prose, probability=0.5) is True
    assert rule_verdict(replace(shared_prose, fresh_quotation_share=0.05), probability=0.5) is False
    # Verbatim reuse confirms a pair the model finds plausible; it does not make one on its own.
    assert rule_verdict(shared_prose, probability=0.05) is None
