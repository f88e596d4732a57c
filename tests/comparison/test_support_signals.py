"""The one-way support signals the verdict reads, and the shortcut that skips their sentence pass."""

from __future__ import annotations

from dedup.comparison import support
from dedup.comparison.compare import compare
from dedup.model import Document
from dedup.profile.profile import profile_document

ORIGINAL = (
    "The Harwick council approved a 14.2 million pound flood barrier on Tuesday. "
    "Engineer Maria Okafor said the Selby embankment would rise by 1.8 metres. "
    "Work starts in March and should take 26 months, the council said. "
    "Residents of Ferrybridge Lane had asked for the barrier since the 2019 floods."
)
REWRITE = (
    "A flood barrier costing 14.2 million pounds got the green light from Harwick council. "
    "According to engineer Maria Okafor, the Selby embankment is set to be raised 1.8 metres. "
    "Construction begins in March and is expected to last 26 months."
)
OTHER_REPORT = (
    "Harwick council backed the flood barrier after a two-hour debate, councillor Tom Reyes said. "
    "The Selby scheme drew 212 objections, and the Environment Agency pledged 3 million pounds. "
    "Opponents at the Quayside hall meeting called the 14.2 million pound plan rushed."
)


def _scores(first: str, second: str):  # type: ignore[no-untyped-def]
    return compare(Document(id="a", text=first), Document(id="b", text=second)).scores


def test_a_rewrite_holds_nothing_specific_its_source_lacks() -> None:
    scores = _scores(ORIGINAL, REWRITE)
    assert scores.fact_support_max > 0.6
    assert scores.novel_specifics_min < 0.2


def test_two_reports_of_one_event_each_carry_their_own_specifics() -> None:
    rewrite, other = _scores(ORIGINAL, REWRITE), _scores(ORIGINAL, OTHER_REPORT)
    assert other.novel_specifics_min > rewrite.novel_specifics_min + 0.3
    assert other.fact_support_max < rewrite.fact_support_max


def test_the_shortcut_gives_what_the_sentence_pass_gives() -> None:
    unrelated = "Quarterly bond yields rose in Tokyo. Exporters said a weaker yen helped Nagoya firms."
    for first, second in ((ORIGINAL, unrelated), (ORIGINAL, REWRITE), (REWRITE, OTHER_REPORT)):
        a = profile_document(Document(id="a", text=first))
        b = profile_document(Document(id="b", text=second))
        a_sentences, b_sentences = a.sentence_specifics, b.sentence_specifics
        full = (
            support._support(a, b, a_sentences, b_sentences),
            support._support(b, a, b_sentences, a_sentences),
        )
        assert support.support_both_ways(a, b) == full
