"""Fact extraction: numbers, dates, names, quotes, attributions and markers, with exact spans."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from dedup import Document, FactKind, extract_facts, profile_document
from dedup.text.stems import stem


def _facts(text: str, kind: FactKind) -> list[tuple[str, str, str]]:
    facts = extract_facts(Document("t", text)).facts
    return [(fact.span.slice(text), fact.value, fact.detail) for fact in facts if fact.kind == kind]


def test_money_with_multiplier_is_one_number() -> None:
    assert _facts("Sales reached $1.13bn in the quarter.", FactKind.NUMBER) == [("$1.13bn", "1.13e+09", "$")]


def test_percent_and_counted_noun() -> None:
    numbers = _facts("Trade saw 12% growth and 9,000 subscribers joined.", FactKind.NUMBER)
    assert numbers == [("12%", "12", "%"), ("9,000", "9000", stem("subscribers"))]


def test_numbers_in_words_take_the_value_of_their_digits() -> None:
    words = _facts("Three ministers cut it by twenty-five per cent.", FactKind.NUMBER)
    digits = _facts("3 ministers cut it by 25%.", FactKind.NUMBER)
    assert [value for _, value, _ in words] == [value for _, value, _ in digits] == ["3", "25"]


def test_ratio_in_words() -> None:
    assert _facts("One in eight households is in debt.", FactKind.NUMBER)[0][:2] == ("One in eight", "0.125")


def test_dates_and_years() -> None:
    dates = _facts("The budget is on 16 March and the forecast runs to 2009.", FactKind.DATE)
    assert [(span, value) for span, value, _ in dates] == [("16 March", "16 march"), ("2009", "year 2009")]


def test_month_name_may_is_not_a_hedge() -> None:
    text = "The vote took place in May. Prices may rise."
    assert [span for span, _, _ in _facts(text, FactKind.HEDGE)] == ["may"]
    assert [span for span, _, _ in _facts(text, FactKind.DATE)] == ["May"]


def test_names_are_capitalised_runs_inside_a_sentence() -> None:
    names = [
        value for _, value, _ in _facts("Yesterday Dr Helen Marsh met the Bank of Avalon.", FactKind.ENTITY)
    ]
    assert names == ["helen marsh", "bank of avalon"]


def test_quote_with_inverted_speaker() -> None:
    quotes = _facts('"We will appeal this ruling," said Anna Berg of the union.', FactKind.QUOTE)
    assert len(quotes) == 1
    assert quotes[0][0] == '"We will appeal this ruling,"'
    assert quotes[0][2] == "anna berg"


def test_attributions_name_their_source() -> None:
    text = "Rothschild is advising him, according to the Financial Times. Ms Kerr said it was true."
    sources = [(value, detail) for _, value, detail in _facts(text, FactKind.ATTRIBUTION)]
    assert ("kerr", "said") in sources
    assert ("the financial times", "according to") in sources


def test_markers() -> None:
    text = "Officials reportedly fear prices will definitely rise, but many did not agree and exports fell."
    kinds = {kind: [span for span, _, _ in _facts(text, kind)] for kind in FactKind}
    assert kinds[FactKind.HEDGE] == ["reportedly"]
    assert kinds[FactKind.BOOSTER] == ["will", "definitely"]
    assert kinds[FactKind.VAGUE] == ["many"]
    assert kinds[FactKind.NEGATION] == ["not"]
    assert [value for _, value, _ in _facts(text, FactKind.DIRECTION)] == ["up", "down"]


def test_profile_and_document_give_the_same_facts() -> None:
    document = Document("t", 'Mr Cable said 12 firms, "not enough", had joined on 1 April.')
    assert extract_facts(profile_document(document)).facts == extract_facts(document).facts


_WORDS = st.sampled_from(
    [
        "the",
        "Bank",
        "of",
        "England",
        "said",
        "rose",
        "$1.13bn",
        "12%",
        "three",
        "may",
        "not",
        "16",
        "March",
        '"',
        ",",
        ".",
        "\n\n",
        "according",
        "to",
        "Ms",
        "Kerr",
        "2009",
        "one",
        "in",
        "eight",
        "will",
        "many",
    ]
)


@settings(max_examples=60, deadline=None)
@given(st.lists(_WORDS, min_size=1, max_size=40))
def test_every_fact_span_slices_inside_its_sentence(words: list[str]) -> None:
    text = " ".join(words)
    facts = extract_facts(Document("t", text))
    for fact in facts.facts:
        assert 0 <= fact.span.start < fact.span.end <= len(text)
        assert fact.span.slice(text).strip() == fact.span.slice(text)
        sentence = facts.sentences[fact.sentence_index].span
        assert sentence.start <= fact.span.start < sentence.end


def test_names_carry_a_guessed_type() -> None:
    text = "Yesterday Dr Helen Marsh met officials of the Bank of Avalon in Dunmore, and Zentrix agreed."
    assert _facts(text, FactKind.ENTITY) == [
        ("Dr Helen Marsh", "helen marsh", "person"),
        ("Bank of Avalon", "bank of avalon", "organisation"),
        ("Dunmore", "dunmore", "place"),
        ("Zentrix", "zentrix", ""),
    ]
