"""Numbers and dates in text: "$2.4bn", "12%", "9,000 passengers", "three weeks", "14 May"."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

from dedup.facts import fact_words
from dedup.model import Fact, FactKind, Span
from dedup.text.normalize import normalize_word
from dedup.text.stems import stem

_MULTIPLIERS = {
    "bn": 1e9,
    "billion": 1e9,
    "m": 1e6,
    "mn": 1e6,
    "million": 1e6,
    "k": 1e3,
    "thousand": 1e3,
    "tn": 1e12,
    "trillion": 1e12,
}
_CURRENCIES = {"$": "$", "£": "£", "€": "€", "¥": "¥", "us$": "$"}
# Each pattern opens with a lookahead for the characters a match can start with. It is implied by
# the rest, so it changes no match, but it fails most positions at once where the engine would
# otherwise try every alternative there: a third of the fact extraction's time.
_DIGIT_NUMBER = re.compile(
    r"(?=[$£€¥U\s\d])"
    r"(?P<currency>US\$|[$£€¥])?\s?"
    r"(?P<number>\d+(?:,\d{3})*(?:\.\d+)?)"
    r"(?:(?P<fraction>/\d+)|(?P<range>-\d+(?:\.\d+)?)|(?P<ordinal>st|nd|rd|th)\b)?"
    r"(?:\s?(?P<multiplier>bn|billion|mn|million|m|k|thousand|tn|trillion)\b)?"
    r"(?:\s?(?P<percent>%|per\s?cent\b|percent\b))?",
    re.IGNORECASE,
)
_NUMBER_WORD = "|".join(sorted([*fact_words.NUMBER_WORDS, *fact_words.NUMBER_SCALES], key=len, reverse=True))
_NUMBER_WORD_FIRST = "".join(
    sorted({word[0] for word in [*fact_words.NUMBER_WORDS, *fact_words.NUMBER_SCALES]})
)
_WORD_NUMBER = re.compile(
    rf"(?=[{_NUMBER_WORD_FIRST}])"
    rf"\b(?:{_NUMBER_WORD})(?:[\s-]+(?:and[\s-]+)?(?:{_NUMBER_WORD}))*\b"
    rf"(?:\s+in\s+(?:{_NUMBER_WORD})\b)?"
    r"(?:\s?(?P<percent>%|per\s?cent\b|percent\b))?",
    re.IGNORECASE,
)
_MONTH = "|".join(month.capitalize() for month in sorted(fact_words.MONTHS))
_DATE_LEADS = ("in", "on", "by", "of", "since", "until", "from", "last", "next", "early", "late", "mid")
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_DATE_FIRST = "".join(sorted({word[0] for word in (*_MONTH.split("|"), *_DATE_LEADS, *_WEEKDAYS)}))
_DATE = re.compile(
    rf"(?=[\d{_DATE_FIRST}])"
    rf"\b(?:(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<month>{_MONTH})(?:,?\s+(?P<year>\d{{4}}))?"
    rf"|(?P<month2>{_MONTH})\s+(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<year2>\d{{4}}))?"
    rf"|\b(?:{'|'.join(_DATE_LEADS)})\s+(?P<month3>{_MONTH})\b"
    rf"(?:\s+(?P<year3>\d{{4}}))?"
    rf"|(?P<weekday>{'|'.join(_WEEKDAYS)}))"
)
_YEAR = re.compile(r"\b(?:1[89]\d\d|20\d\d)\b")
_WORD = re.compile(r"[\w'\u2019-]+")


def sentence_of(starts: list[int], offset: int) -> int:
    """Return the index of the sentence holding `offset`, given the sentences' start offsets."""
    return max(0, bisect.bisect_right(starts, offset) - 1)


