"""Omitted sentences and clauses: what counts as left out, and what as said in other words."""

from __future__ import annotations

from dedup import ChangeKind, Document, diff_facts


def _omitted(original: str, derivative: str) -> list[str]:
    diff = diff_facts(Document("a", original), Document("b", derivative))
    return [c.original.slice(original) for c in diff.changes if c.kind == ChangeKind.OMITTED and c.original]


def test_a_clause_restated_with_other_forms_of_its_words_is_not_omitted() -> None:
    original = (
        "The mill reopened on Tuesday, praised by investors for its generosity towards producers. "
        "Its owner said that the new machines would arrive before the winter."
    )
    derivative = (
        "The mill reopened on Tuesday, and those who invested applauded how generous it was to the "
        "local production firms. Its owner said that the new machines would arrive before the winter."
    )
    assert _omitted(original, derivative) == []


def test_a_clause_the_derivative_drops_is_still_omitted() -> None:
    original = (
        "The mill reopened on Tuesday, praised by investors for its generosity towards producers. "
        "Its owner said that the new machines would arrive before the winter."
    )
    derivative = (
        "The mill reopened on Tuesday. Its owner said that the new machines would arrive before the winter."
    )
    assert _omitted(original, derivative) == ["praised by investors for its generosity towards producers"]
