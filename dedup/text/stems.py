"""Light English suffix stripping, so two versions of one text compare "rises" with "rising"."""

from __future__ import annotations

from functools import cache


@cache
def stem(norm: str) -> str:
    """Strip common English inflections so "rises", "rising" and "rise" compare equal.

    A light suffix stripper in the spirit of Lovins (1968) and the S-stemmer of Harman (1991); it only
    has to make the two versions of one text comparable, not produce dictionary forms.
    """
    for suffix in ("ations", "ation", "ments", "ment", "ingly", "ings", "ing", "edly", "ies", "ied"):
        if norm.endswith(suffix) and len(norm) - len(suffix) >= 3:
            return norm[: -len(suffix)]
    for suffix in ("ers", "er", "ed", "es", "ly", "s", "e"):
        if norm.endswith(suffix) and len(norm) - len(suffix) >= 3 and not norm.endswith("ss"):
            return norm[: -len(suffix)]
    return norm
