"""`dedup compare --html`: the page beside the JSON, and its one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from dedup.cli import cli
from tests.report.helpers import (
    SEEDS,
)

# --- CLI -----------------------------------------------------------------------------------------


def test_compare_writes_html_alongside_json(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    result = CliRunner().invoke(
        cli, ["compare", str(SEEDS / "a.txt"), str(SEEDS / "b.txt"), "--json", "--html", str(target)]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["a"]["path"] == str(SEEDS / "a.txt")
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "U.K. Says China Supplying Russia With &#x27;Lethal Aid&#x27;" in page


def test_compare_html_into_a_missing_folder_is_one_line_error(tmp_path: Path) -> None:
    target = tmp_path / "missing" / "report.html"
    result = CliRunner().invoke(
        cli, ["compare", str(SEEDS / "a.txt"), str(SEEDS / "b.txt"), "--html", str(target)]
    )
    # The click group is the error boundary: one line on stderr, exit 1, the cause kept.
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {target}: cannot write report")
    assert not target.exists()


def test_compare_html_with_pairs_is_a_usage_error(tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text(f"{SEEDS / 'a.txt'}\t{SEEDS / 'b.txt'}\n")
    result = CliRunner().invoke(cli, ["compare", "--pairs", str(pairs), "--html", str(tmp_path / "x.html")])
    assert result.exit_code == 2
    assert "--html needs two" in result.stderr
