"""Every case under fixtures/pairs/ holds what its expect.toml says."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from dedup import compare, load_document

PAIRS = Path(__file__).parent.parent / "fixtures" / "pairs"
CASES = sorted(path.name for path in PAIRS.iterdir() if (path / "expect.toml").exists())


@pytest.mark.parametrize("case", CASES)
def test_verdict_matches_expectation(case: str) -> None:
    folder = PAIRS / case
    expect = tomllib.loads((folder / "expect.toml").read_text())
    result = compare(load_document(folder / "a.txt"), load_document(folder / "b.txt"))
    assert result.verdict.is_derived == expect["derived"]
    if "original" in expect:
        assert result.verdict.original == expect["original"]
    if "kind" in expect:
        assert result.verdict.kind == expect["kind"]


@pytest.mark.parametrize("case", CASES)
def test_verdict_is_symmetric_under_swap(case: str) -> None:
    folder = PAIRS / case
    a, b = load_document(folder / "a.txt"), load_document(folder / "b.txt")
    forward, backward = compare(a, b), compare(b, a)
    assert forward.verdict.is_derived == backward.verdict.is_derived
    if forward.verdict.is_derived:
        assert {forward.verdict.original, backward.verdict.original} == {"a", "b"}
