"""The `dedup diff` command, through CliRunner and the single error boundary in cli.main."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from dedup.cli import cli, main

PAIRS = Path(__file__).parent.parent.parent / "fixtures" / "pairs"


class _Boundary:
    """Run `cli.main` (the error boundary) as a click-style entry point for CliRunner."""

    def __init__(self) -> None:
        self.name = "dedup"

    def main(self, args: list[str], prog_name: str | None = None, **_: object) -> None:
        saved = sys.argv
        sys.argv = ["dedup", *args]
        try:
            main()
        finally:
            sys.argv = saved


def _run(*args: str) -> Result:
    return CliRunner().invoke(_Boundary(), list(args))  # type: ignore[arg-type]  # duck-typed command


def test_diff_text_groups_changes_by_type_and_quotes_both_sides() -> None:
    folder = PAIRS / "facts-softened"
    result = _run("diff", str(folder / "a.txt"), str(folder / "b.txt"))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("SOFTENED (2)")
    assert 'original:   "12%"' in result.stdout
    assert 'derivative: "significant growth"' in result.stdout


def test_diff_json_has_documents_and_exact_spans() -> None:
    folder = PAIRS / "facts-altered"
    result = _run("diff", str(folder / "a.txt"), str(folder / "b.txt"), "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["original"]["path"] == str(folder / "a.txt")
    assert payload["derivative"]["path"] == str(folder / "b.txt")
    texts = {"original": (folder / "a.txt").read_text(), "derivative": (folder / "b.txt").read_text()}
    assert {change["type"] for change in payload["changes"]} == {"altered"}
    for change in payload["changes"]:
        for side in ("original", "derivative"):
            span = change[side]
            assert texts[side][span["start"] : span["end"]] == span["text"]
    assert ["£42m", "£48m"] in [[c["original"]["text"], c["derivative"]["text"]] for c in payload["changes"]]


def test_diff_without_changes_says_so() -> None:
    folder = PAIRS / "facts-indirect-speech"
    result = _run("diff", str(folder / "a.txt"), str(folder / "b.txt"))
    assert result.exit_code == 0
    assert result.stdout.strip() == "no fact changes found"


@pytest.mark.parametrize("missing", ["first", "second"])
def test_diff_missing_file_is_one_line_error(tmp_path: Path, missing: str) -> None:
    present = PAIRS / "facts-added" / "a.txt"
    absent = tmp_path / "nope.txt"
    args = (str(absent), str(present)) if missing == "first" else (str(present), str(absent))
    result = _run("diff", *args)
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [f"error: {absent}: no such file"]
    assert "Traceback" not in result.output
    assert result.stdout == ""


def test_diff_empty_file_is_one_line_error(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n")
    result = _run("diff", str(empty), str(PAIRS / "facts-added" / "a.txt"))
    assert result.exit_code == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("error: ")
    assert "Traceback" not in result.output


def test_diff_needs_two_documents() -> None:
    result = _run("diff", str(PAIRS / "facts-added" / "a.txt"))
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_diff_has_help_text() -> None:
    result = CliRunner().invoke(cli, ["diff", "--help"])
    assert result.exit_code == 0
    assert "ORIGINAL" in result.stdout and "--json" in result.stdout
