"""The learned certainty rule (off by default) only adds softened/hardened changes, on marker words."""

from __future__ import annotations

from pathlib import Path

from dedup import DiffSettings, diff_facts, load_document
from dedup.facts import claim_strength
from dedup.model import ChangeKind

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "pairs"


def test_the_learned_rule_adds_only_certainty_changes_on_markers() -> None:
    added_any = False
    for case in sorted(path for path in FIXTURES.iterdir() if path.is_dir()):
        original, derivative = load_document(case / "a.txt"), load_document(case / "b.txt")
        plain = diff_facts(original, derivative).changes
        learned = diff_facts(original, derivative, DiffSettings(use_learned_certainty=True)).changes
        assert set(plain) <= set(learned)
        for change in set(learned) - set(plain):
            added_any = True
            assert change.kind in (ChangeKind.SOFTENED, ChangeKind.HARDENED)
            assert change.derivative is not None and change.original is not None
            side = change.derivative if change.kind == ChangeKind.SOFTENED else change.original
            text = (derivative if change.kind == ChangeKind.SOFTENED else original).text[
                side.start : side.end
            ]
            assert claim_strength.certainty_markers(text), text
    assert added_any
