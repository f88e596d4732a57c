"""Bytes -> text: UTF-8 and BOMs first, then Windows-1252 where its punctuation explains the bytes."""

from __future__ import annotations

import unicodedata

import charset_normalizer

from dedup.errors import BinaryFileError, DecodeError, EmptyDocumentError
from dedup.settings import DEFAULT_SOURCE_SETTINGS, SourceSettings

_SAMPLE_BYTES = 8192
_TEXT_CONTROLS = frozenset({9, 10, 12, 13})
_PREFERRED_ENCODINGS = {"utf_8": 0, "cp1252": 1, "iso8859_15": 2, "latin_1": 3, "iso8859_1": 3}
# Marks that sit between two letters in ordinary Western text: apostrophes, hyphens and dashes
# ("plan\u2014which"), an ellipsis, a middle dot.
_INSIDE_WORD_MARKS = frozenset("\u2019\u2018'\u00b7\u2010\u2011\u00ad\u2013\u2014\u2026")
_ALPHABETS = ("LATIN", "GREEK", "CYRILLIC")
_ORDINAL_MARKS = frozenset("ªº")  # 1º, 2ª


def decode_bytes(data: bytes, source: str, settings: SourceSettings = DEFAULT_SOURCE_SETTINGS) -> str:
    """Decode bytes as text: UTF-8 (with or without BOM), UTF-16 with a BOM, then by detection.

    Detection prefers Windows-1252 when it reads every non-ASCII byte as something Western text
    holds (curly quotes, dashes, currency signs outside words; accented letters inside words), unless
    charset-normalizer finds another encoding whose text is clearly more coherent in its language.

    Raises:
        EmptyDocumentError: nothing but white space.
        BinaryFileError: too many control bytes to be text.
        DecodeError: no encoding fits.
    """
    if not data.strip():
        raise EmptyDocumentError(f"{source}: empty file")
    if looks_binary(data, settings.binary_control_share):
        raise BinaryFileError(f"{source}: binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    for bom, encoding in ((b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise DecodeError(f"{source}: not valid {encoding}") from exc
    return _detected(data, source, settings)


def looks_binary(data: bytes, max_control_share: float) -> bool:
    """Tell whether the start of `data` has more control bytes (NUL included) than text has.

    One stray NUL does not make a file binary (a JSONL file with one bad line is still JSONL); images,
    archives and UTF-16 without a BOM have NULs and controls in a large share of their bytes.
    """
    sample = data[:_SAMPLE_BYTES]
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False  # UTF-16 text has NUL bytes by design
    controls = sum(1 for byte in sample if byte < 32 and byte not in _TEXT_CONTROLS)
    return controls > max_control_share * len(sample)


def _detected(data: bytes, source: str, settings: SourceSettings) -> str:
    matches = list(charset_normalizer.from_bytes(data))
    windows = _windows_1252(data)
    # Readings that put a symbol inside a word or a letter against a digit are wrong code pages,
    # however clean charset-normalizer finds them: Polish cp1250 read as cp1252 is "Rz¹d".
    plausible = [match for match in matches if is_plausible_text(str(match))] or matches
    if not plausible:
        if windows is not None:
            return windows
        raise DecodeError(f"{source}: cannot detect the text encoding")
    # Short texts fit several single-byte code pages equally well; among the equally clean ones,
    # prefer the legacy encodings most used for English-language news on the web.
    least_chaos = min(match.chaos for match in plausible)
    clean = [match for match in plausible if match.chaos <= least_chaos + settings.encoding_chaos_tolerance]
    best = min(clean, key=lambda match: _PREFERRED_ENCODINGS.get(match.encoding, len(_PREFERRED_ENCODINGS)))
    if windows is None or str(best) == windows:
        return str(best)
    # A multi-byte or DOS code page can read a mostly-ASCII text with less "chaos" (Shift-JIS turns
    # "£" into a half-width bracket; cp852 turns curly quotes into "ô" and "ö"), so chaos alone does
    # not decide. Another encoding wins only on language evidence: Czech read as cp1250, not cp1252.
    windows_match = charset_normalizer.from_bytes(data, cp_isolation=["cp1252"]).best()
    windows_coherence = windows_match.coherence if windows_match is not None else 0.0
    if best.coherence > windows_coherence + settings.encoding_coherence_margin:
        return str(best)
    return windows


def _windows_1252(data: bytes) -> str | None:
    """The cp1252 reading of `data` when every non-ASCII character in it is plausible, else None."""
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None  # a byte cp1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D)
    return text if is_plausible_text(text) else None


def is_plausible_text(text: str) -> bool:
    """Tell whether every non-ASCII character of `text` sits where that kind of character belongs."""
    return all(_is_plausible(text, at) for at, char in enumerate(text) if ord(char) > 127)


def _is_plausible(text: str, at: int) -> bool:
    """A letter belongs in a word, never against a digit; a mark between words (apostrophes excepted).

    A wrong code page shows as letters against digits ("Ł5m" for "£5m" in cp1250) and as
    symbols inside words ("ma³y" for "mały" read as cp1252).
    """
    char = text[at]
    before = text[at - 1] if at > 0 else " "
    after = text[at + 1] if at + 1 < len(text) else " "
    if char.isalpha():
        # Ideographs and kana stand next to digits ("1月"); alphabets' letters do not.
        is_alphabetic = unicodedata.name(char, "").startswith(_ALPHABETS)
        return not is_alphabetic or char in _ORDINAL_MARKS or not (before.isdigit() or after.isdigit())
    if unicodedata.category(char).startswith("C"):
        return False  # cp1252 maps no byte to a control, but be explicit about it
    return char in _INSIDE_WORD_MARKS or not (before.isalpha() and after.isalpha())
