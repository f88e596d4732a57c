"""Each change's fact line reads as a sentence a moderator can act on."""

from __future__ import annotations

from pathlib import Path

from dedup.comparison.compare import compare
from dedup.model import ChangeKind
from dedup.sources.load import load_document

SEEDS = Path(__file__).resolve().parents[2] / "fixtures" / "pairs" / "seeds-rewrite"


def test_an_added_hedge_quotes_the_claim_the_original_stated_outright() -> None:
    result = compare(load_document(SEEDS / "a.txt"), load_document(SEEDS / "b.txt"))
    assert result.fact_diff is not None
    added = [
        change
        for change in result.fact_diff.changes
        if change.kind is ChangeKind.SOFTENED and "adds" in change.fact
    ]
    assert added, [change.fact for change in result.fact_diff.changes]
    change = added[0]
    original_text = load_document(SEEDS / "a.txt").text
    claim_start = original_text[change.original.start : change.original.start + 20]
    # The line names the hedge and quotes the claim from where the original span starts.
    assert (
        f'"{load_document(SEEDS / "b.txt").text[change.derivative.start : change.derivative.end]}"'
        in change.fact
    )
    assert claim_start.split()[0] in change.fact and "states outright" in change.fact
