"""The verdict reads the same everywhere: confidence is P(derived), copies are DERIVED with their changes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from dedup import compare, load_document
from dedup.cli import cli
from dedup.comparison.weights import DERIVED_MIN_PROBABILITY
from dedup.model import ChangeKind, DerivationKind

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "pairs"
SEEDS = FIXTURES / "seeds-rewrite"


@pytest.fixture
def copy_with_one_number_changed(tmp_path: Path) -> tuple[Path, Path, str, str]:
    text = (SEEDS / "a.txt").read_text(encoding="utf-8")
    number = re.search(r"\d+%", text)
    assert number is not None
    changed = f"{int(number.group()[:-1]) + 7}%"
    first, second = tmp_path / "first.txt", tmp_path / "second.txt"
    first.write_text(text, encoding="utf-8")
    second.write_text(text[: number.start()] + changed + text[number.end() :], encoding="utf-8")
    return first, second, number.group(), changed


def test_a_copy_with_one_number_changed_is_derived_with_the_number_listed(
    copy_with_one_number_changed: tuple[Path, Path, str, str],
) -> None:
    first, second, before, after = copy_with_one_number_changed
    runner = CliRunner()
    text = runner.invoke(cli, ["compare", str(first), str(second)])
    as_json = json.loads(runner.invoke(cli, ["compare", str(first), str(second), "--json"]).output)
    assert text.exit_code == 0
    assert text.output.startswith("DERIVED (copy")
    assert as_json["derived"] is True and as_json["kind"] == "copy"
    altered = [change for change in as_json["changes"] if change["type"] == "altered"]
    assert [
        (c["original"]["text"][: len(before)], c["derivative"]["text"][: len(after)]) for c in altered
    ] == [(before, after)]
    assert "ALTERED (1)" in text.output


def test_identical_texts_are_a_copy() -> None:
    document = load_document(SEEDS / "a.txt")
    result = compare(document, document)
    assert result.verdict.is_derived
    assert result.verdict.kind == DerivationKind.COPY
    assert result.fact_diff is not None and result.fact_diff.changes == ()


@pytest.mark.parametrize("case", sorted(path.name for path in FIXTURES.iterdir() if path.is_dir()))
def test_confidence_is_the_probability_of_derivation_in_text_and_json(case: str) -> None:
    first, second = FIXTURES / case / "a.txt", FIXTURES / case / "b.txt"
    runner = CliRunner()
    text = runner.invoke(cli, ["compare", str(first), str(second)]).output
    as_json = json.loads(runner.invoke(cli, ["compare", str(first), str(second), "--json"]).output)
    assert as_json["derived"] == (as_json["confidence"] >= DERIVED_MIN_PROBABILITY)
    assert text.startswith("DERIVED" if as_json["derived"] else "NOT DERIVED")
    assert f"confidence {as_json['confidence']:.2f}" in text.splitlines()[0]


def test_the_verdict_says_why_in_countable_words() -> None:
    result = compare(load_document(SEEDS / "a.txt"), load_document(SEEDS / "b.txt"))
    assert 1 <= len(result.reasons) <= 4
    assert any(re.search(r"\d+ specific facts", reason) for reason in result.reasons)
    assert any(change.kind == ChangeKind.OMITTED for change in result.fact_diff.changes)  # type: ignore[union-attr]
