"""Every case under fixtures/pairs/ holds what its expect.toml says."""

from __future__ import annotations

import tomllib
from dataclasses import asdict
from pathlib import Path

import pytest

from dedup import FactChange, FactDiff, compare, diff_facts, load_document

PAIRS = Path(__file__).parent.parent.parent / "fixtures" / "pairs"
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
    assert asdict(forward.scores) == pytest.approx(asdict(backward.scores))
    if forward.verdict.is_derived:
        # The same document is the original whichever order they come in; a tie stays undecided.
        originals = {forward.verdict.original, backward.verdict.original}
        assert originals in ({"a", "b"}, {None})


def _spans(diff: FactDiff, change: FactChange) -> dict[str, str]:
    return {
        "original": change.original.slice(diff.original.text) if change.original else "",
        "derivative": change.derivative.slice(diff.derivative.text) if change.derivative else "",
    }


@pytest.mark.parametrize("case", CASES)
def test_fact_changes_match_expectation(case: str) -> None:
    """Each [[changes]] quote lies inside a reported change of its type; [[unchanged]] ones in none."""
    folder = PAIRS / case
    expect = tomllib.loads((folder / "expect.toml").read_text())
    diff = diff_facts(load_document(folder / "a.txt"), load_document(folder / "b.txt"))
    reported = [(str(change.kind), _spans(diff, change)) for change in diff.changes]
    for wanted in expect.get("changes", []):
        sides = [side for side in ("original", "derivative") if side in wanted]
        assert any(
            kind == wanted["type"] and all(wanted[side] in spans[side] for side in sides)
            for kind, spans in reported
        ), f"{case}: no {wanted['type']} change covering {wanted}; got {reported}"
    for kept in expect.get("unchanged", []):
        sides = [side for side in ("original", "derivative") if side in kept]
        for kind, spans in reported:
            assert not any(kept[side] in spans[side] for side in sides), f"{case}: {kept} reported as {kind}"
    if "max_changes" in expect:
        assert len(diff.changes) <= expect["max_changes"], reported
