"""Rules added for writers not seen in fitting: unnamed sources, period shifts, hedges in paraphrase."""

from __future__ import annotations

from dedup import DiffSettings, Document, diff_facts


def _changes(
    original: str, derivative: str, settings: DiffSettings | None = None
) -> list[tuple[str, str, str]]:
    diff = diff_facts(Document("a", original), Document("b", derivative), settings or DiffSettings())
    return [
        (
            str(change.kind),
            change.original.slice(original) if change.original else "",
            change.derivative.slice(derivative) if change.derivative else "",
        )
        for change in diff.changes
    ]


def test_a_named_source_left_unnamed_is_softened() -> None:
    found = _changes(
        "The head of genetics at the Marlow Institute, Professor Edwina Quillfeather, said the results "
        "of the cloning trial were promising.",
        "One senior geneticist said the results of the cloning trial were promising.",
    )
    assert ("softened", "Edwina Quillfeather", "One senior geneticist") in found


def test_a_name_kept_is_not_an_unnamed_source() -> None:
    found = _changes(
        "Professor Edwina Quillfeather said the results of the cloning trial were promising.",
        "One senior geneticist, Professor Edwina Quillfeather, said the results of the cloning trial "
        "were promising.",
    )
    assert not [change for change in found if change[0] == "softened"]


def test_a_date_moved_within_its_year_is_altered() -> None:
    found = _changes(
        "The tycoon began building his stake in the brewery in late 2003, filings show.",
        "The tycoon began building his stake in the brewery in early 2003, filings show.",
    )
    assert ("altered", "late 2003", "early 2003") in found


def test_the_end_of_a_year_is_late_in_it() -> None:
    found = _changes(
        "The tycoon began building his stake in the brewery at the end of 2003, filings show.",
        "The tycoon began building his stake in the brewery in late 2003, filings show.",
    )
    assert not [change for change in found if change[0] == "altered"]


def test_a_figure_said_vaguely_by_its_counterpart_is_softened_not_matched_to_another_figure() -> None:
    found = _changes(
        "The largest flock the volunteers counted was made up of 50,000 migrating pink-footed geese. "
        "Its roost was on the estuary.",
        "Over one million migrating pink-footed geese are counted by volunteers. The largest flock "
        "the volunteers counted was made up of many thousands of migrating pink-footed geese.",
    )
    assert ("softened", "50,000", "many thousands") in found
    assert not [change for change in found if change[0] == "altered"]


def test_an_expectation_stated_as_fact_is_hardened() -> None:
    found = _changes(
        "A judgement from the High Court on the runway plan is expected early in February.",
        "The High Court will hand down its judgement on the runway plan early in February.",
    )
    assert [change for change in found if change[0] == "hardened"]


def test_a_hedge_dropped_while_the_verb_is_reworded_is_hardened() -> None:
    found = _changes(
        "Fraudsters also seem to be starting to use stolen cards for online gambling and ticket touting.",
        "Fraudsters are now using stolen cards for online gambling and ticket touting.",
    )
    assert [change for change in found if change[0] == "hardened"]


def test_a_hardening_the_learned_score_does_not_see_is_dropped() -> None:
    original = "Sensitive data on the laptops of the staff can be easily intercepted by thieves."
    derivative = "Thieves can easily intercept sensitive data on the laptops of the staff."
    assert not [change for change in _changes(original, derivative) if change[0] == "hardened"]
    # The same pair with the check off: the word lists alone call it hardened.
    permissive = DiffSettings(harden_min_score_rise=-10.0)
    assert [change for change in _changes(original, derivative, permissive) if change[0] == "hardened"]
