"""Fact diff rules one at a time: roundings, units, weekdays, hedges, names, omissions and framing."""

from __future__ import annotations

from pathlib import Path

from dedup import Document, diff_facts, load_document

PAIRS = Path(__file__).parent.parent.parent / "fixtures" / "pairs"


def _changes(original: str, derivative: str) -> list[tuple[str, str, str]]:
    diff = diff_facts(Document("a", original), Document("b", derivative))
    return [
        (
            str(change.kind),
            change.original.slice(original) if change.original else "",
            change.derivative.slice(derivative) if change.derivative else "",
        )
        for change in diff.changes
    ]


def test_a_rounded_figure_is_softened_not_altered() -> None:
    found = _changes(
        "The new stadium cost £42.5m to build, the club said in a statement on Friday.",
        "The new stadium cost £45m to build, the club said in a statement on Friday.",
    )
    assert found == [("softened", "£42.5m", "£45m")]


def test_months_rounded_to_years_are_softened() -> None:
    found = _changes(
        "Repairs to the old pier will take 26 months, the harbour board said on Monday.",
        "Repairs to the old pier will take roughly two years, the harbour board said on Monday.",
    )
    assert ("softened", "26", "roughly two") in found
    assert not [change for change in found if change[0] == "altered"]


def test_a_small_count_changed_is_altered_not_rounded() -> None:
    found = _changes(
        "The film has 11 nominations, more than any other British film this year, its studio said.",
        "The film has 10 nominations, more than any other British film this year, its studio said.",
    )
    assert found == [("altered", "11", "10")]


def test_a_currency_changed_is_altered() -> None:
    found = _changes(
        "The rail operator agreed to pay £1.13bn for the franchise, its chief executive said.",
        "The rail operator agreed to pay $1.13bn for the franchise, its chief executive said.",
    )
    assert found == [("altered", "£1.13bn", "$1.13bn")]


def test_a_weekday_shifted_is_altered() -> None:
    found = _changes(
        "The council will vote on the plan on Tuesday, the mayor told reporters at the town hall.",
        "The council will vote on the plan on Wednesday, the mayor told reporters at the town hall.",
    )
    assert found == [("altered", "Tuesday", "Wednesday")]


def test_a_dropped_alleged_is_hardened() -> None:
    found = _changes(
        "The alleged fraud cost investors millions of pounds, prosecutors told the court in Leeds.",
        "The fraud cost investors millions of pounds, prosecutors told the court in Leeds.",
    )
    assert [(kind, old) for kind, old, _ in found] == [("hardened", "alleged fraud")]


def test_a_hedge_said_with_another_modal_is_not_hardened() -> None:
    found = _changes(
        "The cost has risen since the estimate, and council tax could rise to pay for it, Ms Lind said.",
        "The bill has gone up since the estimate, and Ms Lind said tax rises might follow to pay for it.",
    )
    assert not [change for change in found if change[0] == "hardened"]


def test_a_place_swapped_is_altered() -> None:
    found = _changes(
        "The festival will move to Lucerne next summer after ten years in the capital, organisers said.",
        "The festival will move to Montreux next summer after ten years in the capital, organisers said.",
    )
    assert ("altered", "Lucerne", "Montreux") in found


def test_each_dropped_sentence_is_its_own_omission() -> None:
    kept = "The museum drew 1.2 million visitors last year, its director Ann Vale said on Monday."
    first = "Entry to the main galleries has been free since the charging scheme ended in 2001."
    second = "A new wing for modern sculpture opens to the public in the spring of next year."
    found = _changes(f"{kept} {first} {second}", kept)
    assert [(kind, old) for kind, old, _ in found] == [("omitted", first), ("omitted", second)]


def test_framing_is_not_an_added_claim() -> None:
    original = "The museum drew 1.2 million visitors last year, its director Ann Vale said on Monday."
    framing = (
        "Why does this matter to you? Bookmark this page for more culture news from Yorkshire and beyond."
    )
    found = _changes(original, f"{original} {framing}")
    assert not [change for change in found if change[0] == "added"]


def test_a_new_checkable_claim_is_added() -> None:
    original = "The museum drew 1.2 million visitors last year, its director Ann Vale said on Monday."
    claim = "The building was designed by the architect Oskar Brandt and opened in 1897."
    found = _changes(original, f"{original} {claim}")
    assert ("added", "", claim) in found


def test_every_fact_line_is_a_sentence() -> None:
    for case in ("seeds-rewrite", "facts-bridge-story", "facts-altered", "facts-softened", "facts-omitted"):
        folder = PAIRS / case
        diff = diff_facts(load_document(folder / "a.txt"), load_document(folder / "b.txt"))
        assert diff.changes
        for change in diff.changes:
            assert change.fact[:1].isupper(), change.fact
            assert change.fact.endswith("."), change.fact
            assert "->" not in change.fact
