"""Properties of normalisation, tokenisation, quotations and sentence splitting."""

from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.text.normalize import mask_markup, tokenize
from dedup.text.quotes import quote_spans
from dedup.text.sentences import split_sentences

news_text = st.text(
    alphabet=st.sampled_from(list("abcdefgh ABCDE.,;!?\"'\u201c\u201d\u2019\n-0123456789$%<>/")),
    max_size=400,
)


@given(news_text)
def test_mask_markup_keeps_offsets(text: str) -> None:
    assert len(mask_markup(text)) == len(text)


@settings(max_examples=200)
@given(news_text)
def test_every_span_slices_the_text(text: str) -> None:
    for token in tokenize(text):
        assert token.span.slice(text).strip() == token.span.slice(text)
        assert token.span.slice(text)
    previous_end = 0
    for sentence in split_sentences(text):
        piece = sentence.span.slice(text)
        assert piece.strip() == piece and piece
        assert sentence.span.start >= previous_end
        previous_end = sentence.span.end
    for quote in quote_spans(text):
        assert 0 <= quote.start < quote.end <= len(text)


def test_sentences_handle_abbreviations_and_glued_stops() -> None:
    text = "The U.S. economy grew 2.5% in May.It beat forecasts. Mr. Smith said so.\n\nA new paragraph"
    sentences = [sentence.span.slice(text) for sentence in split_sentences(text)]
    assert sentences == [
        "The U.S. economy grew 2.5% in May.",
        "It beat forecasts.",
        "Mr. Smith said so.",
        "A new paragraph",
    ]


def test_tokens_normalise_numbers_and_skip_markup() -> None:
    text = 'He <u>said</u> 464,000 people paid $1.13bn, see https://example.org/x "today".'
    norms = [token.norm for token in tokenize(text)]
    assert "464000" in norms and "1.13" in norms
    assert "u" not in norms and "example" not in norms


def test_quotes_pair_mixed_marks_and_reopened_paragraphs() -> None:
    text = (
        'He said "we are disappointed,\u201d and \u201cok\u201d.'
        "\n\n\u201cFirst.\n\n\u201cSecond,\u201d he said."
    )
    quotes = [span.slice(text) for span in quote_spans(text)]
    assert quotes == ['"we are disappointed,\u201d', "\u201cok\u201d", "\u201cFirst.", "\u201cSecond,\u201d"]