def extract_quantities(text: str, starts: list[int]) -> Iterator[Fact]:
    """Numbers with their unit or counted noun (digits and words), dates and years, with spans."""
    taken: list[tuple[int, int]] = []
    for match in _DATE.finditer(text):
        start = match.start("month3") if match.group("month3") else match.start()
        taken.append((start, match.end()))
        yield Fact(FactKind.DATE, Span(start, match.end()), _date_value(match), sentence_of(starts, start))
    for match in _DIGIT_NUMBER.finditer(text):
        start, end = (
            match.start("currency") if match.group("currency") else match.start("number"),
            match.end(),
        )
        while end > start and text[end - 1].isspace():
            end -= 1
        if _inside(taken, start, end) or _glued_to_word(text, start, end):
            continue
        value, unit = _digit_value(match)
        if unit == "" and _YEAR.fullmatch(match.group("number")):
            yield Fact(
                FactKind.DATE, Span(start, end), f"year {match.group('number')}", sentence_of(starts, start)
            )
            continue
        yield Fact(
            FactKind.NUMBER,
            Span(start, end),
            value,
            sentence_of(starts, start),
            unit or _counted_noun(text, end),
        )
    for match in _WORD_NUMBER.finditer(text):
        words = match.group().lower()
        if words in {"one", "a"} or _inside(taken, *match.span()):
            continue
        word_value = _word_value(words)
        if word_value is None:
            continue
        unit = "%" if match.group("percent") else ("ratio" if " in " in words else "")
        yield Fact(
            FactKind.NUMBER,
            Span(*match.span()),
            word_value,
            sentence_of(starts, match.start()),
            unit or _counted_noun(text, match.end()),
        )


def _inside(taken: list[tuple[int, int]], start: int, end: int) -> bool:
    """Tell whether a date holds `start:end`.

    Dates come in text order and never overlap, so only the last one starting at or before `start` can.
    """
    position = bisect.bisect_right(taken, (start, float("inf"))) - 1
    return position >= 0 and taken[position][0] <= start and end <= taken[position][1]


def _glued_to_word(text: str, start: int, end: int) -> bool:
    """Tell digits inside a word or code ("MP3", "G8", "3G") from a number standing alone."""
    before = text[start - 1 : start]
    after = text[end : end + 1]
    return before.isalpha() or (after.isalpha() and not text[start:end][-1:].isalpha())


def _digit_value(match: re.Match[str]) -> tuple[str, str]:
    number = float(match.group("number").replace(",", ""))
    if match.group("fraction"):
        return f"{match.group('number')}{match.group('fraction')}", "fraction"
    if match.group("range"):
        return f"{match.group('number')}{match.group('range')}", "range"
    multiplier = (match.group("multiplier") or "").lower()
    number *= _MULTIPLIERS.get(multiplier, 1.0)
    currency = _CURRENCIES.get((match.group("currency") or "").lower(), "")
    unit = "%" if match.group("percent") else currency
    if match.group("ordinal"):
        unit = unit or "ordinal"
    return format_number(number), unit


def format_number(number: float) -> str:
    """Return the canonical text of a numeric value, so that "3", "three" and "3.0" compare equal."""
    return format(number, ".6g")


def _word_value(words: str) -> str | None:
    if " in " in words:
        numerator, denominator = (_word_total(part) for part in words.split(" in ", 1))
        if numerator is None or not denominator:
            return None
        return format_number(numerator / denominator)
    total = _word_total(re.sub(r"\s?(%|per\s?cent|percent)$", "", words))
    return None if total is None else format_number(total)


def _word_total(words: str) -> float | None:
    total, current = 0.0, 0.0
    seen = False
    for word in re.split(r"[\s-]+", words.strip()):
        if word == "and" or not word:
            continue
        if word in fact_words.NUMBER_WORDS:
            current += fact_words.NUMBER_WORDS[word]
            seen = True
        elif word in fact_words.NUMBER_SCALES:
            scale = fact_words.NUMBER_SCALES[word]
            current = max(current, 1.0) * scale
            if scale >= 1000:
                total, current = total + current, 0.0
            seen = True
        else:
            return None
    return total + current if seen else None


def _counted_noun(text: str, end: int) -> str:
    """Return the stem of the word a number counts ("464,000 subscribers" -> "subscrib")."""
    for word in _WORD.findall(text[end : end + 40])[:3]:
        norm = normalize_word(word)
        if norm in {"of", "a", "an", "the", "more", "than", "new", "extra", "per", "about"}:
            continue
        return stem(norm) if norm.isalpha() else ""
    return ""


def _date_value(match: re.Match[str]) -> str:
    if match.group("weekday"):
        return match.group("weekday").lower()
    month = (match.group("month") or match.group("month2") or match.group("month3")).lower()
    day = match.group("day") or match.group("day2") or ""
    year = match.group("year") or match.group("year2") or match.group("year3") or ""
    return " ".join(part for part in (day, month, year) if part)
