"""Pure text cleanup and tokenisation with spans into the untouched text."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from dedup.model import Span, Token

_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u00a0": " ",
    }
)
_SPACES = re.compile(r"\s+")
# A word, or a number with its inner separators ("464,000", "1.13", "U.S."), or a currency/percent sign.
_TOKEN = re.compile(r"[$£€¥%]|\w+(?:[.,'\u2019\-]\w+)*", re.UNICODE)
_NUMBER_SEPARATORS = re.compile(r"(?<=\d),(?=\d{3})")
STOP_WORDS = frozenset(ENGLISH_STOP_WORDS) | frozenset({"said", "says", "say", "s", "t", "mr", "ms", "mrs"})


def normalize_text(text: str) -> str:
    """Fold Unicode compatibility forms, typographic quotes and dashes, and runs of whitespace."""
    folded = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    return _SPACES.sub(" ", folded).strip()


@cache
def normalize_word(word: str) -> str:
    """Return the comparable form of one token: folded, lower case, thousands separators dropped."""
    folded = unicodedata.normalize("NFKC", word).translate(_QUOTES).casefold()
    folded = _NUMBER_SEPARATORS.sub("", folded)
    if folded.endswith("'s"):
        folded = folded[:-2]
    return folded.replace("'", "")


def tokenize(text: str) -> tuple[Token, ...]:
    """Split text into word and number tokens whose spans index the text as given."""
    return tuple(
        Token(Span(match.start(), match.end()), normalize_word(match.group()))
        for match in _TOKEN.finditer(text)
    )


def is_content_word(norm: str) -> bool:
    """Tell whether a normalised token carries content (not a stop word or a lone letter)."""
    return (len(norm) > 1 and norm not in STOP_WORDS) or norm.isdigit()
