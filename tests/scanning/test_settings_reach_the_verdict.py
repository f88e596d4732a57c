"""Custom Settings reach every stage: compare's fact diff, and the compares a scan runs for its flags."""

from __future__ import annotations

from pathlib import Path

from dedup import DiffSettings, Settings, compare, load_document, scan
from dedup.index import open_index
from dedup.model import ChangeKind
from dedup.settings import ScanOptions

SEEDS = Path(__file__).resolve().parents[2] / "fixtures" / "pairs" / "seeds-rewrite"
# No sentence carries a million content words, so these settings can list no omission.
NO_OMISSIONS = Settings(diff=DiffSettings(omit_min_words=10**6))


def _omissions(changes: object) -> int:
    return sum(change.kind == ChangeKind.OMITTED for change in changes)  # type: ignore[attr-defined]


def test_compare_runs_the_diff_with_the_settings_it_was_given() -> None:
    original, rewrite = load_document(SEEDS / "a.txt"), load_document(SEEDS / "b.txt")
    default = compare(original, rewrite)
    tuned = compare(original, rewrite, NO_OMISSIONS)
    assert default.fact_diff is not None and tuned.fact_diff is not None
    assert _omissions(default.fact_diff.changes) > 0
    assert _omissions(tuned.fact_diff.changes) == 0


def test_a_scan_judges_with_its_own_settings(tmp_path: Path) -> None:
    sources = [SEEDS / "a.txt", SEEDS / "b.txt"]
    with open_index(tmp_path / "default.sqlite") as index:
        default_flags = list(scan(sources, index))
    with open_index(tmp_path / "tuned.sqlite") as index:
        tuned_flags = list(scan(sources, index, ScanOptions(settings=NO_OMISSIONS)))
    assert len(default_flags) == len(tuned_flags) == 1
    assert _omissions(default_flags[0].changes) > 0
    assert _omissions(tuned_flags[0].changes) == 0
