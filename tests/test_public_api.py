"""The public surface: a sorted, complete __all__, and the five-line example of the style guide."""

from __future__ import annotations

from pathlib import Path

import dedup

SEEDS = Path(__file__).parent.parent / "fixtures" / "pairs" / "seeds-rewrite"


def test_all_is_sorted_and_complete() -> None:
    assert dedup.__all__ == sorted(dedup.__all__)
    # Public names load on first use (issue 13), so dir(), not vars(), lists them.
    public = {name for name in dir(dedup) if not name.startswith("_")}
    modules = {name for name in public if type(getattr(dedup, name)) is type(dedup)}
    helpers = {"annotations", "importlib", "logging", "TYPE_CHECKING", "Any"}
    assert public - modules - helpers == set(dedup.__all__)
    assert all(getattr(dedup, name) is not None for name in dedup.__all__)


def test_five_line_library_use() -> None:
    original, suspect = dedup.load_document(SEEDS / "a.txt"), dedup.load_document(SEEDS / "b.txt")
    result = dedup.compare(original, suspect)
    assert result.verdict.is_derived and result.verdict.original == "a"
    assert result.fact_diff is not None
    assert {change.kind for change in result.fact_diff.changes} >= {"omitted", "softened", "hardened"}


def test_compare_of_a_document_with_itself_is_a_copy() -> None:
    document = dedup.load_document(SEEDS / "a.txt")
    result = dedup.compare(document, document)
    assert result.verdict.is_derived
    assert result.verdict.kind == dedup.DerivationKind.COPY
    assert result.scores.minhash_jaccard == 1.0
