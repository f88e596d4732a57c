"""Surface style counts of a text: quotation marks and the stock filler of generated copy."""

from __future__ import annotations

import re

_QUOTE_MARK = re.compile(r"[\"\u201c\u201d]")
# Stock phrases of generated and padded news copy, gathered from published lists of overused LLM
# vocabulary (e.g. Liang et al. 2024, "Mapping the Increasing Use of LLMs in Scientific Papers") and
# SEO writing guides; general English, none tied to any story.
_FILLER = re.compile(
    r"\b(?:in conclusion|overall|it is (?:important|worth) (?:to note|noting)|remains to be seen|"
    r"in today's|landscape|crucial|significant(?:ly)?|notably|furthermore|moreover|additionally|"
    r"however|various|several|numerous|key|highlight(?:s|ed|ing)?|underscore[sd]?|amid|"
    r"stakeholders?|ensure|potential(?:ly)?|ultimately|as (?:such|a result)|navigate|delve|robust|"
    r"comprehensive|pivotal)\b",
    re.IGNORECASE,
)


def count_quote_marks(text: str) -> int:
    """Count double quotation marks, straight or curly."""
    return len(_QUOTE_MARK.findall(text))


def count_filler(text: str) -> int:
    """Count stock filler words and phrases of generated or padded copy."""
    return len(_FILLER.findall(text))


# Parentheses and dashes: the asides of edited news copy. Colons, list bullets and headings: the
# structure generated explainers add.
_ASIDE = re.compile(r"[()\u2014\u2013]| - ")
_STRUCTURE = re.compile(r":|^\s*(?:[-*\u2022]|#+)\s", re.MULTILINE)
# Reporting verbs: an original attributes what it reports; a rewrite tends to drop the attribution.
REPORTING_VERBS = frozenset({"said", "says", "told"})


def count_asides(text: str) -> int:
    """Count parentheses and dashes."""
    return len(_ASIDE.findall(text))


def count_structure(text: str) -> int:
    """Count colons, list bullets and headings."""
    return len(_STRUCTURE.findall(text))


def count_digits(text: str) -> int:
    """Count digit characters (figures, dates, scores)."""
    return sum(character.isdigit() for character in text)
