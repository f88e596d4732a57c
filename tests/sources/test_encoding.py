"""Encoding detection: Windows-1252 where its punctuation explains the bytes, other code pages kept."""

# The texts are deliberately non-ASCII (curly quotes, dashes, Cyrillic): the code pages under test.
# ruff: noqa: RUF001

from __future__ import annotations

from pathlib import Path

import pytest

from dedup.errors import BinaryFileError
from dedup.sources.encoding import decode_bytes, is_plausible_text, looks_binary

SEEDS = Path(__file__).resolve().parents[2] / "fixtures" / "pairs" / "seeds-rewrite"

WINDOWS_TEXTS = [
    # Curly quotes alone: charset-normalizer reads them as cp852 "ô...ö" (issue 13).
    (SEEDS / "b.txt").read_text(encoding="utf-8"),
    # A pound sign before digits: read as Shift-JIS it is a half-width bracket.
    "The council approved the £42m plan on Tuesday. Critics said the cost had risen by £11m.",
    "Café owners said “we’re worried” – prices rose 5‰ … and the €1 coin™.",
    "El Gobierno aprobó el 1º de enero una ley: ¿cuánto costará? «Mucho».",
]
OTHER_TEXTS = [
    ("cp1250", "Příliš žluťoučký kůň úpěl ďábelské ódy. Vláda schválila nový zákon o daních."),
    ("cp1250", "Rząd zatwierdził nową ustawę podatkową, która wejdzie w życie w styczniu przyszłego roku."),
    ("cp1251", "Правительство одобрило новый закон о налогах, который вступит в силу в январе."),
    ("shift_jis", "政府は来年1月に施行される新しい税法を承認した。"),
    ("utf-16", "Ministers approved the £42m plan on Tuesday."),
]


@pytest.mark.parametrize("text", WINDOWS_TEXTS)
def test_windows_1252_is_read_as_such(text: str) -> None:
    assert decode_bytes(text.encode("cp1252"), "x.txt") == text


@pytest.mark.parametrize(("encoding", "text"), OTHER_TEXTS)
def test_other_code_pages_are_not_taken_for_windows_1252(encoding: str, text: str) -> None:
    assert decode_bytes(text.encode(encoding), "x.txt") == text


def test_plausibility_names_misreadings() -> None:
    assert is_plausible_text("£42m and “quoted”, café, plan—which")
    assert not is_plausible_text("Ł42m")  # a letter against digits: cp1250 for "£42m"
    assert not is_plausible_text("ma³y")  # a symbol inside a word: cp1252 for Polish "mały"


def test_one_nul_byte_is_not_a_binary_file() -> None:
    line = b'{"text": "a line"}\n'
    assert not looks_binary(line * 40 + b'{"text": "bad\x00"}\n' + line * 40, 0.05)
    with pytest.raises(BinaryFileError):
        decode_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01", "x.png")
